"""Ranking offers for one visitor (pure, deterministic).

An offer's score weighs three things, each in 0..1:
- trade: the visitor explored this trade at the kiosk (its ROME code) — 1, else 0;
- skills: for each skill the employer asks for, the probability that the visitor is above a
  typical visitor, P(θ > 0) from the estimate *and its uncertainty*; a skill without enough
  evidence counts as unknown (0.5), never as weak; averaged over the skills asked for;
- distance: exp(−km / 15) from the kiosk.
score = 0.5 trade + 0.3 skills + 0.2 distance. Expired offers are left out. Ties break on id.
Every match comes with one plain sentence saying why, in the visitor's language (kiosk/locale).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from kiosk.i18n import N_, Words, words_for
from kiosk.matching.offers import Offer
from kiosk.scoring.estimate import Profile

WEIGHTS = (0.5, 0.3, 0.2)
DISTANCE_SCALE_KM = 15.0


@dataclass(frozen=True, slots=True)
class Match:
    offer: Offer
    score: float
    km: float
    shown: tuple[str, ...]  # skill codes the visitor showed that the employer asks for
    explored: bool

    def reason(self, skill_names: Mapping[str, str], language: str) -> str:
        words = words_for(language)
        _ = words.gettext
        km = round(self.km)
        offer = words.ngettext("{title} at {employer}, {km} km away", "{title} at {employer}, {km} km away",
                               km).format(title=self.offer.title, employer=self.offer.employer, km=km)
        names = [skill_names.get(code, code) for code in self.shown]
        skills = join_words(names, words) if names else ""
        return ("\u200f" if words.rtl else "") + self._why(offer, skills, words)  # RLM: see _why

    def _why(self, offer: str, skills: str, words: Words) -> str:
        """The sentence; in a right-to-left language it starts with an offer title in Latin letters, so a
        right-to-left mark opens it, or the bidi algorithm would lay the whole paragraph out left to right."""
        _ = words.gettext
        if self.explored and skills:
            return _("{offer}: you explored this trade, and this employer asks for what you showed ({skills})."
                     ).format(offer=offer, skills=skills)
        if self.explored:
            return _("{offer}: you explored this trade.").format(offer=offer)
        if skills:
            return _("{offer}: this employer asks for what you showed ({skills}).").format(offer=offer, skills=skills)
        return _("{offer}.").format(offer=offer)


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


def join_words(items: Sequence[str], words: Words) -> str:
    """"a, b and c" with the language's own comma and "and"."""
    joined = items[0]
    for index, item in enumerate(items[1:], start=2):
        message = N_("{items} and {item}") if index == len(items) else N_("{items}, {item}")
        joined = words.gettext(message).format(items=joined, item=item)
    return joined
