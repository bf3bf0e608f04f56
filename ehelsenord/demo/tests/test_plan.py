"""The planned demo history and agreement round, as plain data: deterministic, ordered, forward only."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ehelsenord.demo.plan import (
    BASELINE_REASON,
    DECLINED,
    RESET_REASON,
    SAVED,
    SIGNED,
    MunicipalityFacts,
    PlannedChange,
    SolutionFacts,
    plan_history,
    plan_networks,
    plan_round,
)

CATALOGUE = Path(__file__).resolve().parents[2] / "solutions" / "data" / "catalogue.json"

NOW = datetime(2026, 11, 27, 3, 30, tzinfo=UTC)
OSLO = ZoneInfo("Europe/Oslo")
STANDARD = (
    ("ikke_startet", "not_started"),
    ("planlagt", "planned"),
    ("forberedelse", "preparing"),
    ("utproving", "piloting"),
    ("i_drift", "in_production"),
    ("gevinstrealisering", "realising_benefits"),
    ("ikke_aktuell", "not_relevant"),
)
MEMBERSHIP = (
    ("ikke_medlem", "not_started"),
    ("avtaler_under_behandling", "planned"),
    ("avtaler_signert", "preparing"),
    ("tilkobling_bestilt", "preparing"),
    ("tilkoblet", "in_production"),
    ("alle_tjenester_tilkoblet", "realising_benefits"),
)
MUNICIPALITIES = [MunicipalityFacts(f"18{n:02d}", population) for n, population in enumerate(range(400, 60_000, 1500))]
SOLUTIONS = [
    SolutionFacts("helsenettet", MEMBERSHIP),
    SolutionFacts("digital-hjemmeoppfolging", STANDARD),
    SolutionFacts("responssenter", STANDARD),
    SolutionFacts("pasientens-legemiddelliste", STANDARD),
]
CONTACTS = {"1800": ["small"], "1801": ["small", "shared"], "1802": ["shared"]}
COORDINATORS = ["admin", "lead"]


def _plan() -> dict[tuple[str, str], list[PlannedChange]]:
    return plan_history(
        municipalities=MUNICIPALITIES,
        solutions=SOLUTIONS,
        contacts=CONTACTS,
        coordinators=COORDINATORS,
        now=NOW,
        zone=OSLO,
    )


def test_plan_history_is_the_same_for_the_same_seed() -> None:
    assert _plan() == _plan()


def test_plan_history_covers_every_pair_with_a_baseline_first() -> None:
    plan = _plan()
    assert set(plan) == {(m.number, s.slug) for m in MUNICIPALITIES for s in SOLUTIONS}
    assert {changes[0].reason for changes in plan.values()} == {BASELINE_REASON}
    assert all("note" in changes[0].changes for changes in plan.values())


def test_plan_history_is_ordered_within_the_two_years_before_now() -> None:
    plan = _plan()
    for changes in plan.values():
        times = [change.at for change in changes]
        assert times == sorted(times)
        assert len(set(times)) == len(times)
        assert all(NOW - timedelta(days=731) < at < NOW for at in times)
    every = [change.at for changes in plan.values() for change in changes]
    assert min(every) < NOW - timedelta(days=650)
    assert max(every) > NOW - timedelta(days=60)


def test_plan_history_lets_contacts_change_only_their_own_municipality() -> None:
    for (number, _slug), changes in _plan().items():
        allowed = set(COORDINATORS) | set(CONTACTS.get(number, []))
        assert {change.actor for change in changes} <= allowed


def test_plan_history_moves_phases_forward_except_a_rare_reset() -> None:
    positions = {key: index for template in (STANDARD, MEMBERSHIP) for index, (key, _stage) in enumerate(template)}
    backwards = 0
    plan = _plan()
    for (_number, slug), changes in plan.items():
        first = MEMBERSHIP[0][0] if slug == "helsenettet" else STANDARD[0][0]
        current = positions[first]
        for change in changes:
            if "phase" not in change.changes:
                continue
            new = positions[change.changes["phase"]]
            assert new != current
            if new < current:
                assert change.reason == RESET_REASON
                backwards += 1
            current = new
    assert backwards <= len(plan) * 0.05


def test_plan_history_sets_a_go_live_date_when_a_record_reaches_production() -> None:
    in_production = {"i_drift", "tilkoblet"}
    for changes in _plan().values():
        for change in changes[1:]:
            if change.changes.get("phase") in in_production:
                assert change.changes["go_live_date"] <= change.at.date()


# --- The demo agreement round ---------------------------------------------------------------------

ROUND_CONTACTS = {"1804": ["bodo"], "1856": ["rost", "shared"], "1857": ["shared"], "5501": ["tromso"], "5610": ["kjk"]}


def test_plan_round_offers_next_year_with_an_answer_deadline_six_weeks_ahead() -> None:
    plan = plan_round(today=date(2026, 11, 27), contacts=ROUND_CONTACTS, creator="admin")

    assert (plan.name, plan.period_start, plan.period_end, plan.answer_deadline, plan.creator) == (
        "Intensjonsavtaler 2027",
        date(2027, 1, 1),
        date(2027, 12, 31),
        date(2027, 1, 8),
        "admin",
    )
    assert [offer.slug for offer in plan.offers] == [
        "pasientens-legemiddelliste",
        "elektronisk-multidose",
        "kjernejournal-pleie-og-omsorg",
        "digihelse",
        "digital-hjemmeoppfolging",
    ]
    assert all(offer.national_deadline is None and 0 < len(offer.reason) <= 300 for offer in plan.offers)
    assert plan.letter_nb.split("\n\n")[0].startswith(
        "eHelse Nord inviterer kommunen til å delta i felles innføring av nasjonale e-helseløsninger i 2027."
    )
    assert plan.letter_nn.split("\n\n")[0].startswith(
        "eHelse Nord inviterer kommunen til å vere med på felles innføring av nasjonale e-helseløysingar i 2027."
    )
    assert [len(plan.letter_nb.split("\n\n")), len(plan.letter_nn.split("\n\n"))] == [3, 3]
    assert plan.send_to == ("1804", "1856", "1857", "5501", "5610")


def test_plan_round_lets_bodo_sign_tromso_save_and_karasjok_decline() -> None:
    plan = plan_round(today=date(2026, 11, 27), contacts=ROUND_CONTACTS, creator="admin")

    assert [(a.number, a.actor, a.state, a.commitments) for a in plan.answers] == [
        (
            "1804",
            "bodo",
            SIGNED,
            (("pasientens-legemiddelliste", date(2027, 10, 1)), ("elektronisk-multidose", date(2027, 4, 1))),
        ),
        (
            "5501",
            "tromso",
            SAVED,
            (("pasientens-legemiddelliste", date(2027, 7, 1)), ("kjernejournal-pleie-og-omsorg", date(2027, 1, 1))),
        ),
        ("5610", "kjk", DECLINED, ()),
    ]
    bodo, tromso, karasjok = plan.answers
    assert (bodo.signatory_name, bodo.signatory_title) == ("Demo Kommunedirektør Bodø", "Kommunedirektør (fiktiv)")
    assert [c.name for c in bodo.contacts] == ["Demo Kontakt Bodø", "Demo Fagleder Hjemmetjenesten"]
    assert ([c.name for c in tromso.contacts], tromso.signatory_name) == (["Demo Kontakt Tromsø"], "")
    assert karasjok.decline_reason == (
        "Kommunen bytter journalsystem i 2027 og har ikke kapasitet til nye innføringer før byttet er gjort. "
        "Vi vil gjerne være med i neste runde."
    )


def test_plan_round_late_in_december_still_has_its_deadline_within_the_period() -> None:
    plan = plan_round(today=date(2027, 12, 31), contacts={"1804": ["bodo"]}, creator="admin")

    assert (plan.name, plan.period_start, plan.answer_deadline, plan.period_end) == (
        "Intensjonsavtaler 2028",
        date(2028, 1, 1),
        date(2028, 2, 11),
        date(2028, 12, 31),
    )
    # Only municipalities with a contact are sent the agreement, and only they answer.
    assert plan.send_to == ("1804",)
    assert [(a.number, a.commitments[0][1]) for a in plan.answers] == [("1804", date(2028, 10, 1))]


def test_plan_round_offers_only_active_solutions_of_the_catalogue() -> None:
    catalogue = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    status = {solution["slug"]: solution["status"] for solution in catalogue["solutions"]}

    plan = plan_round(today=date(2026, 11, 27), contacts=ROUND_CONTACTS, creator="admin")

    assert [status[offer.slug] for offer in plan.offers] == ["active"] * 5


# --- The demo buddy networks ----------------------------------------------------------------------


def test_plan_networks_gives_bodos_network_a_plan_and_a_meeting_before_and_after_today() -> None:
    plan = plan_networks(today=date(2026, 11, 27), zone=OSLO, contacts=ROUND_CONTACTS, coordinator="lead")

    assert plan is not None
    assert (plan.coordinator, plan.solution, plan.open_solution, plan.open_county, plan.lead, plan.lead_actor) == (
        "lead",
        "kjernejournal-pleie-og-omsorg",
        "pasientens-legemiddelliste",
        "18",
        "1804",
        "bodo",
    )
    assert [(key, due) for key, due, _note in plan.milestones] == [
        ("planlagt", date(2026, 11, 30)),
        ("forberedelse", date(2027, 2, 28)),
        ("utproving", date(2027, 5, 31)),
        ("i_drift", date(2027, 8, 31)),
        ("gevinstrealisering", date(2028, 2, 29)),
    ]
    assert all(0 < len(note) <= 200 for _key, _due, note in plan.milestones)
    started, upcoming = plan.meetings
    # Three weeks back and ahead, moved to a workday: 6 November (a Friday) and 18 December (a Friday).
    assert (started.starts_at, started.minutes_long) == (datetime(2026, 11, 6, 10, 0, tzinfo=OSLO), 120)
    assert (upcoming.starts_at, upcoming.minutes_long) == (datetime(2026, 12, 18, 13, 0, tzinfo=OSLO), 90)
    assert [number for _text, number in started.agenda] == ["", "1804", "", ""]
    assert (len(started.decisions), started.attendees, bool(started.minutes)) == (3, ("bodo", "lead"), True)
    assert (upcoming.decisions, upcoming.attendees, upcoming.minutes, upcoming.place) == ((), (), "", "")


def test_plan_networks_moves_a_meeting_out_of_the_holidays() -> None:
    plan = plan_networks(today=date(2027, 12, 6), zone=OSLO, contacts={"1804": ["bodo"]}, coordinator="lead")

    assert plan is not None
    # Three weeks ahead is Monday 27 December, in the Christmas week: the first workday after it is
    # Monday 3 January (1 and 2 January are a Saturday and a Sunday).
    assert [meeting.starts_at.date() for meeting in plan.meetings] == [date(2027, 11, 15), date(2028, 1, 3)]
    assert plan.milestones[0][:2] == ("planlagt", date(2027, 12, 31))


def test_plan_networks_needs_a_contact_for_bodo() -> None:
    assert plan_networks(today=date(2026, 11, 27), zone=OSLO, contacts={"1856": ["rost"]}, coordinator="lead") is None
