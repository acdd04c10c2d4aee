"""Ranking offers for one visitor (pure, deterministic).

An offer's score weighs three things, each in 0..1:
- trade: the visitor explored this trade at the kiosk (its ROME code) — 1, else 0;
- skills: for each skill the employer asks for, the probability that the visitor is above a
  typical visitor, P(θ > 0) from the estimate *and its uncertainty*; a skill without enough
  evidence counts as unknown (0.5), never as weak; averaged over the skills asked for;
- distance: exp(−km / 15) from the kiosk.
score = 0.5 trade + 0.3 skills + 0.2 distance. Expired offers are left out. Ties break on id.
Every match comes with one plain sentence saying why.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from kiosk.matching.offers import Offer
from kiosk.scoring.estimate import Profile

WEIGHTS = (0.5, 0.3, 0.2)
REASONS = {
    "fr": {"offer": "{title} chez {employer}, à {km} km", "colon": " : ", "explored": "vous avez découvert ce métier",
           "shown": "cet employeur recherche ce que vous avez montré ({skills})", "and": "et"},
    "en": {"offer": "{title} at {employer}, {km} km away", "colon": ": ", "explored": "you explored this trade",
           "shown": "this employer asks for what you showed ({skills})", "and": "and"},
}
DISTANCE_SCALE_KM = 15.0


@dataclass(frozen=True, slots=True)
class Match:
    offer: Offer
    score: float
    km: float
    shown: tuple[str, ...]  # skill codes the visitor showed that the employer asks for
    explored: bool

    def reason(self, skill_names: Mapping[str, str], language: str) -> str:
        words = REASONS.get(language, REASONS["en"])
        names = [skill_names.get(code, code) for code in self.shown]
        head = words["offer"].format(title=self.offer.title, employer=self.offer.employer, km=f"{self.km:.0f}")
        why = ([words["explored"]] if self.explored else []) + (
            [words["shown"].format(skills=_join(names, words["and"]))] if names else [])
        return f"{head}{words['colon']}{', '.join(why)}." if why else f"{head}."


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def above_typical(theta: float, sd: float) -> float:
    """P(θ > 0) under the posterior, approximated as normal."""
    return 0.5 * (1.0 + math.erf(theta / (sd * math.sqrt(2.0))))


def rank(offers: Sequence[Offer], profile: Profile, explored: Sequence[str], kiosk: tuple[float, float],
         today: date, uri_to_code: Mapping[str, str], limit: int = 10) -> list[Match]:
    estimates = {e.skill: e for e in profile.estimates}
    matches: list[Match] = []
    for offer in offers:
        if offer.expires < today:
            continue
        wanted = [uri_to_code[u] for u in offer.skills if u in uri_to_code]
        fits, shown = [], []
        for code in wanted:
            e = estimates.get(code)
            if e is None or not e.enough:
                fits.append(0.5)
                continue
            p = above_typical(e.theta, e.sd)
            fits.append(p)
            if p >= 0.7:
                shown.append(code)
        skill_fit = sum(fits) / len(fits) if fits else 0.5
        km = km_between(kiosk[0], kiosk[1], offer.lat, offer.lon)
        explored_trade = offer.rome in explored
        score = (WEIGHTS[0] * explored_trade + WEIGHTS[1] * skill_fit
                 + WEIGHTS[2] * math.exp(-km / DISTANCE_SCALE_KM))
        matches.append(Match(offer, round(score, 9), km, tuple(shown), explored_trade))
    matches.sort(key=lambda m: (-m.score, m.offer.id))
    return matches[:limit]


def _join(items: Sequence[str], word: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]
