"""Is a text a French or English sentence left untranslated? The check behind issue 18's done-when tests
(tests/unit/test_visit_languages.py, the phone page in tests/integration/test_results_e2e.py).

A text fails when most of its letters are Latin and it contains a common French or English word, or when
three Latin words in a row with a common word sit inside a text in another script. Before that, the names a
visitor must see as written are taken out: the offers' titles, employers and towns (an employer's ad is not
translated), brand names, and trade words quoted in «…» (kept as heard at work, glossed beside them).
"""

from __future__ import annotations

import re
import unicodedata

from kiosk.matching.offers import load_offers
from kiosk.view.nodes import Button, Column, Group, Node, Text
from tests.visit_kit import REPO

COMMON = frozenset(re.findall(r"\S+", """the and you your to of for with this is are was what not be it in on at an
can here le la les des du un une et vous votre vos pour avec est dans sur pas de ce cette qui que ou au aux il elle"""))
OFFERS = load_offers((REPO / "assets" / "offers" / "sample-offers.csv").read_text(encoding="utf-8"), "sample")
NAMES = sorted({name for o in OFFERS for name in (o.title, o.employer, o.town)} | {"Nova", "NOVA", "ESCO", "ROME"},
               key=len, reverse=True)  # longest first: "Commis de cuisine (apprentissage)" before "Commis de cuisine"
QUOTED = re.compile(r"«[^»]*»|\"[^\"]*\"")  # trade words kept as heard at work, with their gloss beside them


def texts(node: Node) -> list[str]:
    if isinstance(node, Text):
        return [node.text]
    if isinstance(node, Button):
        return [node.label]
    if isinstance(node, Group | Column):
        return [t for child in node.children for t in texts(child)]
    return []


LATIN_RUN = re.compile(r"(?:[A-Za-zÀ-ÿ’']+[\s,:;.!?()-]+){2,}[A-Za-zÀ-ÿ’']+")  # three Latin words in a row or more


def latin_sentence(text: str) -> bool:
    """Mostly Latin letters and a common French or English word, or a phrase of three Latin words with a common
    word inside a text in another script ("not seen this time: …"): a sentence left untranslated."""
    for name in NAMES:
        text = text.replace(name, " ")
    text = QUOTED.sub(" ", text)
    letters = [c for c in text if c.isalpha()]
    latin = [c for c in letters if unicodedata.name(c, "").startswith("LATIN")]
    if not letters or not latin:
        return False
    runs = [text] if len(latin) * 2 > len(letters) else [m.group(0) for m in LATIN_RUN.finditer(text)]
    return any(word in COMMON for run in runs for word in re.findall(r"[^\W\d_]+", run.lower()))
