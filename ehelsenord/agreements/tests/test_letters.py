"""The letter as PDF (WeasyPrint), read back with pdftotext: what a municipality signs and keeps."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from ehelsenord.agreements import services
from ehelsenord.agreements.content import agreement_content
from ehelsenord.agreements.letters import letter_html, letter_pdf
from ehelsenord.agreements.models import AgreementRound, AgreementVersion, IntentAgreement
from ehelsenord.agreements.tests.conftest import (
    DHO,
    KJ_PLO,
    PLL,
    Q1,
    Q2,
    ROUND_NAME,
    Contact,
    agreement_of,
    fresh,
    make_answer,
    pdf_fonts,
    pdf_text,
    sign,
)
from ehelsenord.municipalities.models import Municipality

pytestmark = pytest.mark.django_db


def _between(text: str, start: str, end: str) -> str:
    """The part of the text from the heading `start` to the heading `end`."""
    match = re.search(re.escape(start) + "(.*?)" + re.escape(end), text)
    assert match is not None, f"{start!r} … {end!r} not in the letter"
    return match.group(1)


def _footer(text: str) -> str:
    """A page's footer interrupts the text where a page breaks; take it out."""
    return re.sub(r" ?(Dokumentets fingeravtrykk|Fingeravtrykket til dokumentet) .*? \d+/\d+", "", text)


def test_the_signed_letter_in_bokmal(opened_bodo: IntentAgreement, bodo_contact: Any) -> None:
    version = sign(opened_bodo, bodo_contact).version
    text = pdf_text(letter_pdf(version.content, version.fingerprint))

    assert "Til Bodø kommune (kommunenummer 1804)" in text
    assert f"Intensjonsavtale: {ROUND_NAME}" in text
    assert "Periode 01.01.2027–31.12.2027 Svarfrist 15.10.2026" in text
    assert "eHelse Nord inviterer kommunen til felles innføring. Svar innen fristen." in text
    offered = _between(text, "Løsninger eHelse Nord tilbyr felles innføring av", "Løsninger kommunen slutter seg til")
    for name, description_start in (
        ("Pasientens legemiddelliste (PLL)", "Pasientens legemiddelliste skal gi én oppdatert oversikt"),
        ("Kjernejournal i sykehjem og hjemmetjeneste", "Her tas kjernejournal i bruk i sykehjem"),
        ("Digital hjemmeoppfølging", "Digital hjemmeoppfølging betyr at personer med kronisk sykdom"),
    ):
        assert f"• {name} {description_start}" in offered
    assert f"Hvorfor prioritert: Nasjonal prioritet for {PLL} (Nasjonal frist: 31.12.2027)" in offered
    committed = _footer(_between(text, "Løsninger kommunen slutter seg til", "Kommunens kontaktpersoner"))
    assert committed == (
        " • Pasientens legemiddelliste (PLL): Mål: planlagt innen 2. kvartal 2027"
        " • Kjernejournal i sykehjem og hjemmetjeneste: Mål: planlagt innen 4. kvartal 2027 "
    )
    assert "• Berit Bodø, Rådgiver e-helse, berit@bodo.kommune.example, 75 55 50 00" in text
    signed_at = timezone.localtime(version.signed_at).strftime("%d.%m.%Y kl. %H:%M")
    assert (
        "Underskrift (versjon 1) Signert av Ola Ordfører, Kommunedirektør "
        f"Tidspunkt {signed_at} Registrert av Berit Bodø (Signert elektronisk i eHelse Nord)"
    ) in text
    footer = (
        f"Dokumentets fingeravtrykk (SHA-256): {version.fingerprint} Kontroller på http://testserver/avtaler/kontroll/"
    )
    assert footer in text
    # On every page.
    pages = int(re.findall(r" \d+/(\d+)$", text)[0])
    assert text.count(footer) == pages
    assert "Ikke signert" not in text


def test_the_signed_letter_in_nynorsk(
    agreement_round: AgreementRound, rost: Any, rost_contact: Any, coordinator: Any
) -> None:
    Municipality.objects.filter(pk=rost.pk).update(written_language="nn")
    services.agreement_send(agreement=agreement_of(agreement_round, rost), by=coordinator)
    agreement = agreement_of(agreement_round, rost)
    version = sign(
        agreement,
        rost_contact,
        make_answer(agreement, {DHO: Q1}, contacts=[Contact(name="Rolf Røst", title="Einingsleiar")]),
    ).version
    text = pdf_text(letter_pdf(version.content, version.fingerprint))

    assert version.content["language"] == "nn"
    assert "Til Røst kommune (kommunenummer 1856)" in text
    assert "eHelse Nord inviterer kommunen til felles innføring. Svar innan fristen." in text
    assert "Løysingar eHelse Nord tilbyr felles innføring av" in text
    assert f"Kvifor prioritert: Nasjonal prioritet for {KJ_PLO}" in text
    committed = _footer(_between(text, "Løysingar kommunen sluttar seg til", "Kontaktpersonane til kommunen"))
    assert committed == " • Digital hjemmeoppfølging: Mål: planlagd innan 1. kvartal 2027 "
    assert "• Rolf Røst, Einingsleiar" in text
    assert "Registrert av Rolf Røst (Signert elektronisk i eHelse Nord)" in text
    assert f"Fingeravtrykket til dokumentet (SHA-256): {version.fingerprint}" in text
    for bokmal in (
        "Løsninger",
        "Hvorfor prioritert",
        "Kommunens kontaktpersoner",
        "Dokumentets fingeravtrykk",
        "innen",
    ):
        assert bokmal not in text


def test_a_signed_version_keeps_its_language_and_content(opened_bodo: IntentAgreement, bodo_contact: Any) -> None:
    version = sign(opened_bodo, bodo_contact).version
    before = pdf_text(letter_pdf(version.content, version.fingerprint))
    Municipality.objects.filter(pk="1804").update(written_language="nn", name="Bodø (nytt navn)")
    stored = AgreementVersion.objects.get(pk=version.pk)
    assert pdf_text(letter_pdf(stored.content, stored.fingerprint)) == before
    # The current draft letter follows the municipality.
    assert "Til Bodø (nytt navn) kommune" in pdf_text(letter_pdf(agreement_content(fresh(opened_bodo))))


def test_the_unsigned_letter(opened_bodo: IntentAgreement) -> None:
    text = pdf_text(letter_pdf(agreement_content(opened_bodo)))
    assert "Løsninger kommunen slutter seg til Kommunen har ennå ikke valgt løsninger." in text
    assert "Kommunens kontaktpersoner Ikke oppgitt ennå." in text
    assert "Underskrift Ikke signert Signert av:" in text
    assert "fingeravtrykk" not in text


def test_the_letter_is_the_same_every_time_and_names_its_fonts(
    opened_bodo: IntentAgreement, bodo_contact: Any, tmp_path: Path
) -> None:
    version = sign(opened_bodo, bodo_contact).version
    first = letter_pdf(version.content, version.fingerprint)
    assert letter_pdf(version.content, version.fingerprint) == first
    fonts = pdf_fonts(first, tmp_path)
    assert set(fonts) <= {
        "DejaVu-Serif",
        "DejaVu-Serif-Bold",
        "DejaVu-Serif-Italic",
        "DejaVu-Sans",
        "DejaVu-Sans-Bold",
        "DejaVu-Sans-Mono",
    }
    assert {"DejaVu-Serif", "DejaVu-Sans-Mono"} <= set(fonts)
    assert set(fonts.values()) == {"yes"}  # embedded


def test_the_letter_escapes_what_people_wrote(make_round: Any, bodo: Any, bodo_contact: Any, coordinator: Any) -> None:
    round_ = make_round(name="Runde <b>fet</b>", letter_nb="Første avsnitt & mer.\n\n<script>x</script>")
    services.agreement_send(agreement=agreement_of(round_, bodo), by=coordinator)
    agreement = agreement_of(round_, bodo)
    version = sign(agreement, bodo_contact, make_answer(agreement, {PLL: Q2}, signatory=("Ola <i>", "Leder"))).version
    html = letter_html(version.content, version.fingerprint)
    assert "<b>fet</b>" not in html
    assert "<script>" not in html
    assert "Runde &lt;b&gt;fet&lt;/b&gt;" in html
    assert "Første avsnitt &amp; mer." in html
    text = pdf_text(letter_pdf(version.content, version.fingerprint))
    assert "Intensjonsavtale: Runde <b>fet</b>" in text
    assert "Signert av Ola <i>, Leder" in text


def test_every_letter_of_a_round_names_its_own_municipality(
    agreement_round: AgreementRound, bodo: Any, rost: Any
) -> None:
    texts = {
        municipality.name: pdf_text(letter_pdf(agreement_content(agreement_of(agreement_round, municipality))))
        for municipality in (bodo, rost)
    }
    assert "Til Bodø kommune (kommunenummer 1804)" in texts["Bodø"]
    assert "Røst" not in texts["Bodø"]
    assert "Til Røst kommune (kommunenummer 1856)" in texts["Røst"]
    assert "Bodø" not in texts["Røst"]
    assert IntentAgreement.objects.filter(round=agreement_round).count() == 80
