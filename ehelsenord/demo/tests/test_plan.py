"""The planned demo history, as plain data: deterministic, ordered, forward only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from ehelsenord.demo.plan import (
    BASELINE_REASON,
    RESET_REASON,
    MunicipalityFacts,
    PlannedChange,
    SolutionFacts,
    plan_history,
)

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
