"""The intent agreement letter: one HTML template, rendered to PDF by WeasyPrint or shown on the page.

A letter is made from an agreement's content (content.agreement_content): the current draft, or
a signed version's frozen content. Its fixed wording comes in the municipality's written
language (bokmål or nynorsk), whatever the interface language is. The print CSS names its fonts
(DejaVu, installed with Debian's fonts-dejavu-core), so the PDF is the same on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

PRINT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "letter-print.css"


@dataclass(frozen=True)
class LetterWording:
    title: str
    recipient: str
    municipality_number: str
    round: str
    period: str
    answer_deadline: str
    offered: str
    why: str
    national_deadline: str
    committed: str
    target: str
    nothing_committed: str
    contacts: str
    no_contacts: str
    signature: str
    signatory: str
    signed_at: str
    signed_by: str
    method_platform: str
    method_scan: str
    unsigned: str
    fingerprint: str
    version: str
    check_at: str
    quarter: str  # "%(quarter)d. kvartal %(year)d": the letter's own wording, not the interface's


WORDING = {
    "nb": LetterWording(
        title="Intensjonsavtale",
        recipient="Til",
        municipality_number="kommunenummer",
        round="Avtalerunde",
        period="Periode",
        answer_deadline="Svarfrist",
        offered="Løsninger eHelse Nord tilbyr felles innføring av",
        why="Hvorfor prioritert",
        national_deadline="Nasjonal frist",
        committed="Løsninger kommunen slutter seg til",
        target="Mål: planlagt innen",
        nothing_committed="Kommunen har ennå ikke valgt løsninger.",
        contacts="Kommunens kontaktpersoner",
        no_contacts="Ikke oppgitt ennå.",
        signature="Underskrift",
        signatory="Signert av",
        signed_at="Tidspunkt",
        signed_by="Registrert av",
        method_platform="Signert elektronisk i eHelse Nord",
        method_scan="Signert på papir; skannet avtale lastet opp",
        unsigned="Ikke signert",
        fingerprint="Dokumentets fingeravtrykk (SHA-256)",
        version="versjon",
        check_at="Kontroller på",
        quarter="%(quarter)d. kvartal %(year)d",
    ),
    "nn": LetterWording(
        title="Intensjonsavtale",
        recipient="Til",
        municipality_number="kommunenummer",
        round="Avtalerunde",
        period="Periode",
        answer_deadline="Svarfrist",
        offered="Løysingar eHelse Nord tilbyr felles innføring av",
        why="Kvifor prioritert",
        national_deadline="Nasjonal frist",
        committed="Løysingar kommunen sluttar seg til",
        target="Mål: planlagd innan",
        nothing_committed="Kommunen har enno ikkje valt løysingar.",
        contacts="Kontaktpersonane til kommunen",
        no_contacts="Ikkje oppgitt enno.",
        signature="Underskrift",
        signatory="Signert av",
        signed_at="Tidspunkt",
        signed_by="Registrert av",
        method_platform="Signert elektronisk i eHelse Nord",
        method_scan="Signert på papir; skanna avtale lasta opp",
        unsigned="Ikkje signert",
        fingerprint="Fingeravtrykket til dokumentet (SHA-256)",
        version="versjon",
        check_at="Kontroller på",
        quarter="%(quarter)d. kvartal %(year)d",
    ),
}


def _day(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d.%m.%Y") if iso else ""


def _quarter(wording: LetterWording, iso: str) -> str:
    """“2. kvartal 2027” in the letter's language (quarters.quarter_label follows the interface's)."""
    start = date.fromisoformat(iso)
    return wording.quarter % {"quarter": (start.month - 1) // 3 + 1, "year": start.year}


@dataclass(frozen=True)
class LetterContext:
    """Everything the letter template shows, formatted; built from an agreement's content."""

    wording: LetterWording
    language: str
    municipality_name: str
    municipality_number: str
    round_name: str
    period: str
    answer_deadline: str
    paragraphs: list[str]
    offers: list[dict[str, str]]
    commitments: list[dict[str, str]]
    contacts: list[dict[str, str]]
    signatory_name: str
    signatory_title: str
    signed: bool
    signed_at: str
    signed_by: str
    method_text: str
    version: int | None
    fingerprint: str
    check_url: str
    region_name: str

    @classmethod
    def from_content(cls, content: dict[str, Any], fingerprint: str = "") -> LetterContext:
        language = content["language"] if content["language"] in WORDING else "nb"
        wording = WORDING[language]
        signature = content.get("signature") or {}
        signed_at = ""
        if signature:
            signed_at = timezone.localtime(datetime.fromisoformat(signature["signed_at"])).strftime(
                "%d.%m.%Y kl. %H:%M"
            )
        round_ = content["round"]
        return cls(
            wording=wording,
            language=language,
            municipality_name=content["municipality"]["name"],
            municipality_number=content["municipality"]["number"],
            round_name=round_["name"],
            period=f"{_day(round_['period_start'])}–{_day(round_['period_end'])}",
            answer_deadline=_day(round_["answer_deadline"]),
            paragraphs=[part.strip() for part in content["letter"].split("\n\n") if part.strip()],
            offers=[
                {
                    "name": offer["name"],
                    "description": offer["description"],
                    "reason": offer["reason"],
                    "national_deadline": _day(offer["national_deadline"]),
                }
                for offer in content["offers"]
            ],
            commitments=[
                {"name": c["name"], "target": _quarter(wording, c["target_quarter"])} for c in content["commitments"]
            ],
            contacts=list(content["contacts"]),
            signatory_name=content["signatory"]["name"],
            signatory_title=content["signatory"]["title"],
            signed=bool(signature),
            signed_at=signed_at,
            signed_by=signature.get("signed_by", ""),
            method_text=(wording.method_scan if signature.get("method") == "scan" else wording.method_platform)
            if signature
            else "",
            version=signature.get("version"),
            fingerprint=fingerprint,
            check_url=settings.SITE_URL + reverse("agreements:check"),
            region_name=settings.REGION_NAME,
        )


def letter_html(content: dict[str, Any], fingerprint: str = "") -> str:
    """The whole letter as an HTML document for WeasyPrint."""
    return render_to_string("agreements/letter_pdf.html", {"letter": LetterContext.from_content(content, fingerprint)})


def letter_pdf(content: dict[str, Any], fingerprint: str = "") -> bytes:
    """The letter as PDF bytes."""
    from weasyprint import CSS, HTML

    html = HTML(string=letter_html(content, fingerprint), base_url=str(settings.BASE_DIR))
    return html.write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))], pdf_tags=True) or b""
