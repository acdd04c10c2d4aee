"""`kiosk offers import|list`, `kiosk keys generate|rotate|show|publish`, `kiosk badge verify`, and
`kiosk results sample`: a scripted visit from play to QR code and results page."""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

from kiosk.commands import arguments
from kiosk.commands.feeds import import_feed
from kiosk.config import Settings
from kiosk.consent import Consent
from kiosk.credentials import keys as keystore
from kiosk.credentials.badge import Verified, verify
from kiosk.credentials.cards import skill_cards
from kiosk.credentials.handoff import Handoff, choose, qr_png
from kiosk.credentials.issue import Issued, awards, issue_all
from kiosk.credentials.issuer import PAGE_FOLDER, Issuer, key_id, site
from kiosk.credentials.jwt_input import check_shape, read_credential
from kiosk.credentials.keys import CredentialError
from kiosk.credentials.page import OfferLine, TrainingCard, render
from kiosk.credentials.publish import publish
from kiosk.errors import ConfigError, ContentError
from kiosk.languages import codes
from kiosk.matching.match import Match, rank
from kiosk.matching.offers import Offer, load_offers, scan_feed, write_offers
from kiosk.matching.suggest import Suggestion, suggest
from kiosk.matching.trainings import Training, load_trainings
from kiosk.runtime import play
from kiosk.scenario.esco import read_skills
from kiosk.scenario.evidence import Observation, observe
from kiosk.scenario.load import load_packs
from kiosk.scenario.model import ChoiceStep, HotspotStep, OrderingStep, Pack, Step
from kiosk.scoring.estimate import Played, Profile, score_visit
from kiosk.scoring.explain import skill_name


def import_offers(settings: Settings, feed: Path, *, strict: bool, encoding: str = "auto",
                  out: TextIO | None = None) -> int:
    """Stream the feed into the offers file; the kiosk keeps the previous one unless this one is usable."""
    return import_feed(feed, settings.offers.path, lambda: scan_feed(feed, encoding), write_offers, "offers",
                       strict=strict, out=out)


def current_offers(settings: Settings) -> list[Offer]:
    path = settings.offers.path
    try:
        return load_offers(path.read_text(encoding="utf-8"), str(path))
    except FileNotFoundError:
        raise ContentError(f"no offers imported yet ({path})", "run `kiosk offers import FEED.csv`") from None


def current_trainings(settings: Settings) -> list[Training]:
    """The imported trainings; none is fine (the page then points to an adviser)."""
    path = settings.trainings.path
    return load_trainings(path.read_text(encoding="utf-8"), str(path)) if path.exists() else []


def list_offers(settings: Settings, rome: str | None, today: date, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    shown = [o for o in current_offers(settings) if (rome is None or o.rome == rome.upper())]
    for o in sorted(shown, key=lambda o: (o.rome, o.id)):
        state = "expired" if o.expires < today else f"until {o.expires}"
        out.write(f"{o.id:<10} {o.rome}  {o.contract:<14} {o.title} — {o.employer}, {o.town} ({state})\n")
    out.write(f"{len(shown)} offer(s)\n")
    return 0


def keys(settings: Settings, action: str, target: Path | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    folder = settings.credentials.keys
    c = settings.credentials
    if action == "show":
        active = keystore.active(folder)
        out.write(f"active key: {key_id(c.issuer_id, active.kid)}\n")
        for kid in keystore.trusted(folder):
            out.write(f"  verifies: {key_id(c.issuer_id, kid)}{'  (active)' if kid == active.kid else ''}\n")
        return 0
    if action == "publish":
        if target is None:
            raise ConfigError("`kiosk keys publish` needs a folder", "e.g. `kiosk keys publish /srv/www/agency`")
        jwks = list(keystore.trusted(folder).values())
        if not jwks:
            raise CredentialError(f"no keys in {folder} to publish", "create one with `kiosk keys generate`")
        home = site(c.issuer_id)
        for path in publish(target, Issuer(c.issuer_id, c.issuer_name, c.issuer_url), jwks):
            out.write(f"wrote: {path}\n")
        out.write(f"host {target} as the document root of {home.origin}: {len(jwks)} key(s); verification page "
                  f"{home.url(f'{home.base}{PAGE_FOLDER}/')}\n")
        return 0
    if action == "generate" and (folder / "active.pem").exists():
        raise ContentError(f"{folder} already has a signing key", "use `kiosk keys rotate` to replace it")
    key = keystore.generate(folder)
    out.write(f"{'new' if action == 'generate' else 'rotated to'} key {key.kid} in {folder}; earlier credentials "
              "still verify\n")
    return 0


def verify_badge(settings: Settings, source: str, now: datetime, out: TextIO | None = None) -> Verified:
    out = out or sys.stdout
    token = read_credential(source)  # a compact JWT, or a file holding one
    check_shape(token)  # size, shape and claim types before anything reads them
    c = settings.credentials
    trusted = {key_id(c.issuer_id, kid): jwk for kid, jwk in keystore.trusted(c.keys).items()}
    result = verify(token, trusted, [c.issuer_id], now)
    until = f"until {result.expires.isoformat(timespec='seconds')}" if result.expires else "no end date"
    out.write(f"valid: {_achievement(result.credential)}, issued by {result.issuer}, key {result.kid}, {until}\n")
    return result


def _achievement(credential: dict[str, Any]) -> str:
    """`name (code)`, read defensively: the signature proves who issued it, not that it is well formed."""
    achievement = credential["credentialSubject"].get("achievement")
    achievement = achievement if isinstance(achievement, dict) else {}
    alignment = achievement.get("alignment")
    first = alignment[0] if isinstance(alignment, list) and alignment and isinstance(alignment[0], dict) else {}
    return f"{achievement.get('name', '?')} ({first.get('targetCode', '?')})"


@dataclass
class SampleVisit:
    profile: Profile
    matches: list[Match]
    issued: list[Issued]
    handoff: Handoff
    files: list[Path]


def best_answers(pack: Pack) -> tuple[Observation, ...]:
    """A strong visitor: at each step the answer worth the most credit (scripted sessions, demos)."""
    return scripted_answers(pack, "best")


def scripted_answers(pack: Pack, answers: str) -> tuple[Observation, ...]:
    """A scripted visitor: "best" takes the answer worth the most credit at each step, "worst" the least
    (a visit answered badly on purpose)."""
    scenario = pack.scenario

    def pick(step: Step, state: play.PlayState) -> list[str]:
        if isinstance(step, OrderingStep):
            return list(step.correct if answers == "best" else reversed(step.correct))
        options = step.options()
        worth = {o.id: sum(x.credit for x in observe(scenario, step, [o.id])) for o in options}
        if answers == "best" and isinstance(step, ChoiceStep | HotspotStep) and step.multiple:
            return [o.id for o in options if sum(c.credit for c in o.evidence) > 0]
        if answers == "best":
            return [max(options, key=lambda o: (worth[o.id], o.id)).id]
        return [min(options, key=lambda o: (worth[o.id], o.id)).id]

    state, _ = play.play_through(scenario, pick)
    return tuple(state.observations)


def sample_visit(settings: Settings, pack_ids: list[str], out_dir: Path, *, language: str, online: bool,
                 now: datetime, out: TextIO | None = None, answers: str = "best") -> SampleVisit:
    out = out or sys.stdout
    packs, _ = load_packs(settings.content.scenarios, require_sealed=False)
    chosen = [p for p in packs if p.id in pack_ids]
    if not chosen:
        raise ContentError(f"no pack among {', '.join(pack_ids)}", "name packs under the scenarios folder")
    skills = read_skills()
    profile = score_visit(_played(chosen, answers))
    uri_to_code = {s.uri: code for code, s in skills.items()}
    matches = rank(current_offers(settings), profile, [p.trade.rome for p in chosen],
                   (settings.offers.kiosk_lat, settings.offers.kiosk_lon), now.date(), uri_to_code)
    names = {code: skill_name(code, skills, language) for code in skills}
    registration = str(uuid.uuid5(uuid.NAMESPACE_URL, f"nova-sample/{'/'.join(pack_ids)}"))
    c = settings.credentials
    played_names = " · ".join(p.scenario.title.get(language) for p in chosen)
    issued = issue_all(awards(profile, skills, language, played_names),
                       Issuer(c.issuer_id, c.issuer_name, c.issuer_url), keystore.active(c.keys),
                       f"urn:uuid:{registration}", now, c.valid_days, language, registration)
    strongest = sorted(issued, key=lambda i: (-i.award.range_low, i.award.code))
    handoff = choose(Consent(results_to_phone=True, decided=True), online, c.portal, registration[:8],
                     [i.qr_jwt for i in strongest])
    trades = {p.trade.rome: p.trade.title.get(language) for p in chosen}
    suggestions = suggest(current_trainings(settings), profile, list(trades),
                          (settings.offers.kiosk_lat, settings.offers.kiosk_lon), now.date(), uri_to_code)
    trainings = [TrainingCard(s.training.title, s.training.provider, s.reason(names, trades, language),
                              s.training.link) for s in suggestions]
    ordered = sorted(profile.estimates, key=lambda e: (not e.enough, -e.theta, e.skill))
    page = render(language, issued, c.issuer_name,
                  [OfferLine(m.offer.title, m.offer.employer, m.reason(names, language), m.offer.apply)
                   for m in matches[:5]], skill_cards(ordered, skills, language), trainings)
    files = _write_results(out_dir, handoff, page, issued)
    out.write(_summary(matches[:5], names, language, list(zip(suggestions, trainings, strict=True)), issued,
                       handoff, files))
    return SampleVisit(profile, matches, issued, handoff, files)


def _summary(matches: list[Match], names: dict[str, str], language: str,
             suggestions: list[tuple[Suggestion, TrainingCard]], issued: list[Issued], handoff: Handoff,
             files: list[Path]) -> str:
    """What the scripted visit came to, a line each: offers, trainings, badges, the QR code, the files."""
    lines = [f"offer {m.offer.id} ({m.score:.2f}): {m.reason(names, language)}" for m in matches]
    lines += [f"training {s.training.id} ({s.score:.2f}): {card.reason}" for s, card in suggestions]
    lines += [f"badge {i.award.code}: {i.award.name}, {i.award.range_low}–{i.award.range_high}" for i in issued]
    lines += [f"QR: {handoff.kind} ({handoff.note}), {len(handoff.payload)} characters"]
    return "".join(f"{line}\n" for line in lines + [f"wrote: {path}" for path in files])


def _played(chosen: list[Pack], answers: str) -> list[Played]:
    """"mixed": the best answers in the first pack, the worst in the others (strengths and things to develop)."""
    how = {"mixed": ["best"] + ["worst"] * (len(chosen) - 1)}.get(answers, [answers] * len(chosen))
    return [Played(p.id, p.scenario, p.bank, scripted_answers(p, way))
            for p, way in zip(chosen, how, strict=True)]


def _write_results(out_dir: Path, handoff: Handoff, page: str, issued: list[Issued]) -> list[Path]:
    """The QR code, the results page and each badge (JWT, and its credential as JSON to read)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [qr_png(handoff.payload, out_dir / "handoff-qr.png"), out_dir / "results.html"]
    files[-1].write_text(page, encoding="utf-8")
    for item in issued:
        path = out_dir / f"badge-{item.award.code}.jwt"
        path.write_text(item.jwt + "\n", encoding="utf-8")
        (out_dir / f"badge-{item.award.code}.json").write_text(json.dumps(item.credential, ensure_ascii=False,
                                                                          indent=1), encoding="utf-8")
        files.append(path)
    return files


def utc_now() -> datetime:
    return datetime.now(UTC)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_subparsers(dest="results_command", required=True, metavar="ACTION")
    sample = what.add_parser("sample", help="a scripted visitor plays packs; writes QR, page, badges")
    sample.add_argument("packs", nargs="+", metavar="PACK_ID")
    sample.add_argument("--lang", default="fr", choices=codes())
    sample.add_argument("--answers", choices=("best", "mixed", "worst"), default="best",
                        help="the visitor's answers: the best at each step (default), the best in the first pack and "
                             "the worst in the others, or the worst (a visit answered badly on purpose)")
    sample.add_argument("--offline", action="store_true", help="the QR carries a credential, not a link")
    sample.add_argument("--out", type=Path, default=Path("out/results"))


def run(args: argparse.Namespace) -> int:
    sample_visit(arguments.settings(args), args.packs, args.out, language=args.lang, online=not args.offline,
                 now=utc_now(), answers=args.answers)
    return 0
