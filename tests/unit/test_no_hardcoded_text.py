"""Every sentence a visitor, an employer or an operator reads goes through the catalogues.

Scans the modules that build visitor-facing text with `ast` and fails on a string literal that
reads like words (two words or more) outside a gettext call, a docstring, a log call or an
exception (those are for developers and the operator's log, in English by design).
"""

import ast
import re
from pathlib import Path

import pytest

KIOSK = Path(__file__).resolve().parents[2] / "kiosk"
VISITOR_FACING = ("scoring/explain.py", "matching/match.py", "credentials/page.py", "credentials/badge.py",
                  "credentials/publish.py",
                  "runtime/out_of_order.py", "runtime/pages.py", "runtime/session_screen.py", "runtime/screen_view.py",
                  "runtime/play_view.py", "runtime/step_media.py", "runtime/results_parts.py",
                  "runtime/attract.py", "runtime/consent.py")  # runtime/catalogue.py: the render benchmark's grid
TRANSLATING = {"_", "gettext", "ngettext", "N_", "pgettext"}
NOT_FOR_VISITORS = {"debug", "info", "warning", "error", "exception", "critical", "log"}  # logging
WORDS = re.compile(r"[^\W\d_]{2,}[ ’']+[^\W\d_]{2,}")  # two words in a row: a sentence, not a code or a key


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def hard_coded_sentences(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    exempt: set[int] = set()
    for node in ast.walk(tree):
        translated_or_logged = isinstance(node, ast.Call) and _name(node) in TRANSLATING | NOT_FOR_VISITORS
        an_error = isinstance(node, ast.Raise | ast.Assert) or (
            isinstance(node, ast.Call) and _name(node).endswith(("Error", "Exception")))
        if translated_or_logged or an_error:
            exempt |= {id(inner) for inner in ast.walk(node)}
        elif isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                exempt.add(id(first.value))  # docstring
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in exempt:
            text = re.sub(r"<[^>]*(?:>|$)|\{[^}]*\}", " ", node.value)  # HTML tags and placeholders are not words
            if WORDS.search(text):
                found.append((node.lineno, node.value))
    return found


@pytest.mark.parametrize("module", VISITOR_FACING)
def test_no_hard_coded_sentence_in_visitor_facing_modules(module: str) -> None:
    path = KIOSK / module
    if not path.exists():
        pytest.skip(f"{module} is not in this tree")
    found = hard_coded_sentences(path.read_text(encoding="utf-8"))
    assert not found, f"{module}: wrap these in _() and run scripts/i18n.sh: " + "; ".join(
        f"line {line}: {text!r}" for line, text in found[:5])


def test_the_scan_catches_a_sentence_and_spares_translated_ones() -> None:
    source = ('"""Docstring words are fine."""\n'
              'def f(_):\n'
              '    log.warning("the operator log is English")\n'
              '    ok = _("Translated words here")\n'
              '    key = "labels-and-keys"\n'
              '    return f"Vous avez gagné {ok}", "Not translated at all"\n')
    assert [line for line, _text in hard_coded_sentences(source)] == [6, 6]
