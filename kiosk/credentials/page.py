"""The results page a visitor opens on their phone (what the hand-off QR's link serves): their skills in
words, how to develop them, offers and trainings to act on, and the badges with how an employer checks
them — in their language and direction (right-to-left for Arabic).

One page, one stylesheet (kiosk/credentials/page.css, inlined so the page works saved or offline), no
script, escaped everywhere. Phone first (390 px wide) and readable on a desktop; text can be enlarged
to 200 % without sideways scrolling; buttons are at least 48 px high with contrast above WCAG AA
(tests/integration/test_phone_page.py measures both in Chromium).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.credentials.cards import SkillCard
from kiosk.credentials.issue import Issued
from kiosk.credentials.issuer import PAGE_FOLDER, site
from kiosk.i18n import Words, words_for

STYLESHEET = Path(__file__).with_name("page.css")
_e = html.escape


@dataclass(frozen=True)
class OfferLine:
    title: str
    employer: str
    reason: str
    apply: str


@dataclass(frozen=True)
class TrainingCard:
    title: str
    provider: str
    reason: str
    link: str  # https, mailto: or tel:


def verify_link(issued: Issued) -> str:
    """The issuer's verification page with this badge filled in (the fragment never reaches a server)."""
    issuer = issued.credential["issuer"]
    home = site(str(issuer["id"] if isinstance(issuer, dict) else issuer))
    return home.url(f"{home.base}{PAGE_FOLDER}/#{issued.jwt}")


def verify_page(issued: Issued) -> str:
    return verify_link(issued).split("#", 1)[0]


def _button(href: str, label: str, name: str = "", kind: str = "") -> str:
    described = f' aria-label="{_e(label + " — " + name, quote=True)}"' if name else ""
    return f'<a class="button{" " + kind if kind else ""}" href="{_e(href, quote=True)}"{described}>{_e(label)}</a>'


def _skill(card: SkillCard, words: Words) -> str:
    _ = words.gettext
    if card.enough:
        start, width = max(0.0, card.low), max(4.0, card.high - card.low)
        picture = (f'<div class="range" role="img" aria-label="{_e(card.band_words, quote=True)}">'
                   f'<div class="track"><div class="span" style="inset-inline-start:{start:.0f}%;'
                   f'width:{min(width, 100 - start):.0f}%"></div></div>'
                   f'<div class="ends"><span>{_e(card.range_ends[0])}</span><span>{_e(card.range_ends[1])}</span>'
                   '</div></div>')
    else:
        more = _("We need a few more answers to say anything about this skill.")
        picture = f'<p class="note">{_e(more)}</p>'
    evidence = "".join(f"<li>{_e(sentence)}</li>" for sentence in card.evidence)
    at_work = _("To develop it at work:")  # outside the f-strings: Babel does not extract from inside them
    return (f'<li class="card skill {card.band}"><div class="head"><h3>{_e(card.name)}</h3>'
            f'<span class="band">{_e(card.band_words)}</span></div>{picture}'
            + (f'<ul class="evidence">{evidence}</ul>' if evidence else "")
            + f'<p class="tip"><strong>{_e(at_work)}</strong> {_e(card.tip)}</p></li>')


def _badge(item: Issued, issuer_name: str, words: Words) -> str:
    _ = words.gettext
    between = _("between {low} and {high} out of 100").format(low=item.award.range_low, high=item.award.range_high)
    signed = _("Badge signed by {issuer}").format(issuer=issuer_name)
    return (f'<li class="card badge"><h3>{_e(item.award.name)}</h3><p class="range-words">{_e(between)}</p>'
            f'<p class="issuer">{_e(signed)}</p>'
            + _button(verify_link(item), _("Check this badge"), item.award.name, "check") + "</li>")


def _section(name: str, heading: str, intro: str, items: str, empty: str) -> str:
    body = f'<ul class="cards">{items}</ul>' if items else f'<p class="note">{_e(empty)}</p>'
    lead = f'<p class="lead">{_e(intro)}</p>' if intro else ""
    return f'<section id="{name}"><h2>{_e(heading)}</h2>{lead}{body}</section>'


def render(language: str, issued: Sequence[Issued], issuer_name: str, offers: Sequence[OfferLine],
           cards: Sequence[SkillCard] = (), trainings: Sequence[TrainingCard] = ()) -> str:
    words = words_for(language)
    _ = words.gettext
    direction = "rtl" if words.rtl else "ltr"
    title = _("Your Nova results")
    skills = _section("skills", _("Your skills"), _("What you showed in the games, compared with other visitors."),
                      "".join(_skill(card, words) for card in cards),
                      _("Not enough answers to say anything yet: try a scenario to the end."))
    apply, contact = _("Apply"), _("Contact")
    jobs = _section("offers", _("Jobs near you"), "", "".join(
        f'<li class="card offer"><h3>{_e(o.title)}</h3><p class="who">{_e(o.employer)}</p>'
        f'<p>{_e(o.reason)}</p>{_button(o.apply, apply, o.title)}</li>' for o in offers),
        _("No open offer matches right now. An adviser can help you look further."))
    courses = _section("trainings", _("Trainings for you"), _("To develop your skills or prepare for a trade."),
                       "".join(f'<li class="card training"><h3>{_e(t.title)}</h3><p class="who">{_e(t.provider)}</p>'
                               f'<p>{_e(t.reason)}</p>{_button(t.link, contact, t.title)}</li>' for t in trainings),
                       _("An adviser can help you find a training near you."))
    home = verify_page(issued[0]) if issued else ""
    checks = (_("An employer can check that a badge is genuine: open the link under the badge, or scan its QR "
                "code on {page}. The page checks the signature of {issuer} and shows the skill, the dates "
                "and what you did.").format(page=f"\u2068{home}\u2069", issuer=f"\u2068{issuer_name}\u2069")
              if issued else "")  # isolated: a Latin address inside an Arabic sentence keeps its place
    badges = _section("badges", _("Your badges"), checks, "".join(_badge(i, issuer_name, words) for i in issued),
                      _("Not enough evidence yet for a badge."))
    css = STYLESHEET.read_text(encoding="utf-8")
    keep = _("Keep this page: your skills, what to do next, and your badges.")
    return (f'<!doctype html><html lang="{_e(language)}" dir="{direction}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_e(title)}</title>'
            f'<style>{css}</style></head><body><main><header><h1>{_e(title)}</h1>'
            f'<p class="lead">{_e(keep)}</p>'
            f'</header>{skills}{jobs}{courses}{badges}</main></body></html>')
