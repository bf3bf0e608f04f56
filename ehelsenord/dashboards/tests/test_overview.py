"""Oversikt (/): key figures, stages per solution, freshness and recent changes of an area."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ehelsenord.core.templatetags.numbers import percent
from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.enums import ChangeSource
from ehelsenord.rollout.models import Implementation, ImplementationChange
from ehelsenord.rollout.services import implementation_update
from ehelsenord.solutions.models import Phase, Solution
from ehelsenord.solutions.selectors import solution_list

pytestmark = [
    pytest.mark.django_db,
    # Whitenoise warns when collectstatic has not run (a fresh clone); the pages do not need it.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PLL = "pasientens-legemiddelliste"
TAG = re.compile(r"<[^>]+>")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(html: str) -> str:
    # Only ordinary white space: the no-break spaces of Norwegian numbers are part of the text.
    return re.sub(r"[ \t\n]+", " ", TAG.sub(" ", html)).strip()


def _table_row(content: str, header: str) -> list[str]:
    """The cell texts of the table row whose header cell contains `header`."""
    for row in re.findall(r"<tr>(.*?)</tr>", content, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        if cells and _text(cells[0]) == header:
            return [_text(cell) for cell in cells]
    raise AssertionError(f"no row {header!r}")


def _cards(content: str) -> list[str]:
    return [_text(card) for card in re.findall(r'<li class="ds-card overview-card">(.*?)</li>', content, re.S)]


def _change_rows(content: str) -> list[list[str]]:
    section = content.split('id="changes-caption"', 1)[1].split("</table>", 1)[0]
    body = section.split("<tbody>", 1)[1]
    return [
        [_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.fixture
def pll() -> Solution:
    return Solution.objects.get(slug=PLL)


@pytest.fixture
def helseid() -> Solution:
    return Solution.objects.get(slug="helseid")


@pytest.fixture
def records(coordinator: Any, bodo: Any, rost: Any, pll: Solution, helseid: Solution) -> None:
    """Bodø: PLL in production, HelseID planned; Røst: HelseID not relevant, PLL piloting 100 days ago."""
    implementation_update(municipality=bodo, solution=pll, user=coordinator, changes={"phase": "i_drift"})
    implementation_update(municipality=bodo, solution=helseid, user=coordinator, changes={"phase": "planlagt"})
    implementation_update(municipality=rost, solution=helseid, user=coordinator, changes={"phase": "ikke_aktuell"})
    implementation_update(
        municipality=rost,
        solution=pll,
        user=coordinator,
        changes={"phase": "utproving"},
        at=timezone.now() - timedelta(days=100),
    )


def test_overview_shows_the_region_with_key_figures_from_the_aggregation(coordinator: Any, records: None) -> None:
    response = _client(coordinator).get("/")
    content = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="ds-heading" data-size="lg">Oversikt over Nord-Norge</h1>' in content
    assert "80 kommuner og 22 løsninger i katalogen." in _text(content)
    since = (timezone.localtime() - timedelta(days=90)).date()
    months = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober"]
    months += ["november", "desember"]
    assert _cards(content) == [
        "I bruk 0\xa0% 1 av 1\xa0759 aktuelle kombinasjoner av kommune og løsning er i drift eller i "
        "gevinstrealisering.",
        "Startet 0\xa0% 3 av 1\xa0759 aktuelle kombinasjoner er minst planlagt.",
        "Kommuner i gang 1 av 80 kommuner har minst én løsning i bruk.",
        "Oppdatert siste 90 dager 0\xa0% "
        f"3 av 1\xa0760 kombinasjoner er oppdatert siden {since.day}. {months[since.month - 1]} {since.year}.",
    ]


def test_overview_counts_municipalities_per_stage_and_solution(coordinator: Any, records: None) -> None:
    content = _client(coordinator).get("/").content.decode()
    header = re.search(r'<caption id="stages-caption">.*?</thead>', content, re.S)
    assert header is not None
    assert [_text(cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", header.group(0), re.S)] == [
        "Løsning",
        "Ikke startet",
        "Planlagt",
        "Forberedelse",
        "Utprøving",
        "I drift",
        "Gevinstrealisering",
        "Ikke aktuell",
        "Andel i bruk",
        "Oppdatert siste 90 dager",
    ]
    assert '<th scope="col" class="numeric"><span class="stage stage--piloting">Utprøving</span></th>' in content
    assert _table_row(content, "Pasientens legemiddelliste (PLL)") == [
        "Pasientens legemiddelliste (PLL)", "78", "0", "0", "1", "1", "0", "0", "1\xa0%", "1",
    ]  # fmt: skip
    assert _table_row(content, "HelseID") == ["HelseID", "78", "1", "0", "0", "0", "0", "1", "0\xa0%", "2"]
    # Helsenettet has its own phases; they are counted by their stage.
    assert _table_row(content, "Helsenettet (medlemskap)") == [
        "Helsenettet (medlemskap)", "80", "0", "0", "0", "0", "0", "0", "0\xa0%", "0",
    ]  # fmt: skip
    assert _table_row(content, "Alle løsninger") == [
        "Alle løsninger", "1\xa0756", "1", "0", "1", "1", "0", "1", "0\xa0%", "3",
    ]  # fmt: skip
    assert f'<a class="ds-link" href="/losninger/{PLL}/">Pasientens legemiddelliste (PLL)</a>' in content


def test_overview_lists_recent_changes_of_the_area_newest_first(coordinator: Any, records: None) -> None:
    content = _client(coordinator).get("/").content.decode()
    rows = _change_rows(content)
    now = timezone.localtime()
    assert [row[1:] for row in rows] == [
        ["Røst", "HelseID", "Fase", "Ikke startet → til Ikke aktuell", "Kari Koordinator"],
        ["Bodø", "HelseID", "Fase", "Ikke startet → til Planlagt", "Kari Koordinator"],
        ["Bodø", "PLL", "Fase", "Ikke startet → til I drift", "Kari Koordinator"],
        ["Røst", "PLL", "Fase", "Ikke startet → til Utprøving", "Kari Koordinator"],
    ]
    hundred_days_ago = timezone.localtime() - timedelta(days=100)
    assert [row[0][:10] for row in rows] == [now.strftime("%d.%m.%Y")] * 3 + [hundred_days_ago.strftime("%d.%m.%Y")]
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", rows[0][0])
    assert f'<a class="ds-link" href="/registreringer/1804/{PLL}/">PLL</a>' in content
    assert "De 4 siste endringene i Nord-Norge" in content


def test_overview_recent_changes_show_labels_and_at_most_fifteen(coordinator: Any, bodo: Any, pll: Solution) -> None:
    for index in range(20):
        implementation_update(
            municipality=bodo,
            solution=pll,
            user=coordinator,
            changes={"note": f"Notat {index}", "traffic_light": ("at_risk", "delayed")[index % 2]},
        )
    rows = _change_rows(_client(coordinator).get("/").content.decode())
    assert len(rows) == 15
    assert [row[1:5] for row in rows[:2]] == [
        ["Bodø", "PLL", "Notat", "Notat 18 → til Notat 19"],
        ["Bodø", "PLL", "Trafikklys", "Risiko → til Forsinket"],
    ]


def test_overview_switches_between_region_county_and_all_of_norway(coordinator: Any, records: None) -> None:
    oslo = Municipality.objects.get(number="0301")
    pll = Solution.objects.get(slug=PLL)
    # Coordinators cannot change Oslo; a record there comes from elsewhere (here: directly).
    record = Implementation.objects.create(
        municipality=oslo, solution=pll, phase=Phase.objects.get(template__slug="standard", key="i_drift"),
        updated_at=timezone.now(),
    )  # fmt: skip
    ImplementationChange.objects.create(
        implementation=record,
        changed_at=timezone.now(),
        source=ChangeSource.IMPORT,
        field="phase",
        old_value="ikke_startet",
        new_value="i_drift",
    )
    client = _client(coordinator)
    region = client.get("/").content.decode()
    assert [row[1] for row in _change_rows(region)] == ["Røst", "Bodø", "Bodø", "Røst"]
    national = client.get("/", {"omrade": "norge"}).content.decode()
    assert '<h1 class="ds-heading" data-size="lg">Oversikt over hele landet</h1>' in national
    assert "357 kommuner og 22 løsninger i katalogen." in _text(national)
    newest = _change_rows(national)[0]
    assert (newest[1], newest[5]) == ("Oslo", "–")
    assert _table_row(national, "Pasientens legemiddelliste (PLL)")[5] == "2"
    assert '<option value="norge" selected>Hele landet</option>' in national
    nordland = client.get("/", {"omrade": "18"}).content.decode()
    assert '<h1 class="ds-heading" data-size="lg">Oversikt over Nordland</h1>' in nordland
    assert "41 kommuner og 22 løsninger i katalogen." in _text(nordland)
    finnmark = client.get("/", {"omrade": "56"}).content.decode()
    assert "Ingen endringer ennå." in finnmark


def test_overview_is_readable_by_every_role(reader: Any, rost_contact: Any, records: None) -> None:
    for user in (reader, rost_contact):
        content = _client(user).get("/").content.decode()
        assert "Kommuner i gang 1 av 80 kommuner har minst én løsning i bruk." in _cards(content)


def test_percent_rounds_half_up_with_a_no_break_space() -> None:
    assert [percent(0.0), percent(0.125), percent(0.5), percent(1 / 3), percent(1.0)] == [
        "0\xa0%",
        "13\xa0%",
        "50\xa0%",
        "33\xa0%",
        "100\xa0%",
    ]


@pytest.mark.parametrize("params", [{}, {"omrade": "norge"}, {"omrade": "55"}])
def test_overview_query_count_does_not_grow_with_the_data(
    coordinator: Any,
    bodo: Any,
    pll: Solution,
    django_assert_num_queries: Callable[..., Any],
    django_assert_max_num_queries: Callable[..., Any],
    params: dict[str, str],
) -> None:
    client = _client(coordinator)
    implementation_update(municipality=bodo, solution=pll, user=coordinator, changes={"phase": "planlagt"})
    client.get("/", params)
    # Within the budget of 12: session, user, municipalities, solutions, phases, records, counties,
    # changes, phase names, the demo marker and the menu's "my municipality" check; one more for a county.
    with django_assert_max_num_queries(12) as one:
        client.get("/", params)
    now = timezone.now()
    solutions = solution_list()
    numbers = list(Municipality.objects.exclude(number="1804").values_list("number", flat=True))
    Implementation.objects.bulk_create(
        Implementation(municipality_id=number, solution=solution, phase=solution.phase_template.phases.all()[1],
                       updated_at=now)
        for number in numbers
        for solution in solutions
    )  # fmt: skip
    ImplementationChange.objects.bulk_create(
        ImplementationChange(
            implementation=record, changed_at=now, source=ChangeSource.IMPORT, field="phase", new_value="planlagt"
        )
        for record in Implementation.objects.exclude(municipality=bodo)
    )
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/", params)
    assert len(_change_rows(response.content.decode())) == 15
