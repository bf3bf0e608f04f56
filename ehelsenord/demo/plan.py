"""The fictional two-year history of the demo data, planned as plain data (no ORM).

Every record (municipality × solution) gets a baseline survey at the start, phase changes that move
one phase forward at a time, and now and then a traffic-light episode, a moved target date or
documented evidence. Larger municipalities tend to be ahead, but each municipality also has its
own drive, and a few small "pilot municipalities" are pushed ahead, so sizes never rank perfectly.
A handful of starting points are inspired by public facts (data/status-fakta.md), but the result
is fiction and is labelled as such in the interface.

Deterministic: the same seed and the same `now` give the same plan.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

SEED = 2026
HISTORY_DAYS = 730

NOT_STARTED = "not_started"
PLANNED = "planned"
PREPARING = "preparing"
PILOTING = "piloting"
IN_PRODUCTION = "in_production"
REALISING_BENEFITS = "realising_benefits"
NOT_RELEVANT = "not_relevant"

ON_TRACK = "on_track"
AT_RISK = "at_risk"
DELAYED = "delayed"
SELF_REPORTED = "self_reported"
DOCUMENTED = "documented"


@dataclass(frozen=True)
class MunicipalityFacts:
    number: str
    population: int


@dataclass(frozen=True)
class SolutionFacts:
    slug: str
    # (phase key, stage) in template order.
    phases: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PlannedChange:
    at: datetime
    actor: str
    # Raw values: phase key, traffic light and evidence keys, dates, note text.
    changes: dict[str, Any]
    reason: str = ""


@dataclass(frozen=True)
class Profile:
    """How far an average municipality is with a solution at the start, and how fast it moves."""

    start: float
    progress: float
    cap: int = 5  # the furthest level reachable (index into the progress phases)
    floor: int = 0  # the lowest level at the start (long-established solutions are in production)
    not_relevant: float = 0.0  # chance for a small municipality to find it not relevant


# Levels: 0 not started, 1 planned, 2 preparing, 3 piloting, 4 in production, 5 realising benefits
# (for the membership template, levels 2 and 3 are both "preparing").
PROFILES: dict[str, Profile] = {
    "helsenettet": Profile(start=3.8, progress=0.4, floor=4),
    "helseid": Profile(start=0.6, progress=2.2),
    "kjernejournal": Profile(start=3.5, progress=0.3, floor=4),
    "kjernejournal-pleie-og-omsorg": Profile(start=0.1, progress=1.7),
    "pasientens-journaldokumenter": Profile(start=-0.3, progress=1.3),
    "e-resept": Profile(start=3.5, progress=0.3, floor=4),
    "pasientens-legemiddelliste": Profile(start=-0.8, progress=0.7, cap=3),
    "elektronisk-multidose": Profile(start=0.1, progress=1.4),
    "digital-dialog-fastlege": Profile(start=1.2, progress=1.4),
    "digihelse": Profile(start=-0.3, progress=1.6),
    "digihelsestasjon": Profile(start=-0.4, progress=1.3),
    "plo-meldinger": Profile(start=3.7, progress=0.3, floor=4),
    "digital-hjemmeoppfolging": Profile(start=0.0, progress=1.5),
    "velferdsteknologisk-knutepunkt": Profile(start=-0.2, progress=0.4, cap=4, not_relevant=0.12),
    "digitalt-helsekort-gravide": Profile(start=-1.0, progress=0.6, cap=3, not_relevant=0.04),
    "videokonsultasjon": Profile(start=0.8, progress=1.3),
    "digital-trygghetsalarm": Profile(start=3.6, progress=0.6, floor=3),
    "lokaliseringsteknologi": Profile(start=0.5, progress=1.2, not_relevant=0.06),
    "digitalt-tilsyn": Profile(start=0.4, progress=1.4),
    "elektronisk-medisineringsstotte": Profile(start=0.5, progress=1.4),
    "e-las": Profile(start=0.4, progress=1.2, not_relevant=0.06),
    "responssenter": Profile(start=0.6, progress=1.0, not_relevant=0.14),
}
DEFAULT_PROFILE = Profile(start=0.0, progress=1.0)

# (municipality, solution) → (level at the start, level today). Inspired by public facts in
# data/status-fakta.md (Bodø ahead on DHO and PLL, Vesterålen and Nord-Troms on DHO, the PLL
# grants, Helserom in Rødøy); everything else about them is made up.
STARTING_POINTS: dict[tuple[str, str], tuple[int, int]] = {
    ("1804", "digital-hjemmeoppfolging"): (4, 5),
    ("1804", "pasientens-legemiddelliste"): (2, 3),
    ("1804", "velferdsteknologisk-knutepunkt"): (4, 4),
    ("1804", "digitalt-tilsyn"): (4, 5),
    ("1804", "elektronisk-medisineringsstotte"): (4, 4),
    ("1804", "lokaliseringsteknologi"): (3, 4),
    ("1804", "kjernejournal-pleie-og-omsorg"): (1, 4),
    # Not started: signing the demo agreement round (plan_round) moves it to planned.
    ("1804", "elektronisk-multidose"): (0, 0),
    ("1840", "pasientens-legemiddelliste"): (1, 3),
    ("5501", "pasientens-legemiddelliste"): (1, 2),
    ("1833", "pasientens-legemiddelliste"): (0, 2),
    ("5603", "pasientens-legemiddelliste"): (0, 2),
    ("1866", "digital-hjemmeoppfolging"): (2, 4),
    ("1867", "digital-hjemmeoppfolging"): (1, 4),
    ("1868", "digital-hjemmeoppfolging"): (1, 3),
    ("1870", "digital-hjemmeoppfolging"): (2, 4),
    ("1871", "digital-hjemmeoppfolging"): (1, 4),
    ("1856", "digital-hjemmeoppfolging"): (0, 1),
    ("1857", "digital-hjemmeoppfolging"): (0, 1),
    ("1860", "digital-hjemmeoppfolging"): (1, 2),
    ("1865", "digital-hjemmeoppfolging"): (0, 1),
    ("5536", "digital-hjemmeoppfolging"): (3, 4),
    ("5538", "digital-hjemmeoppfolging"): (3, 4),
    ("5540", "digital-hjemmeoppfolging"): (3, 4),
    ("5542", "digital-hjemmeoppfolging"): (3, 4),
    ("5544", "digital-hjemmeoppfolging"): (3, 5),
    ("5546", "digital-hjemmeoppfolging"): (3, 4),
    ("1833", "digital-hjemmeoppfolging"): (1, 3),
    ("1813", "videokonsultasjon"): (1, 3),
    ("1836", "videokonsultasjon"): (2, 4),
    ("5503", "elektronisk-medisineringsstotte"): (2, 4),
    ("5503", "lokaliseringsteknologi"): (0, 1),
    ("1870", "elektronisk-medisineringsstotte"): (1, 3),
}

NOTES: dict[str, tuple[str, ...]] = {
    NOT_STARTED: (
        "Ikke prioritert ennå",
        "Vurderes i neste budsjettår",
        "Avventer erfaringer fra nabokommunene",
        "Ikke behandlet i ledergruppen ennå",
        "Kartlagt ved oppstart av eHelse Nord",
    ),
    PLANNED: (
        "Tatt inn i handlingsplanen for e-helse",
        "Prosjektleder utpekt",
        "Med i felles innføringsløp i regionen",
        "Avventer budsjettvedtak",
        "Kartlegging av behov er i gang",
        "Planlegger sammen med kompisnettverket",
    ),
    PREPARING: (
        "Rutiner og opplæringsplan under arbeid",
        "Venter på oppdatering fra journalleverandøren",
        "Risikovurdering gjennomført",
        "Avtale med leverandør signert",
        "Superbrukere er valgt ut",
        "Tekniske forberedelser med IKT-driften",
    ),
    PILOTING: (
        "Utprøving i én avdeling",
        "Utprøving i hjemmetjenesten, én sone",
        "Første erfaringer delt i kompisnettverket",
        "Utprøving på sykehjemmet",
        "Evaluerer utprøvingen før videre spredning",
    ),
    IN_PRODUCTION: (
        "I ordinær drift",
        "Tatt i bruk i alle aktuelle tjenester",
        "Superbrukere på plass i alle enheter",
        "I drift, opplæring av nyansatte pågår",
        "I drift i hjemmetjenesten, sykehjemmet følger",
    ),
    REALISING_BENEFITS: (
        "Gevinstkartlegging startet",
        "Måler tidsbruk før og etter",
        "Gevinstrapport lagt fram for kommunedirektøren",
        "Gevinster følges opp i virksomhetsplanen",
    ),
    NOT_RELEVANT: (
        "Kjøper tjenesten fra nabokommunen",
        "Ikke aktuelt med dagens tjenestetilbud",
        "Avventer ny nasjonal løsning",
        "Løses gjennom interkommunalt samarbeid",
    ),
}
RISK_NOTES = (
    "Forsinkelse hos leverandøren",
    "Mangler kapasitet til opplæring",
    "Usikker finansiering neste år",
    "Nøkkelperson har sluttet, ny er på plass snart",
    "Venter på avklaring om personvern",
)
RESOLVED_NOTES = (
    "Avklart med leverandøren, tilbake i rute",
    "Ny prosjektleder på plass",
    "Finansiering avklart",
)
DELAYED_NOTES = (
    "Måldato flyttet etter forsinkelse hos leverandøren",
    "Ny måldato etter omprioritering i kommunen",
)
RESET_NOTES = (
    "Utprøving stanset, ny plan med leverandøren",
    "Tilbake til forberedelse etter bytte av journalsystem",
)
EVIDENCE_NOTES = (
    "Bekreftet med oversikt fra leverandøren",
    "Dokumentert i kommunens internkontroll",
)
BASELINE_REASON = "Kartlegging ved oppstart"
# Most municipalities show their phases on the public pages; these few have not decided to yet.
NOT_PUBLIC = frozenset({"1857", "5526", "5624"})  # Værøy, Sørreisa, Lebesby
RESET_REASON = "Utprøvingen ble stanset"


@dataclass
class _State:
    level: int = 0
    phase: str = ""
    not_relevant: bool = False
    light: str = ON_TRACK
    note: str = ""
    target: date | None = None
    go_live: date | None = None
    evidence: str = SELF_REPORTED
    events: list[tuple[int, dict[str, Any], str]] = field(default_factory=list)


class _Planner:
    def __init__(
        self,
        *,
        rng: random.Random,
        contacts: Mapping[str, Sequence[str]],
        coordinators: Sequence[str],
        now: datetime,
        zone: tzinfo,
        days: int,
    ) -> None:
        self.rng = rng
        self.contacts = contacts
        self.coordinators = coordinators
        self.now = now
        self.zone = zone
        self.days = days
        today = now.astimezone(zone).date()
        self.start = today - timedelta(days=days)
        # Changes happen on working days, from the first day of the period up to yesterday.
        self.workdays = [offset for offset in range(days) if _is_workday(self.start + timedelta(days=offset))]

    def day(self, offset: int) -> date:
        return self.start + timedelta(days=offset)

    def note(self, stage: str) -> str:
        return self.rng.choice(NOTES[stage])

    def actor(self, number: str) -> str:
        contacts = self.contacts.get(number, ())
        if contacts and self.rng.random() < 0.8:
            return self.rng.choice(list(contacts))
        return self.rng.choice(list(self.coordinators))

    def when(self, events: list[tuple[int, dict[str, Any], str]], number: str) -> list[PlannedChange]:
        """Office hours on the planned working days; events on the same day keep their order."""
        planned: list[PlannedChange] = []
        previous: datetime | None = None
        for offset, changes, reason in events:
            at = datetime.combine(
                self.day(offset), time(8 + self.rng.randrange(8), self.rng.randrange(60)), tzinfo=self.zone
            )
            if previous is not None and at <= previous:
                at = previous + timedelta(minutes=7)
            planned.append(PlannedChange(at=at, actor=self.actor(number), changes=changes, reason=reason))
            previous = at
        return planned


def _effects(rng: random.Random, municipalities: Sequence[MunicipalityFacts]) -> dict[str, float]:
    """Each municipality's drive: mostly size, partly its own, and a few small pilots pushed ahead."""
    effects = {}
    for municipality in municipalities:
        size = math.log10(max(municipality.population, 100)) - 3.6
        effects[municipality.number] = 0.9 * size + rng.gauss(0, 0.5)
    smallest = sorted(municipalities, key=lambda m: m.population)[: max(1, len(municipalities) // 3)]
    for pilot in rng.sample(smallest, k=min(4, len(smallest))):
        effects[pilot.number] += 1.2
    return effects


def _levels(rng: random.Random, profile: Profile, effect: float, top: int) -> tuple[int, int]:
    cap = min(profile.cap, top)
    start = min(cap, max(profile.floor, round(profile.start + 0.8 * effect + rng.gauss(0, 0.7))))
    steps = max(0, round(profile.progress + 0.6 * effect + rng.gauss(0, 0.8)))
    return start, min(cap, start + steps)


def _record_history(
    planner: _Planner,
    *,
    number: str,
    solution: SolutionFacts,
    levels: tuple[int, int],
    goes_not_relevant: bool,
) -> list[PlannedChange]:
    rng = planner.rng
    progress = [(key, stage) for key, stage in solution.phases if stage != NOT_RELEVANT]
    not_relevant_key = next((key for key, stage in solution.phases if stage == NOT_RELEVANT), None)
    production = next(i for i, (_key, stage) in enumerate(progress) if stage == IN_PRODUCTION)
    start_level, end_level = levels
    state = _State(phase=progress[0][0])
    workdays = planner.workdays

    def stage(level: int) -> str:
        return progress[level][1]

    # Baseline survey in the first six weeks: every record gets one, so every pair exists.
    baseline_index = rng.randrange(min(30, len(workdays) // 4))
    baseline_day = workdays[baseline_index]
    baseline: dict[str, Any] = {"note": planner.note(stage(start_level)), "public": number not in NOT_PUBLIC}
    if start_level:
        baseline["phase"] = progress[start_level][0]
    if start_level >= production:
        if rng.random() < 0.85:
            baseline["go_live_date"] = planner.day(baseline_day) - timedelta(days=rng.randrange(60, 2500))
        if rng.random() < 0.5:
            baseline["evidence"] = DOCUMENTED
    elif start_level > 0:
        baseline["target_date"] = _month_start(planner.day(baseline_day) + timedelta(days=rng.randrange(240, 600)))
    state.level = start_level
    state.events.append((baseline_day, baseline, BASELINE_REASON))
    _apply(state, baseline)

    steps = end_level - start_level
    # Rarely a pilot is stopped: one phase back, then forward again.
    reset = steps >= 1 and start_level + 1 < production and rng.random() < 0.04
    phase_moves = steps + (2 if reset else 0)
    # Only a municipality that has not got far finds a solution not relevant.
    goes_not_relevant = goes_not_relevant and not_relevant_key is not None and start_level <= 1
    if goes_not_relevant:
        phase_moves = 1
    later = workdays[baseline_index + 15 :]
    days = sorted(rng.sample(later, k=min(phase_moves, len(later))))
    reset_at = rng.randrange(1, len(days) - 1) if reset and len(days) >= 3 else None

    previous_day = baseline_day
    for index, day in enumerate(days):
        _interlude(planner, state, previous_day, day, production)
        changes: dict[str, Any] = {}
        reason = ""
        if goes_not_relevant and not_relevant_key is not None:
            changes = {"phase": not_relevant_key, "note": planner.note(NOT_RELEVANT), "traffic_light": ON_TRACK}
            state.not_relevant = True
        elif index == reset_at and 2 <= state.level < production:
            state.level = max(1, state.level - 1)
            changes = {"phase": progress[state.level][0], "note": rng.choice(RESET_NOTES), "traffic_light": AT_RISK}
            reason = RESET_REASON
        else:
            state.level = min(end_level, state.level + 1)
            changes = {"phase": progress[state.level][0]}
            if rng.random() < 0.8:
                changes["note"] = planner.note(stage(state.level))
            if state.light != ON_TRACK and rng.random() < 0.7:
                changes["traffic_light"] = ON_TRACK
            if state.level == production and state.go_live is None:
                changes["go_live_date"] = planner.day(day) - timedelta(days=rng.randrange(0, 10))
                changes["traffic_light"] = ON_TRACK
            if state.level < production and state.target is None:
                changes["target_date"] = _month_start(planner.day(day) + timedelta(days=rng.randrange(180, 540)))
        changes = {key: value for key, value in changes.items() if _differs(state, key, value)}
        if changes:
            state.events.append((day, changes, reason))
            _apply(state, changes)
        previous_day = day
    _interlude(planner, state, previous_day, workdays[-1] + 1, production)
    return planner.when(state.events, number)


def _interlude(
    planner: _Planner,
    state: _State,
    after: int,
    before: int,
    production: int,
) -> None:
    """Between two phase changes: maybe a traffic-light episode, a moved target or documentation."""
    rng = planner.rng
    workdays = planner.workdays
    candidates = workdays[bisect.bisect_right(workdays, after + 20) : bisect.bisect_left(workdays, before - 5)]
    if not candidates or state.not_relevant:
        return
    day = rng.choice(candidates)
    changes: dict[str, Any] = {}
    if 1 <= state.level < production:
        overdue = state.target is not None and state.target < planner.day(day)
        roll = rng.random()
        if overdue and roll < 0.7:
            changes = {
                "target_date": _month_start(planner.day(day) + timedelta(days=rng.randrange(120, 360))),
                "traffic_light": rng.choices((ON_TRACK, AT_RISK, DELAYED), weights=(4, 4, 2))[0],
                "note": rng.choice(DELAYED_NOTES),
            }
        elif state.light == ON_TRACK and roll < 0.2:
            changes = {"traffic_light": AT_RISK if rng.random() < 0.8 else DELAYED, "note": rng.choice(RISK_NOTES)}
        elif state.light != ON_TRACK and roll < 0.75:
            changes = {"traffic_light": ON_TRACK, "note": rng.choice(RESOLVED_NOTES)}
        elif roll < 0.35 and state.level == production - 1 and rng.random() < 0.3:
            changes = {"evidence": DOCUMENTED}
    elif state.level >= production and state.evidence != DOCUMENTED and rng.random() < 0.35:
        changes = {"evidence": DOCUMENTED, "note": rng.choice(EVIDENCE_NOTES)}
    changes = {key: value for key, value in changes.items() if _differs(state, key, value)}
    if changes:
        state.events.append((day, changes, ""))
        _apply(state, changes)


_STATE_FIELDS = {
    "traffic_light": "light",
    "note": "note",
    "target_date": "target",
    "go_live_date": "go_live",
    "evidence": "evidence",
    "phase": "phase",
}


def _differs(state: _State, key: str, value: Any) -> bool:
    return bool(getattr(state, _STATE_FIELDS[key]) != value)


def _apply(state: _State, changes: Mapping[str, Any]) -> None:
    for key, value in changes.items():
        if key in _STATE_FIELDS:
            setattr(state, _STATE_FIELDS[key], value)


def _is_workday(day: date) -> bool:
    """Weekdays outside the Christmas week and the July holidays."""
    holiday = day.month == 7 or (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)
    return day.weekday() < 5 and not holiday


def _month_start(day: date) -> date:
    return day.replace(day=1)


def plan_history(
    *,
    municipalities: Sequence[MunicipalityFacts],
    solutions: Sequence[SolutionFacts],
    contacts: Mapping[str, Sequence[str]],
    coordinators: Sequence[str],
    now: datetime,
    zone: tzinfo,
    seed: int = SEED,
    days: int = HISTORY_DAYS,
) -> dict[tuple[str, str], list[PlannedChange]]:
    """The changes of every (municipality number, solution slug), oldest first, all before `now`.

    `contacts` maps a municipality number to the actors who are its own contacts; `coordinators`
    are the actors who may change any municipality. Actors are opaque keys chosen by the caller.
    """
    rng = random.Random(seed)
    planner = _Planner(rng=rng, contacts=contacts, coordinators=coordinators, now=now, zone=zone, days=days)
    ordered = sorted(municipalities, key=lambda m: m.number)
    effects = _effects(rng, ordered)
    smallest_half = {m.number for m in sorted(ordered, key=lambda m: m.population)[: len(ordered) // 2]}
    history: dict[tuple[str, str], list[PlannedChange]] = {}
    for municipality in ordered:
        for solution in solutions:
            profile = PROFILES.get(solution.slug, DEFAULT_PROFILE)
            top = sum(1 for _key, stage in solution.phases if stage != NOT_RELEVANT) - 1
            levels = STARTING_POINTS.get(
                (municipality.number, solution.slug), _levels(rng, profile, effects[municipality.number], top)
            )
            chance = profile.not_relevant * (1.5 if municipality.number in smallest_half else 0.4)
            goes_not_relevant = (municipality.number, solution.slug) not in STARTING_POINTS and rng.random() < chance
            history[(municipality.number, solution.slug)] = _record_history(
                planner,
                number=municipality.number,
                solution=solution,
                levels=(min(levels[0], top), min(levels[1], top)),
                goes_not_relevant=goes_not_relevant,
            )
    return history


# --- The demo agreement round ----------------------------------------------------------------------

ROUND_ANSWER_WEEKS = 6

# What a municipality's contact has done with the sent agreement: opened it and saved a draft
# answer, signed it in the platform, or declined it. The other municipalities with a demo contact
# have not opened theirs; those without one stay drafts (there is no one to send them to).
SAVED = "saved"
SIGNED = "signed"
DECLINED = "declined"

# The solutions the demo round offers, in order, with why each is prioritised. They follow the
# national priorities in the catalogue (catalogue.json: status notes and statutory notes). None of
# them has a national deadline there that lies ahead (the dated duties, from 2022, concern the
# membership of Helsenettet and the GPs' use of kjernejournal and e-resept), so none is given.
ROUND_OFFERS: tuple[tuple[str, str], ...] = (
    (
        "pasientens-legemiddelliste",
        "Nasjonal innføring for fastleger og sykehus fra 2026, etter utprøving i Helse Vest og Helse Nord "
        "2024–2025. Legevakt og pleie og omsorg følger etter og må forberede seg.",
    ),
    (
        "elektronisk-multidose",
        "Overgangen fra papir til elektronisk multidose er et anbefalt steg før pasientens legemiddelliste.",
    ),
    (
        "kjernejournal-pleie-og-omsorg",
        "Kjernejournal er en forutsetning for pasientens legemiddelliste, også i pleie og omsorg.",
    ),
    (
        "digihelse",
        "KS kjører et nasjonalt felles innføringsløp i puljer; eHelse Nord samler kommunene i regionen i samme løp.",
    ),
    (
        "digital-hjemmeoppfolging",
        "Helsedirektoratet anbefaler i nasjonale faglige råd at kommunene legger til rette for digital "
        "hjemmeoppfølging, og Helseteknologiordningen prioriterer det.",
    ),
)

LETTER_NB = """eHelse Nord inviterer kommunen til å delta i felles innføring av nasjonale e-helseløsninger i {year}. \
Løsningene nedenfor er valgt fordi de er nasjonalt prioritert, og fordi kommunene får dem raskere og tryggere \
på plass når vi innfører dem sammen i kompisnettverk.

Ved å signere sier kommunen at den tar sikte på å innføre de valgte løsningene innen kvartalet den oppgir, \
og at den stiller med en kontaktperson i kompisnettverket. Avtalen er en intensjonsavtale og er ikke \
juridisk bindende.

Svar i plattformen innen svarfristen. Ta kontakt med kontaktpersonen for e-helse i eHelse Nord hvis noe \
er uklart."""

LETTER_NN = """eHelse Nord inviterer kommunen til å vere med på felles innføring av nasjonale e-helseløysingar \
i {year}. Løysingane nedanfor er valde fordi dei er nasjonalt prioriterte, og fordi kommunane får dei \
raskare og tryggare på plass når vi innfører dei saman i kompisnettverk.

Ved å signere seier kommunen at han tek sikte på å innføre dei valde løysingane innan kvartalet han oppgir, \
og at han stiller med ein kontaktperson i kompisnettverket. Avtalen er ein intensjonsavtale og er ikkje \
juridisk bindande.

Svar i plattforma innan svarfristen. Ta kontakt med kontaktpersonen for e-helse i eHelse Nord om noko er \
uklart."""


@dataclass(frozen=True)
class OfferPlan:
    slug: str
    reason: str
    national_deadline: date | None = None


@dataclass(frozen=True)
class ContactPlan:
    name: str
    title: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class AnswerPlan:
    """What the municipality's contact (`actor`) does with the agreement after it is sent."""

    number: str
    actor: str
    state: str
    # (solution slug, first day of the target quarter)
    commitments: tuple[tuple[str, date], ...] = ()
    contacts: tuple[ContactPlan, ...] = ()
    signatory_name: str = ""
    signatory_title: str = ""
    decline_reason: str = ""


@dataclass(frozen=True)
class RoundPlan:
    name: str
    period_start: date
    period_end: date
    answer_deadline: date
    letter_nb: str
    letter_nn: str
    offers: tuple[OfferPlan, ...]
    creator: str
    # Sent to these municipalities (those with a demo contact), in this order; the rest stay drafts.
    send_to: tuple[str, ...]
    answers: tuple[AnswerPlan, ...]


def plan_round(*, today: date, contacts: Mapping[str, Sequence[str]], creator: str) -> RoundPlan:
    """The demo's agreement round: next year's priorities, answer deadline six weeks from `today`.

    `contacts` maps a municipality number to its demo contacts' keys (the first one answers);
    `creator` is the coordinator who creates and sends the round. Bodø signs two solutions (its
    records for them become planned, or keep a later phase, with the target date), Tromsø has
    opened the agreement and saved a draft answer, Karasjok declines, and the other
    municipalities with a contact (Røst, Værøy) have not opened theirs yet.
    """
    year = today.year + 1

    def quarter(number: int) -> date:
        return date(year, 3 * number - 2, 1)

    answers: list[AnswerPlan] = []
    if "1804" in contacts:
        answers.append(
            AnswerPlan(
                number="1804",
                actor=contacts["1804"][0],
                state=SIGNED,
                commitments=(("pasientens-legemiddelliste", quarter(4)), ("elektronisk-multidose", quarter(2))),
                contacts=(
                    ContactPlan("Demo Kontakt Bodø", "E-helsekoordinator (fiktiv)", "bodo@demo.ehelsenord.no"),
                    ContactPlan("Demo Fagleder Hjemmetjenesten", "Fagleder hjemmetjenesten (fiktiv)"),
                ),
                signatory_name="Demo Kommunedirektør Bodø",
                signatory_title="Kommunedirektør (fiktiv)",
            )
        )
    if "5501" in contacts:
        answers.append(
            AnswerPlan(
                number="5501",
                actor=contacts["5501"][0],
                state=SAVED,
                commitments=(("pasientens-legemiddelliste", quarter(3)), ("kjernejournal-pleie-og-omsorg", quarter(1))),
                contacts=(
                    ContactPlan("Demo Kontakt Tromsø", "Prosjektleder e-helse (fiktiv)", "tromso@demo.ehelsenord.no"),
                ),
            )
        )
    if "5610" in contacts:
        answers.append(
            AnswerPlan(
                number="5610",
                actor=contacts["5610"][0],
                state=DECLINED,
                decline_reason=(
                    f"Kommunen bytter journalsystem i {year} og har ikke kapasitet til nye innføringer før byttet "
                    "er gjort. Vi vil gjerne være med i neste runde."
                ),
            )
        )
    return RoundPlan(
        name=f"Intensjonsavtaler {year}",
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        answer_deadline=today + timedelta(weeks=ROUND_ANSWER_WEEKS),
        letter_nb=LETTER_NB.format(year=year),
        letter_nn=LETTER_NN.format(year=year),
        offers=tuple(OfferPlan(slug, reason) for slug, reason in ROUND_OFFERS),
        creator=creator,
        send_to=tuple(sorted(contacts)),
        answers=tuple(answers),
    )


# --- The demo buddy networks -----------------------------------------------------------------------

# A coordinator proposes networks for this solution with every municipality of the region and
# creates them as the optimizer proposed; Bodø's contact then fills in its network's plan and
# records two meetings. A second proposal, for Nordland only and not confirmed, is left for a
# coordinator to adjust.
NETWORK_SOLUTION = "kjernejournal-pleie-og-omsorg"
OPEN_PROPOSAL_SOLUTION = "pasientens-legemiddelliste"
OPEN_PROPOSAL_COUNTY = "18"  # Nordland
NETWORK_LEAD = "1804"  # Bodø

# Bodø's plan: (phase key, months from now to the end of the month it is due, note).
NETWORK_MILESTONES: tuple[tuple[str, int, str], ...] = (
    ("planlagt", 0, "Alle kommunene har meldt inn kontaktperson og fagleder"),
    ("forberedelse", 3, "Opplæringsplan og tilganger klare i alle kommunene"),
    ("utproving", 6, "Ett sykehjem og én hjemmetjeneste i hver kommune"),
    ("i_drift", 9, "Alle sykehjem og hjemmetjenester i nettverket"),
    ("gevinstrealisering", 15, "Gevinstrapport til styringsgruppen i eHelse Nord"),
)


@dataclass(frozen=True)
class MeetingPlan:
    title: str
    starts_at: datetime
    minutes_long: int
    place: str
    video_url: str
    # (text, the member municipality whose record the item is about, or "")
    agenda: tuple[tuple[str, str], ...]
    decisions: tuple[str, ...] = ()
    minutes: str = ""
    attendees: tuple[str, ...] = ()  # actor keys
    other_attendees: str = ""


@dataclass(frozen=True)
class NetworksPlan:
    coordinator: str
    solution: str
    open_solution: str
    open_county: str
    lead: str
    lead_actor: str
    milestones: tuple[tuple[str, date, str], ...]  # (phase key, due date, note)
    meetings: tuple[MeetingPlan, ...]


def _month_end(day: date, months: int) -> date:
    first = _month_start(day)
    year, month = divmod(first.month - 1 + months + 1, 12)
    return date(first.year + year, month + 1, 1) - timedelta(days=1)


def _workday(day: date, step: int) -> date:
    """`day` if it is a workday, or the nearest workday in the direction of `step` (±1)."""
    while not _is_workday(day):
        day += timedelta(days=step)
    return day


def plan_networks(
    *, today: date, zone: tzinfo, contacts: Mapping[str, Sequence[str]], coordinator: str
) -> NetworksPlan | None:
    """The demo's buddy networks: made by `coordinator`; Bodø's network gets a plan and meetings
    from Bodø's first contact: a start-up meeting three weeks ago and the next one in three weeks.
    None without a contact for Bodø (no one to run its network)."""
    if NETWORK_LEAD not in contacts:
        return None
    actor = contacts[NETWORK_LEAD][0]
    video = "https://video.example/kjernejournal-plo-bodo"
    started = datetime.combine(_workday(today - timedelta(days=21), -1), time(10, 0), tzinfo=zone)
    upcoming = datetime.combine(_workday(today + timedelta(days=21), 1), time(13, 0), tzinfo=zone)
    return NetworksPlan(
        coordinator=coordinator,
        solution=NETWORK_SOLUTION,
        open_solution=OPEN_PROPOSAL_SOLUTION,
        open_county=OPEN_PROPOSAL_COUNTY,
        lead=NETWORK_LEAD,
        lead_actor=actor,
        milestones=tuple((key, _month_end(today, months), note) for key, months, note in NETWORK_MILESTONES),
        meetings=(
            MeetingPlan(
                title="Oppstartsmøte",
                starts_at=started,
                minutes_long=120,
                place="Bodø rådhus, møterom Saltstraumen",
                video_url=video,
                agenda=(
                    ("Velkommen og presentasjonsrunde", ""),
                    ("Erfaringer fra Bodø, som har kjernejournal i drift i pleie og omsorg", NETWORK_LEAD),
                    ("Status i hver kommune", ""),
                    ("Plan for innføringen og faste møter", ""),
                ),
                decisions=(
                    "Bodø leder nettverket og kaller inn til møtene.",
                    "Nettverket møtes hver sjette uke, annenhver gang på video.",
                    "Hver kommune melder inn kontaktperson og fagleder før neste møte.",
                ),
                minutes=(
                    "Alle kommunene i nettverket var representert. Bodø viste hvordan sykehjemmene bruker "
                    "kjernejournal ved innleggelse og legemiddelgjennomgang. Kommunene som ikke har startet, "
                    "trenger først tilgang til Helsenettet og HelseID for de ansatte.\n\n"
                    "Planen for nettverket er lagt inn i plattformen."
                ),
                attendees=(actor, coordinator),
                other_attendees="Fagledere fra kommunene i nettverket (fiktive)",
            ),
            MeetingPlan(
                title="Nettverksmøte: opplæring og tilganger",
                starts_at=upcoming,
                minutes_long=90,
                place="",
                video_url=video,
                agenda=(
                    ("Runde: status siden sist", ""),
                    ("Opplæringsplan for sykehjem og hjemmetjeneste", ""),
                    ("Tilgangsstyring og HelseID i pleie og omsorg", ""),
                    ("Eventuelt", ""),
                ),
            ),
        ),
    )
