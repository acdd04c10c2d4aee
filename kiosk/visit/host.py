"""`RecordingHost`: what the session screen reports up becomes store rows, xAPI statements in the
outbox, a scoring profile, ranked offers and a signed hand-off.

Each report is one transaction (`kiosk.store.records`): a crash loses at most the step in
flight. A scenario left before its end is recorded with its answers and `terminated`
(completion false), never scored. Dependencies — the database, clocks, keys, offers, the
narrator and the ops counters — come in as arguments.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import segno
import sqlite_utils

from kiosk.credentials.badge import Issuer
from kiosk.credentials.handoff import Consent, choose
from kiosk.credentials.issue import awards, issue_all
from kiosk.credentials.keys import SigningKey
from kiosk.i18n import Words
from kiosk.matching.match import rank
from kiosk.matching.offers import Offer
from kiosk.runtime.consent import ConsentChoice
from kiosk.runtime.outcome import OfferLine, Outcome, QrMatrix, SkillLine
from kiosk.scenario.esco import Skill
from kiosk.scenario.evidence import Observation
from kiosk.scenario.model import Pack
from kiosk.scoring.bank import read_bank
from kiosk.scoring.estimate import Played, Profile, SkillEstimate, score_visit
from kiosk.scoring.explain import evidence_sentence, skill_name
from kiosk.store import records
from kiosk.sync import xapi
from kiosk.sync.visit import step_groups

Counter = Callable[[str], None]  # "started" | "completed" | "abandoned"


@dataclass(frozen=True)
class HostSettings:
    kiosk_id: str = "kiosk"
    home_page: str = "https://agency.example.org"
    activity_base: str = "https://agency.example.org/nova"
    kiosk_position: tuple[float, float] = (45.7640, 4.8357)
    issuer: Issuer = field(default_factory=lambda: Issuer("https://agency.example.org/nova/issuer",
                                                          "Agence pour l'emploi (exemple)"))
    valid_days: int = 365
    portal: str = "https://results.agency.example.org"


@dataclass
class _Scenario:
    pack: Pack
    started: datetime
    observations: list[Observation] = field(default_factory=list)
    answered: int = 0
    finished: bool = False


@dataclass
class _Visit:
    record: xapi.Visit
    started: datetime
    scenarios: list[_Scenario] = field(default_factory=list)


class RecordingHost:
    def __init__(self, db: sqlite_utils.Database, skills: Mapping[str, Skill], wall: Callable[[], datetime], *,
                 settings: HostSettings | None = None, offers: Sequence[Offer] = (),
                 key: SigningKey | None = None, online: Callable[[], bool] = lambda: False,
                 narrator: Callable[[str, str], None] | None = None, count: Counter = lambda kind: None,
                 new_id: Callable[[], str] = lambda: str(uuid.uuid4())) -> None:
        self.db = db
        self.skills = skills
        self.wall = wall
        self.settings = settings or HostSettings()
        self.offers = list(offers)
        self.key = key
        self.online = online
        self.narrator = narrator
        self.count = count
        self.new_id = new_id
        self.visits: dict[int, _Visit] = {}
        self.uri_to_code = {s.uri: code for code, s in skills.items()}

    # -- VisitHost ---------------------------------------------------------------------------------
    def visit_started(self, visit: int, language: str, now: float) -> None:
        registration, at = self.new_id(), self.wall()
        record = xapi.Visit(registration, f"visitor-{self.new_id()[:12]}", self.settings.home_page,
                            self.settings.activity_base, language, kiosk=self.settings.kiosk_id)
        self.visits[visit] = _Visit(record, at)
        records.start_session(self.db, registration, at, language=language, input="touch", device="kiosk",
                              kiosk=self.settings.kiosk_id)
        self.count("started")

    def step_done(self, visit: int, pack: Pack, observations: Sequence[Observation], now: float) -> None:
        current = self._scenario(visit, pack)
        state = self.visits[visit]
        activity = self._activity(state, pack)
        at = self.wall()
        statements = []
        if current.answered == 0 and not current.observations:
            statements.append(xapi.launched(state.record, activity, current.started))
        for step, group in step_groups(observations):
            statements.append(xapi.answered(state.record, activity, step, list(group[0].answer),
                                            {o.observable: o.credit for o in group},
                                            {o.observable: o.max_credit for o in group}, at, current.answered))
            current.answered += 1
        current.observations.extend(observations)
        records.record_step(self.db, state.record.registration, pack.id, pack.version, observations, statements, at)

    def scenario_done(self, visit: int, pack: Pack, now: float) -> None:
        current = self._scenario(visit, pack)
        current.finished = True
        state = self.visits[visit]
        at, activity = self.wall(), self._activity(state, pack)
        profile = self.profile(visit)
        estimates = {self.skills[e.skill].uri: xapi.estimate_extension(e.theta, e.sd, e.low, e.high, 0.9, e.enough,
                                                                       e.steps, e.stamps)
                     for e in profile.estimates if e.skill in self.skills}
        statements = [xapi.completed(state.record, activity, at, estimates, (at - current.started).total_seconds()),
                      xapi.terminated(state.record, activity, at + timedelta(milliseconds=1), finished=True)]
        records.enqueue(self.db, state.record.registration, statements, at)

    def outcome(self, visit: int, words: Words, consent: ConsentChoice, easy: bool) -> Outcome:
        state = self.visits.get(visit)
        if state is None:
            return Outcome()
        language = words.language
        profile = self.profile(visit)
        skills = tuple(self._skill_line(e, language, easy) for e in
                       sorted(profile.estimates, key=lambda e: (not e.enough, -e.theta, e.skill)))
        today = self.wall().date()
        names = {code: skill_name(code, self.skills, language) for code in self.skills}
        explored = [s.pack.trade.rome for s in state.scenarios]
        matches = rank(self.offers, profile, explored, self.settings.kiosk_position, today, self.uri_to_code, limit=4)
        offers = tuple(OfferLine(m.offer.title, m.offer.employer, m.offer.town, m.reason(names, language))
                       for m in matches)
        qr, note = None, ""
        if consent.results_to_phone:
            qr, note = self._handoff(state, profile, language, today, words)
        return Outcome(skills, offers, qr, note)

    def visit_ended(self, visit: int, completed: bool, now: float) -> None:
        state = self.visits.pop(visit, None)
        if state is None:
            return
        at = self.wall()
        statements = [xapi.terminated(state.record, self._activity(state, s.pack), at, finished=False)
                      for s in state.scenarios if not s.finished and s.observations]
        profile = score_visit(self._played(state))
        estimates = [{"skill": e.skill, "enough": int(e.enough), "theta": e.theta, "sd": e.sd, "low": e.low,
                      "high": e.high, "steps": e.steps, "stamps": ",".join(e.stamps)} for e in profile.estimates]
        records.finish_session(self.db, state.record.registration, at, completed=completed, estimates=estimates,
                               statements=statements)
        self.count("completed" if completed else "abandoned")

    def say(self, text: str, language: str) -> None:
        if self.narrator is not None:
            self.narrator(text, language)

    # -- parts ---------------------------------------------------------------------------------------
    def registration(self, visit: int) -> str | None:
        state = self.visits.get(visit)
        return None if state is None else state.record.registration

    def profile(self, visit: int) -> Profile:
        """Pooled over the scenarios finished in this visit: an interrupted one is never scored."""
        return score_visit(self._played(self.visits[visit]))

    def _played(self, state: _Visit) -> list[Played]:
        return [Played(s.pack.id, s.pack.scenario, read_bank(s.pack), tuple(s.observations))
                for s in state.scenarios if s.finished]

    def _scenario(self, visit: int, pack: Pack) -> _Scenario:
        state = self.visits[visit]
        for scenario in reversed(state.scenarios):
            if scenario.pack.id == pack.id and not scenario.finished:
                return scenario
        scenario = _Scenario(pack, self.wall())
        state.scenarios.append(scenario)
        return scenario

    def _activity(self, state: _Visit, pack: Pack) -> dict[str, object]:
        return xapi.scenario_activity(state.record, pack.id, pack.scenario.id, pack.scenario.title.values)

    def _skill_line(self, estimate: SkillEstimate, language: str, easy: bool) -> SkillLine:
        low, high = estimate.percentile_range
        evidence = evidence_sentence(estimate.evidence[0], self.skills, language, easy=easy) \
            if estimate.evidence else ""
        return SkillLine(skill_name(estimate.skill, self.skills, language), estimate.enough, low, high, evidence)

    def _handoff(self, state: _Visit, profile: Profile, language: str, today: date,
                 words: Words) -> tuple[QrMatrix, str]:
        registration = state.record.registration
        jwts: list[str] = []
        if self.key is not None:
            played = " · ".join(s.pack.scenario.title.get(language) for s in state.scenarios if s.finished)
            issued = issue_all(awards(profile, self.skills, language, played), self.settings.issuer, self.key,
                               f"urn:uuid:{registration}", self.wall(), self.settings.valid_days, language,
                               registration)
            jwts = [i.qr_jwt for i in sorted(issued, key=lambda i: (-i.award.range_low, i.award.code))]
        handoff = choose(Consent(results_to_phone=True), self.online(), self.settings.portal, registration[:8], jwts)
        note = words.gettext("This code holds your signed results.") if handoff.kind == "credential" else \
            words.gettext("This code is a link to your results.")
        return qr_matrix(handoff.payload), note


def qr_matrix(payload: str) -> QrMatrix:
    code = segno.make(payload, error="m" if len(payload) < 1000 else "l", micro=False)
    return tuple(tuple(bool(cell) for cell in row) for row in code.matrix)
