"""The intent agreement pages through HTTP: rounds, answering, signing, letters, export and the public check.

Every refusal is checked twice: the person is told why (in Norwegian), and nothing changed.
The clock stands at conftest.NOW (1 September 2026) in every test.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook
from pypdf import PdfWriter

from ehelsenord.accounts.enums import Role
from ehelsenord.agreements import services
from ehelsenord.agreements.enums import AgreementAction, AgreementStatus, SigningMethod
from ehelsenord.agreements.models import (
    AgreementCommitment,
    AgreementEvent,
    AgreementRound,
    AgreementVersion,
    IntentAgreement,
    RoundOffer,
)
from ehelsenord.agreements.tests.conftest import (
    CONTACT,
    DEADLINE,
    DHO,
    KJ_PLO,
    LETTER_NB,
    LETTER_NN,
    NOW,
    PLL,
    Q2,
    Q4,
    ROUND_NAME,
    SIGNATORY,
    agreement_of,
    fresh,
    offer_pk,
    pdf_text,
    sign,
)
from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.enums import ChangeSource
from ehelsenord.rollout.models import Implementation, ImplementationChange
from ehelsenord.rollout.tests.test_records import alerts, client_for, facts, main_of, table
from ehelsenord.solutions.models import Solution

pytestmark = pytest.mark.django_db

REGION_MUNICIPALITIES = 80
ROUND_OVERVIEW_QUERIES = 10
AGREEMENT_LIST_QUERIES = 6
SIGNATORY_NAME_MISSING = "Enter the signatory's name."
SIGNATORY_TITLE_MISSING = "Enter the signatory's title."


# --- Helpers -----------------------------------------------------------------------------------------


def round_post(slugs: Sequence[str] = (PLL, KJ_PLO), **overrides: str) -> dict[str, str]:
    """The new-round form as a coordinator fills it in: the solutions `slugs` offered, with reasons."""
    data = {
        "name": ROUND_NAME,
        "period_start": "01.01.2027",
        "period_end": "31.12.2027",
        "answer_deadline": "15.10.2026",
        "letter_nb": LETTER_NB,
        "letter_nn": LETTER_NN,
    }
    for slug in slugs:
        data[f"offer_{slug}"] = "on"
        data[f"reason_{slug}"] = f"Nasjonal prioritet for {slug}"
    if PLL in slugs:
        data[f"deadline_{PLL}"] = "31.12.2027"
    data.update(overrides)
    return data


def answer_post(
    agreement: IntentAgreement,
    commitments: Mapping[str, date] | None = None,
    *,
    action: str = "sign",
    revision: int | None = None,
    contacts: Sequence[Any] = (CONTACT,),
    signatory: tuple[str, str] = SIGNATORY,
    confirm: bool = True,
    method: str = SigningMethod.PLATFORM,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The answer form as the contact fills it in (default: PLL in Q2 and Kjernejournal PLO in Q4)."""
    chosen = {PLL: Q2, KJ_PLO: Q4} if commitments is None else commitments
    data: dict[str, Any] = {
        "revision": str(agreement.revision if revision is None else revision),
        "signatory_name": signatory[0],
        "signatory_title": signatory[1],
        "method": method,
        "action": action,
    }
    for slug, quarter in chosen.items():
        pk = offer_pk(agreement.round, slug)
        data[f"commit_{pk}"] = "on"
        data[f"quarter_{pk}"] = quarter.isoformat()
    for index, contact in enumerate(contacts):
        for key in ("name", "title", "email", "phone"):
            data[f"contact_{index}_{key}"] = getattr(contact, key)
    if confirm:
        data["confirm"] = "on"
    data.update(extra or {})
    return data


def url(agreement: IntentAgreement, suffix: str = "") -> str:
    return f"/avtaler/{agreement.pk}/{suffix}"


def nb(message: str) -> str:
    """The bokmål text of an interface message; fails if the catalogue has no translation for it."""
    translated = _(message)
    assert translated != message, f"no bokmål translation of {message!r}"
    return translated


def flashed(client: Client, response: Any) -> list[str]:
    """The messages a redirect leaves: what the next page shows (which also uses them up)."""
    assert response.status_code == 302
    shown = main_of(client.get(response["Location"])).find_all("div", class_="messages")
    return [alert.text() for block in shown for alert in block.find_all("div", class_="ds-alert")]


def state(agreement: IntentAgreement) -> tuple[Any, ...]:
    """Everything an answer, a signing or a refusal could change about an agreement."""
    current = IntentAgreement.objects.get(pk=agreement.pk)
    return (
        current.status,
        current.revision,
        current.contacts,
        current.signatory_name,
        current.signatory_title,
        current.decline_reason,
        list(AgreementCommitment.objects.filter(agreement=agreement).values_list("offer_id", "target_quarter")),
        list(AgreementVersion.objects.filter(agreement=agreement).values_list("number", "fingerprint")),
        AgreementEvent.objects.filter(agreement=agreement).count(),
        Implementation.objects.filter(municipality=current.municipality).count(),
    )


def real_pdf(padding: int = 0) -> bytes:
    """A one-page PDF made by pypdf; `padding` bytes of comment after it make it larger and still valid."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    return data + (b"%" + b"0" * (padding - 2) + b"\n" if padding else b"")


def statuses(round_: AgreementRound) -> dict[str, str]:
    return dict(IntentAgreement.objects.filter(round=round_).values_list("municipality_id", "status"))


def events(agreement: IntentAgreement) -> list[tuple[str, str, str, str]]:
    """The history, oldest first: (action, from, to, note)."""
    return list(
        AgreementEvent.objects.filter(agreement=agreement)
        .order_by("at", "id")
        .values_list("action", "from_status", "to_status", "note")
    )


# --- Creating a round ----------------------------------------------------------------------------------


def test_coordinator_creates_a_round_with_a_draft_for_each_of_the_regions_80_municipalities(
    coordinator: Any,
) -> None:
    client = client_for(coordinator)
    form = client.get("/avtaler/ny/")
    assert form.status_code == 200
    assert main_of(form).find("h1").text() == nb("New agreement round")

    response = client.post("/avtaler/ny/", round_post())

    round_ = AgreementRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/avtaler/runde/{round_.pk}/"
    assert flashed(client, response) == [
        nb("The round was created with a draft agreement for each of the region's %(count)d municipalities.")
        % {"count": REGION_MUNICIPALITIES}
    ]
    assert (round_.name, round_.period_start, round_.period_end, round_.answer_deadline, round_.created_by) == (
        ROUND_NAME,
        date(2027, 1, 1),
        date(2027, 12, 31),
        DEADLINE,
        coordinator,
    )
    assert (round_.letter_nb, round_.letter_nn) == (LETTER_NB, LETTER_NN)
    # In the catalogue's order, whatever the order of the form's fields.
    assert list(round_.offers.values_list("solution__slug", "reason", "national_deadline", "position")) == [
        (KJ_PLO, f"Nasjonal prioritet for {KJ_PLO}", None, 0),
        (PLL, f"Nasjonal prioritet for {PLL}", date(2027, 12, 31), 1),
    ]
    region = set(Municipality.objects.filter(county__in_region=True).values_list("number", flat=True))
    assert len(region) == REGION_MUNICIPALITIES
    assert statuses(round_) == dict.fromkeys(region, AgreementStatus.DRAFT)
    assert AgreementEvent.objects.filter(action=AgreementAction.CREATED, actor=coordinator).count() == 80

    overview = client.get(f"/avtaler/runde/{round_.pk}/")
    assert main_of(overview).find("h1").text() == ROUND_NAME
    assert len(table(overview, nb("Every municipality's agreement in this round"))) == REGION_MUNICIPALITIES


@pytest.mark.parametrize("who", ["bodo_contact", "reader"])
def test_non_coordinators_cannot_create_a_round(who: str, request: pytest.FixtureRequest) -> None:
    client = client_for(request.getfixturevalue(who))
    assert client.get("/avtaler/ny/").status_code == 403
    response = client.post("/avtaler/ny/", round_post())
    assert response.status_code == 403
    assert (AgreementRound.objects.count(), IntentAgreement.objects.count(), RoundOffer.objects.count()) == (0, 0, 0)
    assert "/avtaler/ny/" not in client.get("/avtaler/").content.decode()


BAD_ROUNDS = {
    "no solution": (
        {f"offer_{PLL}": "", f"offer_{KJ_PLO}": ""},
        None,
        lambda: nb("Choose at least one solution to offer."),
    ),
    "missing reason": (
        {f"reason_{KJ_PLO}": "  "},
        None,
        lambda: nb("Say why %(solution)s is prioritised.") % {"solution": Solution.objects.get(slug=KJ_PLO).name},
    ),
    "end before start": (
        {"period_end": "31.12.2026", "answer_deadline": "15.10.2026"},
        "period_end",
        lambda: nb("The period must end after it starts."),
    ),
    "impossible date": ({"period_end": "31.02.2027"}, "period_end", lambda: "Oppgi en gyldig dato."),
    "deadline passed": (
        {"answer_deadline": "31.08.2026"},
        "answer_deadline",
        lambda: nb("The answer deadline cannot be in the past."),
    ),
}


@pytest.mark.parametrize("case", BAD_ROUNDS)
def test_bad_round_input_gets_a_message_and_creates_nothing(case: str, coordinator: Any) -> None:
    overrides, field, message = BAD_ROUNDS[case]
    response = client_for(coordinator).post("/avtaler/ny/", round_post(**overrides))

    assert response.status_code == 200
    main = main_of(response)
    summary = main.find("div", role="alert")
    assert summary.find("h2").text() == nb("The form has errors")
    items = [item.text() for item in summary.find_all("li")]
    if field is None:  # about the offers as a whole: on the form, above the fields
        assert items == [message()]
    else:
        label = str(response.context["form"][field].label)
        assert items == [f"{label}: {message()}"]
        assert main.find("p", id=f"id_{field}_error").text() == message()
    assert (AgreementRound.objects.count(), IntentAgreement.objects.count(), RoundOffer.objects.count()) == (0, 0, 0)
    # What was typed is still there.
    assert main.find("input", id="id_name").attrs["value"] == ROUND_NAME


# --- Drafts and sending --------------------------------------------------------------------------------


def test_drafts_are_unknown_to_contacts_and_readers(
    agreement_round: AgreementRound, bodo: Any, bodo_contact: Any, reader: Any, coordinator: Any
) -> None:
    draft = agreement_of(agreement_round, bodo)
    for user in (bodo_contact, reader):
        client = client_for(user)
        for suffix in ("", "brev.pdf"):
            assert client.get(url(draft, suffix)).status_code == 404
        assert client.post(url(draft), answer_post(draft)).status_code == 404
        assert client.post(url(draft, "avsla/"), {"revision": "0", "reason": "Nei"}).status_code == 404
        overview = client.get(f"/avtaler/runde/{agreement_round.pk}/")
        assert table(overview, nb("Every municipality's agreement in this round")) == []
    coordinator_view = client_for(coordinator).get(url(draft))
    assert coordinator_view.status_code == 200
    assert fresh(draft).status == AgreementStatus.DRAFT
    assert events(draft) == [(AgreementAction.CREATED, "", AgreementStatus.DRAFT, "")]


def test_round_send_emails_each_contact_and_leaves_municipalities_without_contacts_as_drafts(
    agreement_round: AgreementRound,
    coordinator: Any,
    bodo_contact: Any,
    rost_contact: Any,
    make_user: Any,
    bodo: Any,
    smtp_server: Any,
) -> None:
    make_user(role=Role.READER, municipalities=[bodo], email="leser@bodo.example")  # not a contact: no mail
    client = client_for(coordinator)
    response = client.post(f"/avtaler/runde/{agreement_round.pk}/send/")
    NO_CONTACT_WARNING = ngettext(
        "%(count)d municipality has no contact person yet and got nothing: invite one, then send again.",
        "%(count)d municipalities have no contact person yet and got nothing: invite one, then send again.",
        78,
    )

    assert response.status_code == 302
    assert response["Location"] == f"/avtaler/runde/{agreement_round.pk}/"
    assert flashed(client, response) == [
        ngettext("%(count)d agreement was sent.", "%(count)d agreements were sent.", 2) % {"count": 2},
        NO_CONTACT_WARNING % {"count": 78},
    ]
    sent = {number: status for number, status in statuses(agreement_round).items() if status != "draft"}
    assert sent == {"1804": AgreementStatus.SENT, "1856": AgreementStatus.SENT}
    bodo_agreement = agreement_of(agreement_round, bodo)
    received = sorted(smtp_server.messages, key=lambda message: message["To"])
    assert [message["To"] for message in received] == sorted([bodo_contact.email, rost_contact.email])
    by_recipient = {message["To"]: message for message in received}
    mail = by_recipient[bodo_contact.email]
    # (The parser keeps the space the encoded subject was folded at; a mail program shows none.)
    assert " ".join(mail["Subject"].split()) == f"Intensjonsavtale fra eHelse Nord: {ROUND_NAME}"
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    assert f"http://testserver/avtaler/{bodo_agreement.pk}/" in body.get_content()
    attachments = [(part.get_filename(), part.get_content_type()) for part in mail.iter_attachments()]
    assert attachments == [("intensjonsavtale-1804.pdf", "application/pdf")]
    attachment = next(mail.iter_attachments()).get_content()
    assert "Bodø" in pdf_text(attachment)

    again = client.post(f"/avtaler/runde/{agreement_round.pk}/send/")
    assert flashed(client, again) == [NO_CONTACT_WARNING % {"count": 78}]
    assert len(smtp_server.messages) == 2


@pytest.mark.parametrize("who", ["bodo_contact", "reader"])
def test_only_coordinators_send(
    who: str,
    agreement_round: AgreementRound,
    bodo: Any,
    bodo_contact: Any,
    request: pytest.FixtureRequest,
    mailoutbox: Any,
) -> None:
    client = client_for(request.getfixturevalue(who))
    assert client.post(f"/avtaler/runde/{agreement_round.pk}/send/").status_code == 403
    draft = agreement_of(agreement_round, bodo)
    assert client.post(url(draft, "send/")).status_code == 404  # a draft is unknown to them
    assert set(statuses(agreement_round).values()) == {AgreementStatus.DRAFT}
    assert mailoutbox == []


# --- Answering: open, save, sign ------------------------------------------------------------------------


def test_contact_opens_saves_and_signs_and_the_matrix_shows_the_records_as_planned(
    sent_bodo: IntentAgreement, bodo: Any, bodo_contact: Any, coordinator: Any
) -> None:
    client = client_for(bodo_contact)
    opened = client.get(url(sent_bodo))
    assert opened.status_code == 200
    agreement = fresh(sent_bodo)
    assert agreement.status == AgreementStatus.OPENED
    assert facts(main_of(opened).find("dl"))[_("Status")] == nb("Opened")
    assert main_of(opened).find("h2", id="answer-heading").text() == nb("Your answer")
    client.get(url(sent_bodo))  # opening twice is one "opened"
    assert [event[:3] for event in events(agreement)] == [
        (AgreementAction.CREATED, "", AgreementStatus.DRAFT),
        (AgreementAction.SENT, AgreementStatus.DRAFT, AgreementStatus.SENT),
        (AgreementAction.OPENED, AgreementStatus.SENT, AgreementStatus.OPENED),
    ]

    saved = client.post(url(agreement), answer_post(agreement, {PLL: Q2}, action="save", confirm=False))
    assert flashed(client, saved) == [nb("The answer was saved. It is not signed yet.")]
    agreement = fresh(agreement)
    assert agreement.status == AgreementStatus.OPENED
    assert [(c.offer.solution.slug, c.target_quarter) for c in agreement.commitments.all()] == [(PLL, Q2)]
    assert agreement.contacts == [
        {"name": CONTACT.name, "title": CONTACT.title, "email": CONTACT.email, "phone": CONTACT.phone}
    ]
    assert Implementation.objects.filter(municipality=bodo).count() == 0  # saving plans nothing
    # The saved answer is what the form shows next time.
    form = main_of(client.get(url(agreement)))
    assert form.find("input", id=f"id_commit_{offer_pk(agreement.round, PLL)}").attrs.get("checked") is not None
    assert "checked" not in form.find("input", id=f"id_commit_{offer_pk(agreement.round, KJ_PLO)}").attrs
    assert form.find("input", id="id_contact_0_name").attrs["value"] == CONTACT.name

    signing = answer_post(agreement)
    signed = client.post(url(agreement), signing)
    assert signed["Location"] == url(agreement)
    assert flashed(client, signed) == [
        nb(
            "The agreement is signed (version %(number)d). The committed solutions are now planned in the status "
            "matrix."
        )
        % {"number": 1}
    ]
    agreement = fresh(agreement)
    version = AgreementVersion.objects.get(agreement=agreement)
    assert (agreement.status, agreement.signatory_name, agreement.signatory_title) == (
        AgreementStatus.SIGNED,
        *SIGNATORY,
    )
    assert (version.number, version.method, version.signatory_name, version.signed_by) == (
        1,
        SigningMethod.PLATFORM,
        SIGNATORY[0],
        bodo_contact,
    )
    assert [(c.offer.solution.slug, c.target_quarter) for c in agreement.commitments.all()] == [(PLL, Q2), (KJ_PLO, Q4)]
    records = Implementation.objects.filter(municipality=bodo).order_by("solution__slug")
    assert [(r.solution.slug, r.phase.key, r.target_date, r.updated_by) for r in records] == [
        (KJ_PLO, "planlagt", date(2027, 12, 31), bodo_contact),
        (PLL, "planlagt", date(2027, 6, 30), bodo_contact),
    ]
    assert set(
        ImplementationChange.objects.filter(implementation__municipality=bodo).values_list(
            "source", "agreement_version"
        )
    ) == {(ChangeSource.AGREEMENT, version.pk)}

    matrix = client_for(coordinator).get("/status/").content.decode()
    for slug, short in ((PLL, "PLL"), (KJ_PLO, Solution.objects.get(slug=KJ_PLO).short_name)):
        cell = main_of_cell(matrix, "1804", slug)
        assert (
            f'<span class="visually-hidden">Bodø, {short}: </span><span class="stage stage--planned">Planlagt</span>'
            in cell
        )

    # The same form sent a second time (a double click, the back button): nothing changes.
    before = state(agreement)
    again = client.post(url(agreement), signing)
    assert flashed(client, again) == [nb("The agreement is signed and locked. A coordinator can reopen it.")]
    assert state(agreement) == before
    # The page now says it is locked, with no form.
    locked = client.get(url(agreement))
    assert main_of(locked).find_all("form", enctype="multipart/form-data") == []
    assert (
        nb(
            "The agreement is signed and locked: nothing in it can change. If something must change, ask a "
            "coordinator to reopen it; the signed version stays readable."
        )
        in main_of(locked).text()
    )


def main_of_cell(content: str, number: str, slug: str) -> str:
    start = content.index(f'<td id="cell-{number}-{slug}"')
    return content[start : content.index("</td>", start)]


def test_a_second_save_of_the_same_form_changes_nothing(opened_bodo: IntentAgreement, bodo_contact: Any) -> None:
    client = client_for(bodo_contact)
    form = answer_post(opened_bodo, {PLL: Q2}, action="save")
    first = client.post(url(opened_bodo), form)
    assert flashed(client, first) == [nb("The answer was saved. It is not signed yet.")]
    before = state(opened_bodo)
    again = client.post(url(opened_bodo), {**form, f"quarter_{offer_pk(opened_bodo.round, PLL)}": Q4.isoformat()})
    assert flashed(client, again) == [
        nb(
            "The agreement has changed since you opened it (perhaps the form was sent twice, or someone else "
            "saved it meanwhile). Nothing was changed: reload the page and try again."
        )
    ]
    assert state(opened_bodo) == before


def test_signing_needs_the_confirmation_and_a_complete_answer(opened_bodo: IntentAgreement, bodo_contact: Any) -> None:
    client = client_for(bodo_contact)
    before = state(opened_bodo)
    unconfirmed = client.post(url(opened_bodo), answer_post(opened_bodo, confirm=False))
    assert unconfirmed.status_code == 400
    assert main_of(unconfirmed).find("p", id="id_confirm_error").text() == nb(
        "Confirm that the signatory may commit the municipality."
    )
    incomplete = client.post(url(opened_bodo), answer_post(opened_bodo, {}, contacts=(), signatory=("", "")))
    assert incomplete.status_code == 400
    summary = main_of(incomplete).find("div", role="alert")
    assert [item.text() for item in summary.find_all("li")] == [
        nb("Choose at least one solution to sign, or decline the agreement."),
        nb("Name at least one contact person."),
        f"{response_label(incomplete, 'signatory_name')}: {nb(SIGNATORY_NAME_MISSING)}",
        f"{response_label(incomplete, 'signatory_title')}: {nb(SIGNATORY_TITLE_MISSING)}",
    ]
    assert state(opened_bodo) == before
    # What was typed stays in the form.
    assert main_of(unconfirmed).find("input", id="id_contact_0_email").attrs["value"] == CONTACT.email


def response_label(response: Any, field: str) -> str:
    return str(response.context["answer_form"][field].label)


# --- Who may answer ----------------------------------------------------------------------------------


def test_a_contact_of_another_municipality_cannot_answer_or_decline(
    opened_bodo: IntentAgreement, rost_contact: Any
) -> None:
    client = client_for(rost_contact)
    before = state(opened_bodo)
    readable = client.get(url(opened_bodo))
    assert readable.status_code == 200
    assert main_of(readable).find_all("form", enctype="multipart/form-data") == []
    assert fresh(opened_bodo).status == AgreementStatus.OPENED  # reading is not opening
    assert client.post(url(opened_bodo), answer_post(opened_bodo)).status_code == 403
    assert client.post(url(opened_bodo), answer_post(opened_bodo, action="save")).status_code == 403
    refused = client.post(url(opened_bodo, "avsla/"), {"revision": opened_bodo.revision, "reason": "Vi vil ikke"})
    assert refused.status_code == 403
    assert state(opened_bodo) == before


def test_a_reader_reads_but_cannot_answer(sent_bodo: IntentAgreement, reader: Any) -> None:
    client = client_for(reader)
    response = client.get(url(sent_bodo))
    assert response.status_code == 200
    main = main_of(response)
    assert main.find_all("form", enctype="multipart/form-data") == []
    assert (
        nb("You can read this agreement. Only the contacts of %(municipality)s can answer it.")
        % {"municipality": "Bodø"}
        in main.text()
    )
    before = state(sent_bodo)
    assert client.post(url(sent_bodo), answer_post(sent_bodo)).status_code == 403
    assert client.post(url(sent_bodo, "avsla/"), {"revision": sent_bodo.revision, "reason": "Nei"}).status_code == 403
    assert (
        client.post(url(sent_bodo, "gjenapne/"), {"revision": sent_bodo.revision, "reason": "x" * 20}).status_code
        == 403
    )
    assert state(sent_bodo) == before
    assert fresh(sent_bodo).status == AgreementStatus.SENT


def test_signing_a_signed_agreement_is_refused(opened_bodo: IntentAgreement, bodo_contact: Any) -> None:
    sign(opened_bodo, bodo_contact)
    signed = fresh(opened_bodo)
    before = state(signed)
    # A form carrying the current revision (not a stale one): the agreement itself is locked.
    client = client_for(bodo_contact)
    response = client.post(url(signed), answer_post(signed, {DHO: Q4}))
    assert flashed(client, response) == [nb("The agreement is signed and locked. A coordinator can reopen it.")]
    assert state(signed) == before
    declined = client.post(url(signed, "avsla/"), {"revision": signed.revision, "reason": "Likevel ikke"})
    assert flashed(client, declined) == [nb("The agreement is signed and locked. A coordinator can reopen it.")]
    assert state(signed) == before


def test_committing_to_a_solution_offered_in_another_round_changes_nothing(
    opened_bodo: IntentAgreement, bodo_contact: Any, make_round: Any
) -> None:
    other_round = make_round((DHO, "helseid"), name="En annen runde")
    foreign = RoundOffer.objects.get(round=other_round, solution__slug=DHO)
    before = state(opened_bodo)
    # Beside a commitment the round does offer, so only the forged one is wrong.
    forged = answer_post(
        opened_bodo, {PLL: Q2}, extra={f"commit_{foreign.pk}": "on", f"quarter_{foreign.pk}": Q2.isoformat()}
    )
    client = client_for(bodo_contact)
    for action in ("sign", "save"):
        response = client.post(url(opened_bodo), {**forged, "action": action})
        assert response.status_code == 400
        summary = main_of(response).find("div", role="alert")
        assert [item.text() for item in summary.find_all("li")] == [
            nb("You can only commit to solutions offered in this round.")
        ]
    assert state(opened_bodo) == before
    assert AgreementCommitment.objects.filter(offer=foreign).count() == 0
    assert Implementation.objects.filter(solution__slug=DHO).count() == 0


# --- Signing with a scan ----------------------------------------------------------------------------------


def test_a_signed_scan_is_accepted_and_only_logged_in_users_download_it(
    opened_bodo: IntentAgreement, bodo_contact: Any, reader: Any
) -> None:
    scan = real_pdf()
    upload = SimpleUploadedFile("signert avtale.pdf", scan, content_type="application/pdf")
    response = client_for(bodo_contact).post(
        url(opened_bodo), answer_post(opened_bodo, method=SigningMethod.SCAN, extra={"scan": upload})
    )
    assert response.status_code == 302
    version = AgreementVersion.objects.get(agreement=opened_bodo)
    assert version.scan is not None
    assert (version.number, version.method, bytes(version.scan)) == (1, SigningMethod.SCAN, scan)
    assert fresh(opened_bodo).status == AgreementStatus.SIGNED

    download = client_for(reader).get(url(opened_bodo, "versjon/1/skannet.pdf"))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content == scan
    anonymous = Client().get(url(opened_bodo, "versjon/1/skannet.pdf"))
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"/konto/logg-inn/?next=/avtaler/{opened_bodo.pk}/versjon/1/skannet.pdf"
    page_ = main_of(client_for(reader).get(url(opened_bodo)))
    versions = table_of(page_, nb("Signed versions, newest first"))
    assert versions[0][3] == f"{nb('Signed scan uploaded')} {nb('The signed scan (PDF)')}"


def table_of(node: Any, caption: str) -> list[list[str]]:
    for candidate in node.find_all("table"):
        if candidate.find("caption").text() == caption:
            return [
                [cell.text() for cell in row.children if not isinstance(cell, str)]
                for row in candidate.find("tbody").find_all("tr")
            ]
    raise AssertionError(caption)


def test_a_text_file_named_pdf_is_refused(opened_bodo: IntentAgreement, bodo_contact: Any) -> None:
    upload = SimpleUploadedFile("signert.pdf", "Signert av ordføreren\n".encode(), content_type="application/pdf")
    before = state(opened_bodo)
    response = client_for(bodo_contact).post(
        url(opened_bodo), answer_post(opened_bodo, method=SigningMethod.SCAN, extra={"scan": upload})
    )
    assert response.status_code == 400
    assert main_of(response).find("p", id="id_scan_error").text() == nb(
        "The file is not a PDF. Upload the signed agreement as a PDF."
    )
    assert state(opened_bodo) == before


def test_a_too_large_scan_is_refused(opened_bodo: IntentAgreement, bodo_contact: Any, settings: Any) -> None:
    settings.AGREEMENT_SCAN_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("signert.pdf", real_pdf(padding=1024 * 1024), content_type="application/pdf")
    before = state(opened_bodo)
    response = client_for(bodo_contact).post(
        url(opened_bodo), answer_post(opened_bodo, method=SigningMethod.SCAN, extra={"scan": upload})
    )
    assert response.status_code == 400
    assert main_of(response).find("p", id="id_scan_error").text() == nb(
        "The file is too large. It can be at most %(size)s."
    ) % {"size": " ".join(filesizeformat(1024 * 1024).split())}
    assert state(opened_bodo) == before


def test_a_scan_without_a_file_is_refused(opened_bodo: IntentAgreement, bodo_contact: Any) -> None:
    before = state(opened_bodo)
    response = client_for(bodo_contact).post(url(opened_bodo), answer_post(opened_bodo, method=SigningMethod.SCAN))
    assert response.status_code == 400
    assert main_of(response).find("p", id="id_scan_error").text() == nb("Choose the signed PDF to upload.")
    assert state(opened_bodo) == before


# --- Declining ----------------------------------------------------------------------------------------


def test_declining_with_a_reason(opened_bodo: IntentAgreement, bodo_contact: Any, coordinator: Any) -> None:
    client = client_for(bodo_contact)
    response = client.post(
        url(opened_bodo, "avsla/"), {"revision": opened_bodo.revision, "reason": "  Vi har ikke kapasitet i 2027. "}
    )
    assert flashed(client, response) == [
        nb("The agreement was declined. A coordinator can reopen it if you change your mind.")
    ]
    agreement = fresh(opened_bodo)
    assert (agreement.status, agreement.decline_reason) == (AgreementStatus.DECLINED, "Vi har ikke kapasitet i 2027.")
    assert events(agreement)[-1] == (
        AgreementAction.DECLINED,
        AgreementStatus.OPENED,
        AgreementStatus.DECLINED,
        "Vi har ikke kapasitet i 2027.",
    )
    shown = facts(main_of(client_for(coordinator).get(url(agreement))).find("dl"))
    assert shown[nb("Reason for declining")] == "Vi har ikke kapasitet i 2027."


def test_declining_without_a_reason_is_refused(opened_bodo: IntentAgreement, bodo_contact: Any) -> None:
    before = state(opened_bodo)
    response = client_for(bodo_contact).post(
        url(opened_bodo, "avsla/"), {"revision": opened_bodo.revision, "reason": " "}
    )
    assert response.status_code == 400
    assert main_of(response).find("p", id="id_reason_error").text() == "Feltet er påkrevet."
    assert main_of(response).find("details").attrs.get("open") is not None
    assert state(opened_bodo) == before


# --- Reopening and versions --------------------------------------------------------------------------------


def test_reopen_with_a_reason_then_resign_makes_version_2_and_version_1_still_downloads(
    opened_bodo: IntentAgreement, bodo_contact: Any, coordinator: Any, rost_contact: Any
) -> None:
    contact = client_for(bodo_contact)
    contact.post(url(opened_bodo), answer_post(opened_bodo))
    first = AgreementVersion.objects.get(agreement=opened_bodo)
    signed = fresh(opened_bodo)
    coordinator_client = client_for(coordinator)

    too_short = coordinator_client.post(url(signed, "gjenapne/"), {"revision": signed.revision, "reason": "Feil"})
    assert too_short.status_code == 400
    assert main_of(too_short).find("p", id="id_reason_error").text() == nb(
        "Write why the agreement is reopened (at least %(min)d characters)."
    ) % {"min": 10}
    assert fresh(signed).status == AgreementStatus.SIGNED
    assert (
        client_for(rost_contact)
        .post(url(signed, "gjenapne/"), {"revision": signed.revision, "reason": "Kommunen ba om det"})
        .status_code
        == 403
    )
    assert (
        contact.post(
            url(signed, "gjenapne/"), {"revision": signed.revision, "reason": "Kommunen ba om det"}
        ).status_code
        == 403
    )
    assert fresh(signed).status == AgreementStatus.SIGNED

    reason = "Kommunen vil legge til digital hjemmeoppfølging."
    reopened = coordinator_client.post(url(signed, "gjenapne/"), {"revision": signed.revision, "reason": reason})
    assert flashed(coordinator_client, reopened) == [
        nb("The agreement was reopened. The municipality can answer it again.")
    ]
    agreement = fresh(signed)
    assert agreement.status == AgreementStatus.REOPENED
    assert events(agreement)[-1] == (AgreementAction.REOPENED, AgreementStatus.SIGNED, AgreementStatus.REOPENED, reason)

    resigned = contact.post(url(agreement), answer_post(agreement, {PLL: Q2, KJ_PLO: Q4, DHO: Q4}))
    assert flashed(contact, resigned) == [
        nb(
            "The agreement is signed (version %(number)d). The committed solutions are now planned in the status "
            "matrix."
        )
        % {"number": 2}
    ]
    second = AgreementVersion.objects.get(agreement=agreement, number=2)
    assert list(AgreementVersion.objects.filter(agreement=agreement).values_list("number", flat=True)) == [2, 1]
    assert second.fingerprint != first.fingerprint

    old = coordinator_client.get(url(agreement, "versjon/1.pdf"))
    assert (old.status_code, old["Content-Type"]) == (200, "application/pdf")
    old_text = pdf_text(old.content)
    assert first.fingerprint in old_text
    new_text = pdf_text(coordinator_client.get(url(agreement, "versjon/2.pdf")).content)
    assert second.fingerprint in new_text
    # Offered in both (its name, and its description begins with it); committed to only in version 2.
    dho = Solution.objects.get(slug=DHO).name
    assert (old_text.count(dho), new_text.count(dho)) == (2, 3)
    # The current letter is the newest version.
    assert coordinator_client.get(url(agreement, "brev.pdf"))["Location"] == url(agreement, "versjon/2.pdf")
    versions = table_of(main_of(coordinator_client.get(url(agreement))), nb("Signed versions, newest first"))
    assert [row[0] for row in versions] == [
        nb("Version %(number)s (PDF)") % {"number": 2},
        nb("Version %(number)s (PDF)") % {"number": 1},
    ]
    assert [row[4] for row in versions] == [second.fingerprint, first.fingerprint]
    assert coordinator_client.get(url(agreement, "versjon/3.pdf")).status_code == 404


# --- Letters as PDF ------------------------------------------------------------------------------------


def test_the_letter_pdfs_name_the_municipality_and_the_signed_one_its_fingerprint(
    opened_bodo: IntentAgreement, bodo_contact: Any, reader: Any
) -> None:
    client = client_for(reader)
    draft = client.get(url(opened_bodo, "brev.pdf"))
    assert (draft.status_code, draft["Content-Type"]) == (200, "application/pdf")
    text = pdf_text(draft.content)
    assert "Intensjonsavtale" in text
    assert "Bodø" in text
    assert "1804" in text
    assert "Ikke signert" in text

    sign(opened_bodo, bodo_contact)
    version = AgreementVersion.objects.get(agreement=opened_bodo)
    current = client.get(url(opened_bodo, "brev.pdf"))
    assert current.status_code == 302
    signed = client.get(current["Location"])
    assert (signed.status_code, signed["Content-Type"]) == (200, "application/pdf")
    assert signed["Content-Disposition"] == 'inline; filename="intensjonsavtale-1804-v1.pdf"'
    text = pdf_text(signed.content)
    for expected in (
        "Bodø",
        "1804",
        Solution.objects.get(slug=PLL).name,
        Solution.objects.get(slug=KJ_PLO).name,
        SIGNATORY[0],
        SIGNATORY[1],
        version.fingerprint,
    ):
        assert expected in text
    assert Client().get(url(opened_bodo, "versjon/1.pdf")).status_code == 302  # logged out: to the login page


# --- The round overview and its export -------------------------------------------------------------------


@pytest.fixture
def answered_round(
    agreement_round: AgreementRound, bodo: Any, rost: Any, bodo_contact: Any, rost_contact: Any, coordinator: Any
) -> AgreementRound:
    """Bodø signed (PLL and Kjernejournal PLO), Røst declined, Alta sent; all at NOW exactly."""
    alta = Municipality.objects.get(number="5601")
    make_contact(alta)
    for municipality in (bodo, rost, alta):
        services.agreement_send(agreement=agreement_of(agreement_round, municipality), by=coordinator)
    sign(agreement_of(agreement_round, bodo), bodo_contact)
    rost_agreement = agreement_of(agreement_round, rost)
    services.agreement_decline(
        agreement=rost_agreement, by=rost_contact, revision=rost_agreement.revision, reason="Nei"
    )
    return agreement_round


def make_contact(municipality: Any) -> Any:
    from ehelsenord.accounts.tests.factories import UserFactory

    return UserFactory(role=Role.MUNICIPALITY_CONTACT, municipalities=[municipality])


def test_round_overview_shows_statuses_commitments_and_who_has_not_answered(
    answered_round: AgreementRound, coordinator: Any, reader: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        response = client_for(coordinator).get(f"/avtaler/runde/{answered_round.pk}/")
    main = main_of(response)
    assert table(response, nb("Offered solutions and how many municipalities have signed up for each")) == [
        [Solution.objects.get(slug=slug).name, f"Nasjonal prioritet for {slug}", count]
        for slug, count in ((PLL, "1"), (KJ_PLO, "1"), (DHO, "0"))
    ]
    rows = {row[0]: row[1:] for row in table(response, nb("Every municipality's agreement in this round"))}
    assert len(rows) == REGION_MUNICIPALITIES
    assert rows["Bodø"][0] == nb("Signed")
    assert rows["Bodø"][2] == "PLL, " + Solution.objects.get(slug=KJ_PLO).short_name
    assert (rows["Røst"][0], rows["Røst"][2]) == (nb("Declined"), "")
    assert (rows["Alta"][0], rows["Alta"][2]) == (nb("Sent"), "")
    assert rows["Andøy"][0] == nb("Draft")
    unanswered = main.find("section", **{"aria-labelledby": "unanswered-heading"})
    assert [link.text() for link in unanswered.find_all("a")] == ["Alta"]
    counts = [item.text() for item in main.find("ul", class_="status-counts").find_all("li")]
    assert counts == [f"{nb('Draft')} 77", f"{nb('Sent')} 1", f"{nb('Signed')} 1", f"{nb('Declined')} 1"]
    # A reader sees the same round without the drafts.
    for_reader = table(
        client_for(reader).get(f"/avtaler/runde/{answered_round.pk}/"),
        nb("Every municipality's agreement in this round"),
    )
    assert [row[0] for row in for_reader] == ["Alta", "Bodø", "Røst"]


def test_the_xlsx_export_has_exactly_the_rows_of_the_overview(
    answered_round: AgreementRound, coordinator: Any, reader: Any
) -> None:
    response = client_for(reader).get(f"/avtaler/runde/{answered_round.pk}/eksport.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f'attachment; filename="avtalerunde-{answered_round.pk}.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [nb("Municipalities"), nb("Solutions")]
    activity = {
        number: at.astimezone(NOW.tzinfo).replace(tzinfo=None)
        for number, at in IntentAgreement.objects.filter(round=answered_round).values_list(
            "municipality_id", "last_activity_at"
        )
    }
    rows = list(workbook[nb("Municipalities")].iter_rows(values_only=True))
    # An XLSX time is a fraction of a day: it comes back rounded to the millisecond.
    times = {str(row[0]): row[3] for row in rows[1:]}
    assert all(
        isinstance(at, datetime) and abs(at - activity[number]) <= timedelta(milliseconds=1)
        for number, at in times.items()
    )
    assert [row[:3] + row[4:] for row in rows] == [
        (nb("Number"), nb("Municipality"), _("Status"), nb("Committed solutions")),
        ("5601", "Alta", nb("Sent"), None),
        ("1804", "Bodø", nb("Signed"), "PLL, " + Solution.objects.get(slug=KJ_PLO).short_name),
        ("1856", "Røst", nb("Declined"), None),
    ]
    assert rows[0][3] == nb("Last activity")
    assert list(workbook[nb("Solutions")].iter_rows(values_only=True)) == [
        (nb("Solution"), nb("Why it is prioritised"), nb("Committed municipalities")),
        (Solution.objects.get(slug=PLL).name, f"Nasjonal prioritet for {PLL}", 1),
        (Solution.objects.get(slug=KJ_PLO).name, f"Nasjonal prioritet for {KJ_PLO}", 1),
        (Solution.objects.get(slug=DHO).name, f"Nasjonal prioritet for {DHO}", 0),
    ]
    # Coordinators get the drafts too, as on the page.
    full = load_workbook(
        io.BytesIO(client_for(coordinator).get(f"/avtaler/runde/{answered_round.pk}/eksport.xlsx").content)
    )
    rows = list(full[nb("Municipalities")].iter_rows(values_only=True))
    assert len(rows) == 1 + REGION_MUNICIPALITIES
    assert [row[2] for row in rows[1:]].count(nb("Draft")) == 77


# --- Query counts ---------------------------------------------------------------------------------------


def _sign_municipalities(round_: AgreementRound, numbers: Sequence[str], coordinator: Any) -> None:
    for number in numbers:
        municipality = Municipality.objects.get(number=number)
        contact = make_contact(municipality)
        services.agreement_send(agreement=agreement_of(round_, municipality), by=coordinator)
        sign(agreement_of(round_, municipality), contact)


@pytest.mark.parametrize("signed", [1, 3])
def test_round_overview_query_count_does_not_grow(
    signed: int, agreement_round: AgreementRound, coordinator: Any, django_assert_num_queries: Any
) -> None:
    _sign_municipalities(agreement_round, ["1804", "1856", "5601"][:signed], coordinator)
    client = client_for(coordinator)
    with django_assert_num_queries(ROUND_OVERVIEW_QUERIES):
        response = client.get(f"/avtaler/runde/{agreement_round.pk}/")
    assert main_of(response).find("dl").find_all("dd")[2].text() == nb("%(signed)s of %(total)s municipalities") % {
        "signed": signed,
        "total": REGION_MUNICIPALITIES,
    }


@pytest.mark.parametrize("signed", [1, 3])
def test_agreement_list_query_count_does_not_grow(
    signed: int, make_round: Any, coordinator: Any, bodo: Any, django_assert_num_queries: Any
) -> None:
    contact = make_contact(bodo)
    for index in range(signed):
        round_ = make_round(name=f"Runde {index + 1}")
        services.agreement_send(agreement=agreement_of(round_, bodo), by=coordinator)
        sign(agreement_of(round_, bodo), contact)
    client = client_for(contact)
    with django_assert_num_queries(AGREEMENT_LIST_QUERIES):
        response = client.get("/avtaler/")
    own = main_of(response).find("section", **{"aria-labelledby": "own-heading"})
    assert len(own.find_all("li")) == signed
    assert len(table(response, nb("Agreement rounds, newest first"))) == signed


# --- The public check --------------------------------------------------------------------------------------


def test_the_public_check_finds_a_real_fingerprint_logged_out(opened_bodo: IntentAgreement, bodo_contact: Any) -> None:
    result = sign(opened_bodo, bodo_contact)
    fingerprint = result.version.fingerprint
    client = Client()
    blank = client.get("/avtaler/kontroll/")
    assert blank.status_code == 200
    assert main_of(blank).find_all("div", role="status") == []

    response = client.get("/avtaler/kontroll/", {"fingerprint": f"  {fingerprint.upper()} "})
    assert response.status_code == 200
    status = main_of(response).find("div", role="status")
    assert status.find("h2").text() == nb("The fingerprint belongs to a signed agreement")
    signed_at = result.version.signed_at.astimezone(NOW.tzinfo).strftime("%d.%m.%Y %H:%M")
    assert facts(status.find("dl")) == {
        nb("Municipality"): "Bodø (1804)",
        nb("Agreement round"): ROUND_NAME,
        nb("Version"): "1",
        nb("Signed"): signed_at,
    }
    assert nb("This is the version in force.") in status.text()
    text = main_of(response).text()
    for secret in (SIGNATORY[0], CONTACT.name, CONTACT.email, Solution.objects.get(slug=PLL).name):
        assert secret not in text


def test_the_public_check_says_no_match_for_an_unknown_fingerprint() -> None:
    response = Client().get("/avtaler/kontroll/", {"fingerprint": "ab" * 32})
    assert response.status_code == 200
    status = main_of(response).find("div", role="status")
    assert status.text() == nb(
        "No signed agreement has this fingerprint. Check that you typed all 64 characters; if they are right, the "
        "letter was not signed here, or it has been changed."
    )


@pytest.mark.parametrize("typed", ["abc", "g" * 64, "ab" * 33, ""])
def test_the_public_check_rejects_malformed_input(typed: str) -> None:
    response = Client().get("/avtaler/kontroll/", {"fingerprint": typed})
    assert response.status_code == 200
    main = main_of(response)
    expected = (
        "Feltet er påkrevet."
        if not typed
        else nb("A fingerprint is 64 characters, the digits 0–9 and the letters a–f.")
        if len(typed) <= 80
        else ""
    )
    assert main.find("p", id="id_fingerprint_error").text() == expected
    assert main.find_all("div", role="status") == []


# --- Records point back to the agreement -----------------------------------------------------------------


def test_the_record_history_links_back_to_the_agreement(
    opened_bodo: IntentAgreement, bodo_contact: Any, reader: Any
) -> None:
    client_for(bodo_contact).post(url(opened_bodo), answer_post(opened_bodo))
    response = client_for(reader).get(f"/registreringer/1804/{PLL}/")
    links = [
        (link.attrs["href"], link.text())
        for link in main_of(response).find_all("a")
        if link.attrs.get("href", "").startswith("/avtaler/")
    ]
    reason = nb("Intent agreement %(round)s, version %(number)d") % {"round": ROUND_NAME, "number": 1}
    assert links == [(url(opened_bodo), reason)] * 2  # the phase and the target date
    history = client_for(reader).get(f"/registreringer/1804/{PLL}/historikk/")
    assert [
        link.attrs["href"]
        for link in main_of(history).find_all("a")
        if link.attrs.get("href", "").startswith("/avtaler/")
    ] == [url(opened_bodo)] * 2


def test_min_kommune_shows_the_agreement_waiting_for_an_answer(sent_bodo: IntentAgreement, bodo_contact: Any) -> None:
    client = client_for(bodo_contact)
    waiting = [text for text in alerts(client.get("/min-kommune/")) if ROUND_NAME in text]
    assert waiting == [
        nb("The intent agreement “%(round)s” is waiting for your answer (deadline %(deadline)s).")
        % {"round": ROUND_NAME, "deadline": "15.10.2026"}
        + " "
        + nb("Open the agreement")
    ]
    sign(sent_bodo, bodo_contact)
    assert [text for text in alerts(client.get("/min-kommune/")) if ROUND_NAME in text] == []
