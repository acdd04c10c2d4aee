"""Simulated kiosk visits for the insights tests: each visit as the test knows it (agency, language,
scenario, steps answered, where it stopped, its profile) and the statements the kiosk's own builders
make of it. Expected figures are computed from the visits, never from the statements."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from kiosk.runtime import play
from kiosk.scenario.esco import Skill, read_skills
from kiosk.scenario.evidence import Observation
from kiosk.scenario.load import inspect_pack
from kiosk.scenario.model import Pack, Step
from kiosk.scoring.bank import ItemBank, read_bank
from kiosk.scoring.estimate import Played, Profile, score_visit
from kiosk.store import xapi
from kiosk.store.scenario_statements import scenario_statements, step_groups

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday: ISO week 2026-W45
PACKS = ("commis-de-cuisine", "aide-a-domicile", "agent-logistique")
MODES = ("large-text", "high-contrast", "easy-read", "narration", "one-switch", "less-motion")


@cache
def pack(pack_id: str) -> Pack:
    found = inspect_pack(SCENARIOS / pack_id, check_manifest=False).draft
    assert found is not None
    return found


@cache
def bank(pack_id: str) -> ItemBank | None:
    return read_bank(pack(pack_id))


@cache
def skills() -> dict[str, Skill]:
    return read_skills()


@dataclass(frozen=True)
class SimVisit:
    registration: str
    agency: str
    language: str
    pack: Pack
    started: datetime
    steps: tuple[str, ...]  # answered, in order
    finished: bool
    observations: tuple[Observation, ...]
    kiosk: str
    modes: tuple[str, ...]  # accessibility modes on from the start of the visit
    trade_viewed: bool  # the funnel pages shown
    offers_viewed: bool
    results_taken: bool
    visit: xapi.Visit
    step_times: tuple[datetime, ...]  # when each step kept was answered
    ended: datetime

    # The profile and the statements are made when first asked for: scoring is most of a simulated visit's
    # cost, and the test that plays 2,000 visits through the kiosk's own host needs neither.
    @cached_property
    def profile(self) -> Profile | None:
        return score_visit([Played(self.pack.id, self.pack.scenario, bank(self.pack.id), self.observations)]) \
            if self.finished else None

    @cached_property
    def statements(self) -> tuple[dict[str, Any], ...]:
        visit, chosen, ended = self.visit, self.pack, self.ended
        statements = scenario_statements(visit, chosen, list(self.observations), self.profile, skills(), self.started,
                                         list(self.step_times), ended, finished=self.finished)
        if self.trade_viewed:
            statements.insert(0, xapi.trade_viewed(visit, chosen.trade.rome, chosen.trade.title.values,
                                                   self.started - timedelta(seconds=20), 0))
        if self.offers_viewed:
            statements.append(xapi.offers_viewed(visit, 4, ended + timedelta(seconds=10), 1))
        if self.results_taken:
            statements.append(xapi.results_taken(visit, ended + timedelta(seconds=20), 2))
        return tuple(statements)


def simulate_visit(seed: int, agency: str, language: str, pack_id: str, started: datetime) -> SimVisit:
    rng = random.Random(seed)
    chosen = pack(pack_id)

    def at_random(step: Step, state: play.PlayState) -> list[str]:
        if step.kind == "ordering":
            return []
        ids = [o.id for o in step.options()]
        return rng.sample(ids, k=rng.randint(1, len(ids))) if step.kind in ("multiple_choice", "hotspot") \
            else [rng.choice(ids)]

    state, times = play.play_through(chosen.scenario, at_random, step_seconds=5.0)
    groups = step_groups(list(state.observations))
    finished = rng.random() < 0.6
    kept = len(groups) if finished else rng.randint(1, max(1, len(groups) - 1))
    observations: list[Observation] = [o for _, group in groups[:kept] for o in group]
    registration = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    kiosk = f"{agency.split('//')[1].split('.', maxsplit=1)[0]}-{rng.randint(1, 2)}"  # two kiosks per agency
    modes = tuple(mode for mode in MODES if rng.random() < 0.08)
    trade_viewed = rng.random() < 0.9  # the others came straight from a link to the scenario
    offers_viewed = finished and rng.random() < 0.7
    results_taken = offers_viewed and rng.random() < 0.6
    visit = xapi.Visit(registration, f"visitor-{registration[:8]}", agency, agency + "/nova", language,
                       input="board" if "one-switch" in modes else "touch", device="flat-screen", kiosk=kiosk,
                       modes=modes)
    return SimVisit(registration, agency, language, chosen, started, tuple(step for step, _ in groups[:kept]),
                    finished, tuple(observations), kiosk, modes, trade_viewed, offers_viewed, results_taken, visit,
                    tuple(started + timedelta(seconds=t) for t in times[:kept]),
                    started + timedelta(seconds=times[kept - 1] + 5))


def simulate_fleet(visits: int, seed: int = 0) -> list[SimVisit]:
    """Several kiosks' visits over three weeks: three agencies of unequal size, four languages (one rare)."""
    rng = random.Random(seed)
    agencies = [("https://lyon.agency.example.org", 0.6), ("https://vienne.agency.example.org", 0.37),
                ("https://givors.agency.example.org", 0.03)]
    languages = [("fr", 0.7), ("en", 0.12), ("ar", 0.15), ("uk", 0.03)]
    fleet = []
    for i in range(visits):
        agency = rng.choices([a for a, _ in agencies], [w for _, w in agencies])[0]
        language = rng.choices([lang for lang, _ in languages], [w for _, w in languages])[0]
        started = START + timedelta(days=rng.randrange(21), hours=rng.randrange(9), minutes=rng.randrange(60))
        fleet.append(simulate_visit(seed * 1_000_003 + i, agency, language, rng.choice(PACKS), started))
    return fleet


def expected_funnel(fleet: list[SimVisit]) -> dict[str, int]:
    return {"all visits": len(fleet), "trade viewed": sum(v.trade_viewed for v in fleet),
            "scenario started": len(fleet), "scenario finished": sum(v.finished for v in fleet),
            "offers viewed": sum(v.offers_viewed for v in fleet), "results taken": sum(v.results_taken for v in fleet)}


def expected_modes(fleet: list[SimVisit]) -> Counter[str]:
    counts = Counter(mode for v in fleet for mode in v.modes)
    counts["none"] = sum(1 for v in fleet if not v.modes)
    return counts


def week(at: datetime) -> str:
    year, number, _ = at.isocalendar()
    return f"{year}-W{number:02d}"


def expected_visits_per_week(fleet: list[SimVisit]) -> Counter[tuple[str, str]]:
    return Counter((v.agency, week(v.started)) for v in fleet)


def expected_steps(fleet: list[SimVisit], pack_id: str) -> dict[str, tuple[int, int]]:
    """step -> (visitors who answered it, visitors who walked away right after it)."""
    reached: Counter[str] = Counter()
    left: Counter[str] = Counter()
    for v in fleet:
        if v.pack.id != pack_id:
            continue
        reached.update(set(v.steps))
        if not v.finished:
            left[v.steps[-1]] += 1
    return {step: (reached[step], left[step]) for step in reached}


def through_host(fleet: list[SimVisit], agency: str, kiosk: str) -> tuple[Any, list[str]]:
    """The visits of one kiosk played through the kiosk's own RecordingHost (store rows, outbox), as the
    session screen reports them; returns the kiosk's database and the registrations the host gave."""
    from kiosk.consent import Consent
    from kiosk.runtime.usage import Usage
    from kiosk.store.db import connect
    from kiosk.visit.host import HostSettings, RecordingHost

    db = connect(None)
    clock = [START]
    host = RecordingHost(db, skills(), lambda: clock[0],
                         settings=HostSettings(kiosk_id=kiosk, home_page=agency, activity_base=agency + "/nova"))
    registrations = []
    for number, v in enumerate(fleet):
        clock[0] = v.started
        host.visit_started(number, v.language, 0.0)
        registrations.append(str(host.registration(number)))
        host.usage_changed(number, Usage(v.language, "board" if "one-switch" in v.modes else "touch",
                                         modes=v.modes))
        host.consent_given(number, Consent(results_to_phone=True, decided=True))
        if v.trade_viewed:
            host.page_shown(number, "trade", v.pack, 0.0)
        groups = step_groups(list(v.observations))
        for index, (_, group) in enumerate(groups):
            clock[0] = v.started + timedelta(seconds=5 * (index + 1))
            host.step_done(number, v.pack, group, 0.0)
        clock[0] += timedelta(seconds=5)
        if v.finished:
            host.scenario_done(number, v.pack, 0.0)
        if v.offers_viewed:
            host.page_shown(number, "offers", None, 0.0)
        if v.results_taken:
            host.page_shown(number, "handoff", None, 0.0)
        host.visit_ended(number, v.finished, 0.0)
    return db, registrations
