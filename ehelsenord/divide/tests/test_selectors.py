"""The divide's reads: the chosen solutions, every municipality's maturity, the measures, who is behind
their peers, the months' figures and the map, on small hand-made setups written through the real write
path. Every expected figure is worked out by hand in the comments.

The plain helpers here (setups and NOW) are shared with test_views.py and test_browser.py.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ehelsenord.agreements.models import AgreementRound
from ehelsenord.agreements.services import OfferInput, RoundInput, round_create
from ehelsenord.divide.map import abbreviations, map_data
from ehelsenord.divide.maturity import Coverage, Divide, Maturity, Quartiles, SizeClass
from ehelsenord.divide.selectors import PeerGroup, PeerKind, Selection, divide_data, selection_from, trend
from ehelsenord.municipalities.models import County, Municipality
from ehelsenord.municipalities.selectors import Area, Scope
from ehelsenord.networks.models import BuddyNetwork
from ehelsenord.networks.services import NetworkInput, networks_create
from ehelsenord.rollout.services import implementation_update
from ehelsenord.solutions.models import Solution
from ehelsenord.solutions.selectors import solution_list

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 9, 15, 12, 0, tzinfo=OSLO)
YESTERDAY = NOW - timedelta(days=1)

# The three solutions of the hand-made setups, in catalogue order. Their prerequisites in the catalogue:
# HelseID needs Helsenettet; Kjernejournal needs Helsenettet and HelseID; E-resept needs Helsenettet.
CHOSEN = ("helseid", "kjernejournal", "e-resept")
HELSEID, KJERNEJOURNAL, ERESEPT = CHOSEN
HELSENETTET = "helsenettet"

# The six municipalities of the region with 20 000 inhabitants or more, with their inhabitants.
BODO, NARVIK, RANA, TROMSO, HARSTAD, ALTA = "1804", "1806", "1833", "5501", "5503", "5601"
BIG = {BODO: 53712, NARVIK: 21580, RANA: 25994, TROMSO: 78745, HARSTAD: 25056, ALTA: 21708}
ROST, VAEROY = "1856", "1857"
SIZE_20000 = PeerGroup(PeerKind.SIZE, SizeClass.FROM_20000, "20 000 +")

# Population of the region's counties (sums of data/municipalities.csv) and their sizes.
NORDLAND_PEOPLE, TROMS_PEOPLE, FINNMARK_PEOPLE = 243081, 169610, 75053
REGION_SIZES = {SizeClass.UNDER_2000: 35, SizeClass.FROM_2000: 24, SizeClass.FROM_5000: 15, SizeClass.FROM_20000: 6}


def near(value: Any) -> Any:
    """pytest.approx, typed to stand in for a float inside the selectors' dataclasses."""
    return pytest.approx(value)


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


# --- Setups through the real write paths (shared with the view and browser tests) ---------------


def municipality(number: str) -> Municipality:
    return Municipality.objects.select_related("county").get(number=number)


def solution(slug: str) -> Solution:
    return Solution.objects.get(slug=slug)


def set_phases(user: Any, phases: Mapping[tuple[str, str], str], *, at: datetime | None = None) -> None:
    """Write {(municipality number, solution slug): phase key} with implementation_update."""
    for (number, slug), phase in phases.items():
        implementation_update(
            municipality=municipality(number), solution=solution(slug), user=user, changes={"phase": phase}, at=at
        )


def make_round(user: Any, slugs: Sequence[str], *, year: int, name: str = "") -> AgreementRound:
    """A round for the calendar year `year` offering `slugs`, made by a coordinator."""
    return round_create(
        by=user,
        data=RoundInput(
            name=name or f"Prioriterte løsninger {year}",
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
            answer_deadline=date(year, 12, 1),
            letter_nb="Vi inviterer kommunen.",
            letter_nn="Vi inviterer kommunen.",
            offers=[OfferInput(solution=solution(slug), reason="Nasjonal prioritet") for slug in slugs],
        ),
    )


def make_network(user: Any, slug: str, lead: str, members: Sequence[str]) -> BuddyNetwork:
    (network,) = networks_create(
        by=user,
        solution=solution(slug),
        networks=[
            NetworkInput(
                name=f"{solution(slug).short_name} – {municipality(lead).name_nb}",
                lead=municipality(lead),
                members=[municipality(number) for number in members],
            )
        ],
    )
    return network


def peers_setup(user: Any) -> None:
    """The large municipalities of the region, three of them far ahead of the other three.

    Bodø, Rana and Tromsø: in production with all three solutions (12 of 15 points: 80 %).
    Narvik: HelseID and Kjernejournal planned (2 points: 13 %). Alta: E-resept planned (1 point: 7 %),
    and connected to Helsenettet (not chosen, but a prerequisite). Harstad: nothing (0 %).
    Tromsø leads a buddy network for Kjernejournal with Harstad. Every other municipality: nothing.
    """
    phases = {(number, slug): "i_drift" for number in (BODO, RANA, TROMSO) for slug in CHOSEN}
    phases |= {(NARVIK, HELSEID): "planlagt", (NARVIK, KJERNEJOURNAL): "planlagt", (ALTA, ERESEPT): "planlagt"}
    phases |= {(ALTA, HELSENETTET): "tilkoblet"}
    set_phases(user, phases, at=YESTERDAY)
    make_network(user, KJERNEJOURNAL, TROMSO, [TROMSO, HARSTAD])


def chosen_selection(area: str | None = None, slugs: Sequence[str] = CHOSEN) -> Selection:
    return selection_from(area_value=area, slugs=list(slugs))


def trend_setup(user: Any) -> None:
    """Kjernejournal in Finnmark: 40 days ago the first ten municipalities (by number) began piloting;
    5 days ago the first nine of them went into production."""
    numbers = list(Municipality.objects.filter(county="56").order_by("number").values_list("number", flat=True))
    set_phases(user, {(number, KJERNEJOURNAL): "utproving" for number in numbers[:10]}, at=NOW - timedelta(days=40))
    set_phases(user, {(number, KJERNEJOURNAL): "i_drift" for number in numbers[:9]}, at=NOW - timedelta(days=5))


# --- The chosen solutions ------------------------------------------------------------------------


def test_without_a_round_or_a_choice_the_whole_catalogue_is_measured(reference_data: None) -> None:
    selection = selection_from(area_value=None, slugs=[])
    catalogue = solution_list()
    assert len(catalogue) == 22  # every solution but the historical Akson
    assert (selection.solutions, selection.catalogue) == (catalogue, catalogue)
    assert (selection.is_default, selection.round) == (True, None)
    assert selection.area == Area(Scope.REGION)


def test_the_latest_rounds_offers_are_the_default(coordinator: Any) -> None:
    make_round(coordinator, ["pasientens-legemiddelliste", "digital-hjemmeoppfolging"], year=2027)
    newer = make_round(coordinator, [ERESEPT, "videokonsultasjon", HELSEID], year=2028)
    selection = selection_from(area_value=None, slugs=[])
    # In catalogue order, not in the order the round offers them.
    assert selection.slugs == [HELSEID, ERESEPT, "videokonsultasjon"]
    assert (selection.is_default, selection.round) == (True, newer)


def test_of_two_rounds_for_the_same_period_the_one_made_last_wins(coordinator: Any) -> None:
    make_round(coordinator, ["pasientens-legemiddelliste"], year=2027, name="Første")
    later = make_round(coordinator, [KJERNEJOURNAL], year=2027, name="Andre")
    selection = selection_from(area_value=None, slugs=[])
    assert (selection.slugs, selection.round) == ([KJERNEJOURNAL], later)


def test_chosen_solutions_come_in_catalogue_order_and_unknown_slugs_are_ignored(coordinator: Any) -> None:
    offered = make_round(coordinator, ["pasientens-legemiddelliste"], year=2027)
    selection = selection_from(area_value="55", slugs=[ERESEPT, "finnes-ikke", HELSEID, "akson", ERESEPT, "<script>"])
    assert selection.slugs == [HELSEID, ERESEPT]  # Akson is historical: not in the catalogue
    assert selection.is_default is False
    assert selection.round == offered  # still named: the form says what the default would be
    assert selection.area == Area(Scope.COUNTY, County.objects.get(number="55"))


def test_only_unknown_slugs_mean_the_default(coordinator: Any) -> None:
    make_round(coordinator, [KJERNEJOURNAL], year=2027)
    selection = selection_from(area_value="norge", slugs=["finnes-ikke", "akson"])
    assert (selection.slugs, selection.is_default) == ([KJERNEJOURNAL], True)
    assert selection.area == Area(Scope.NATIONAL)


# --- Maturity and the measures -------------------------------------------------------------------


def test_maturity_per_municipality_counts_points_documented_and_fresh(coordinator: Any) -> None:
    # Bodø: HelseID in production (documented, yesterday), Kjernejournal in production 100 days ago
    # (older than the 90 days of freshness), E-resept never touched: 4 + 4 + 0 = 8 of 15 points.
    implementation_update(
        municipality=municipality(BODO),
        solution=solution(HELSEID),
        user=coordinator,
        changes={"phase": "i_drift", "evidence": "documented"},
        at=YESTERDAY,
    )
    set_phases(coordinator, {(BODO, KJERNEJOURNAL): "i_drift"}, at=NOW - timedelta(days=100))
    # Værøy: HelseID not relevant (left out), Kjernejournal realising benefits (5), E-resept not started.
    set_phases(
        coordinator, {(VAEROY, HELSEID): "ikke_aktuell", (VAEROY, KJERNEJOURNAL): "gevinstrealisering"}, at=YESTERDAY
    )
    # Moskenes: not relevant anywhere: no score.
    set_phases(coordinator, {("1874", slug): "ikke_aktuell" for slug in CHOSEN}, at=YESTERDAY)
    data = divide_data(chosen_selection(), now=NOW)
    assert data.scores[BODO] == Maturity(
        BODO, 53712, relevant=3, points=8, documented=1, fresh=1, last_updated=YESTERDAY
    )
    assert data.scores[BODO].score == near(8 / 15)
    assert data.scores[ROST] == Maturity(ROST, 460, relevant=3, points=0, documented=0, fresh=0, last_updated=None)
    assert data.scores[ROST].score == 0
    assert (data.scores[VAEROY].relevant, data.scores[VAEROY].points, data.scores[VAEROY].score) == (2, 5, 0.5)
    assert data.scores["1874"] == Maturity(
        "1874", 954, relevant=0, points=0, documented=0, fresh=0, last_updated=YESTERDAY
    )
    assert data.scores["1874"].score is None
    assert len(data.scores) == 80
    # The region: 79 scored; mean (8/15 + 1/2) / 79; 77 in the lowest band, Værøy and Bodø in the middle one.
    assert (data.total.municipalities, data.total.scored) == (80, 79)
    assert data.total.mean == near((8 / 15 + 0.5) / 79)
    assert data.total.distribution == (77, 0, 2, 0, 0)
    assert data.latest_update == YESTERDAY


def test_measures_overall_by_county_and_by_size(coordinator: Any) -> None:
    peers_setup(coordinator)
    data = divide_data(chosen_selection(), now=NOW)
    scores = {number: data.scores[number].score for number in BIG}
    assert scores == near({BODO: 0.8, RANA: 0.8, TROMSO: 0.8, NARVIK: 2 / 15, ALTA: 1 / 15, HARSTAD: 0})
    assert {m.score for number, m in data.scores.items() if number not in BIG} == {0}

    # The region: 3 × 12 + 2 + 1 = 39 points of 80 × 15; 77 below 20 %, 3 at 80 %; 9 of 240 pairs in use.
    assert data.total == Divide(
        municipalities=80,
        scored=80,
        mean=near(39 / 15 / 80),
        quartiles=Quartiles(0, 0, 0, 0, near(0.8)),
        gini=near(2989 / 3120),
        coverage=Coverage(relevant=240, in_use=9, inhabitants=3 * 487744, inhabitants_in_use=3 * 158451),
        distribution=(77, 0, 0, 0, 3),
    )
    # (Gini over 75 zeros, 1/15, 2/15 and three 12/15: Σ (2i − n + 1) x_(i) / (n Σx) with n = 80, i from 0:
    # (71·1 + 73·2 + (75 + 77 + 79)·12) / 15 / (80 · 39/15) = 2989 / 3120.)

    by_county = {county.name_nb: measures for county, measures in data.by_county}
    assert [county.name_nb for county, _measures in data.by_county] == ["Finnmark", "Nordland", "Troms"]
    # Finnmark: Alta at 1/15 and 17 at zero. Gini (2·17 − 18 + 1) x / (18 x) = 17/18.
    assert by_county["Finnmark"] == Divide(
        municipalities=18,
        scored=18,
        mean=near(1 / 15 / 18),
        quartiles=Quartiles(0, 0, 0, 0, near(1 / 15)),
        gini=near(17 / 18),
        coverage=Coverage(relevant=54, in_use=0, inhabitants=3 * FINNMARK_PEOPLE, inhabitants_in_use=0),
        distribution=(18, 0, 0, 0, 0),
    )
    # Nordland: Bodø and Rana at 12/15, Narvik at 2/15, 38 at zero. Gini (36·2 + 38·12 + 40·12) / 15
    # over 41 · 26/15 = 1008 / 1066.
    assert by_county["Nordland"] == Divide(
        municipalities=41,
        scored=41,
        mean=near(26 / 15 / 41),
        quartiles=Quartiles(0, 0, 0, 0, near(0.8)),
        gini=near(1008 / 1066),
        coverage=Coverage(
            relevant=123, in_use=6, inhabitants=3 * NORDLAND_PEOPLE, inhabitants_in_use=3 * (53712 + 25994)
        ),
        distribution=(39, 0, 0, 0, 2),
    )
    # Troms: Tromsø at 12/15, 20 at zero (Harstad among them). Gini 20/21.
    assert by_county["Troms"] == Divide(
        municipalities=21,
        scored=21,
        mean=near(0.8 / 21),
        quartiles=Quartiles(0, 0, 0, 0, near(0.8)),
        gini=near(20 / 21),
        coverage=Coverage(relevant=63, in_use=3, inhabitants=3 * TROMS_PEOPLE, inhabitants_in_use=3 * 78745),
        distribution=(20, 0, 0, 0, 1),
    )

    assert [(size, label) for size, label, _measures in data.by_size] == [
        (SizeClass.UNDER_2000, "under 2 000"),
        (SizeClass.FROM_2000, "2 000–4 999"),
        (SizeClass.FROM_5000, "5 000–19 999"),
        (SizeClass.FROM_20000, "20 000 +"),
    ]
    by_size = {size: measures for size, _label, measures in data.by_size}
    for size in (SizeClass.UNDER_2000, SizeClass.FROM_2000, SizeClass.FROM_5000):
        count = REGION_SIZES[size]
        assert by_size[size].municipalities == by_size[size].scored == count
        assert (by_size[size].mean, by_size[size].quartiles, by_size[size].gini) == (0, Quartiles(0, 0, 0, 0, 0), 0)
        assert (by_size[size].coverage.relevant, by_size[size].coverage.in_use) == (3 * count, 0)
        assert by_size[size].distribution == (count, 0, 0, 0, 0)
    # 20 000 +: 0, 1, 2, 12, 12, 12 fifteenths. Mean 39/90. Quartiles at positions 1.25, 2.5 and 3.75
    # of six: 1/15 + ¼ · 1/15 = 1.25/15, (2 + 12)/2/15 = 7/15, 12/15. Gini (−3·1 − 1·2 + (1 + 3 + 5)·12)
    # / 15 over 6 · 39/15 = 103/234. In use: Bodø, Rana and Tromsø on all three.
    assert by_size[SizeClass.FROM_20000] == Divide(
        municipalities=6,
        scored=6,
        mean=near(39 / 90),
        quartiles=Quartiles(0, near(1.25 / 15), near(7 / 15), near(0.8), near(0.8)),
        gini=near(103 / 234),
        coverage=Coverage(relevant=18, in_use=9, inhabitants=3 * 226795, inhabitants_in_use=3 * 158451),
        distribution=(3, 0, 0, 0, 3),
    )
    assert by_size[SizeClass.FROM_20000].coverage.by_inhabitants == near(158451 / 226795)


def test_measures_of_a_county_cover_its_municipalities_only(coordinator: Any) -> None:
    peers_setup(coordinator)
    data = divide_data(chosen_selection("55"), now=NOW)
    assert len(data.municipalities) == len(data.scores) == 21
    assert [county.name_nb for county, _measures in data.by_county] == ["Troms"]
    assert data.total == data.by_county[0][1]
    # Troms has Tromsø and Harstad of the large ones: 12/15 and 0, too few to be a peer group of three.
    assert [(label, measures.municipalities) for _size, label, measures in data.by_size] == [
        ("under 2 000", 7),
        ("2 000–4 999", 9),
        ("5 000–19 999", 3),
        ("20 000 +", 2),
    ]
    assert data.behind == []


# --- Behind their peers --------------------------------------------------------------------------


def behind_rows(data: Any) -> list[tuple[str, float, list[tuple[PeerGroup, float]], list[Any]]]:
    """The behind list as plain values: (number, score, [(group, median)], [(slug, missing, helpers)])."""
    return [
        (
            row.municipality.number,
            row.score,
            row.groups,
            [
                (
                    lack.solution.slug,
                    sorted(prerequisite.slug for prerequisite in lack.missing_prerequisites),
                    [(helper.number, why) for helper, why in lack.helpers],
                )
                for lack in row.lacks
            ],
        )
        for row in data.behind
    ]


SAME_SIZE = "samme størrelsesklasse: 20 000 +"
LEADS = "leder kompisnettverket kommunen er med i"


def test_municipalities_clearly_behind_their_size_class_are_listed_with_their_lacks_and_helpers(
    coordinator: Any,
) -> None:
    peers_setup(coordinator)
    data = divide_data(chosen_selection(), now=NOW)
    # 20 000 +: 0 (Harstad), 1/15 (Alta), 2/15 (Narvik), 12/15 three times: median (2 + 12)/2/15 = 7/15.
    # Alta is 6/15, Harstad 7/15 and Narvik 5/15 below: all at least 20 points. In every other group
    # (county, health community; the network has two members only) the median is 0: nobody is behind.
    median = near(7 / 15)
    # Helpers: the network's lead first when it has the solution in use, then the nearest peers with it
    # in use (Harstad: Tromsø 139 km, Bodø 197 km, Rana 278 km; Alta: Tromsø 165, Bodø 462;
    # Narvik: Bodø 163, Tromsø 168), two in all.
    assert behind_rows(data) == [
        (
            ALTA,
            near(1 / 15),
            [(SIZE_20000, median)],
            [
                # Helsenettet is connected in Alta: HelseID misses nothing, Kjernejournal misses HelseID.
                (HELSEID, [], [(TROMSO, SAME_SIZE), (BODO, SAME_SIZE)]),
                (KJERNEJOURNAL, [HELSEID], [(TROMSO, SAME_SIZE), (BODO, SAME_SIZE)]),
            ],
        ),
        (
            HARSTAD,
            0,
            [(SIZE_20000, median)],
            [
                (HELSEID, [HELSENETTET], [(TROMSO, SAME_SIZE), (BODO, SAME_SIZE)]),
                (KJERNEJOURNAL, [HELSEID, HELSENETTET], [(TROMSO, LEADS), (BODO, SAME_SIZE)]),
                (ERESEPT, [HELSENETTET], [(TROMSO, SAME_SIZE), (BODO, SAME_SIZE)]),
            ],
        ),
        (
            NARVIK,
            near(2 / 15),
            [(SIZE_20000, median)],
            [(ERESEPT, [HELSENETTET], [(BODO, SAME_SIZE), (TROMSO, SAME_SIZE)])],
        ),
    ]


def test_the_behind_list_is_by_name_never_by_score(coordinator: Any) -> None:
    peers_setup(coordinator)
    data = divide_data(chosen_selection(), now=NOW)
    names = [row.municipality.name_nb for row in data.behind]
    scores = [row.score for row in data.behind]
    assert names == ["Alta", "Harstad", "Narvik"]
    # By score the order would differ either way: Harstad, Alta, Narvik or Narvik, Alta, Harstad.
    assert scores != sorted(scores)
    assert scores != sorted(scores, reverse=True)


def test_a_network_lead_without_the_solution_in_use_is_no_helper(coordinator: Any) -> None:
    phases = {(number, slug): "i_drift" for number in (BODO, RANA, TROMSO) for slug in CHOSEN}
    phases |= {(NARVIK, KJERNEJOURNAL): "utproving"}  # piloting: 3 points, not in use
    set_phases(coordinator, phases, at=YESTERDAY)
    make_network(coordinator, KJERNEJOURNAL, NARVIK, [NARVIK, HARSTAD, ALTA])
    data = divide_data(chosen_selection(), now=NOW)
    # 20 000 +: 0, 0, 3, 12, 12, 12 fifteenths: median 7.5/15. The network (0, 0, 3) has median 0.
    harstad = next(row for row in data.behind if row.municipality.number == HARSTAD)
    assert harstad.groups == [(SIZE_20000, near(7.5 / 15))]
    assert [(lack.solution.slug, [(h.number, why) for h, why in lack.helpers]) for lack in harstad.lacks] == [
        (HELSEID, [(TROMSO, SAME_SIZE), (BODO, SAME_SIZE)]),
        (KJERNEJOURNAL, [(TROMSO, SAME_SIZE), (BODO, SAME_SIZE)]),
        (ERESEPT, [(TROMSO, SAME_SIZE), (BODO, SAME_SIZE)]),
    ]
    assert [row.municipality.name_nb for row in data.behind] == ["Alta", "Harstad", "Narvik"]


def test_nobody_is_behind_when_everyone_has_come_equally_far(coordinator: Any) -> None:
    assert divide_data(chosen_selection(), now=NOW).behind == []  # everyone at 0
    finnmark = Municipality.objects.filter(county="56").values_list("number", flat=True)
    set_phases(coordinator, {(number, KJERNEJOURNAL): "i_drift" for number in finnmark}, at=YESTERDAY)
    data = divide_data(chosen_selection("56", [KJERNEJOURNAL]), now=NOW)
    assert {m.score for m in data.scores.values()} == {0.8}
    assert (data.behind, data.total.gini, data.total.distribution) == ([], 0, (0, 0, 0, 0, 18))


def test_a_municipality_behind_its_buddy_network_is_listed(coordinator: Any) -> None:
    # A network of four for Kjernejournal in Salten: Bodø leads; Gildeskål and Beiarn are in production,
    # Meløy has not started. The network's scores 0.8, 0.8, 0.8 and 0: median 0.8, Meløy 80 points below.
    members = [BODO, "1838", "1839", "1837"]
    set_phases(coordinator, {(number, KJERNEJOURNAL): "i_drift" for number in members[:3]}, at=YESTERDAY)
    network = make_network(coordinator, KJERNEJOURNAL, BODO, members)
    data = divide_data(chosen_selection(slugs=[KJERNEJOURNAL]), now=NOW)
    assert behind_rows(data) == [
        (
            "1837",
            0,
            [(PeerGroup(PeerKind.NETWORK, network.pk, network.name), near(0.8))],
            # The lead first; then the nearest member in use (Gildeskål is next door).
            [
                (
                    KJERNEJOURNAL,
                    [HELSEID, HELSENETTET],
                    [(BODO, LEADS), ("1838", f"samme kompisnettverk: {network.name}")],
                )
            ],
        )
    ]


# --- Over time -----------------------------------------------------------------------------------


def test_trend_rebuilds_each_month_from_the_history_in_one_query(coordinator: Any) -> None:
    trend_setup(coordinator)
    data = divide_data(chosen_selection("56", [KJERNEJOURNAL]), now=NOW)
    with CaptureQueriesContext(connection) as queries:
        points = trend(data)
    assert len(queries) == 1
    assert [point.month for point in points] == [date(2025, 10 + i, 1) for i in range(3)] + [
        date(2026, month, 1) for month in range(1, 10)
    ]
    # Up to July: nobody started. August (as it stood on 1 September): ten piloting (0.6) and eight at 0:
    # the 9th and 10th of 18 are 0.6. September (now): nine in production (0.8), Nordkapp piloting, eight
    # at 0: the 9th and 10th are 0.6 and 0.8.
    assert [point.total.quartiles.median if point.total.quartiles else None for point in points] == near(
        [0] * 10 + [0.6, 0.7]
    )
    assert [point.total.coverage.by_municipalities for point in points] == near([0] * 11 + [9 / 18])
    # The nine in production: Alta 21 708, Hammerfest 11 338, Sør-Varanger 10 063, Vadsø 5 807, Karasjok 2 565,
    # Kautokeino 2 848, Loppa 864, Hasvik 979, Måsøy 1 113 = 57 285 of Finnmark's 75 053.
    assert [point.total.coverage.by_inhabitants for point in points] == near([0] * 11 + [57285 / 75053])
    # Means by size: under 2 000 has Loppa, Hasvik and Måsøy of eight; 2 000–4 999 Karasjok, Kautokeino and
    # Nordkapp of six; 5 000–19 999 all three; 20 000 + Alta alone.
    sizes = [SizeClass.UNDER_2000, SizeClass.FROM_2000, SizeClass.FROM_5000, SizeClass.FROM_20000]
    assert [[point.by_size[size].mean for size in sizes] for point in points] == [
        near([0, 0, 0, 0]) for _month in range(10)
    ] + [
        near([3 * 0.6 / 8, 3 * 0.6 / 6, 0.6, 0.6]),
        near([3 * 0.8 / 8, (2 * 0.8 + 0.6) / 6, 0.8, 0.8]),
    ]
    assert points[-1].total == data.total  # the current month is today's figures


# --- The map -------------------------------------------------------------------------------------


def tile_view(colour: Any, number: str) -> tuple[str, str, str, str]:
    tile = colour.tiles[number]
    return (tile.href, tile.name, tile.short, tile.category)


def test_map_by_maturity_has_a_band_per_municipality(coordinator: Any) -> None:
    peers_setup(coordinator)
    set_phases(coordinator, {("1874", slug): "ikke_aktuell" for slug in CHOSEN}, at=YESTERDAY)  # Moskenes
    data = divide_data(chosen_selection(), now=NOW)
    colour = map_data(data, "modenhet")
    assert (colour.value, colour.solution) == ("modenhet", None)
    assert len(colour.tiles) == len(colour.rows) == len(colour.hexmap.shapes) == 80
    assert set(colour.tiles) == {shape.key for shape in colour.hexmap.shapes} == set(data.scores)
    assert tile_view(colour, BODO) == ("/kommuner/1804/", "Bodø (BOD): modenhet 80\u00a0%", "BOD", "band-4")
    assert tile_view(colour, ALTA) == ("/kommuner/5601/", "Alta (ALT): modenhet 7\u00a0%", "ALT", "band-0")
    assert tile_view(colour, NARVIK) == ("/kommuner/1806/", "Narvik (NAR): modenhet 13\u00a0%", "NAR", "band-0")
    moskenes = ("/kommuner/1874/", "Moskenes (MOS): modenhet ingen aktuell løsning", "MOS", "none")
    assert tile_view(colour, "1874") == moskenes
    assert {tile.category for tile in colour.tiles.values()} == {"band-0", "band-4", "none"}
    assert [(item.category, item.label) for item in colour.legend] == [
        ("band-0", "0–19 %"),
        ("band-1", "20–39 %"),
        ("band-2", "40–59 %"),
        ("band-3", "60–79 %"),
        ("band-4", "80–100 %"),
        ("none", "Ingen aktuell løsning"),
    ]
    bodo = next(row for row in colour.rows if row.municipality.number == BODO)
    assert (bodo.size, bodo.value, bodo.category) == ("20 000 +", "80\u00a0%", "band-4")
    assert bodo.category_label == "80–100 %"
    assert [row.municipality for row in colour.rows] == data.municipalities
    assert colour.options[0] == ("modenhet", "Modenhet for de valgte løsningene")
    assert colour.options[1:] == [(s.slug, f"Fase for {s.name}") for s in solution_list()]


def test_map_rounds_a_score_the_way_every_page_does(coordinator: Any) -> None:
    # Eight solutions, Bodø realising benefits with one: 5 of 40 points, 12.5 %. Every page shows shares
    # with the numbers filter, which rounds halves up (13 %, as the overview's behind list and the report
    # would show Bodø); the map's name and table must say the same.
    eight = [*CHOSEN, "pasientens-legemiddelliste", "digihelse", "videokonsultasjon", "e-las", "responssenter"]
    set_phases(coordinator, {(BODO, "e-las"): "gevinstrealisering"}, at=YESTERDAY)
    data = divide_data(chosen_selection(slugs=eight), now=NOW)
    assert data.scores[BODO].score == 0.125
    colour = map_data(data, "modenhet")
    bodo = next(row for row in colour.rows if row.municipality.number == BODO)
    assert (colour.tiles[BODO].name, bodo.value) == ("Bodø (BOD): modenhet 13\u00a0%", "13\u00a0%")


def test_map_by_a_solution_has_a_stage_per_municipality_and_links_to_the_record(coordinator: Any) -> None:
    peers_setup(coordinator)
    set_phases(coordinator, {(VAEROY, KJERNEJOURNAL): "ikke_aktuell"}, at=YESTERDAY)
    colour = map_data(divide_data(chosen_selection(), now=NOW), KJERNEJOURNAL)
    assert (colour.value, colour.solution) == (KJERNEJOURNAL, solution(KJERNEJOURNAL))
    assert len(colour.tiles) == 80
    assert tile_view(colour, BODO) == (
        "/registreringer/1804/kjernejournal/",
        "Bodø (BOD): I drift",
        "BOD",
        "stage-in_production",
    )
    assert tile_view(colour, NARVIK)[1:] == ("Narvik (NAR): Planlagt", "NAR", "stage-planned")
    assert tile_view(colour, HARSTAD)[1:] == ("Harstad - Hárstták (HAR): Ikke startet", "HAR", "stage-not_started")
    assert tile_view(colour, VAEROY)[1:] == ("Værøy (VÆR): Ikke aktuell", "VÆR", "stage-not_relevant")
    assert {tile.category for tile in colour.tiles.values()} == {
        "stage-in_production",
        "stage-planned",
        "stage-not_started",
        "stage-not_relevant",
    }
    assert [(item.category, item.label) for item in colour.legend] == [
        ("stage-not_started", "Ikke startet"),
        ("stage-planned", "Planlagt"),
        ("stage-preparing", "Forberedelse"),
        ("stage-piloting", "Utprøving"),
        ("stage-in_production", "I drift"),
        ("stage-realising_benefits", "Gevinstrealisering"),
        ("stage-not_relevant", "Ikke aktuell"),
    ]
    narvik = next(row for row in colour.rows if row.municipality.number == NARVIK)
    assert (narvik.value, narvik.category, narvik.category_label) == ("Planlagt", "stage-planned", "Planlagt")


def test_map_by_a_solution_outside_the_choice_loads_it(coordinator: Any) -> None:
    set_phases(coordinator, {(BODO, "e-las"): "gevinstrealisering"}, at=YESTERDAY)
    colour = map_data(divide_data(chosen_selection(), now=NOW), "e-las")
    assert tile_view(colour, BODO) == (
        "/registreringer/1804/e-las/",
        "Bodø (BOD): Gevinstrealisering",
        "BOD",
        "stage-realising_benefits",
    )
    assert {tile.category for number, tile in colour.tiles.items() if number != BODO} == {"stage-not_started"}


def test_map_with_an_unknown_colour_shows_maturity(reference_data: None) -> None:
    colour = map_data(divide_data(chosen_selection(), now=NOW), "finnes-ikke")
    assert (colour.value, colour.solution) == ("modenhet", None)
    assert {tile.category for tile in colour.tiles.values()} == {"band-0"}


def test_map_of_a_county_and_of_norway_has_one_tile_each_with_unique_codes(reference_data: None) -> None:
    troms = map_data(divide_data(chosen_selection("55"), now=NOW), "modenhet")
    assert set(troms.tiles) == set(Municipality.objects.filter(county="55").values_list("number", flat=True))
    norway = map_data(divide_data(chosen_selection("norge"), now=NOW), "modenhet")
    assert len(norway.tiles) == len(norway.hexmap.shapes) == 357
    codes = [tile.short for tile in norway.tiles.values()]
    assert len(set(codes)) == 357
    assert all(2 <= len(code) <= 3 for code in codes)


def test_map_of_norway_gives_every_hexagon_a_name_of_its_own(reference_data: None) -> None:
    # Two Herøy (Møre og Romsdal and Nordland) and two Våler (Innlandet and Østfold): a screen reader
    # must be able to tell their links apart.
    norway = map_data(divide_data(chosen_selection("norge"), now=NOW), "modenhet")
    names = [tile.name for tile in norway.tiles.values()]
    assert len(set(names)) == len(names)


def test_abbreviations_are_unique_and_stable() -> None:
    # Keys in order: Bodø takes BOD; Sørreisa SØR; so Sørfold takes its first two letters and the next
    # free later one, SØF; Bø is short; Ullensvang skips ULL (a doubled letter) for ULE.
    names = {"1804": "Bodø", "1845": "Sørfold", "1867": "Bø", "4622": "Ullensvang", "1811": "Sørreisa"}
    assert abbreviations(names) == {"1804": "BOD", "1811": "SØR", "1845": "SØF", "1867": "BØ", "4622": "ULE"}
    assert abbreviations(names) == abbreviations(dict(reversed(list(names.items()))))


def test_in_all_of_norway_the_peers_are_still_the_regions_municipalities(coordinator: Any) -> None:
    peers_setup(coordinator)
    region = divide_data(chosen_selection(), now=NOW)
    norway = divide_data(chosen_selection("norge"), now=NOW)
    # The 277 municipalities outside the region sit at 0 and would pull every size class's median to
    # 0: nobody could be behind. They are measured, but they are nobody's peers.
    assert len(norway.municipalities) == 357
    assert behind_rows(norway) == behind_rows(region) != []
