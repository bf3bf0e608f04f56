"""The OpenAPI schema and our own documentation page built from it."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from ehelsenord.api.docs import EndpointDoc, FieldDoc, TypeDoc, api_doc, type_label

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/municipalities": ["get"],
    "/api/v1/municipalities/{number}": ["get"],
    "/api/v1/solutions": ["get"],
    "/api/v1/records": ["get"],
    "/api/v1/records/{number}/{slug}": ["get", "patch"],
    "/api/v1/records/{number}/{slug}/history": ["get"],
}


class _Page(HTMLParser):
    """Collects what the tests look at: headings, links, code blocks, tables, scripts and attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.texts: dict[str, list[str]] = {}
        self.links: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._text: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.attributes.extend((tag, name) for name in values)
        if tag == "a":
            self.links.append(values.get("href", ""))
        if tag in {"br", "input", "img", "meta", "link", "hr"}:
            return
        self.stack.append((tag, values))
        self._text.append([])

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, values = self.stack.pop()
            text = "".join(self._text.pop())
            if self._text:
                self._text[-1].append(text)
            if open_tag == "script":
                self.scripts.append((values, text))
            key = open_tag if open_tag != "table" else "table"
            self.texts.setdefault(key, []).append(text if open_tag == "pre" else " ".join(text.split()))
            if open_tag == tag:
                return

    def handle_data(self, data: str) -> None:
        if self._text:
            self._text[-1].append(data)


def read_page(response: Any) -> _Page:
    parsed = _Page()
    parsed.feed(response.content.decode())
    return parsed


# --- The schema ------------------------------------------------------------------------------------


def test_openapi_schema_is_public_and_lists_every_operation() -> None:
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    schema = response.json()
    assert (schema["info"]["title"], schema["info"]["version"]) == ("eHelse Nord API", "1")
    assert {path: sorted(operations) for path, operations in schema["paths"].items()} == PATHS
    assert schema["components"]["securitySchemes"] == {"ApiTokenAuth": {"type": "http", "scheme": "bearer"}}


def test_openapi_schema_marks_exactly_the_record_operations_as_needing_a_token() -> None:
    schema = Client().get("/api/v1/openapi.json").json()

    secured = sorted(
        operation["operationId"]
        for operations in schema["paths"].values()
        for operation in operations.values()
        if operation.get("security")
    )
    assert secured == ["record_get", "record_history", "record_list", "record_update"]


def test_openapi_schema_describes_the_patch_body_without_defaults() -> None:
    schema = Client().get("/api/v1/openapi.json").json()

    body = schema["components"]["schemas"]["RecordPatch"]
    assert list(body["properties"]) == [
        "phase",
        "traffic_light",
        "note",
        "target_date",
        "go_live_date",
        "evidence",
        "public",
    ]
    assert body["additionalProperties"] is False
    assert [name for name, field in body["properties"].items() if "default" in field] == []
    assert body["properties"]["phase"]["type"] == "string"


# --- The documentation page ------------------------------------------------------------------------


def test_docs_page_is_public_and_lists_every_endpoint() -> None:
    response = Client().get("/api/v1/dokumentasjon/")

    assert response.status_code == 200
    page = read_page(response)
    assert page.texts["h1"] == ["API-dokumentasjon"]
    assert page.texts["h2"] == [
        "Innhold",
        "Skaff deg en API-nøkkel",
        "Send nøkkelen",
        "Feil",
        "Endepunkter",
        "Datatyper",
        "Lisens for referansedataene",
    ]
    assert page.texts["h3"] == [
        "Alle kommuner",
        "Én kommune",
        "Alle løsninger",
        "Registreringer for et område",
        "Én registrering",
        "Endre en registrering",
        "Historikken til en registrering",
    ]
    assert "/api/v1/openapi.json" in page.links
    assert "/konto/#tokens-heading" in page.links


def test_docs_page_shows_how_to_send_the_token_and_curl_examples() -> None:
    page = read_page(Client().get("/api/v1/dokumentasjon/"))

    blocks = page.texts["pre"]
    assert "Authorization: Bearer <token>" in blocks
    assert f"curl '{settings.SITE_URL}/api/v1/municipalities?county=18'" in blocks
    assert (
        "curl \\\n"
        "  -X PATCH \\\n"
        '  -H "Authorization: Bearer $EHN_API_TOKEN" \\\n'
        '  -H "Content-Type: application/json" \\\n'
        """  -d '{"phase": "planlagt", "traffic_light": "at_risk", "note": "Venter på avtale med leverandøren.", """
        """"target_date": "2026-09-01"}' \\\n"""
        f"  {settings.SITE_URL}/api/v1/records/1804/kjernejournal"
    ) in blocks


def test_api_root_leads_to_the_docs_page() -> None:
    response = Client().get("/api/v1/")

    assert response.status_code == 302
    assert response["Location"] == "/api/v1/dokumentasjon/"


def test_docs_page_shows_each_endpoints_answer_and_status_codes() -> None:
    page = read_page(Client().get("/api/v1/dokumentasjon/"))

    assert [text for text in page.texts["p"] if text.startswith("Svar:")] == [
        "Svar: array[MunicipalityOut]. Statuskoder: 200, 422.",
        "Svar: MunicipalityOut. Statuskoder: 200, 404.",
        "Svar: array[SolutionOut]. Statuskoder: 200.",
        "Svar: array[RecordOut]. Statuskoder: 200, 401, 422.",
        "Svar: RecordOut. Statuskoder: 200, 401, 404.",
        "Svar: RecordOut. Statuskoder: 200, 401, 403, 404, 422.",
        "Svar: array[ChangeOut]. Statuskoder: 200, 401, 404.",
    ]


def test_docs_page_tables_come_from_the_schema() -> None:
    page = read_page(Client().get("/api/v1/dokumentasjon/"))

    tables = page.texts["table"]
    parameters = next(text for text in tables if text.startswith("Parametere: Registreringer for et område"))
    assert parameters == (
        "Parametere: Registreringer for et område Parameter Hvor Type Påkrevd Beskrivelse "
        "area i spørrestrengen string nei region (standard), norge, eller et fylkesnummer. "
        "municipality i spørrestrengen string | null nei Bare denne kommunen (kommunenummer). "
        "solution i spørrestrengen string | null nei Bare denne løsningen (nøkkel). "
        "stage i spørrestrengen not_started | planned | preparing | piloting | in_production | realising_benefits | "
        "not_relevant | null nei Bare registreringene på dette trinnet."
    )
    assert any(text.startswith("Felt i innholdet (JSON-objekt): Endre en registrering.") for text in tables)
    # The answers' types, in the order the schema first uses them; request bodies stay with their endpoint.
    assert [text.split()[0] for text in tables if " " in text and text.split()[1] == "Felt"] == [
        "MunicipalityOut",
        "ErrorItem",
        "ErrorOut",
        "PhaseOut",
        "SolutionOut",
        "RecordOut",
        "ChangeOut",
    ]


def test_docs_page_credits_the_sources_of_the_reference_data() -> None:
    page = read_page(Client().get("/api/v1/dokumentasjon/"))

    paragraphs = page.texts["p"]
    assert (
        "Du kan bruke og dele dataene fritt. Når du publiserer dem eller noe som bygger på dem, skal du oppgi "
        "kildene: «Statistisk sentralbyrå» og «Kartverket»."
    ) in paragraphs
    assert "https://creativecommons.org/licenses/by/4.0/deed.no" in page.links
    assert "https://data.norge.no/nlod/no/2.0" in page.links


def test_docs_page_has_no_inline_scripts_or_styles() -> None:
    page = read_page(Client().get("/api/v1/dokumentasjon/"))

    assert [text for attributes, text in page.scripts if text.strip() or "src" not in attributes] == []
    assert [(tag, name) for tag, name in page.attributes if name == "style" or name.startswith("on")] == []


# --- Reading the schema (pure) ----------------------------------------------------------------------

COMPONENTS = {
    "Colour": {"enum": ["red", "green"], "type": "string"},
    "ThingOut": {
        "properties": {
            "name": {"type": "string", "description": "Navn."},
            "colour": {"$ref": "#/components/schemas/Colour"},
        },
        "required": ["name"],
        "type": "object",
    },
    "ThingPatch": {"properties": {"name": {"type": "string", "examples": ["Ny"]}}, "type": "object"},
}


@pytest.mark.parametrize(
    ("schema", "label"),
    [
        ({"type": "string"}, "string"),
        ({"type": "string", "format": "date"}, "string (date)"),
        ({"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}, "string (date) | null"),
        ({"$ref": "#/components/schemas/Colour"}, "red | green"),
        ({"$ref": "#/components/schemas/ThingOut"}, "ThingOut"),
        ({"type": "array", "items": {"$ref": "#/components/schemas/ThingOut"}}, "array[ThingOut]"),
        ({"allOf": [{"$ref": "#/components/schemas/Colour"}]}, "red | green"),
        ({}, "any"),
    ],
)
def test_type_label(schema: dict[str, Any], label: str) -> None:
    assert type_label(schema, COMPONENTS) == label


def test_api_doc_reads_operations_parameters_bodies_and_types() -> None:
    schema = {
        "info": {"title": "Test", "version": "2", "description": "Om."},
        "paths": {
            "/v2/things/{id}": {
                "get": {
                    "operationId": "thing_get",
                    "summary": "Én ting",
                    "description": "Henter.",
                    "parameters": [
                        {"in": "path", "name": "id", "required": True, "schema": {"type": "string"}, "examples": ["7"]},
                        {"in": "query", "name": "full", "required": False, "schema": {"type": "boolean"}},
                    ],
                    "responses": {
                        "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingOut"}}}}
                    },
                },
                "patch": {
                    "operationId": "thing_update",
                    "summary": "Endre",
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingPatch"}}}
                    },
                    "responses": {"200": {}, "422": {}},
                    "security": [{"Token": []}],
                },
            }
        },
        "components": {"schemas": COMPONENTS},
    }

    doc = api_doc(schema, site_url="https://example.test")

    assert (doc.title, doc.version, doc.description) == ("Test", "2", "Om.")
    assert doc.endpoints == [
        EndpointDoc(
            anchor="thing_get",
            method="GET",
            path="/v2/things/{id}",
            summary="Én ting",
            description="Henter.",
            public=True,
            parameters=[
                FieldDoc(name="id", type="string", description="", required=True, location="path"),
                FieldDoc(name="full", type="boolean", description="", required=False, location="query"),
            ],
            body_type="",
            body_fields=[],
            response_type="ThingOut",
            status_codes=["200"],
            curl="curl https://example.test/v2/things/7",
        ),
        EndpointDoc(
            anchor="thing_update",
            method="PATCH",
            path="/v2/things/{id}",
            summary="Endre",
            description="",
            public=False,
            parameters=[],
            body_type="ThingPatch",
            body_fields=[FieldDoc(name="name", type="string", description="")],
            response_type="",
            status_codes=["200", "422"],
            curl=(
                'curl \\\n  -X PATCH \\\n  -H "Authorization: Bearer $EHN_API_TOKEN" \\\n'
                '  -H "Content-Type: application/json" \\\n  -d \'{"name": "Ny"}\' \\\n'
                "  'https://example.test/v2/things/{id}'"
            ),
        ),
    ]
    assert doc.types == [
        TypeDoc(
            name="ThingOut",
            fields=[
                FieldDoc(name="name", type="string", description="Navn.", required=True),
                FieldDoc(name="colour", type="red | green", description=""),
            ],
        )
    ]
