"""The results page a visitor opens on their phone: their skills, badges (each with a link to the
issuer's verification page) and matching offers, in their language (right-to-left for Arabic).
Plain HTML, no script, escaped everywhere."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.credentials.issue import Issued
from kiosk.credentials.issuer import PAGE_FOLDER, site
from kiosk.i18n import words_for


@dataclass(frozen=True)
class OfferLine:
    title: str
    employer: str
    reason: str
    apply: str


def verify_link(issued: Issued) -> str:
    """The issuer's verification page with this badge filled in (the fragment never reaches a server)."""
    issuer = issued.credential["issuer"]
    home = site(str(issuer["id"] if isinstance(issuer, dict) else issuer))
    return home.url(f"{home.base}{PAGE_FOLDER}/#{issued.jwt}")


def render(language: str, issued: Sequence[Issued], issuer_name: str, offers: Sequence[OfferLine]) -> str:
    words = words_for(language)
    _ = words.gettext
    e = html.escape
    direction = "rtl" if words.rtl else "ltr"
    # the words first: Babel does not extract messages from inside f-strings
    title, signed_by = _("Your Nova results"), _("Badge signed by {issuer}")
    check, apply = _("Check this badge"), _("Apply")
    badges_heading, jobs_heading = _("Your badges"), _("Jobs near you")
    no_badge = _("Not enough evidence yet for a badge.")
    between = _("between {low} and {high} out of 100")
    badges = "".join(
        f'<li class="badge"><h3>{e(i.award.name)}</h3>'
        f'<p class="range">{e(between.format(low=i.award.range_low, high=i.award.range_high))}</p>'
        f'<ul class="evidence">{"".join(f"<li>{e(s)}</li>" for s in i.award.evidence)}</ul>'
        f'<p class="issuer">{e(signed_by.format(issuer=issuer_name))}</p>'
        f'<a class="check" href="{e(verify_link(i), quote=True)}">{e(check)}</a></li>' for i in issued)
    jobs = "".join(
        f'<li class="offer"><h3>{e(o.title)} — {e(o.employer)}</h3><p>{e(o.reason)}</p>'
        f'<a href="{e(o.apply, quote=True)}">{e(apply)}</a></li>' for o in offers)
    return (f'<!doctype html><html lang="{e(language)}" dir="{direction}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(title)}</title>'
            '<style>body{font-family:"Noto Sans",sans-serif;margin:1rem;line-height:1.5;color:#111;background:#fff}'
            'h1{font-size:1.6rem}li{margin-bottom:.8rem}.range{font-weight:bold}'
            'a{display:inline-block;padding:.6rem 1rem;min-height:44px;background:#0b5;color:#fff;'
            'border-radius:.4rem;text-decoration:none}</style></head><body>'
            f'<h1>{e(title)}</h1><section id="badges"><h2>{e(badges_heading)}</h2>'
            + (f"<ul>{badges}</ul>" if issued else f'<p>{e(no_badge)}</p>')
            + f'</section><section id="offers"><h2>{e(jobs_heading)}</h2><ul>{jobs}</ul></section></body></html>')
