"""The documentation page's content, read from the API's own OpenAPI schema.

A pure module: the schema dict in, plain data out. Because the page is built from the schema,
it cannot describe an endpoint, a parameter or a field that the API does not have.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from typing import Any

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
# The environment variable the curl examples read the token from, so they can be pasted as they are.
TOKEN_VARIABLE = "EHN_API_TOKEN"  # noqa: S105 (a variable name, not a secret)


@dataclass(frozen=True)
class FieldDoc:
    name: str
    type: str
    description: str
    required: bool = False
    location: str = ""


@dataclass(frozen=True)
class TypeDoc:
    name: str
    fields: list[FieldDoc]


@dataclass(frozen=True)
class EndpointDoc:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    public: bool
    parameters: list[FieldDoc]
    body_type: str
    body_fields: list[FieldDoc]
    response_type: str
    status_codes: list[str]
    curl: str


@dataclass(frozen=True)
class ApiDoc:
    title: str
    version: str
    description: str
    endpoints: list[EndpointDoc]
    types: list[TypeDoc]


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def type_label(schema: dict[str, Any], components: dict[str, Any]) -> str:
    """A short, readable type: `string (date) | null`, `array[PhaseOut]`, `on_track | at_risk | delayed`."""
    name = _ref_name(schema)
    if name is not None:
        target = components.get(name, {})
        return " | ".join(str(value) for value in target["enum"]) if "enum" in target else name
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            return " | ".join(type_label(part, components) for part in schema[combinator])
    if "enum" in schema:
        return " | ".join(str(value) for value in schema["enum"])
    kind = str(schema.get("type", "any"))
    if kind == "array":
        return f"array[{type_label(schema.get('items', {}), components)}]"
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return kind


def _example(schema: dict[str, Any]) -> Any:
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    return schema.get("example")


def _fields(schema: dict[str, Any], components: dict[str, Any]) -> list[FieldDoc]:
    required = set(schema.get("required", []))
    return [
        FieldDoc(
            name=name,
            type=type_label(prop, components),
            description=str(prop.get("description", "")),
            required=name in required,
        )
        for name, prop in schema.get("properties", {}).items()
    ]


def _responses(operation: dict[str, Any]) -> dict[str, Any]:
    # ninja's schema dict keys the status codes as numbers; the JSON schema (and OpenAPI) as text.
    return {str(code): response for code, response in operation.get("responses", {}).items()}


def _response_type(operation: dict[str, Any], components: dict[str, Any]) -> str:
    ok = _responses(operation).get("200", {})
    schema = ok.get("content", {}).get("application/json", {}).get("schema")
    return type_label(schema, components) if schema else ""


def _curl(
    *, method: str, path: str, public: bool, parameters: list[dict[str, Any]], body: dict[str, Any], site_url: str
) -> str:
    url = site_url + path
    query: list[str] = []
    for parameter in parameters:
        example = _example(parameter) or _example(parameter.get("schema", {}))
        if example is None:
            continue
        if parameter.get("in") == "path":
            url = url.replace("{" + parameter["name"] + "}", str(example))
        elif parameter.get("in") == "query" and not query:
            # One query parameter is enough to show how they are written.
            query.append(f"{parameter['name']}={example}")
    if query:
        url += "?" + "&".join(query)
    lines = ["curl"]
    if method != "get":
        lines.append(f"-X {method.upper()}")
    if not public:
        lines.append(f'-H "Authorization: Bearer ${TOKEN_VARIABLE}"')
    if body:
        lines.append('-H "Content-Type: application/json"')
        lines.append("-d " + shlex.quote(json.dumps(body, ensure_ascii=False)))
    lines.append(shlex.quote(url))
    if len(lines) == 2:
        return " ".join(lines)
    return " \\\n  ".join(lines)


def _body_example(schema: dict[str, Any]) -> dict[str, Any]:
    example = {}
    for name, prop in schema.get("properties", {}).items():
        value = _example(prop)
        if value is not None:
            example[name] = value
    return example


def api_doc(schema: dict[str, Any], *, site_url: str) -> ApiDoc:
    """Everything the documentation page shows, in the schema's order."""
    components = schema.get("components", {}).get("schemas", {})
    endpoints = []
    body_types: set[str] = set()
    for path, operations in schema.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            public = not operation.get("security")
            parameters = operation.get("parameters", [])
            body_schema: dict[str, Any] = {}
            body_type = ""
            body_ref = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body_ref:
                body_type = _ref_name(body_ref) or ""
                body_schema = components.get(body_type, {})
                body_types.add(body_type)
            endpoints.append(
                EndpointDoc(
                    anchor=str(operation.get("operationId", f"{method}-{path}")),
                    method=method.upper(),
                    path=path,
                    summary=str(operation.get("summary", "")),
                    description=str(operation.get("description", "")),
                    public=public,
                    parameters=[
                        FieldDoc(
                            name=parameter["name"],
                            type=type_label(parameter.get("schema", {}), components),
                            description=str(parameter.get("description", "")),
                            required=bool(parameter.get("required")),
                            location=str(parameter.get("in", "")),
                        )
                        for parameter in parameters
                    ],
                    body_type=body_type,
                    body_fields=_fields(body_schema, components),
                    response_type=_response_type(operation, components),
                    status_codes=sorted(_responses(operation)),
                    curl=_curl(
                        method=method,
                        path=path,
                        public=public,
                        parameters=parameters,
                        body=_body_example(body_schema),
                        site_url=site_url,
                    ),
                )
            )
    types = [
        TypeDoc(name=name, fields=_fields(component, components))
        for name, component in components.items()
        # Request bodies are shown with their endpoint.
        if "properties" in component and name not in body_types
    ]
    info = schema.get("info", {})
    return ApiDoc(
        title=str(info.get("title", "")),
        version=str(info.get("version", "")),
        description=str(info.get("description", "")),
        endpoints=endpoints,
        types=types,
    )
