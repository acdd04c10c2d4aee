"""The results page a visitor opens on their phone: their skills, badges (each with a link to the
issuer's verification page) and matching offers, in their language (right-to-left for Arabic).
Plain HTML, no script, escaped everywhere."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.credentials.issue import Issued
from kiosk.credentials.issuer import PAGE_FOLDER, site

WORDS = {
    "fr": {"title": "Vos résultats Nova", "skills": "Ce que vous avez montré", "badges": "Vos badges",
           "offers": "Offres près de chez vous", "apply": "Postuler", "range": "entre {low} et {high} sur 100",
           "none": "Pas encore assez d'indices pour afficher un badge.", "verify": "Badge signé par",
           "check": "Vérifier ce badge"},
    "en": {"title": "Your Nova results", "skills": "What you showed", "badges": "Your badges",
           "offers": "Jobs near you", "apply": "Apply", "range": "between {low} and {high} out of 100",
           "none": "Not enough evidence yet for a badge.", "verify": "Badge signed by",
           "check": "Check this badge"},
    "ar": {"title": "نتائجك في نوفا", "skills": "ما أظهرته", "badges": "شاراتك", "offers": "وظائف قريبة منك",
           "apply": "قدّم طلبك", "range": "بين {low} و{high} من 100", "none": "لا توجد أدلة كافية بعد لمنح شارة.",
           "verify": "شارة موقعة من", "check": "تحقق من هذه الشارة"},
    "uk": {"title": "Ваші результати Nova", "skills": "Що ви показали", "badges": "Ваші значки",
           "offers": "Вакансії поруч", "apply": "Відгукнутися", "range": "від {low} до {high} зі 100",
           "none": "Поки що недостатньо даних для значка.", "verify": "Значок підписав",
           "check": "Перевірити значок"},
}
RTL = {"ar"}


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
    w = WORDS.get(language, WORDS["en"])
    e = html.escape
    direction = "rtl" if language in RTL else "ltr"
    badges = "".join(
        f'<li class="badge"><h3>{e(i.award.name)}</h3>'
        f'<p class="range">{e(w["range"].format(low=i.award.range_low, high=i.award.range_high))}</p>'
        f'<ul class="evidence">{"".join(f"<li>{e(s)}</li>" for s in i.award.evidence)}</ul>'
        f'<p class="issuer">{e(w["verify"])} {e(issuer_name)}</p>'
        f'<a class="check" href="{e(verify_link(i), quote=True)}">{e(w["check"])}</a></li>' for i in issued)
    jobs = "".join(
        f'<li class="offer"><h3>{e(o.title)} — {e(o.employer)}</h3><p>{e(o.reason)}</p>'
        f'<a href="{e(o.apply, quote=True)}">{e(w["apply"])}</a></li>' for o in offers)
    return (f'<!doctype html><html lang="{e(language)}" dir="{direction}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(w["title"])}</title>'
            '<style>body{font-family:"Noto Sans",sans-serif;margin:1rem;line-height:1.5;color:#111;background:#fff}'
            'h1{font-size:1.6rem}li{margin-bottom:.8rem}.range{font-weight:bold}'
            'a{display:inline-block;padding:.6rem 1rem;min-height:44px;background:#0b5;color:#fff;'
            'border-radius:.4rem;text-decoration:none}</style></head><body>'
            f'<h1>{e(w["title"])}</h1><section id="badges"><h2>{e(w["badges"])}</h2>'
            + (f"<ul>{badges}</ul>" if issued else f'<p>{e(w["none"])}</p>')
            + f'</section><section id="offers"><h2>{e(w["offers"])}</h2><ul>{jobs}</ul></section></body></html>')
