"""`RecordingHost`: what the session screen reports up becomes store rows, xAPI statements in the
outbox, a scoring profile, ranked offers and a signed hand-off.

Each report is one transaction (`kiosk.store.records`): a crash loses at most the step in
flight. A scenario left before its end is recorded with its answers, `progressed` (how far it
got) and `terminated` (completion false), never scored. Every step and statement carries the
language, input kind and device in use when it happened (`usage_changed`); clips playing during
a visit are reported with the xAPI Video Profile (`clip_event`). Dependencies — the database,
clocks, keys, offers, the narrator and the ops counters — come in as arguments. The visitor's
consent (`consent_given`) is kept on the session row, marks the statements when the results may be
shown to employers, and decides the hand-off and the offers recorded as shared. The pages of the
funnel (`page_shown`: a trade, the offers, the hand-off QR code, trainings where a feed gives them)
become `experienced` statements for the agencies' insights.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import sqlite_utils

from kiosk.consent import Consent
from kiosk.credentials.handoff import choose, qr_matrix
from kiosk.credentials.issue import awards, issue_all
from kiosk.credentials.issuer import Issuer
from kiosk.credentials.keys import SigningKey
from kiosk.i18n import Words
from kiosk.matching.match import Match, rank
from kiosk.matching.offers import Offer
from kiosk.matching.suggest import Suggestion, suggest
from kiosk.matching.trainings import Training
from kiosk.media.deck import Playback
from kiosk.runtime.outcome import OfferLine, Outcome, QrCode, SkillLine, TrainingLine
from kiosk.runtime.usage import Usage
from kiosk.scenario.esco import Skill
from kiosk.scenario.evidence import Observation
from kiosk.scenario.model import Pack
from kiosk.scoring.estimate import Band, Played, Profile, band, score_visit
from kiosk.scoring.explain import skill_name, skill_words
from kiosk.store import records, xapi
from kiosk.store.clip_statements import ClipWatch
from kiosk.store.scenario_statements import progress_share, step_groups
from kiosk.visit.handoff_words import handoff_note, qr_encoder

Counter = Callable[[str], None]  # "started" | "completed" | "abandoned"


@dataclass(frozen=True)
class HostSettings:
    kiosk_id: str = "kiosk"
    home_page: str = "https://agency.example.org"
    activity_base: str = "https://agency.example.org/nova"
    kiosk_position: tuple[float, float] = (45.7640, 4.8357)
    issuer: Issuer = field(default_factory=lambda: Issuer("did:web:agency.example.org:nova",
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
    opened: bool = False  # launched + initialized sent


@dataclass
class _Visit:
    record: xapi.Visit  # with the usage in force: language, input and device
    started: datetime
    consent: Consent = field(default_factory=Consent)
    scenarios: list[_Scenario] = field(default_factory=list)
    clips: dict[str, ClipWatch] = field(default_factory=dict)  # stream → its video session
    clip_sessions: int = 0
    clip_seen: dict[str, tuple[float, float]] = field(default_factory=dict)  # stream → (media time, now) last heard
    pages_shown: int = 0  # funnel statements sent: numbers each one (a page shown again is a new statement)
    scored: tuple[tuple[tuple[int, int], ...], Profile] | None = None  # (finished scenarios, their profile)


class RecordingHost:
    def __init__(self, db: sqlite_utils.Database, skills: Mapping[str, Skill], wall: Callable[[], datetime], *,
                 settings: HostSettings | None = None, offers: Sequence[Offer] = (),
                 key: SigningKey | None = None, online: Callable[[], bool] = lambda: False,
                 narrator: Callable[[str, str], None] | None = None, count: Counter = lambda kind: None,
                 new_id: Callable[[], str] = lambda: str(uuid.uuid4()), trainings: Sequence[Training] = ()) -> None:
        self.db = db
        self.skills = skills
        self.wall = wall
        self.settings = settings or HostSettings()
        self.offers = list(offers)
        self.trainings = list(trainings)
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
        usage = Usage(language)
        record = xapi.Visit(registration, f"visitor-{self.new_id()[:12]}", self.settings.home_page,
                            self.settings.activity_base, language, input=usage.input, device=usage.device,
                            kiosk=self.settings.kiosk_id)
        self.visits[visit] = _Visit(record, at)
        records.start_session(self.db, registration, at, language=language, input=usage.input, device=usage.device,
                              kiosk=self.settings.kiosk_id)
        self.count("started")

    def usage_changed(self, visit: int, usage: Usage) -> None:
        """From now on the visit's steps and statements carry this language, input and device; the
        session row keeps the latest (so, once the visit ended, its final language)."""
        state = self.visits.get(visit)
        if state is None:
            return
        record = replace(state.record, language=usage.language, input=usage.input, device=usage.device,
                         modes=usage.modes)
        if record != state.record:
            state.record = record
            records.update_usage(self.db, record.registration, language=usage.language, input=usage.input,
                                 device=usage.device)

    def consent_given(self, visit: int, consent: Consent) -> None:
        """The visitor confirmed the consent screen: kept on the session row; from now on the visit's
        statements say whether its results may be shown to the employers of its offers."""
        state = self.visits.get(visit)
        if state is None:
            return
        state.consent = consent
        state.record = replace(state.record, shared_with_employers=consent.allows_sharing())
        records.record_consent(self.db, state.record.registration, consent)

    def page_shown(self, visit: int, page: str, pack: Pack | None, now: float) -> None:
        """The funnel's pages: a trade's page, the offers (with the trainings suggested for the trades
        explored, when a trainings feed exists), the hand-off QR code when the visitor agreed to take it."""
        state = self.visits.get(visit)
        if state is None:
            return
        at, record = self.wall(), state.record
        statements: list[xapi.Statement] = []
        if page == "trade" and pack is not None:
            statements.append(xapi.trade_viewed(record, pack.trade.rome, pack.trade.title.values, at,
                                                state.pages_shown))
        elif page == "offers":
            matched = len(self._matches(state, self.profile(visit)))
            statements.append(xapi.offers_viewed(record, matched, at, state.pages_shown))
            suggested = len(self._suggested(state, self.profile(visit)))  # as the results show them
            if suggested:
                statements.append(xapi.trainings_suggested(record, suggested, at, state.pages_shown))
        elif page == "handoff" and state.consent.allows_handoff():
            statements.append(xapi.results_taken(record, at, state.pages_shown))
        if statements:
            state.pages_shown += 1
            records.enqueue(self.db, record.registration, statements, at)

    def scenario_started(self, visit: int, pack: Pack, now: float) -> None:
        """The scenario's first step is on screen: launched (chosen) and initialized (ready to play)."""
        current = self._scenario(visit, pack)
        state = self.visits[visit]
        records.enqueue(self.db, state.record.registration, self._open(state, current), self.wall())

    def _open(self, state: _Visit, current: _Scenario) -> list[xapi.Statement]:
        if current.opened:
            return []
        current.opened = True
        activity = self._activity(state, current.pack)
        return [xapi.launched(state.record, activity, current.started),
                xapi.initialized(state.record, activity, current.started + timedelta(milliseconds=1))]

    def step_done(self, visit: int, pack: Pack, observations: Sequence[Observation], now: float) -> None:
        current = self._scenario(visit, pack)
        state = self.visits[visit]
        activity = self._activity(state, pack)
        at = self.wall()
        statements = self._open(state, current)
        for step, group in step_groups(observations):
            statements.append(xapi.answered(state.record, activity, step, list(group[0].answer),
                                            {o.observable: o.credit for o in group},
                                            {o.observable: o.max_credit for o in group}, at, current.answered))
            current.answered += 1
        current.observations.extend(observations)
        records.record_step(self.db, state.record.registration, pack.id, pack.version, observations, statements, at,
                            usage=(state.record.language, state.record.input, state.record.device))

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

    def outcome(self, visit: int, words: Words, consent: Consent, easy: bool) -> Outcome:
        """The results, offers and hand-off shown for the visit; with the visitor's agreement, the
        offers shown are recorded as shared with their employers."""
        state = self.visits.get(visit)
        if state is None:
            return Outcome()
        language = words.language
        profile = self.profile(visit)
        skills = self._skill_lines(profile, language, easy)
        today = self.wall().date()
        names = {code: skill_name(code, self.skills, language) for code in self.skills}
        matches = self._matches(state, profile)
        offers = tuple(OfferLine(m.offer.title, m.offer.employer, m.offer.town, m.reason(names, language))
                       for m in matches)
        if consent.allows_sharing():
            records.share_offers(self.db, state.record.registration, [(m.offer.id, m.offer.employer) for m in matches],
                                 self.wall())
        qr, note = None, ""
        if consent.allows_handoff():
            qr, note = self._handoff(state, profile, language, today, words, consent)
        return Outcome(skills, offers, qr, note, self._trainings(state, profile, names, language, today))

    def _trainings(self, state: _Visit, profile: Profile, names: Mapping[str, str], language: str,
                   today: date) -> tuple[TrainingLine, ...]:
        trades = {s.pack.trade.rome: s.pack.trade.title.get(language) for s in state.scenarios}
        found = self._suggested(state, profile, today)
        return tuple(TrainingLine(s.training.title, s.training.provider, s.training.town,
                                  s.reason(names, trades, language), s.training.link) for s in found)

    def _suggested(self, state: _Visit, profile: Profile, today: date | None = None) -> list[Suggestion]:
        """The two or three trainings nearest to the skills to develop and the trades explored."""
        trades = list(dict.fromkeys(s.pack.trade.rome for s in state.scenarios))
        return suggest(self.trainings, profile, trades, self.settings.kiosk_position, today or self.wall().date(),
                       self.uri_to_code)

    def visit_ended(self, visit: int, completed: bool, now: float) -> None:
        state = self.visits.pop(visit, None)
        if state is None:
            return
        at = self.wall()
        statements = [s for stream in list(state.clips) for s in self._clip_closed(state, stream, at, now=now)]
        for scenario in state.scenarios:
            if scenario.opened and not scenario.finished:  # interrupted: how far it got, never a score
                activity = self._activity(state, scenario.pack)
                share = progress_share(scenario.pack.scenario, scenario.observations)
                statements += [xapi.progressed(state.record, activity, at, share, scenario.answered),
                               xapi.terminated(state.record, activity, at + timedelta(milliseconds=1),
                                               finished=False)]
        profile = self._profile(state)
        estimates = [{"skill": e.skill, "enough": int(e.enough), "theta": e.theta, "sd": e.sd, "low": e.low,
                      "high": e.high, "steps": e.steps, "stamps": ",".join(e.stamps)} for e in profile.estimates]
        records.finish_session(self.db, state.record.registration, at, completed=completed, estimates=estimates,
                               statements=statements)
        self.count("completed" if completed else "abandoned")

    def clip_event(self, fact: Playback) -> None:
        """A clip of the visit on screen opened, stood still, carried on, started over, ended or closed
        (from the media deck): Video Profile statements for the visit in progress. Clips outside a
        visit (none today) are not reported: nobody is there to report them for."""
        state = next(reversed(self.visits.values()), None)
        if state is None:
            return
        at = self.wall()
        watch = state.clips.get(fact.stream)
        statements: list[xapi.Statement] = []
        if fact.kind == "opened":
            statements += self._clip_closed(state, fact.stream, at, now=fact.now)  # the same clip shown afresh
            state.clip_sessions += 1
            watch = ClipWatch(self._clip_activity(state, fact.stream), xapi.statement_id(
                state.record, "video-session", state.clip_sessions), fact.length)
            state.clips[fact.stream] = watch
            statements += watch.opened(state.record, at)
        if watch is None:
            return  # a clip this visit never saw open (it ended with the previous visit)
        state.clip_seen[fact.stream] = (0.0 if fact.kind == "looped" else fact.time, fact.now)
        if fact.kind == "paused":
            statements += watch.paused(state.record, at, fact.time)
        elif fact.kind == "resumed":
            statements += watch.played(state.record, at, fact.time)
        elif fact.kind == "looped":
            statements += watch.seeked(state.record, at, fact.length, 0.0)
        elif fact.kind == "ended":
            statements += watch.ended(state.record, at)
        elif fact.kind == "closed":
            statements += self._clip_closed(state, fact.stream, at, fact.time)
        if statements:
            records.enqueue(self.db, state.record.registration, statements, at)

    def _clip_closed(self, state: _Visit, stream: str, at: datetime, time: float | None = None, *,
                     now: float = 0.0) -> list[xapi.Statement]:
        """`time` None: the clip is still on screen (the visit ends, or it opens afresh): its position is
        the last one heard, moved on by the time since if it was playing."""
        watch = state.clips.pop(stream, None)
        if watch is None:
            return []
        if time is None:
            last, heard = state.clip_seen.get(stream, (0.0, now))
            time = min(watch.length, last + max(0.0, now - heard)) if watch.playing_from is not None else last
        return watch.closed(state.record, at, time)

    def _clip_activity(self, state: _Visit, stream: str) -> dict[str, object]:
        """`stream` is "<pack>/<path in the pack>[#where]": one activity per clip file, wherever it shows;
        its name is that path, the same in every statement ("und": a file name is in no language)."""
        clip = stream.split("#", 1)[0]
        return xapi.video_activity(state.record, clip, {"und": clip})

    def say(self, text: str, language: str) -> None:
        if self.narrator is not None:
            self.narrator(text, language)

    # -- parts ---------------------------------------------------------------------------------------
    def registration(self, visit: int) -> str | None:
        state = self.visits.get(visit)
        return None if state is None else state.record.registration

    def profile(self, visit: int) -> Profile:
        """Pooled over the scenarios finished in this visit: an interrupted one is never scored."""
        return self._profile(self.visits[visit])

    def _profile(self, state: _Visit) -> Profile:
        """Scored once for each set of finished scenarios: the scenario's end, the results, the offers
        page and the visit's end all ask for the same profile (~50 ms of scoring each here)."""
        finished = tuple((id(s), len(s.observations)) for s in state.scenarios if s.finished)
        if state.scored is None or state.scored[0] != finished:
            state.scored = (finished, score_visit(self._played(state)))
        return state.scored[1]

    def _played(self, state: _Visit) -> list[Played]:
        return [Played(s.pack.id, s.pack.scenario, s.pack.bank, tuple(s.observations))
                for s in state.scenarios if s.finished]

    def _scenario(self, visit: int, pack: Pack) -> _Scenario:
        state = self.visits[visit]
        for scenario in reversed(state.scenarios):
            if scenario.pack.id == pack.id and not scenario.finished:
                return scenario
        scenario = _Scenario(pack, self.wall())
        state.scenarios.append(scenario)
        return scenario

    def _matches(self, state: _Visit, profile: Profile) -> list[Match]:
        explored = [s.pack.trade.rome for s in state.scenarios]
        return rank(self.offers, profile, explored, self.settings.kiosk_position, self.wall().date(),
                    self.uri_to_code, limit=4)

    def _activity(self, state: _Visit, pack: Pack) -> dict[str, object]:
        return xapi.scenario_activity(state.record, pack.id, pack.scenario.id, pack.scenario.title.values)

    def _skill_lines(self, profile: Profile, language: str, easy: bool) -> tuple[SkillLine, ...]:
        """Strengths first, then what was shown, what to develop, and what there is not enough to say about."""
        order = list(Band)
        estimates = sorted(profile.estimates, key=lambda e: (order.index(band(e)), -e.theta, e.skill))
        lines = []
        for estimate, said in zip(estimates, skill_words(estimates, self.skills, language, easy=easy), strict=True):
            low, high = estimate.percentile_range
            lines.append(SkillLine(said.name, said.band.value, said.band_words, said.range_ends, said.evidence,
                                   said.tip, estimate.enough, low, high))
        return tuple(lines)

    def _handoff(self, state: _Visit, profile: Profile, language: str, today: date, words: Words,
                 consent: Consent) -> tuple[QrCode, str]:
        registration = state.record.registration
        jwts: list[str] = []
        if self.key is not None:
            played = " · ".join(s.pack.scenario.title.get(language) for s in state.scenarios if s.finished)
            issued = issue_all(awards(profile, self.skills, language, played), self.settings.issuer, self.key,
                               f"urn:uuid:{registration}", self.wall(), self.settings.valid_days, language,
                               registration)
            jwts = [i.qr_jwt for i in sorted(issued, key=lambda i: (-i.award.range_low, i.award.code))]
        handoff = choose(consent, self.online(), self.settings.portal, registration[:8], jwts)
        return QrCode(qr_encoder().submit(qr_matrix, handoff.payload)), handoff_note(handoff.kind, bool(jwts), words)
