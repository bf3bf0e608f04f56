"""The record page, its history and "Min kommune"."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from ehelsenord.rollout.enums import ChangeSource
from ehelsenord.rollout.models import Implementation, ImplementationChange
from ehelsenord.rollout.services import implementation_update
from ehelsenord.solutions.models import Solution
from ehelsenord.solutions.selectors import solution_list

pytestmark = pytest.mark.django_db

# --- A small HTML reader, so tests assert what a person sees (shared by the page tests) ----------


class Node:
    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[Node | str] = []

    def raw(self) -> str:
        inner = "".join(child if isinstance(child, str) else child.raw() for child in self.children)
        return f" {inner} " if self.tag in BLOCKS else inner

    def text(self) -> str:
        return " ".join(self.raw().split())

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag and all(
                    value in child.attrs.get(name.rstrip("_"), "").split() or child.attrs.get(name.rstrip("_")) == value
                    for name, value in attrs.items()
                ):
                    found.append(child)
                found.extend(child.find_all(tag, **attrs))
        return found

    def find(self, tag: str, **attrs: str) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]


BLOCKS = {"td", "th", "li", "p", "dt", "dd", "div", "br", "tr", "legend"}
VOID = {"br", "input", "img", "meta", "link", "hr"}


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def page(response: Any) -> Node:
    builder = _Builder()
    builder.feed(response.content.decode())
    return builder.root


def main_of(response: Any) -> Node:
    return page(response).find("main")


def table(response: Any, caption: str) -> list[list[str]]:
    """The body rows of the table with this caption, as the cells' texts."""
    for candidate in page(response).find_all("table"):
        if candidate.find_all("caption") and candidate.find("caption").text() == caption:
            return [
                [cell.text() for cell in row.children if isinstance(cell, Node)]
                for row in candidate.find("tbody").find_all("tr")
            ]
    raise AssertionError(f"no table with caption {caption!r}")


def facts(node: Node) -> dict[str, str]:
    """A description list as {term: value}."""
    terms = node.find_all("dt")
    values = node.find_all("dd")
    return {term.text(): value.text() for term, value in zip(terms, values, strict=True)}


def alerts(response: Any) -> list[str]:
    return [alert.text() for alert in page(response).find_all("div", class_="ds-alert")]


# --- Fixtures --------------------------------------------------------------------------------


@pytest.fixture
def pll() -> Solution:
    return Solution.objects.get(slug="pasientens-legemiddelliste")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def record_url(number: str, slug: str) -> str:
    return f"/registreringer/{number}/{slug}/"


def form_data(**values: str) -> dict[str, str]:
    data = {
        "phase": "ikke_startet",
        "traffic_light": "on_track",
        "note": "",
        "target_date": "",
        "go_live_date": "",
        "evidence": "self_reported",
    }
    data.update(values)
    return data


def make_changes(municipality: Any, solution: Solution, user: Any, count: int) -> None:
    """count history entries for one record (notes 1..count, one minute apart)."""
    start = timezone.now() - timedelta(days=1)
    for index in range(1, count + 1):
        implementation_update(
            municipality=municipality,
            solution=solution,
            user=user,
            changes={"note": f"Notat {index}"},
            source=ChangeSource.IMPORT,
            at=start + timedelta(minutes=index),
        )


# --- Record page -----------------------------------------------------------------------------


def test_record_page_without_record_shows_the_first_phase_and_no_changes(bodo: Any, pll: Solution, reader: Any) -> None:
    response = client_for(reader).get(record_url("1804", pll.slug))
    assert response.status_code == 200
    main = main_of(response)
    assert main.find("h1").text() == "Pasientens legemiddelliste (PLL) i Bodø"
    assert facts(main.find("dl")) == {
        "Fase": "Ikke startet",
        "Trafikklys": "I rute",
        "Notat": "–",
        "Måldato": "–",
        "Dato i drift": "–",
        "Grunnlag": "Egenrapportert",
        "Sist oppdatert": "Ingen endringer ennå",
    }
    assert "Ingen endringer ennå." in main.text()
    assert main.find_all("form") == []


def test_record_page_shows_every_field_and_the_history(bodo: Any, pll: Solution, coordinator: Any, reader: Any) -> None:
    implementation_update(
        municipality=bodo,
        solution=pll,
        user=coordinator,
        changes={
            "phase": "utproving",
            "traffic_light": "at_risk",
            "note": "To legekontor",
            "target_date": date(2027, 3, 1),
        },
        at=timezone.make_aware(datetime(2026, 5, 4, 9, 30)),
    )
    response = client_for(reader).get(record_url("1804", pll.slug))
    main = main_of(response)
    assert facts(main.find("dl")) == {
        "Fase": "Utprøving",
        "Trafikklys": "Risiko",
        "Notat": "To legekontor",
        "Måldato": "1. mars 2027",
        "Dato i drift": "–",
        "Grunnlag": "Egenrapportert",
        "Sist oppdatert": "4. mai 2026 kl. 09:30, av Kari Koordinator",
    }
    assert main.find("span", class_="stage--piloting").text() == "Utprøving"
    assert table(response, "Endringer for PLL i Bodø, nyeste først") == [
        ["04.05.2026 09:30", "Måldato", "–", "01.03.2027", "Kari Koordinator", "Nettsiden"],
        ["04.05.2026 09:30", "Notat", "–", "To legekontor", "Kari Koordinator", "Nettsiden"],
        ["04.05.2026 09:30", "Trafikklys", "I rute", "Risiko", "Kari Koordinator", "Nettsiden"],
        ["04.05.2026 09:30", "Fase", "Ikke startet", "Utprøving", "Kari Koordinator", "Nettsiden"],
    ]


def test_record_form_saves_only_changed_fields_and_says_so(bodo: Any, pll: Solution, bodo_contact: Any) -> None:
    client = client_for(bodo_contact)
    response = client.post(
        record_url("1804", pll.slug), form_data(phase="planlagt", note="Oppstart i høst", target_date="2027-01-15")
    )
    assert response.status_code == 302
    assert response["Location"] == record_url("1804", pll.slug)
    record = Implementation.objects.get(municipality=bodo, solution=pll)
    assert (record.phase.key, record.note, record.target_date, record.updated_by) == (
        "planlagt",
        "Oppstart i høst",
        date(2027, 1, 15),
        bodo_contact,
    )
    assert list(record.changes.order_by("id").values_list("field", "new_value", "source")) == [
        ("phase", "planlagt", "web"),
        ("note", "Oppstart i høst", "web"),
        ("target_date", "2027-01-15", "web"),
    ]
    page_after = client.get(response["Location"])
    assert alerts(page_after) == ["Registreringen for Pasientens legemiddelliste (PLL) i Bodø er lagret."]


def test_record_form_without_change_writes_no_history(bodo: Any, pll: Solution, bodo_contact: Any) -> None:
    client = client_for(bodo_contact)
    response = client.post(record_url("1804", pll.slug), form_data(), follow=True)
    assert alerts(response) == ["Ingenting ble endret."]
    assert ImplementationChange.objects.count() == 0
    assert not Implementation.objects.exists()


def test_record_form_with_errors_shows_them_and_saves_nothing(bodo: Any, pll: Solution, bodo_contact: Any) -> None:
    response = client_for(bodo_contact).post(
        record_url("1804", pll.slug), form_data(phase="finnes_ikke", note="x" * 201, target_date="1. mars")
    )
    assert response.status_code == 200
    summary = page(response).find("div", class_="ds-alert")
    assert summary.find("h2").text() == "Skjemaet har feil"
    assert [item.text() for item in summary.find_all("li")] == [
        "Fase: Velg et gyldig valg. finnes_ikke er ikke et av de tilgjengelige valgene.",
        "Notat: Sørg for at denne verdien har 200 eller færre tegn (den har nå 201).",
        "Måldato: Oppgi en gyldig dato.",
    ]
    assert page(response).find("p", id="id_note_error").text() == (
        "Sørg for at denne verdien har 200 eller færre tegn (den har nå 201)."
    )
    assert not Implementation.objects.exists()
    assert ImplementationChange.objects.count() == 0


def test_record_form_shows_the_patient_data_reminder(bodo: Any, pll: Solution, bodo_contact: Any) -> None:
    response = client_for(bodo_contact).get(record_url("1804", pll.slug))
    assert page(response).find("p", id="id_note_helptext").text() == (
        "Én linje. Ingen pasientopplysninger eller andre helseopplysninger om personer."
    )


def test_record_page_another_municipalitys_contact_gets_no_form_and_cannot_post(
    bodo: Any, rost: Any, pll: Solution, bodo_contact: Any, rost_contact: Any
) -> None:
    implementation_update(
        municipality=bodo, solution=pll, user=bodo_contact, changes={"phase": "planlagt", "note": "Bodøs plan"}
    )
    client = client_for(rost_contact)
    response = client.get(record_url("1804", pll.slug))
    assert main_of(response).find_all("form") == []
    response = client.post(record_url("1804", pll.slug), form_data(phase="i_drift", note="Røst var her"))
    assert response.status_code == 403
    assert main_of(response).find("h1").text() == "Ingen tilgang"
    assert alerts(response) == ["Du kan ikke endre registreringene til Bodø."]
    record = Implementation.objects.get(municipality=bodo, solution=pll)
    assert (record.phase.key, record.note) == ("planlagt", "Bodøs plan")
    assert ImplementationChange.objects.filter(changed_by=rost_contact).count() == 0
    # Their own municipality's form is there.
    assert main_of(client.get(record_url("1856", pll.slug))).find("form").find("button").text() == "Lagre endringer"


def test_record_page_reader_sees_no_form_and_cannot_post(bodo: Any, pll: Solution, reader: Any) -> None:
    client = client_for(reader)
    assert main_of(client.get(record_url("1804", pll.slug))).find_all("form") == []
    response = client.post(record_url("1804", pll.slug), form_data(phase="i_drift"))
    assert response.status_code == 403
    assert not Implementation.objects.exists()


def test_record_page_anonymous_is_sent_to_login(pll: Solution) -> None:
    response = Client().get(record_url("1804", pll.slug))
    assert response.status_code == 302
    assert response["Location"] == f"/konto/logg-inn/?next={record_url('1804', pll.slug)}"


def test_record_page_unknown_municipality_or_solution_is_404(reader: Any) -> None:
    client = client_for(reader)
    assert client.get(record_url("9999", "pasientens-legemiddelliste")).status_code == 404
    assert client.get(record_url("1804", "finnes-ikke")).status_code == 404


def test_record_page_links_to_the_full_history_when_it_is_long(bodo: Any, pll: Solution, coordinator: Any) -> None:
    make_changes(bodo, pll, coordinator, 21)
    response = client_for(coordinator).get(record_url("1804", pll.slug))
    rows = table(response, "Endringer for PLL i Bodø, nyeste først")
    assert [row[3] for row in rows] == [f"Notat {n}" for n in range(21, 1, -1)]
    link = main_of(response).find("a", href=f"{record_url('1804', pll.slug)}historikk/")
    assert link.text() == "Se hele historikken"


def test_record_history_is_paginated_50_a_page(bodo: Any, pll: Solution, coordinator: Any) -> None:
    make_changes(bodo, pll, coordinator, 120)
    client = client_for(coordinator)
    url = f"{record_url('1804', pll.slug)}historikk/"
    first = client.get(url)
    assert main_of(first).find("h1").text() == "Historikk for Pasientens legemiddelliste (PLL) i Bodø"
    rows = table(first, "Endringer for PLL i Bodø, nyeste først")
    assert [row[3] for row in rows] == [f"Notat {n}" for n in range(120, 70, -1)]
    assert rows[0][4:] == ["Kari Koordinator", "Regnearkimport"]
    nav = page(first).find("nav", class_="history-pagination")
    assert nav.attrs["aria-label"] == "Sider i historikken"
    assert [link.text() for link in nav.find_all("a")] == ["Side 1", "Side 2", "Side 3", "Neste"]
    assert nav.find("a", **{"aria-current": "page"}).text() == "Side 1"
    assert "Viser 1–50 av 120 endringer." in main_of(first).text()
    last = client.get(url, {"side": 3})
    assert [row[3] for row in table(last, "Endringer for PLL i Bodø, nyeste først")] == [
        f"Notat {n}" for n in range(20, 0, -1)
    ]
    assert "Viser 101–120 av 120 endringer." in main_of(last).text()


@pytest.mark.parametrize("count", [1, 120])
def test_record_history_query_count_does_not_grow(
    count: int, bodo: Any, pll: Solution, coordinator: Any, django_assert_num_queries: Any
) -> None:
    make_changes(bodo, pll, coordinator, count)
    client = client_for(coordinator)
    with django_assert_num_queries(RECORD_HISTORY_QUERIES):
        response = client.get(f"{record_url('1804', pll.slug)}historikk/")
    assert len(table(response, "Endringer for PLL i Bodø, nyeste først")) == min(count, 50)


@pytest.mark.parametrize("count", [1, 30])
def test_record_page_query_count_does_not_grow(
    count: int, bodo: Any, pll: Solution, coordinator: Any, django_assert_num_queries: Any
) -> None:
    make_changes(bodo, pll, coordinator, count)
    client = client_for(coordinator)
    with django_assert_num_queries(RECORD_PAGE_QUERIES):
        response = client.get(record_url("1804", pll.slug))
    assert len(table(response, "Endringer for PLL i Bodø, nyeste først")) == min(count, 20)


RECORD_PAGE_QUERIES = 11
RECORD_HISTORY_QUERIES = 10


# --- Min kommune -----------------------------------------------------------------------------


def mine_data(municipality: Any, **rows: dict[str, str]) -> dict[str, str]:
    """The whole Min kommune form as the page would send it unchanged, with some rows changed."""
    data: dict[str, str] = {}
    records = {
        r.solution_id: r for r in Implementation.objects.filter(municipality=municipality).select_related("phase")
    }
    for solution in solution_list():
        record = records.get(solution.pk)
        current = {
            "phase": record.phase.key if record else solution.phase_template.phases.all()[0].key,
            "traffic_light": record.traffic_light if record else "on_track",
            "note": record.note if record else "",
            "target_date": record.target_date.isoformat() if record and record.target_date else "",
            "go_live_date": record.go_live_date.isoformat() if record and record.go_live_date else "",
            "evidence": record.evidence if record else "self_reported",
        }
        current.update(rows.get(solution.slug.replace("-", "_"), {}))
        data.update({f"{solution.slug}-{name}": value for name, value in current.items()})
    return data


def test_my_municipality_shows_one_fieldset_per_solution(bodo: Any, bodo_contact: Any) -> None:
    response = client_for(bodo_contact).get("/min-kommune/")
    assert response.status_code == 200
    main = main_of(response)
    assert main.find("h1").text() == "Min kommune: Bodø"
    legends = [legend.text() for legend in main.find("form").find_all("legend")]
    assert legends == [solution.name for solution in solution_list()]
    assert len(legends) == 22
    pll_row = main.find("fieldset", id="row-pasientens-legemiddelliste")
    assert [label.text() for label in pll_row.find_all("label")] == [
        "Fase",
        "Trafikklys",
        "Notat (valgfritt)",
        "Måldato (valgfritt)",
        "Dato i drift (valgfritt)",
        "Grunnlag",
        "Vis fasen på de offentlige statussidene",
    ]
    assert (
        pll_row.find("select", id="id_pasientens-legemiddelliste-phase").attrs["name"]
        == "pasientens-legemiddelliste-phase"
    )


def test_my_municipality_saves_only_changed_rows(bodo: Any, rost: Any, bodo_contact: Any, coordinator: Any) -> None:
    implementation_update(
        municipality=bodo, solution=Solution.objects.get(slug="helseid"), user=coordinator, changes={"phase": "i_drift"}
    )
    before = ImplementationChange.objects.count()
    client = client_for(bodo_contact)
    data = mine_data(
        bodo,
        pasientens_legemiddelliste={"phase": "planlagt", "note": "Venter på EPJ"},
        e_las={"phase": "i_drift", "go_live_date": "2025-10-01", "evidence": "documented"},
    )
    response = client.post("/min-kommune/", data)
    assert response.status_code == 302
    assert response["Location"] == "/min-kommune/?kommune=1804"
    assert alerts(client.get(response["Location"])) == ["2 løsninger ble oppdatert."]
    new = ImplementationChange.objects.order_by("id")[before:]
    assert [(c.implementation.solution.slug, c.field, c.new_value, c.changed_by) for c in new] == [
        ("pasientens-legemiddelliste", "phase", "planlagt", bodo_contact),
        ("pasientens-legemiddelliste", "note", "Venter på EPJ", bodo_contact),
        ("e-las", "phase", "i_drift", bodo_contact),
        ("e-las", "go_live_date", "2025-10-01", bodo_contact),
        ("e-las", "evidence", "documented", bodo_contact),
    ]
    assert sorted(Implementation.objects.filter(municipality=bodo).values_list("solution__slug", flat=True)) == [
        "e-las",
        "helseid",
        "pasientens-legemiddelliste",
    ]
    assert not Implementation.objects.filter(municipality=rost).exists()


def test_my_municipality_one_bad_row_saves_nothing(bodo: Any, bodo_contact: Any) -> None:
    data = mine_data(
        bodo,
        pasientens_legemiddelliste={"phase": "planlagt", "note": "Gyldig endring"},
        e_las={"target_date": "31.02.2027"},
        helseid={"traffic_light": "groenn"},
    )
    response = client_for(bodo_contact).post("/min-kommune/", data)
    assert response.status_code == 200
    main = main_of(response)
    summary = main.find("div", id="form-errors")
    assert summary.find("h2").text() == "Ingenting ble lagret"
    assert summary.find("p").text() == "Rett feilene i 2 løsninger og lagre på nytt."
    assert [item.text() for item in summary.find_all("li")] == [
        "HelseID, trafikklys: Velg et gyldig valg. groenn er ikke et av de tilgjengelige valgene.",
        "Elektroniske dørlåser (e-lås), måldato: Oppgi en gyldig dato.",
    ]
    assert main.find("p", id="id_e-las-target_date_error").text() == "Oppgi en gyldig dato."
    assert "record-row--invalid" in main.find("fieldset", id="row-e-las").attrs["class"]
    assert "record-row--invalid" not in main.find("fieldset", id="row-pasientens-legemiddelliste").attrs["class"]
    # The valid row keeps what the user typed, and nothing was saved.
    assert main.find("input", id="id_pasientens-legemiddelliste-note").attrs["value"] == "Gyldig endring"
    assert not Implementation.objects.exists()
    assert ImplementationChange.objects.count() == 0


def test_my_municipality_unchanged_form_writes_nothing(bodo: Any, bodo_contact: Any) -> None:
    client = client_for(bodo_contact)
    response = client.post("/min-kommune/", mine_data(bodo), follow=True)
    assert alerts(response) == ["Ingenting ble endret."]
    assert ImplementationChange.objects.count() == 0


def test_my_municipality_contact_with_several_chooses_among_their_own(
    bodo: Any, rost: Any, make_user: Any, rost_contact: Any
) -> None:
    from ehelsenord.accounts.enums import Role

    both = make_user(role=Role.MUNICIPALITY_CONTACT, full_name="Begge Kommuner", municipalities=[bodo, rost])
    client = client_for(both)
    first = client.get("/min-kommune/")
    assert main_of(first).find("h1").text() == "Min kommune: Bodø"
    switch = main_of(first).find("nav", class_="municipality-switch")
    assert [(a.text(), a.attrs["href"]) for a in switch.find_all("a")] == [
        ("Bodø", "?kommune=1804"),
        ("Røst", "?kommune=1856"),
    ]
    chosen = client.get("/min-kommune/", {"kommune": "1856"})
    assert main_of(chosen).find("h1").text() == "Min kommune: Røst"
    response = client.post("/min-kommune/?kommune=1856", mine_data(rost, e_las={"phase": "planlagt"}))
    assert response["Location"] == "/min-kommune/?kommune=1856"
    assert list(Implementation.objects.values_list("municipality_id", "solution__slug")) == [("1856", "e-las")]


def test_my_municipality_refuses_another_municipality(
    bodo: Any, rost: Any, rost_contact: Any, bodo_contact: Any
) -> None:
    implementation_update(
        municipality=bodo,
        solution=Solution.objects.get(slug="e-las"),
        user=bodo_contact,
        changes={"note": "Bodøs notat"},
    )
    client = client_for(rost_contact)
    response = client.get("/min-kommune/", {"kommune": "1804"})
    assert response.status_code == 403
    assert alerts(response) == ["Du kan bare oppdatere kommunene du er kontaktperson for."]
    assert "Bodøs notat" not in response.content.decode()
    assert main_of(response).find_all("form") == []
    response = client.post("/min-kommune/?kommune=1804", mine_data(bodo, e_las={"note": "Røst var her"}))
    assert response.status_code == 403
    assert list(Implementation.objects.values_list("municipality_id", "note")) == [("1804", "Bodøs notat")]
    assert ImplementationChange.objects.filter(changed_by=rost_contact).count() == 0
    # Their own page shows only Røst's form.
    own = client.get("/min-kommune/")
    assert main_of(own).find("h1").text() == "Min kommune: Røst"
    assert "Bodøs notat" not in own.content.decode()


def test_my_municipality_without_municipalities_explains(reader: Any, coordinator: Any) -> None:
    response = client_for(reader).get("/min-kommune/")
    main = main_of(response)
    assert [p.text() for p in main.find_all("p")] == [
        "Brukeren din er ikke knyttet til noen kommune, så her er det ikke noe skjema å fylle ut.",
        "Er du kontaktperson for e-helse i en kommune? "
        "Be en nettverksadministrator i eHelse Nord om å knytte brukeren din til kommunen.",
        "Se alle kommunene",
    ]
    assert main.find_all("form") == []
    response = client_for(coordinator).get("/min-kommune/")
    assert main_of(response).find("a", href="/status/").text() == "Gå til statusmatrisen"


def test_my_municipality_reader_with_a_municipality_gets_no_form(bodo: Any, make_user: Any) -> None:
    from ehelsenord.accounts.enums import Role

    reader = make_user(role=Role.READER, municipalities=[bodo])
    client = client_for(reader)
    response = client.get("/min-kommune/")
    assert alerts(response) == ["Du kan lese registreringene til Bodø, men rollen din gir ikke lov til å endre dem."]
    assert main_of(response).find_all("form") == []
    assert client.post("/min-kommune/", mine_data(bodo, e_las={"phase": "i_drift"})).status_code == 403
    assert not Implementation.objects.exists()


def test_my_municipality_anonymous_is_sent_to_login() -> None:
    response = Client().get("/min-kommune/")
    assert response["Location"] == "/konto/logg-inn/?next=/min-kommune/"


def _form_data_as_shown(municipality: Any) -> dict[str, str]:
    """What the browser sends for an untouched Min kommune form: every field and its 'seen' copy."""
    from ehelsenord.rollout.forms import RecordForm
    from ehelsenord.rollout.selectors import record_get

    data: dict[str, str] = {}
    for solution in solution_list():
        form = RecordForm(record=record_get(municipality, solution), prefix=solution.slug)
        for bound in form:
            value = bound.value()
            text = value.strftime("%d.%m.%Y") if hasattr(value, "strftime") else ("" if value is None else str(value))
            data[bound.html_name] = text
            data[bound.html_initial_name] = text
    return data


def test_my_municipality_never_overwrites_a_change_made_while_the_form_was_open(
    rost: Any, rost_contact: Any, coordinator: Any
) -> None:
    eresept = Solution.objects.get(slug="e-resept")
    tilsyn = Solution.objects.get(slug="digitalt-tilsyn")
    shown = _form_data_as_shown(rost)  # Røst's contact opens Min kommune ...
    implementation_update(  # ... a coordinator changes e-resept meanwhile ...
        municipality=rost,
        solution=eresept,
        user=coordinator,
        changes={"note": "Avtale signert", "traffic_light": "at_risk"},
    )
    shown["digitalt-tilsyn-phase"] = "planlagt"  # ... and the contact changes only digitalt tilsyn.
    client = Client()
    client.force_login(rost_contact)
    response = client.post("/min-kommune/", shown)

    assert response.status_code == 302
    records = {r.solution.slug: r for r in Implementation.objects.filter(municipality=rost)}
    assert (records["e-resept"].note, records["e-resept"].traffic_light) == ("Avtale signert", "at_risk")
    assert records[tilsyn.slug].phase.key == "planlagt"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["1 løsning ble oppdatert."]
