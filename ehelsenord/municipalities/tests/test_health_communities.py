"""Health communities: the defaults from the reference data, and the coordinators' changes in the admin.

Every change is audited (who, before, after); a later reference data load keeps the changes.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from ehelsenord.accounts.enums import Role
from ehelsenord.core.models import AuditEntry
from ehelsenord.municipalities.models import HealthCommunity, Municipality
from ehelsenord.municipalities.services import geography_load, health_community_delete, health_community_save

# WhiteNoise warns when collectstatic has not run (a fresh clone); the admin pages do not need it.
pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

TROMS_OFOTEN = "Helsefellesskapet Troms og Ofoten"
LVS = "Helsefellesskap Lofoten, Vesterålen og Salten"
HELGELAND = "Helsefellesskap Helgeland"
FINNMARK = "Helsefellesskapet Finnmark"
ADMIN = "/admin/municipalities/healthcommunity/"
ONLY_COORDINATORS = "Only coordinators can change health communities."


@pytest.fixture
def network_admin(make_user: Any) -> Any:
    return make_user(role=Role.NETWORK_ADMIN, full_name="Nina Nettverk")


def community(name: str) -> HealthCommunity:
    return HealthCommunity.objects.get(name=name)


def members(name: str) -> list[str]:
    return sorted(Municipality.objects.filter(health_community__name=name).values_list("number", flat=True))


def towns(*numbers: str) -> list[Municipality]:
    return list(Municipality.objects.filter(number__in=numbers))


def state() -> dict[str, str | None]:
    """Every municipality's health community by name (None for none)."""
    return dict(Municipality.objects.values_list("number", "health_community__name"))


def audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- The defaults ------------------------------------------------------------------------------


def test_the_defaults_give_every_region_municipality_one_of_four_communities() -> None:
    region = Municipality.objects.filter(county__in_region=True)
    assert region.count() == 80
    assert Counter(region.values_list("health_community__name", flat=True)) == {
        TROMS_OFOTEN: 24,
        LVS: 20,
        HELGELAND: 18,
        FINNMARK: 18,
    }
    assert sorted(HealthCommunity.objects.values_list("name", flat=True)) == sorted(
        [TROMS_OFOTEN, LVS, HELGELAND, FINNMARK]
    )
    assert not Municipality.objects.filter(county__in_region=False, health_community__isnull=False).exists()
    assert state()["1804"] == LVS
    assert state()["1806"] == TROMS_OFOTEN
    assert state()["5610"] == FINNMARK
    assert state()["1833"] == HELGELAND


def test_a_second_load_keeps_the_coordinators_changes(coordinator: Any) -> None:
    # Rename Helgeland, move Bodø to Troms og Ofoten, and take Røst out of every community.
    helgeland = community(HELGELAND)
    health_community_save(
        by=coordinator, community=helgeland, name="Helgeland", municipalities=towns(*members(HELGELAND))
    )
    troms = community(TROMS_OFOTEN)
    health_community_save(
        by=coordinator, community=troms, name=TROMS_OFOTEN, municipalities=towns(*members(TROMS_OFOTEN), "1804")
    )
    lvs = community(LVS)
    health_community_save(
        by=coordinator, community=lvs, name=LVS, municipalities=towns(*(n for n in members(LVS) if n != "1856"))
    )
    changed = state()
    assert (changed["1833"], changed["1804"], changed["1856"]) == ("Helgeland", TROMS_OFOTEN, None)

    result = geography_load()

    assert (result.created, result.updated) == (0, 0)
    assert state() == changed
    assert sorted(HealthCommunity.objects.values_list("name", flat=True)) == sorted(
        ["Helgeland", TROMS_OFOTEN, LVS, FINNMARK]
    )


def test_a_load_without_any_community_gives_the_defaults_again(coordinator: Any) -> None:
    before = state()
    for each in HealthCommunity.objects.all():
        health_community_delete(by=coordinator, community=each)
    assert set(state().values()) == {None}
    geography_load()
    assert state() == before


# --- health_community_save and health_community_delete ------------------------------------------


def test_creating_a_community_moves_its_municipalities_and_audits_both_sides(coordinator: Any) -> None:
    created = health_community_save(
        by=coordinator, community=None, name="  Helsefellesskap   Salten ", municipalities=towns("1804", "1841")
    )
    assert created.name == "Helsefellesskap Salten"
    assert members("Helsefellesskap Salten") == ["1804", "1841"]
    assert len(members(LVS)) == 18
    (entry,) = audit("health_community.create")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        coordinator,
        "municipalities.healthcommunity",
        str(created.pk),
    )
    assert entry.changes == {
        "municipalities": [None, ["Bodø", "Fauske - Fuossko"]],
        "name": [None, "Helsefellesskap Salten"],
    }
    (lost,) = audit("health_community.change")
    assert lost.object_id == str(community(LVS).pk)
    assert lost.changes["municipalities"][0] is not None
    assert set(lost.changes["municipalities"][0]) - set(lost.changes["municipalities"][1]) == {
        "Bodø",
        "Fauske - Fuossko",
    }
    assert len(lost.changes["municipalities"][1]) == 18


def test_renaming_and_removing_is_audited_and_leaves_the_removed_without_a_community(coordinator: Any) -> None:
    finnmark = community(FINNMARK)
    kept = [n for n in members(FINNMARK) if n != "5610"]
    health_community_save(by=coordinator, community=finnmark, name="Finnmark", municipalities=towns(*kept))
    assert members("Finnmark") == kept
    assert state()["5610"] is None
    (entry,) = audit("health_community.change")
    assert entry.changes["name"] == [FINNMARK, "Finnmark"]
    before, after = entry.changes["municipalities"]
    assert set(before) - set(after) == {"Kárášjohka - Karasjok"}
    assert len(after) == 17


def test_saving_without_changes_records_no_change(coordinator: Any) -> None:
    health_community_save(
        by=coordinator, community=community(FINNMARK), name=FINNMARK, municipalities=towns(*members(FINNMARK))
    )
    (entry,) = audit("health_community.change")
    assert entry.changes == {}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", _("Give the health community a name.")),
        ("helsefellesskapet finnmark", _("Another health community is called %(name)s.")),
        ("x" * 121, _("The name can be at most %(max)d characters.") % {"max": 120}),
    ],
)
def test_a_name_that_is_empty_taken_or_long_is_refused(coordinator: Any, name: str, message: str) -> None:
    before = state()
    with pytest.raises(ValidationError) as refused:
        health_community_save(by=coordinator, community=None, name=name, municipalities=towns("1804"))
    expected = message % {"name": name} if "%(name)s" in message else message
    assert refused.value.message_dict == {"name": [expected]}
    assert HealthCommunity.objects.count() == 4
    assert state() == before
    assert not AuditEntry.objects.exists()


def test_a_community_keeps_its_own_name_in_another_case(coordinator: Any) -> None:
    saved = health_community_save(
        by=coordinator,
        community=community(FINNMARK),
        name="HELSEFELLESSKAPET FINNMARK",
        municipalities=towns(*members(FINNMARK)),
    )
    assert saved.name == "HELSEFELLESSKAPET FINNMARK"


@pytest.mark.parametrize("user_fixture", ["bodo_contact", "reader"])
def test_only_coordinators_change_communities(request: pytest.FixtureRequest, user_fixture: str) -> None:
    user = request.getfixturevalue(user_fixture)
    before = state()
    with pytest.raises(PermissionDenied) as refused:
        health_community_save(by=user, community=community(LVS), name="Salten", municipalities=towns("1804"))
    assert str(refused.value) == _(ONLY_COORDINATORS)
    with pytest.raises(PermissionDenied):
        health_community_delete(by=user, community=community(LVS))
    assert state() == before
    assert HealthCommunity.objects.count() == 4
    assert not AuditEntry.objects.exists()


def test_deleting_a_community_leaves_its_municipalities_without_one(coordinator: Any) -> None:
    finnmark = community(FINNMARK)
    numbers = members(FINNMARK)
    health_community_delete(by=coordinator, community=finnmark)
    assert not HealthCommunity.objects.filter(name=FINNMARK).exists()
    assert {state()[n] for n in numbers} == {None}
    (entry,) = audit("health_community.delete")
    assert (entry.actor, entry.object_id) == (coordinator, str(finnmark.pk))
    assert entry.changes["name"] == [FINNMARK, None]
    assert len(entry.changes["municipalities"][0]) == 18


# --- The admin ---------------------------------------------------------------------------------


def test_the_admin_lists_the_communities_with_their_sizes(network_admin: Any) -> None:
    response = client_for(network_admin).get(ADMIN)
    assert response.status_code == 200
    rows = {(c.name, c.member_count) for c in response.context["cl"].result_list}
    assert rows == {(TROMS_OFOTEN, 24), (LVS, 20), (HELGELAND, 18), (FINNMARK, 18)}


def test_the_admin_list_costs_the_same_queries_for_more_communities(
    network_admin: Any, coordinator: Any, django_assert_num_queries: Any
) -> None:
    client = client_for(network_admin)
    client.get(ADMIN)
    with CaptureQueriesContext(connection) as four:
        client.get(ADMIN)
    for number, name in enumerate(["Salten", "Ofoten", "Vesterålen"]):
        health_community_save(by=coordinator, community=None, name=name, municipalities=towns(f"18{66 + number}"))
    with django_assert_num_queries(len(four)):
        assert len(client.get(ADMIN).context["cl"].result_list) == 7


def test_the_admin_form_offers_the_region_with_the_current_members_chosen(network_admin: Any) -> None:
    response = client_for(network_admin).get(f"{ADMIN}{community(FINNMARK).pk}/change/")
    assert response.status_code == 200
    field = response.context["adminform"].form["municipalities"]
    choices = {str(value): label for value, label in field.field.choices}
    assert len(choices) == 80
    assert choices["5610"] == "Kárášjohka - Karasjok"
    assert choices["1804"] == _("%(municipality)s (now in %(community)s)") % {"municipality": "Bodø", "community": LVS}
    assert sorted(field.value()) == members(FINNMARK)
    html = response.content.decode()
    assert 'class="selectfilter"' in html
    assert 'id="id_municipalities"' in html


def test_the_admin_creates_a_community_through_the_service(network_admin: Any) -> None:
    response = client_for(network_admin).post(
        f"{ADMIN}add/", {"name": "Helsefellesskap Salten", "municipalities": ["1804", "1841"], "_save": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == ADMIN
    assert members("Helsefellesskap Salten") == ["1804", "1841"]
    (entry,) = audit("health_community.create")
    assert entry.actor == network_admin
    assert entry.changes["municipalities"] == [None, ["Bodø", "Fauske - Fuossko"]]


def test_the_admin_renames_and_changes_the_members(network_admin: Any) -> None:
    finnmark = community(FINNMARK)
    chosen = [*(n for n in members(FINNMARK) if n != "5610"), "5501"]
    response = client_for(network_admin).post(
        f"{ADMIN}{finnmark.pk}/change/", {"name": "Finnmark", "municipalities": chosen, "_save": "1"}
    )
    assert response.status_code == 302
    assert members("Finnmark") == sorted(chosen)
    assert (state()["5610"], state()["5501"]) == (None, "Finnmark")
    entries = audit("health_community.change")
    assert [(e.actor, e.object_id) for e in entries] == [
        (network_admin, str(finnmark.pk)),
        (network_admin, str(community(TROMS_OFOTEN).pk)),
    ]
    assert entries[0].changes["name"] == [FINNMARK, "Finnmark"]
    before, after = entries[0].changes["municipalities"]
    assert (set(before) - set(after), set(after) - set(before)) == ({"Kárášjohka - Karasjok"}, {"Tromsø"})


def test_the_admin_refuses_a_taken_name_and_changes_nothing(network_admin: Any) -> None:
    before = state()
    response = client_for(network_admin).post(
        f"{ADMIN}add/", {"name": "HELSEFELLESSKAP HELGELAND", "municipalities": ["1804"], "_save": "1"}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "name": [_("Another health community is called %(name)s.") % {"name": "HELSEFELLESSKAP HELGELAND"}]
    }
    assert state() == before
    assert HealthCommunity.objects.count() == 4
    assert not AuditEntry.objects.exists()


def test_the_admin_deletes_through_the_service(network_admin: Any) -> None:
    finnmark = community(FINNMARK)
    numbers = members(FINNMARK)
    response = client_for(network_admin).post(f"{ADMIN}{finnmark.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert {state()[n] for n in numbers} == {None}
    (entry,) = audit("health_community.delete")
    assert entry.actor == network_admin


def test_the_admin_bulk_delete_goes_through_the_service(network_admin: Any) -> None:
    chosen = [community(FINNMARK).pk, community(HELGELAND).pk]
    response = client_for(network_admin).post(
        ADMIN, {"action": "delete_selected", "_selected_action": chosen, "post": "yes"}
    )
    assert response.status_code == 302
    assert sorted(HealthCommunity.objects.values_list("name", flat=True)) == sorted([LVS, TROMS_OFOTEN])
    assert len(audit("health_community.delete")) == 2


def test_the_admin_is_closed_to_coordinators_without_the_role(coordinator: Any, bodo_contact: Any) -> None:
    for user in (coordinator, bodo_contact):
        client = client_for(user)
        assert client.get(ADMIN, follow=True).status_code == 403
        response = client.post(
            f"{ADMIN}add/", {"name": "Salten", "municipalities": ["1804"], "_save": "1"}, follow=True
        )
        assert response.status_code == 403
    assert HealthCommunity.objects.count() == 4
    assert state()["1804"] == LVS
