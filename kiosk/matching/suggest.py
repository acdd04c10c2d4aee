"""Suggesting trainings to one visitor (pure, deterministic): the two or three nearest to the skills
they can develop and the trades they explored, each with a reason in words.

A training's score weighs, each in 0..1:
- develop: how many of the skills the visitor can develop it builds (one: 0.5, two or more: 1);
- trade: it prepares for a trade the visitor explored at the kiosk (its ROME codes) — 1, else 0;
- distance: exp(−km / 30) from the kiosk (people travel further for a few days' training than for a job);
- free: nothing to pay — 1, else 0.
score = 0.45 develop + 0.35 trade + 0.15 distance + 0.05 free. A training that neither builds a skill
to develop nor prepares for an explored trade is not suggested, however near; closed ones are left
out. Ties break on id. A skill "not enough to say yet" is never a skill to develop.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from kiosk.i18n import Words, words_for
from kiosk.matching.match import join_words, km_between
from kiosk.matching.trainings import Training
from kiosk.scoring.estimate import Profile, SkillEstimate, band

WEIGHTS = (0.45, 0.35, 0.15, 0.05)
DISTANCE_SCALE_KM = 30.0
LIMIT = 3


def band_of(estimate: SkillEstimate) -> str:
    """strength | shown | develop | unknown: the results' word band (docs/scoring.md, "Word bands")."""
    return band(estimate).value


def to_develop(profile: Profile) -> tuple[str, ...]:
    """The skill codes the visitor can develop, most room first."""
    found = [e for e in profile.estimates if band_of(e) == "develop"]
    return tuple(e.skill for e in sorted(found, key=lambda e: (e.theta, e.skill)))


@dataclass(frozen=True, slots=True)
class Suggestion:
    training: Training
    score: float
    km: float
    builds: tuple[str, ...]  # skill codes to develop it builds, most room first
    explored: tuple[str, ...]  # ROME codes of explored trades it prepares for

    def reason(self, skill_names: Mapping[str, str], trade_names: Mapping[str, str], language: str) -> str:
        """"Builds working in a team, which you can develop — Lyon 7e, 3 days, free, paid by France
        Travail." In a right-to-left language a mark opens it, as for offers, and the town (in Latin letters,
        often with a number: "Lyon 7e") is isolated so the bidi algorithm does not run it into the length."""
        words = words_for(language)
        _ = words.gettext
        if self.builds:
            why = _("Builds {skills}, which you can develop").format(
                skills=join_words([_mid_sentence(skill_names.get(code, code)) for code in self.builds[:2]], words))
        elif self.explored[0] in trade_names:
            why = _("Prepares for the trade you explored: {trade}").format(trade=trade_names[self.explored[0]])
        else:
            why = _("Prepares for a trade you explored")
        town = f"\u2068{self.training.town}\u2069" if words.rtl else self.training.town  # isolated: see below
        sentence = _("{why} — {town}, {length}, {cost}.").format(
            why=why, town=town, length=length_words(self.training.days, words),
            cost=cost_words(self.training, words))
        return ("\u200f" if words.rtl else "") + sentence


def _mid_sentence(name: str) -> str:
    """A plain skill name ("Working in a team") inside a sentence: "working in a team"."""
    return name[:1].lower() + name[1:]


def length_words(days: float, words: Words) -> str:
    if days < 1:
        return words.gettext("half a day")
    count = round(days)
    return words.ngettext("{days} day", "{days} days", count).format(days=count)


def euros(amount: float, language: str) -> str:
    """1150 → "1 150" (a no-break space groups thousands) or "1,150" in English."""
    grouped = f"{round(amount):,}"
    return grouped if language == "en" else grouped.replace(",", "\u00a0")


def cost_words(training: Training, words: Words) -> str:
    """What the trainee pays and who can pay instead, in the visitor's words."""
    _ = words.gettext
    if training.cost_eur <= 0:
        free = {"france-travail": _("free, paid by France Travail"),
                "cpf": _("free with your personal training account (CPF)"),
                "region": _("free, paid by the region"),
                "opco": _("free, paid by an employers' training fund")}
        return free.get(training.funding, _("free"))
    paid = {"france-travail": _("{cost} €, France Travail can pay for it"),
            "cpf": _("{cost} €, payable with your personal training account (CPF)"),
            "region": _("{cost} €, the region can pay for it"),
            "opco": _("{cost} €, an employers' training fund can pay for it")}
    return paid.get(training.funding, _("{cost} €")).format(cost=euros(training.cost_eur, words.language))


def suggest(trainings: Sequence[Training], profile: Profile, explored: Sequence[str], kiosk: tuple[float, float],
            today: date, uri_to_code: Mapping[str, str], limit: int = LIMIT) -> list[Suggestion]:
    develop = to_develop(profile)
    found: list[Suggestion] = []
    for training in trainings:
        if training.expires < today:
            continue
        built = {uri_to_code[u] for u in training.skills if u in uri_to_code}
        builds = tuple(code for code in develop if code in built)
        trades = tuple(code for code in training.rome if code in explored)
        if not builds and not trades:
            continue
        km = km_between(kiosk[0], kiosk[1], training.lat, training.lon)
        score = (WEIGHTS[0] * min(1.0, len(builds) / 2) + WEIGHTS[1] * bool(trades)
                 + WEIGHTS[2] * math.exp(-km / DISTANCE_SCALE_KM) + WEIGHTS[3] * (training.cost_eur <= 0))
        found.append(Suggestion(training, round(score, 9), km, builds, trades))
    found.sort(key=lambda s: (-s.score, s.training.id))
    return found[:limit]
