"""Proposing buddy networks: the optimizer's proposal, the coordinator's changes, confirmation and
the travel-time matrix, through the services and over HTTP.

Every refusal is checked twice: the person is told why, and nothing changed. The texts come
through gettext with the code's msgids, so the tests hold in English and in bokmål; numbers and
names are asserted as they are. The clock stands at conftest.NOW (1 September 2026).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import MaxLengthValidator
from django.http import QueryDict
from django.test import Client
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ehelsenord.agreements import services as agreement_services
from ehelsenord.agreements.models import AgreementRound
from ehelsenord.agreements.tests.conftest import KJ_PLO, PLL, Q2, Q4, agreement_of, make_answer, round_input, sign
from ehelsenord.core.models import AuditEntry
from ehelsenord.networks import optimizer, services
from ehelsenord.networks.forms.proposals import adjust_data
from ehelsenord.networks.models import BuddyNetwork, Milestone, NetworkMembership, NetworkProposal, TravelTime
from ehelsenord.networks.selectors import proposal_get, proposal_overview
from ehelsenord.networks.services import NEW_NETWORK, NetworkInput, adjusted_assignment, networks_create
from ehelsenord.networks.tests.conftest import BEIARN, BODO, GILDESKAL, MELOY, ROST, VAEROY, municipality
from ehelsenord.rollout.services import RecordChange, implementation_update_many
from ehelsenord.rollout.tests.test_records import Node, alerts, client_for, facts, main_of, table
from ehelsenord.solutions.models import Solution
from ehelsenord.solutions.selectors import solution_queryset

pytestmark = pytest.mark.django_db

SALTDAL, FAUSKE, SORFOLD, STEIGEN = "1840", "1841", "1845", "1848"
# Salten: Bodø (53 712), Meløy (6 180) and Fauske (9 827) have 5 000 inhabitants or more.
SALTEN = [BODO, GILDESKAL, BEIARN, MELOY, SALTDAL, FAUSKE, SORFOLD, STEIGEN]
# With at most five per network the optimizer proves this division optimal (great-circle km).
SALTEN_PROPOSAL = {
    BODO: FAUSKE,
    SALTDAL: FAUSKE,
    SORFOLD: FAUSKE,
    STEIGEN: FAUSKE,
    FAUSKE: FAUSKE,
    GILDESKAL: MELOY,
    BEIARN: MELOY,
    MELOY: MELOY,
}
PLAN_PHASES = ["Planlagt", "Forberedelse", "Utprøving", "I drift", "Gevinstrealisering"]
CREATE_URL = "/nettverk/forslag/ny/"
TRAVEL_URL = "/nettverk/reisetider/"
DETAIL_QUERIES = 12
FORM_QUERIES = 19
ONLY_COORDINATORS = "Only coordinators can do this."
ONLY_COORDINATORS_VIEW = "Only coordinators can propose buddy networks."


@pytest.fixture
def kjernejournal(db: Any) -> Solution:
    return solution_queryset().get(slug="kjernejournal")


@pytest.fixture
def kj_plo(db: Any) -> Solution:
    return solution_queryset().get(slug=KJ_PLO)


def salten_settings(**overrides: Any) -> optimizer.Settings:
    return optimizer.Settings(**{"max_size": 5, **overrides})


@pytest.fixture
def proposal(coordinator: Any, kjernejournal: Solution) -> NetworkProposal:
    """Salten's eight in two networks, led by Fauske and Meløy, as the optimizer proposes them."""
    return services.proposal_create(
        by=coordinator, solution=kjernejournal, participants=SALTEN, settings=salten_settings()
    )


def squash(text: str) -> str:
    """Text as Node.text() shows it: runs of whitespace (no-break spaces too) as one space."""
    return " ".join(text.split())


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def refusal(response: Any) -> str:
    return main_of(response).find("div", role="alert").text()


def form_errors(response: Any) -> list[str]:
    """The items of the form's error summary."""
    summary = main_of(response).find("div", class_="ds-alert", role="alert")
    return [item.text() for item in summary.find_all("li")]


def section(response: Any, element_id: str) -> Node:
    found = [node for tag in ("section", "div") for node in main_of(response).find_all(tag, id=element_id)]
    assert found, f"no element with id {element_id!r}"
    return found[0]


def proposal_post(numbers: Sequence[str], solution: str = "kjernejournal", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "solution": solution,
        "round": "",
        "participants": list(numbers),
        "marked_eligible": [],
        "min_size": "3",
        "max_size": "5",
        "lead_population": "5000",
        "network_cost": "150",
        "county_penalty": "100",
        "community_penalty": "50",
    }
    data.update(overrides)
    return data


def checked(response: Any, name: str) -> list[str]:
    return [
        node.attrs["value"]
        for node in main_of(response).find_all("input", name=name)
        if "checked" in node.attrs and node.attrs.get("type") == "checkbox"
    ]


def member_reasons(response: Any) -> dict[str, list[list[str]]]:
    """Each network's table (by its caption) as rows of (municipality, why here)."""
    tables = {}
    for candidate in main_of(response).find_all("table"):
        caption = candidate.find_all("caption")
        if caption and caption[0].text().startswith(squash(_("Members of network %(number)s") % {"number": ""})):
            rows = candidate.find("tbody").find_all("tr")
            tables[caption[0].text()] = [
                [cell.text() for cell in row.children if isinstance(cell, Node)][:2] for row in rows
            ]
    return tables


# --- proposal_create ---------------------------------------------------------------------------


def test_proposal_create_stores_the_optimal_proposal_and_is_audited(coordinator: Any, kjernejournal: Solution) -> None:
    created = services.proposal_create(
        by=coordinator,
        solution=kjernejournal,
        participants=[STEIGEN, *SALTEN, BODO],  # unsorted, one twice
        marked_eligible=[SALTDAL, ROST],  # Røst does not take part
        settings=salten_settings(),
    )
    stored = NetworkProposal.objects.get()
    assert stored.pk == created.pk
    assert (stored.solution, stored.round, stored.created_by, stored.confirmed_at) == (
        kjernejournal,
        None,
        coordinator,
        None,
    )
    assert stored.status == "optimal"
    assert stored.participants == sorted(SALTEN)
    assert stored.marked_eligible == [SALTDAL]
    assert stored.uses_travel_times is False
    assert stored.settings == {
        "min_size": 3,
        "max_size": 5,
        "lead_population": 5000,
        "network_cost": 150.0,
        "county_penalty": 100.0,
        "county_hard": False,
        "community_penalty": 50.0,
        "community_hard": False,
        "time_limit": 20.0,
    }
    assert stored.problems == []
    assert stored.proposed == stored.assignment
    assert set(stored.assignment) == set(SALTEN)
    assert stored.objective is not None and stored.bound is not None
    assert stored.gap_percent is not None and stored.gap_percent < 0.01
    (entry,) = AuditEntry.objects.filter(action="networks.proposal_create")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        coordinator,
        "networks.networkproposal",
        str(stored.pk),
    )
    assert entry.changes == {
        "participants": [None, 8],
        "solution": [None, "kjernejournal"],
        "status": [None, "optimal"],
    }


def test_proposal_create_for_salten_is_two_networks_led_by_fauske_and_meloy(proposal: NetworkProposal) -> None:
    # Saltdal is marked in the other test; unmarked, the optimum does not change.
    assert proposal.assignment == SALTEN_PROPOSAL
    assert proposal.objective == pytest.approx(542.395, abs=0.001)


@pytest.mark.parametrize("user_fixture", ["bodo_contact", "rost_contact", "reader"])
def test_proposal_create_refuses_everyone_but_coordinators_and_stores_nothing(
    request: pytest.FixtureRequest, kjernejournal: Solution, user_fixture: str
) -> None:
    user = request.getfixturevalue(user_fixture)
    with pytest.raises(PermissionDenied) as refused:
        services.proposal_create(by=user, solution=kjernejournal, participants=SALTEN, settings=salten_settings())
    assert str(refused.value) == _(ONLY_COORDINATORS)
    assert not NetworkProposal.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="networks.").exists()


def test_proposal_create_refuses_municipalities_already_in_a_network_for_the_solution(
    coordinator: Any, kjernejournal: Solution, kj_plo: Solution
) -> None:
    members = [municipality(n) for n in (BODO, GILDESKAL, BEIARN)]
    networks_create(
        by=coordinator,
        solution=kjernejournal,
        networks=[NetworkInput(name="Kjernejournal – Bodø", lead=members[0], members=members)],
    )
    with pytest.raises(ValidationError) as refused:
        services.proposal_create(
            by=coordinator, solution=kjernejournal, participants=SALTEN, settings=salten_settings()
        )
    assert refused.value.messages == [
        _("Already in a network for this solution: %(names)s.") % {"names": "Beiarn, Bodø, Gildeskål"}
    ]
    assert not NetworkProposal.objects.exists()
    # A network for another solution is no obstacle.
    other = services.proposal_create(by=coordinator, solution=kj_plo, participants=SALTEN, settings=salten_settings())
    assert other.status == "optimal"


def test_proposal_create_with_two_participants_is_infeasible_and_says_why(
    coordinator: Any, kjernejournal: Solution
) -> None:
    stored = services.proposal_create(
        by=coordinator, solution=kjernejournal, participants=[BODO, GILDESKAL], settings=salten_settings()
    )
    assert (stored.status, stored.assignment, stored.proposed, stored.objective, stored.bound) == (
        "infeasible",
        {},
        {},
        None,
        None,
    )
    assert stored.problems == [
        ngettext(
            "There is %(count)s participant, but a network needs at least %(min)s.",
            "There are %(count)s participants, but a network needs at least %(min)s.",
            2,
        )
        % {"count": 2, "min": 3}
    ]


def test_proposal_create_with_nobody_eligible_is_infeasible_and_the_page_says_why(
    coordinator: Any, kjernejournal: Solution
) -> None:
    stored = services.proposal_create(
        by=coordinator,
        solution=kjernejournal,
        participants=SALTEN,
        settings=salten_settings(lead_population=10_000_000),
    )
    problem = _(
        "No one can lead a network: none is in production with the solution, none has %(threshold)s "
        "inhabitants or more, and none is marked as a possible lead."
    ) % {"threshold": "10\u00a0000\u00a0000"}
    assert (stored.status, stored.problems, stored.assignment) == ("infeasible", [problem], {})

    response = client_for(coordinator).get(stored.get_absolute_url())
    assert response.status_code == 200
    assert facts(main_of(response))[_("Result")] == _("No proposal")
    danger = [text for text in alerts(response) if squash(problem) in text]
    assert danger == [squash(f"{_('Why there is no proposal')} {problem} {_('Try again with other settings')}")]
    assert main_of(response).find_all("form", action=f"/nettverk/forslag/{stored.pk}/bekreft/") == []


# --- The proposal form -------------------------------------------------------------------------


def test_the_form_first_asks_for_the_solution(coordinator: Any) -> None:
    response = client_for(coordinator).get(CREATE_URL)
    assert response.status_code == 200
    main = main_of(response)
    assert [node.attrs["name"] for node in main.find_all("select")] == ["solution", "round"]
    assert main.find_all("input", name="participants") == []


def test_the_form_lists_the_region_and_ticks_nobody_without_a_round(coordinator: Any) -> None:
    client = client_for(coordinator)
    response = client.get(CREATE_URL, {"solution": "kjernejournal"})
    assert response.status_code == 200
    boxes = main_of(response).find_all("input", name="participants")
    assert len(boxes) == 80
    assert checked(response, "participants") == []
    everyone = client.get(CREATE_URL, {"solution": "kjernejournal", "alle": "region"})
    assert len(checked(everyone, "participants")) == 80
    nordland = client.get(CREATE_URL, {"solution": "kjernejournal", "alle": "18"})
    assert len(checked(nordland, "participants")) == 41
    assert {BODO, ROST} <= set(checked(nordland, "participants"))


def test_the_form_ticks_the_municipalities_that_signed_up_for_the_solution_in_the_round(
    coordinator: Any, bodo: Any, rost: Any, bodo_contact: Any, rost_contact: Any
) -> None:
    round_ = agreement_services.round_create(by=coordinator, data=round_input())
    for place, contact, commitments in ((bodo, bodo_contact, {PLL: Q2, KJ_PLO: Q4}), (rost, rost_contact, {PLL: Q2})):
        agreement_services.agreement_send(agreement=agreement_of(round_, place), by=coordinator)
        agreement = agreement_of(round_, place)
        sign(agreement, contact, make_answer(agreement, commitments))
    client = client_for(coordinator)

    kj_plo = client.get(CREATE_URL, {"solution": KJ_PLO, "round": str(round_.pk)})
    assert checked(kj_plo, "participants") == [BODO]
    pll = client.get(CREATE_URL, {"solution": PLL, "round": str(round_.pk)})
    assert checked(pll, "participants") == [BODO, ROST]
    assert main_of(pll).find("input", name="round").attrs["value"] == str(round_.pk)


def test_the_form_shows_taken_municipalities_without_a_box(coordinator: Any, kjernejournal: Solution) -> None:
    members = [municipality(n) for n in (ROST, VAEROY, "1874")]
    networks_create(
        by=coordinator,
        solution=kjernejournal,
        networks=[NetworkInput(name="Kjernejournal – Røst", lead=members[0], members=members)],
    )
    response = client_for(coordinator).get(CREATE_URL, {"solution": "kjernejournal", "alle": "region"})
    values = {node.attrs["value"] for node in main_of(response).find_all("input", name="participants")}
    assert len(values) == 77
    assert {ROST, VAEROY, "1874"}.isdisjoint(values)
    rows = table(response, _("Municipalities of the region, where they stand with the solution"))
    rost_row = next(row for row in rows if row[0].startswith("Røst"))
    assert rost_row[0] == "Røst (" + _("in %(network)s") % {"network": "Kjernejournal – Røst"} + ")"


def test_posting_the_form_stores_the_proposal_and_opens_it(coordinator: Any) -> None:
    client = client_for(coordinator)
    response = client.post(f"{CREATE_URL}?solution=kjernejournal", proposal_post(SALTEN))
    stored = NetworkProposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/nettverk/forslag/{stored.pk}/"
    assert (stored.participants, stored.assignment, stored.status) == (sorted(SALTEN), SALTEN_PROPOSAL, "optimal")
    assert stored.settings["max_size"] == 5


def test_posting_a_taken_municipality_is_refused_with_the_names(coordinator: Any, kjernejournal: Solution) -> None:
    members = [municipality(n) for n in (BODO, GILDESKAL, BEIARN)]
    networks_create(
        by=coordinator,
        solution=kjernejournal,
        networks=[NetworkInput(name="Kjernejournal – Bodø", lead=members[0], members=members)],
    )
    response = client_for(coordinator).post(f"{CREATE_URL}?solution=kjernejournal", proposal_post(SALTEN))
    assert response.status_code == 400
    assert form_errors(response) == [
        _("Already in a network for this solution: %(names)s.") % {"names": "Beiarn, Bodø, Gildeskål"}
    ]
    assert not NetworkProposal.objects.exists()


def test_posting_sizes_the_wrong_way_round_is_refused(coordinator: Any) -> None:
    response = client_for(coordinator).post(
        f"{CREATE_URL}?solution=kjernejournal", proposal_post(SALTEN, min_size="6", max_size="4")
    )
    assert response.status_code == 400
    assert form_errors(response) == [
        f"{_('Largest network')}: {_('The largest network cannot be smaller than the smallest.')}"
    ]
    assert not NetworkProposal.objects.exists()


def test_posting_an_infeasible_request_shows_the_problems(coordinator: Any) -> None:
    client = client_for(coordinator)
    response = client.post(f"{CREATE_URL}?solution=kjernejournal", proposal_post([BODO, GILDESKAL]), follow=True)
    stored = NetworkProposal.objects.get()
    assert response.redirect_chain == [(f"/nettverk/forslag/{stored.pk}/", 302)]
    assert stored.status == "infeasible"
    assert any(squash(stored.problems[0]) in text for text in alerts(response))


@pytest.mark.parametrize("user_fixture", ["bodo_contact", "reader"])
def test_the_proposal_pages_refuse_everyone_but_coordinators(
    request: pytest.FixtureRequest, proposal: NetworkProposal, user_fixture: str
) -> None:
    client = client_for(request.getfixturevalue(user_fixture))
    base = f"/nettverk/forslag/{proposal.pk}/"
    refused = [
        client.get(CREATE_URL, {"solution": "kjernejournal"}),
        client.post(f"{CREATE_URL}?solution=kjernejournal", proposal_post(SALTEN)),
        client.get(base),
        client.post(f"{base}juster/", {f"network-{SALTDAL}": NEW_NETWORK, "revision": proposal.revision}),
        client.post(f"{base}bekreft/", {f"name-{FAUSKE}": "A", f"name-{MELOY}": "B", "revision": proposal.revision}),
    ]
    assert [response.status_code for response in refused] == [403] * 5
    assert {refusal(response) for response in refused} == {_(ONLY_COORDINATORS_VIEW)}
    assert NetworkProposal.objects.get().assignment == SALTEN_PROPOSAL
    assert NetworkProposal.objects.count() == 1
    assert not BuddyNetwork.objects.exists()


# --- The proposal page -------------------------------------------------------------------------


def test_the_proposal_page_shows_each_network_with_the_reasons(proposal: NetworkProposal, coordinator: Any) -> None:
    # Fauske and Bodø have both prerequisites of Kjernejournal in use, Saltdal only Helsenettet.
    helsenettet, helseid = Solution.objects.get(slug="helsenettet"), Solution.objects.get(slug="helseid")
    in_use = [(FAUSKE, helsenettet, "tilkoblet"), (FAUSKE, helseid, "i_drift"), (BODO, helsenettet, "tilkoblet")]
    in_use += [(BODO, helseid, "gevinstrealisering"), (SALTDAL, helsenettet, "alle_tjenester_tilkoblet")]
    implementation_update_many(
        user=coordinator,
        updates=[
            RecordChange(municipality=municipality(number), solution=solution, changes={"phase": phase})
            for number, solution, phase in in_use
        ],
    )
    response = client_for(coordinator).get(proposal.get_absolute_url())
    assert response.status_code == 200

    def reason(member: str, lead: str, distance: int) -> str:
        details = f"{distance} km, {_('same health community')}"
        return squash(
            _("%(member)s → %(lead)s (lead): %(details)s") % {"member": member, "lead": lead, "details": details}
        )

    def lead_reason(name: str, population: str) -> str:
        why = _("%(population)s inhabitants") % {"population": population}
        return squash(_("%(lead)s (lead): %(why)s") % {"lead": name, "why": why})

    both = "Helsenettet, HelseID"
    number = _("Members of network %(number)s")
    # (name shown, where it is placed and why, the prerequisites it lacks): the lack is told after the why.
    expected = {
        number % {"number": 1}: [
            (f"Fauske ({_('lead')})", lead_reason("Fauske", "9\u00a0827"), ""),
            ("Bodø", reason("Bodø", "Fauske", 40), ""),
            ("Saltdal", reason("Saltdal", "Fauske", 39), "HelseID"),
            ("Steigen", reason("Steigen", "Fauske", 69), both),
            ("Sørfold", reason("Sørfold", "Fauske", 32), both),
        ],
        number % {"number": 2}: [
            (f"Meløy ({_('lead')})", lead_reason("Meløy", "6\u00a0180"), both),
            ("Beiarn", reason("Beiarn", "Meløy", 37), both),
            ("Gildeskål", reason("Gildeskål", "Meløy", 25), both),
        ],
    }
    shown = member_reasons(response)
    assert {caption: [row[0] for row in rows] for caption, rows in shown.items()} == {
        caption: [name for name, _why, _lacks in rows] for caption, rows in expected.items()
    }
    for caption, rows in expected.items():
        for (name, why, lacks), (_name, text) in zip(rows, shown[caption], strict=True):
            assert text.startswith(why), name
            rest = text.removeprefix(why)
            assert (rest == "") if not lacks else rest.rstrip(".").endswith(f" {lacks}"), (name, rest)

    summary = section(response, "oppsummering").text()
    assert "242 km" in summary
    assert squash(_("This is the proposal as the optimizer made it.")) in summary
    assert [node.attrs["name"] for node in main_of(response).find_all("input", type="text")] == [
        f"name-{FAUSKE}",
        f"name-{MELOY}",
    ]
    names = [node.attrs["value"] for node in main_of(response).find_all("input", type="text")]
    assert names == ["Kjernejournal – Fauske", "Kjernejournal – Meløy"]


def _proposal_for(coordinator: Any, solution: Solution, numbers: Sequence[str]) -> NetworkProposal:
    return services.proposal_create(by=coordinator, solution=solution, participants=numbers, settings=salten_settings())


def test_the_proposal_page_costs_the_same_queries_for_5_and_20_participants(
    coordinator: Any, kjernejournal: Solution, django_assert_num_queries: Any
) -> None:
    nordland_numbers = "1804 1806 1813 1818 1820 1822 1824 1827 1828 1832 1833 1834 1836 1837 1838 1839"
    nordland = [*nordland_numbers.split(), "1840", "1841", "1845", "1848"]
    small = _proposal_for(coordinator, kjernejournal, [BODO, GILDESKAL, BEIARN, MELOY, SALTDAL])
    large = _proposal_for(coordinator, kjernejournal, nordland)
    assert (len(small.assignment), len(large.assignment)) == (5, 20)
    client = client_for(coordinator)
    client.get(small.get_absolute_url())  # the session is read once
    for shown in (small, large):
        with django_assert_num_queries(DETAIL_QUERIES):
            response = client.get(shown.get_absolute_url())
        assert response.status_code == 200


def test_the_form_costs_a_fixed_number_of_queries_for_the_region(
    coordinator: Any, kjernejournal: Solution, django_assert_num_queries: Any
) -> None:
    client = client_for(coordinator)
    client.get(CREATE_URL)  # the session is read once
    with django_assert_num_queries(FORM_QUERIES):
        response = client.get(CREATE_URL, {"solution": "kjernejournal", "alle": "region"})
    assert len(checked(response, "participants")) == 80


# --- adjusted_assignment -----------------------------------------------------------------------

# Two networks: A leads a1, a2; B leads b1.
TWO = {"A": "A", "a1": "A", "a2": "A", "B": "B", "b1": "B"}


def test_adjusted_assignment_without_changes_is_the_same() -> None:
    assert adjusted_assignment(TWO, {}, {}) == TWO


def test_adjusted_assignment_moves_a_member() -> None:
    assert adjusted_assignment(TWO, {}, {"a2": "B"}) == {"A": "A", "a1": "A", "a2": "B", "B": "B", "b1": "B"}


def test_adjusted_assignment_changes_a_lead() -> None:
    assert adjusted_assignment(TWO, {"A": "a1"}, {}) == {"A": "a1", "a1": "a1", "a2": "a1", "B": "B", "b1": "B"}


def test_adjusted_assignment_moves_a_member_to_a_network_whose_lead_changes() -> None:
    assert adjusted_assignment(TWO, {"B": "b1"}, {"a2": "B"}) == {
        "A": "A",
        "a1": "A",
        "a2": "b1",
        "B": "b1",
        "b1": "b1",
    }


def test_adjusted_assignment_makes_a_new_network() -> None:
    assert adjusted_assignment(TWO, {}, {"a2": NEW_NETWORK}) == {"A": "A", "a1": "A", "a2": "a2", "B": "B", "b1": "B"}


def test_adjusted_assignment_moves_a_lead_away_after_handing_over_the_lead() -> None:
    assert adjusted_assignment(TWO, {"A": "a1"}, {"A": "B"}) == {"A": "B", "a1": "a1", "a2": "a1", "B": "B", "b1": "B"}


@pytest.mark.parametrize(
    ("leads", "moves", "message"),
    [
        ({}, {"A": "B"}, "Choose a new lead for the network before you move its lead to another network."),
        ({"A": "a1"}, {"a1": "B"}, "Choose a new lead for the network before you move its lead to another network."),
        ({"A": "b1"}, {}, "A network's new lead must be one of its members."),
        ({"A": "X"}, {}, "A network's new lead must be one of its members."),
        ({}, {"a1": "X"}, "Choose one of the networks for every municipality."),
        ({}, {"a1": "a2"}, "Choose one of the networks for every municipality."),
    ],
)
def test_adjusted_assignment_refuses_with_a_message(leads: dict[str, str], moves: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        adjusted_assignment(TWO, leads, moves)
    assert refused.value.messages == [_(message)]


def test_adjust_data_reads_the_radios_and_selects() -> None:
    post = QueryDict(mutable=True)
    post.update({"lead-A": "a1", "network-a2": "B", "network-b1": "B", "csrfmiddlewaretoken": "x"})
    assert adjust_data(post, TWO) == {"A": "a1", "a1": "a1", "a2": "B", "B": "B", "b1": "B"}


# --- proposal_adjust ---------------------------------------------------------------------------


def test_proposal_adjust_stores_the_assignment_and_is_audited(proposal: NetworkProposal, coordinator: Any) -> None:
    changed = {**SALTEN_PROPOSAL, SALTDAL: MELOY}
    services.proposal_adjust(by=coordinator, proposal=proposal, assignment=changed)
    proposal.refresh_from_db()
    assert (proposal.assignment, proposal.proposed) == (changed, SALTEN_PROPOSAL)
    (entry,) = AuditEntry.objects.filter(action="networks.proposal_adjust")
    assert entry.actor == coordinator
    # The audit log keeps a dict as its text.
    assert set(entry.changes) == {"assignment"}
    assert [ast.literal_eval(value) for value in entry.changes["assignment"]] == [SALTEN_PROPOSAL, changed]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({SALTDAL: None}, "Every participant must be in one of the networks."),
        ({ROST: FAUSKE}, "Every participant must be in one of the networks."),
        ({SALTDAL: ROST}, "Every participant must be in one of the networks."),
    ],
)
def test_proposal_adjust_refuses_an_assignment_that_leaves_someone_out(
    proposal: NetworkProposal, coordinator: Any, change: dict[str, str | None], message: str
) -> None:
    changed: dict[str, str | None] = {**SALTEN_PROPOSAL, **change}
    assignment = {member: lead for member, lead in changed.items() if lead is not None}
    with pytest.raises(ValidationError) as refused:
        services.proposal_adjust(by=coordinator, proposal=proposal, assignment=assignment)
    assert refused.value.messages == [_(message)]
    proposal.refresh_from_db()
    assert proposal.assignment == SALTEN_PROPOSAL
    assert not AuditEntry.objects.filter(action="networks.proposal_adjust").exists()


def test_proposal_adjust_refuses_a_lead_outside_its_own_network(proposal: NetworkProposal, coordinator: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        services.proposal_adjust(
            by=coordinator, proposal=proposal, assignment={**SALTEN_PROPOSAL, MELOY: FAUSKE, FAUSKE: MELOY}
        )
    assert refused.value.messages == [
        _("A lead must be a member of its own network: %(names)s.") % {"names": "Fauske, Meløy"}
    ]
    proposal.refresh_from_db()
    assert proposal.assignment == SALTEN_PROPOSAL


def test_proposal_adjust_refuses_a_reader(proposal: NetworkProposal, reader: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.proposal_adjust(by=reader, proposal=proposal, assignment={**SALTEN_PROPOSAL, SALTDAL: MELOY})
    proposal.refresh_from_db()
    assert proposal.assignment == SALTEN_PROPOSAL


def test_the_adjust_form_moves_a_municipality_and_the_page_shows_the_change_and_the_broken_rules(
    proposal: NetworkProposal, coordinator: Any
) -> None:
    client = client_for(coordinator)
    response = client.post(
        f"/nettverk/forslag/{proposal.pk}/juster/", {f"network-{SALTDAL}": NEW_NETWORK, "revision": proposal.revision}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/nettverk/forslag/{proposal.pk}/#oppsummering"
    proposal.refresh_from_db()
    assert proposal.assignment == {**SALTEN_PROPOSAL, SALTDAL: SALTDAL}
    assert proposal.proposed == SALTEN_PROPOSAL
    assert messages_of(response) == [_("The networks are updated. See the change in travel below.")]

    shown = client.get(proposal.get_absolute_url())
    summary = section(shown, "oppsummering")
    text = summary.text()
    # Saltdal's 39 km to Fauske are saved; the third network costs 150: the total goes from 542 to 653.
    assert "203 km" in text  # 242 − 39
    assert "39 km" in text
    assert "542" in text and "653" in text
    assert squash(_("This is the proposal as the optimizer made it.")) not in text
    overview = proposal_overview(proposal_get(proposal.pk), services.proposal_instance(proposal))
    assert [item.text() for item in summary.find_all("li")] == [squash(w) for w in overview.warnings]
    assert len(overview.warnings) == 2
    assert all("Saltdal" in warning for warning in overview.warnings)
    assert "5\u00a0000" in overview.warnings[0] and "1" in overview.warnings[1] and "3" in overview.warnings[1]
    assert len(member_reasons(shown)) == 3


def test_the_adjust_form_hands_over_the_lead_and_back_to_the_proposal(
    proposal: NetworkProposal, coordinator: Any
) -> None:
    client = client_for(coordinator)
    url = f"/nettverk/forslag/{proposal.pk}/juster/"
    client.post(url, {f"lead-{FAUSKE}": BODO, "revision": proposal.revision})
    proposal.refresh_from_db()
    assert proposal.assignment == {**SALTEN_PROPOSAL, **dict.fromkeys((BODO, SALTDAL, SORFOLD, STEIGEN, FAUSKE), BODO)}
    # The form now names the networks by their new leads; "back" restores the proposal whatever it holds.
    client.post(url, {"reset": "1", f"network-{SALTDAL}": "9999", "revision": proposal.revision})
    proposal.refresh_from_db()
    assert proposal.assignment == SALTEN_PROPOSAL


def test_the_adjust_form_refuses_moving_a_lead_without_a_new_lead(proposal: NetworkProposal, coordinator: Any) -> None:
    response = client_for(coordinator).post(
        f"/nettverk/forslag/{proposal.pk}/juster/", {f"network-{MELOY}": FAUSKE, "revision": proposal.revision}
    )
    assert response.status_code == 302
    assert messages_of(response) == [
        _("Choose a new lead for the network before you move its lead to another network.")
    ]
    proposal.refresh_from_db()
    assert proposal.assignment == SALTEN_PROPOSAL
    assert not AuditEntry.objects.filter(action="networks.proposal_adjust").exists()


def test_the_adjust_form_refuses_an_unknown_network(proposal: NetworkProposal, coordinator: Any) -> None:
    response = client_for(coordinator).post(
        f"/nettverk/forslag/{proposal.pk}/juster/", {f"network-{BODO}": ROST, "revision": proposal.revision}
    )
    assert messages_of(response) == [_("Choose one of the networks for every municipality.")]
    proposal.refresh_from_db()
    assert proposal.assignment == SALTEN_PROPOSAL


def test_the_adjust_form_only_takes_posts(proposal: NetworkProposal, coordinator: Any) -> None:
    assert client_for(coordinator).get(f"/nettverk/forslag/{proposal.pk}/juster/").status_code == 405


# --- Revisions: a change made on networks that have changed since ------------------------------

STALE = "Someone changed the networks after you opened the page. Look at them again and redo your change."


def shown_messages(response: Any) -> list[tuple[str, str]]:
    """The Django messages as the page shows them: (role, text)."""
    boxes = main_of(response).find_all("div", class_="messages")
    if not boxes:
        return []
    return [(box.attrs["role"], box.text()) for box in boxes[0].find_all("div", class_="ds-alert")]


def page_revisions(response: Any) -> dict[str, str]:
    """Each form's action → the revision it carries."""
    return {
        form.attrs["action"]: form.find("input", name="revision").attrs["value"]
        for form in main_of(response).find_all("form")
        if form.find_all("input", name="revision")
    }


def test_the_revision_names_the_assignment() -> None:
    first = NetworkProposal(assignment={BODO: FAUSKE, FAUSKE: FAUSKE, SALTDAL: FAUSKE})
    same_in_other_order = NetworkProposal(assignment={SALTDAL: FAUSKE, FAUSKE: FAUSKE, BODO: FAUSKE})
    other = NetworkProposal(assignment={BODO: BODO, FAUSKE: BODO, SALTDAL: BODO})
    assert len(first.revision) == 16 and int(first.revision, 16) >= 0
    assert first.revision == same_in_other_order.revision
    assert first.revision != other.revision
    assert NetworkProposal(assignment={}).revision != first.revision


def test_proposal_adjust_refuses_a_stale_revision_and_changes_nothing(
    proposal: NetworkProposal, coordinator: Any
) -> None:
    opened = proposal.revision
    first = {**SALTEN_PROPOSAL, SALTDAL: SALTDAL}
    services.proposal_adjust(by=coordinator, proposal=proposal, assignment=first, revision=opened)
    for stale in (opened, ""):
        with pytest.raises(ValidationError) as refused:
            services.proposal_adjust(
                by=coordinator, proposal=proposal, assignment={**SALTEN_PROPOSAL, STEIGEN: MELOY}, revision=stale
            )
        assert refused.value.messages == [_(STALE)]
    stored = NetworkProposal.objects.get()
    assert stored.assignment == first
    assert stored.revision != opened
    assert AuditEntry.objects.filter(action="networks.proposal_adjust").count() == 1
    # With the revision of the networks as they are now, the change goes through.
    services.proposal_adjust(by=coordinator, proposal=proposal, assignment=SALTEN_PROPOSAL, revision=stored.revision)
    assert NetworkProposal.objects.get().assignment == SALTEN_PROPOSAL
    assert NetworkProposal.objects.get().revision == opened


def test_proposal_confirm_refuses_a_stale_revision_and_creates_nothing(
    proposal: NetworkProposal, coordinator: Any
) -> None:
    opened = proposal.revision
    services.proposal_adjust(by=coordinator, proposal=proposal, assignment={**SALTEN_PROPOSAL, SALTDAL: MELOY})
    with pytest.raises(ValidationError) as refused:
        services.proposal_confirm(by=coordinator, proposal=proposal, names={}, revision=opened)
    assert refused.value.messages == [_(STALE)]
    assert not BuddyNetwork.objects.exists()
    assert NetworkProposal.objects.get().confirmed_at is None
    assert not AuditEntry.objects.filter(action="networks.network_create").exists()


def test_the_page_carries_the_revision_in_both_forms(proposal: NetworkProposal, coordinator: Any) -> None:
    response = client_for(coordinator).get(proposal.get_absolute_url())
    assert page_revisions(response) == {
        f"/nettverk/forslag/{proposal.pk}/juster/": proposal.revision,
        f"/nettverk/forslag/{proposal.pk}/bekreft/": proposal.revision,
    }


def test_two_adjustments_from_the_same_page_keep_the_first_and_say_why_the_second_is_refused(
    proposal: NetworkProposal, coordinator: Any
) -> None:
    # Two tabs (or two coordinators) open the same page; each moves a municipality.
    client = client_for(coordinator)
    url = f"/nettverk/forslag/{proposal.pk}/juster/"
    revision = page_revisions(client.get(proposal.get_absolute_url()))[url]
    first = client.post(url, {f"network-{SALTDAL}": NEW_NETWORK, "revision": revision}, follow=True)
    assert shown_messages(first) == [("status", _("The networks are updated. See the change in travel below."))]
    second = client.post(url, {f"network-{STEIGEN}": MELOY, "revision": revision}, follow=True)
    assert second.redirect_chain == [(f"/nettverk/forslag/{proposal.pk}/#oppsummering", 302)]
    assert shown_messages(second) == [("alert", squash(_(STALE)))]
    stored = NetworkProposal.objects.get()
    assert stored.assignment == {**SALTEN_PROPOSAL, SALTDAL: SALTDAL}
    assert AuditEntry.objects.filter(action="networks.proposal_adjust").count() == 1
    # The page after the refusal carries the new revision, so the change can be redone from it.
    assert page_revisions(second)[url] == stored.revision != revision


def test_an_adjustment_without_a_revision_is_refused(proposal: NetworkProposal, coordinator: Any) -> None:
    response = client_for(coordinator).post(f"/nettverk/forslag/{proposal.pk}/juster/", {f"network-{SALTDAL}": MELOY})
    assert response.status_code == 302
    assert messages_of(response) == [_(STALE)]
    assert NetworkProposal.objects.get().assignment == SALTEN_PROPOSAL


def test_an_adjustment_that_changes_nothing_says_so(proposal: NetworkProposal, coordinator: Any) -> None:
    client = client_for(coordinator)
    url = f"/nettverk/forslag/{proposal.pk}/juster/"
    data = {f"network-{SALTDAL}": FAUSKE, f"lead-{MELOY}": MELOY, "revision": proposal.revision}
    same = client.post(url, data, follow=True)
    assert same.redirect_chain == [(f"/nettverk/forslag/{proposal.pk}/#oppsummering", 302)]
    assert shown_messages(same) == [("status", _("Nothing was changed."))]
    back = client.post(url, {"reset": "1", "revision": proposal.revision}, follow=True)
    assert shown_messages(back) == [("status", _("Nothing was changed."))]
    assert NetworkProposal.objects.get().assignment == SALTEN_PROPOSAL


def test_the_confirm_form_with_an_old_revision_is_refused_and_creates_nothing(
    proposal: NetworkProposal, coordinator: Any
) -> None:
    client = client_for(coordinator)
    opened = client.get(proposal.get_absolute_url())
    confirm_url = f"/nettverk/forslag/{proposal.pk}/bekreft/"
    old = page_revisions(opened)[confirm_url]
    client.post(
        f"/nettverk/forslag/{proposal.pk}/juster/", {f"network-{SALTDAL}": MELOY, "revision": old}
    )  # another tab
    response = client.post(confirm_url, {f"name-{FAUSKE}": "Salten nord", f"name-{MELOY}": "Meløy", "revision": old})
    assert response.status_code == 400
    assert form_errors(response) == [squash(_(STALE))]
    assert not BuddyNetwork.objects.exists()
    stored = NetworkProposal.objects.get()
    assert (stored.confirmed_at, stored.assignment) == (None, {**SALTEN_PROPOSAL, SALTDAL: MELOY})
    # The page shown again carries the new revision and the names as typed.
    assert page_revisions(response)[confirm_url] == stored.revision
    names = [node.attrs["value"] for node in main_of(response).find_all("input", type="text")]
    assert names == ["Salten nord", "Meløy"]


# --- proposal_confirm --------------------------------------------------------------------------


def network_state(network: BuddyNetwork) -> tuple[str, str, list[str], list[tuple[str, date | None]]]:
    members = sorted(NetworkMembership.objects.filter(network=network).values_list("municipality_id", flat=True))
    plan = [(m.phase.name, m.due_date) for m in Milestone.objects.filter(network=network).select_related("phase")]
    return network.name, network.lead_id, members, plan


def test_proposal_confirm_creates_the_named_networks_with_their_plans(
    proposal: NetworkProposal, coordinator: Any, kjernejournal: Solution
) -> None:
    created = services.proposal_confirm(
        by=coordinator, proposal=proposal, names={FAUSKE: "Salten nord", MELOY: "  Meløy og omegn  "}
    )
    assert [network_state(network) for network in created] == [
        ("Salten nord", FAUSKE, sorted([BODO, SALTDAL, SORFOLD, STEIGEN, FAUSKE]), [(p, None) for p in PLAN_PHASES]),
        ("Meløy og omegn", MELOY, sorted([GILDESKAL, BEIARN, MELOY]), [(p, None) for p in PLAN_PHASES]),
    ]
    assert {(n.solution, n.round, n.proposal_id, n.created_by) for n in created} == {
        (kjernejournal, None, proposal.pk, coordinator)
    }
    proposal.refresh_from_db()
    assert proposal.confirmed_at is not None
    assert AuditEntry.objects.filter(action="networks.network_create").count() == 2


def test_proposal_confirm_gives_default_names(proposal: NetworkProposal, coordinator: Any) -> None:
    created = services.proposal_confirm(by=coordinator, proposal=proposal, names={})
    assert [network.name for network in created] == ["Kjernejournal – Fauske", "Kjernejournal – Meløy"]


def test_proposal_confirm_a_second_time_is_refused_and_creates_nothing(
    proposal: NetworkProposal, coordinator: Any
) -> None:
    services.proposal_confirm(by=coordinator, proposal=proposal, names={})
    confirmed_at = NetworkProposal.objects.get().confirmed_at
    with pytest.raises(ValidationError) as refused:
        services.proposal_confirm(by=coordinator, proposal=proposal, names={})
    assert refused.value.messages == [_("This proposal is already confirmed; its networks exist.")]
    assert BuddyNetwork.objects.count() == 2
    assert NetworkProposal.objects.get().confirmed_at == confirmed_at
    with pytest.raises(ValidationError):
        services.proposal_adjust(by=coordinator, proposal=proposal, assignment={**SALTEN_PROPOSAL, SALTDAL: MELOY})


def test_proposal_confirm_refuses_when_a_member_joined_another_network_meanwhile(
    proposal: NetworkProposal, coordinator: Any, kjernejournal: Solution
) -> None:
    members = [municipality(n) for n in (BODO, ROST, VAEROY)]
    networks_create(
        by=coordinator,
        solution=kjernejournal,
        networks=[NetworkInput(name="Bodø og øyene", lead=members[0], members=members)],
    )
    with pytest.raises(ValidationError) as refused:
        services.proposal_confirm(by=coordinator, proposal=proposal, names={})
    assert refused.value.messages == [
        _("%(member)s is already in %(network)s for this solution.") % {"member": "Bodø", "network": "Bodø og øyene"}
    ]
    assert list(BuddyNetwork.objects.values_list("name", flat=True)) == ["Bodø og øyene"]
    assert NetworkProposal.objects.get().confirmed_at is None


def test_proposal_confirm_refuses_a_contact(proposal: NetworkProposal, bodo_contact: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.proposal_confirm(by=bodo_contact, proposal=proposal, names={})
    assert not BuddyNetwork.objects.exists()
    assert NetworkProposal.objects.get().confirmed_at is None


def test_proposal_confirm_refuses_an_infeasible_proposal(coordinator: Any, kjernejournal: Solution) -> None:
    empty = _proposal_for(coordinator, kjernejournal, [BODO, GILDESKAL])
    with pytest.raises(ValidationError) as refused:
        services.proposal_confirm(by=coordinator, proposal=empty, names={})
    assert refused.value.messages == [_("The proposal has no networks to create.")]
    assert not BuddyNetwork.objects.exists()


def test_proposal_confirm_with_a_round_spreads_the_milestones_over_its_period(
    coordinator: Any, kj_plo: Solution
) -> None:
    round_: AgreementRound = agreement_services.round_create(by=coordinator, data=round_input())
    proposed = services.proposal_create(
        by=coordinator, solution=kj_plo, participants=SALTEN, settings=salten_settings(), agreement_round=round_
    )
    assert proposed.round == round_
    created = services.proposal_confirm(by=coordinator, proposal=proposed, names={})
    dates = [date(2027, 3, 15), date(2027, 5, 27), date(2027, 8, 7), date(2027, 10, 19), date(2027, 12, 31)]
    assert [network_state(network)[3] for network in created] == [list(zip(PLAN_PHASES, dates, strict=True))] * 2
    assert {network.round for network in created} == {round_}


def test_the_confirm_form_creates_the_networks_with_the_names_given(
    proposal: NetworkProposal, coordinator: Any
) -> None:
    response = client_for(coordinator).post(
        f"/nettverk/forslag/{proposal.pk}/bekreft/",
        {f"name-{FAUSKE}": "Salten nord", f"name-{MELOY}": "Meløy", "revision": proposal.revision},
    )
    assert response.status_code == 302
    assert response["Location"] == "/nettverk/"
    assert messages_of(response) == [
        ngettext("%(count)s buddy network is created.", "%(count)s buddy networks are created.", 2) % {"count": 2}
    ]
    assert sorted(BuddyNetwork.objects.values_list("name", "lead_id")) == [("Meløy", MELOY), ("Salten nord", FAUSKE)]
    assert Milestone.objects.count() == 10


def test_the_confirm_form_refuses_an_empty_or_long_name_and_creates_nothing(
    proposal: NetworkProposal, coordinator: Any
) -> None:
    response = client_for(coordinator).post(
        f"/nettverk/forslag/{proposal.pk}/bekreft/",
        {f"name-{FAUSKE}": "   ", f"name-{MELOY}": "x" * 121, "revision": proposal.revision},
    )
    assert response.status_code == 400
    label = _("Name of network %(number)s (%(lead)s leads)")
    assert form_errors(response) == [
        f"{label % {'number': 1, 'lead': 'Fauske'}}: {_('This field is required.')}",
        f"{label % {'number': 2, 'lead': 'Meløy'}}: "
        + str(MaxLengthValidator.message % {"limit_value": 120, "show_value": 121}),
    ]
    assert not BuddyNetwork.objects.exists()


def test_the_confirm_form_a_second_time_says_why_and_creates_nothing(
    proposal: NetworkProposal, coordinator: Any
) -> None:
    client = client_for(coordinator)
    names = {f"name-{FAUSKE}": "Salten nord", f"name-{MELOY}": "Meløy", "revision": proposal.revision}
    client.post(f"/nettverk/forslag/{proposal.pk}/bekreft/", names)
    again = client.post(f"/nettverk/forslag/{proposal.pk}/bekreft/", names)
    assert again.status_code == 400
    assert form_errors(again) == [_("This proposal is already confirmed; its networks exist.")]
    assert BuddyNetwork.objects.count() == 2
    links = [
        node.text()
        for node in main_of(again).find_all("a")
        if node.attrs["href"].startswith("/nettverk/") and node.text() in ("Salten nord", "Meløy")
    ]
    assert sorted(links) == ["Meløy", "Salten nord"]


# --- Travel times ------------------------------------------------------------------------------

# Minutes by road and ferry (invented, but plausible): Bodø is closest to everyone.
MINUTES = {
    (GILDESKAL, BODO): 95,
    (BEIARN, BODO): 70,
    (MELOY, BODO): 150,
    (GILDESKAL, MELOY): 60,
    (BEIARN, MELOY): 120,
    (GILDESKAL, BEIARN): 80,
}


def travel_csv(
    rows: dict[tuple[str, str], int] | None = None, *, header: str = "fra;til;minutter", sep: str = ";"
) -> bytes:
    lines = [header] if header else []
    lines += [f"{a}{sep}{b}{sep}{m}" for (a, b), m in (rows or MINUTES).items()]
    return ("\n".join(lines) + "\n").encode()


def stored_minutes() -> dict[tuple[str, str], int]:
    return {(t.origin_id, t.destination_id): t.minutes for t in TravelTime.objects.all()}


def upload(client: Client, data: bytes, name: str = "reisetider.csv") -> Any:
    return client.post(TRAVEL_URL, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


@pytest.mark.parametrize(
    "data",
    [
        travel_csv(),
        travel_csv(sep=",", header="from,to,minutes"),
        travel_csv(header=""),
        travel_csv(sep=",", header="fra,til,minutter"),
        b"\xef\xbb\xbf" + travel_csv().replace(b"\n", b"\r\n") + b"\r\n\r\n",  # Excel: BOM, CRLF, empty lines
    ],
    ids=["semicolons", "commas", "no-header", "norwegian-header", "excel"],
)
def test_travel_times_replace_stores_the_matrix_and_is_audited(coordinator: Any, data: bytes) -> None:
    assert services.travel_times_replace(by=coordinator, data=data) == 6
    assert stored_minutes() == MINUTES
    (entry,) = AuditEntry.objects.filter(action="networks.travel_times_replace")
    assert (entry.actor, entry.changes) == (coordinator, {"travel_times": [0, 6]})


def test_travel_times_replace_replaces_the_whole_matrix(coordinator: Any) -> None:
    services.travel_times_replace(by=coordinator, data=travel_csv())
    services.travel_times_replace(by=coordinator, data=travel_csv({(ROST, VAEROY): 45}))
    assert stored_minutes() == {(ROST, VAEROY): 45}


BAD_FILES = [
    (
        "latin-1",
        "fra;til;minutter\n1838;1804;95\nFrå Gildeskål;1804;95\n".encode("latin-1"),
        ["The file is not a UTF-8 text file (CSV)."],
    ),
    (
        "two-columns",
        b"1838;1804;95\n1839;1804\n",
        [("Line %(line)s: expected three columns (from, to, minutes).", {"line": 2})],
    ),
    (
        "unknown-number",
        b"1838;1804;95\n1838;9999;95\n",
        [("Line %(line)s: %(number)s is not a municipality number.", {"line": 2, "number": "9999"})],
    ),
    (
        "zero",
        b"1838;1804;95\n1839;1804;0\n",
        [("Line %(line)s: the minutes must be a whole number from 1 to %(max)s.", {"line": 2, "max": 10080})],
    ),
    (
        "text",
        b"fra;til;minutter\n1838;1804;95\n1839;1804;en time\n",
        [("Line %(line)s: the minutes must be a whole number from 1 to %(max)s.", {"line": 3, "max": 10080})],
    ),
    (
        "decimal",
        b"1838,1804,95\n1839,1804,1.5\n",
        [("Line %(line)s: the minutes must be a whole number from 1 to %(max)s.", {"line": 2, "max": 10080})],
    ),
    (
        "too-long",
        b"1838;1804;95\n1839;1804;10081\n",
        [("Line %(line)s: the minutes must be a whole number from 1 to %(max)s.", {"line": 2, "max": 10080})],
    ),
    ("same", b"1838;1804;95\n1804;1804;5\n", [("Line %(line)s: from and to are the same municipality.", {"line": 2})]),
    (
        "duplicate",
        b"1838;1804;95\n1839;1804;70\n1838;1804;96\n",
        [
            (
                "Line %(line)s: %(origin)s \u2192 %(destination)s is given twice.",
                {"line": 3, "origin": "1838", "destination": "1804"},
            )
        ],
    ),
    (
        "superscript",  # str.isdigit() takes "²", int() does not
        "1838;1804;95\n1839;1804;²\n".encode(),
        [("Line %(line)s: the minutes must be a whole number from 1 to %(max)s.", {"line": 2, "max": 10080})],
    ),
    (
        "arabic-indic-digit",  # int() reads "٣" as 3
        "1838;1804;95\n1839;1804;٣\n".encode(),
        [("Line %(line)s: the minutes must be a whole number from 1 to %(max)s.", {"line": 2, "max": 10080})],
    ),
    (
        "field-too-long-for-csv",
        b"1838;1804;95\n1839;1804;" + b"x" * 200_000 + b"\n",
        ["The file is not a CSV file with three columns (from, to, minutes)."],
    ),
    (
        "first-line-unknown-number",  # a data line, not a header: from is a municipality number
        b"1804,9999,30\n1838,1804,95\n",
        [("Line %(line)s: %(number)s is not a municipality number.", {"line": 1, "number": "9999"})],
    ),
    (
        "first-line-text-for-to",
        b"1804;til;minutter\n1838;1804;95\n",
        [("Line %(line)s: %(number)s is not a municipality number.", {"line": 1, "number": "til"})],
    ),
    (
        "first-line-superscript",
        "1838;1804;²\n1839;1804;70\n".encode(),
        [("Line %(line)s: the minutes must be a whole number from 1 to %(max)s.", {"line": 1, "max": 10080})],
    ),
    (
        "first-line-names-with-minutes",  # minutes are a number, so not a header
        b"Gildeskal;Bodo;95\n1839;1804;70\n",
        [("Line %(line)s: %(number)s is not a municipality number.", {"line": 1, "number": "Gildeskal"})],
    ),
    ("empty", b"", ["The file has no travel times."]),
    ("header-only", b"fra;til;minutter\n", ["The file has no travel times."]),
    ("too-large", travel_csv() + b"\n" * 2_000_000, ["The file is larger than 2 MB."]),
]


def expected_messages(messages: list[Any]) -> list[str]:
    return [_(item) if isinstance(item, str) else _(item[0]) % item[1] for item in messages]


@pytest.mark.parametrize(("data", "messages"), [case[1:] for case in BAD_FILES], ids=[case[0] for case in BAD_FILES])
def test_travel_times_replace_refuses_a_bad_file_and_keeps_the_matrix(
    coordinator: Any, data: bytes, messages: list[Any]
) -> None:
    services.travel_times_replace(by=coordinator, data=travel_csv())
    with pytest.raises(ValidationError) as refused:
        services.travel_times_replace(by=coordinator, data=data)
    assert refused.value.messages == expected_messages(messages)
    assert stored_minutes() == MINUTES
    assert AuditEntry.objects.filter(action="networks.travel_times_replace").count() == 1


def test_travel_times_parse_lists_ten_errors_and_counts_the_rest() -> None:
    data = "".join(f"1838;1804;{n}\n" for n in ["x"] * 12).encode()
    with pytest.raises(ValidationError) as refused:
        services.travel_times_parse(b"1838;1804;95\n" + data)
    line = "Line %(line)s: the minutes must be a whole number from 1 to %(max)s."
    assert refused.value.messages == [_(line) % {"line": n, "max": 10080} for n in range(2, 12)] + [
        _("… and %(count)s more errors.") % {"count": 2}
    ]


def test_the_travel_times_page_uploads_and_counts(coordinator: Any) -> None:
    client = client_for(coordinator)
    response = upload(client, travel_csv())
    assert response.status_code == 302
    assert response["Location"] == TRAVEL_URL
    assert messages_of(response) == [
        ngettext("%(count)s travel time is stored.", "%(count)s travel times are stored.", 6) % {"count": 6}
    ]
    page_after = client.get(TRAVEL_URL)
    count_text = ngettext("%(count)s travel time is stored.", "%(count)s travel times are stored.", 6) % {"count": 6}
    assert squash(count_text) in main_of(page_after).text()
    assert stored_minutes() == MINUTES


# An empty upload is refused by the form field itself (below).
PAGE_BAD_FILES = [case for case in BAD_FILES if case[0] != "empty"]


@pytest.mark.parametrize(
    ("data", "messages"), [case[1:] for case in PAGE_BAD_FILES], ids=[case[0] for case in PAGE_BAD_FILES]
)
def test_the_travel_times_page_shows_why_a_file_is_refused(coordinator: Any, data: bytes, messages: list[Any]) -> None:
    client = client_for(coordinator)
    upload(client, travel_csv())
    response = upload(client, data)
    assert response.status_code == 400
    assert form_errors(response) == [squash(m) for m in expected_messages(messages)]
    assert stored_minutes() == MINUTES


def test_the_travel_times_page_needs_a_file_with_content(coordinator: Any) -> None:
    client = client_for(coordinator)
    upload(client, travel_csv())
    missing = client.post(TRAVEL_URL, {"file": ""})  # as a browser sends a form without a file
    assert missing.status_code == 400
    assert form_errors(missing) == [f"{_('Travel times (CSV)')}: {_('This field is required.')}"]
    empty = upload(client, b"")
    assert empty.status_code == 400
    assert form_errors(empty) == [f"{_('Travel times (CSV)')}: {_('The submitted file is empty.')}"]
    assert stored_minutes() == MINUTES


@pytest.mark.parametrize("user_fixture", ["bodo_contact", "reader"])
def test_the_travel_times_page_refuses_everyone_but_coordinators(
    request: pytest.FixtureRequest, coordinator: Any, user_fixture: str
) -> None:
    services.travel_times_replace(by=coordinator, data=travel_csv())
    user = request.getfixturevalue(user_fixture)
    client = client_for(user)
    assert client.get(TRAVEL_URL).status_code == 403
    response = upload(client, travel_csv({(ROST, VAEROY): 45}))
    assert response.status_code == 403
    assert refusal(response) == _(ONLY_COORDINATORS_VIEW)
    assert stored_minutes() == MINUTES
    with pytest.raises(PermissionDenied):
        services.travel_times_replace(by=user, data=travel_csv({(ROST, VAEROY): 45}))
    assert stored_minutes() == MINUTES


def test_a_proposal_with_travel_times_uses_minutes(coordinator: Any, kjernejournal: Solution) -> None:
    services.travel_times_replace(by=coordinator, data=travel_csv())
    client = client_for(coordinator)
    form = client.get(CREATE_URL, {"solution": "kjernejournal"})
    assert main_of(form).find_all("input", name="uses_travel_times") != []
    response = client.post(
        f"{CREATE_URL}?solution=kjernejournal",
        proposal_post([BODO, GILDESKAL, BEIARN, MELOY], max_size="8", uses_travel_times="on"),
    )
    stored = NetworkProposal.objects.get()
    assert response["Location"] == stored.get_absolute_url()
    assert stored.uses_travel_times is True
    # Bodø leads: 95 + 70 + 150 = 315 minutes (Meløy would need 60 + 120 + 150 = 330).
    assert stored.assignment == {BODO: BODO, GILDESKAL: BODO, BEIARN: BODO, MELOY: BODO}
    shown = client.get(stored.get_absolute_url())
    reasons = member_reasons(shown)[_("Members of network %(number)s") % {"number": 1}]
    placed = _("%(member)s → %(lead)s (lead): %(details)s") % {
        "member": "Gildeskål",
        "lead": "Bodø",
        "details": f"95 min, {_('same health community')}",
    }
    (gildeskal,) = [text for name, text in reasons if name == "Gildeskål"]
    assert gildeskal.startswith(squash(placed))
    assert "315 min" in section(shown, "oppsummering").text()
    assert facts(main_of(shown))[_("Distances")] == _("travel times from the uploaded matrix (minutes)")


def test_the_form_offers_travel_times_only_when_there_are_some(coordinator: Any) -> None:
    response = client_for(coordinator).get(CREATE_URL, {"solution": "kjernejournal"})
    assert main_of(response).find_all("input", name="uses_travel_times") == []
