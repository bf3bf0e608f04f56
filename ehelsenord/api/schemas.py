"""The API's request and response shapes. Descriptions are in Norwegian: they are the API's documentation.

Plain pydantic models rather than ninja's Schema: the handlers build the answers themselves, so
ninja's attribute-resolving validator is not needed, and it made GET /records?area=norge
(about 8 000 rows) several times slower.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from ehelsenord.rollout.enums import ChangeSource, Evidence, TrafficLight
from ehelsenord.solutions.enums import SolutionKind, SolutionStatus, Stage, StatutoryStatus

# --- Errors ---------------------------------------------------------------------------------------


class ErrorItem(BaseModel):
    field: str | None = Field(
        description="Feltet eller parameteret feilen gjelder, eller null når feilen gjelder hele forespørselen."
    )
    message: str = Field(description="Hva som er galt, på norsk.")


class ErrorOut(BaseModel):
    """Every error answer has this shape, whatever the status code."""

    detail: list[ErrorItem] = Field(description="Én eller flere feil.")


# --- Reference data -------------------------------------------------------------------------------


class MunicipalityOut(BaseModel):
    number: str = Field(description="Kommunenummer fra SSB, fire siffer med ledende null.", examples=["1804"])
    name: str = Field(description="Offisielt navn slik SSB skriver det, også samisk og kvensk navn.")
    name_nb: str = Field(description="Det norske navnet.")
    county_number: str = Field(description="Fylkesnummer fra SSB, to siffer.", examples=["18"])
    county_name: str = Field(description="Fylkets norske navn.")
    population: int = Field(description="Folketall fra SSB.")
    population_date: date = Field(description="Datoen folketallet gjelder for.")
    in_region: bool = Field(description="Om kommunen ligger i eHelse Nords region (Nordland, Troms og Finnmark).")
    in_sami_language_area: bool = Field(description="Om kommunen er i forvaltningsområdet for samisk språk.")


class PhaseOut(BaseModel):
    key: str = Field(description="Fasens nøkkel, brukes når du endrer en registrering.", examples=["planlagt"])
    name: str = Field(description="Fasens navn.")
    stage: Stage = Field(description="Trinnet på den felles skalaen fasen hører til.")


class SolutionOut(BaseModel):
    slug: str = Field(description="Løsningens nøkkel.", examples=["kjernejournal"])
    name: str = Field(description="Navn.")
    short_name: str = Field(description="Kort navn.")
    kind: SolutionKind = Field(description="Nasjonal e-helseløsning eller velferdsteknologi.")
    status: SolutionStatus = Field(description="Aktiv, under utfasing eller historisk.")
    statutory: StatutoryStatus = Field(description="Om kommunene er pålagt å ta løsningen i bruk.")
    owner: str = Field(description="Hvem som eier og forvalter løsningen.")
    prerequisites: list[str] = Field(description="Nøklene til løsningene som må være på plass først.")
    phases: list[PhaseOut] = Field(description="Fasene en innføring går gjennom, i rekkefølge.")
    source_url: str = Field(description="Hvor opplysningene om løsningen kommer fra.")


# --- Records --------------------------------------------------------------------------------------


class RecordOut(BaseModel):
    municipality: str = Field(description="Kommunenummer.", examples=["1804"])
    solution: str = Field(description="Løsningens nøkkel.", examples=["kjernejournal"])
    phase: str = Field(description="Fasens nøkkel.", examples=["planlagt"])
    phase_name: str = Field(description="Fasens navn.")
    stage: Stage = Field(description="Trinnet på den felles skalaen fasen hører til.")
    traffic_light: TrafficLight = Field(description="Trafikklys: i rute, risiko eller forsinket.")
    note: str = Field(description="Kort notat (høyst 200 tegn). Aldri pasientopplysninger.")
    target_date: date | None = Field(description="Måldato.")
    go_live_date: date | None = Field(description="Dato løsningen ble tatt i bruk.")
    evidence: Evidence = Field(description="Om statusen er egenrapportert eller dokumentert.")
    public: bool = Field(
        description="Om kommunen viser fasen på de offentlige statussidene (som den var for en karensperiode siden)."
    )
    updated_at: datetime | None = Field(description="Sist endret, eller null om registreringen ikke finnes ennå.")
    updated_by: str | None = Field(description="Navnet på den som endret sist.")
    exists: bool = Field(
        description="Om registreringen er lagret. En kommune uten registrering står i løsningens første fase."
    )


# The default of a field the client may leave out. Typed Any so that a field may be
# non-nullable (an explicit null is refused) and still optional: only the fields sent are applied.
LEFT_OUT: Any = None


def _without_defaults(schema: dict[str, Any]) -> None:
    # A left-out field is not set to a default, it stays as it is: the schema should not claim one.
    for field in schema.get("properties", {}).values():
        field.pop("default", None)


class RecordPatch(BaseModel):
    """The fields to change; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_without_defaults)

    phase: str = Field(
        LEFT_OUT, description="Nøkkelen til en av løsningens faser (se GET /solutions).", examples=["planlagt"]
    )
    traffic_light: TrafficLight = Field(LEFT_OUT, description="Trafikklys.", examples=["at_risk"])
    note: str | None = Field(
        LEFT_OUT,
        description="Kort notat, høyst 200 tegn. Aldri pasientopplysninger. null eller tom tekst fjerner notatet.",
        examples=["Venter på avtale med leverandøren."],
    )
    target_date: date | None = Field(
        LEFT_OUT, description="Måldato (ÅÅÅÅ-MM-DD). null fjerner datoen.", examples=["2026-09-01"]
    )
    go_live_date: date | None = Field(
        LEFT_OUT, description="Dato løsningen ble tatt i bruk (ÅÅÅÅ-MM-DD). null fjerner datoen."
    )
    evidence: Evidence = Field(LEFT_OUT, description="Egenrapportert eller dokumentert.")
    public: bool = Field(LEFT_OUT, description="Vis fasen på de offentlige statussidene.")

    @field_validator("target_date", "go_live_date", mode="before")
    @classmethod
    def _date_as_text(cls, value: Any) -> Any:
        # pydantic would read a number as seconds since 1970: a date is sent as text.
        if value is not None and not isinstance(value, str | date):
            raise PydanticCustomError("date_type", "Input should be a valid date")
        return value


class ChangeOut(BaseModel):
    changed_at: datetime = Field(description="Tidspunktet for endringen.")
    changed_by: str | None = Field(description="Navnet på den som endret.")
    source: ChangeSource = Field(description="Hvor endringen kom fra: nettsiden, regnearkimport, API eller demodata.")
    field: str = Field(description="Feltet som ble endret.", examples=["phase"])
    old_value: str = Field(description="Verdien før (fasenøkkel, ISO-dato eller valgnøkkel); tom tekst for ingen.")
    new_value: str = Field(description="Verdien etter, i samme form.")
    reason: str = Field(description="Begrunnelse, om den ble gitt.")
