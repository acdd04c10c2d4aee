"""The composition root and the media package stay readable: no function over cyclomatic
complexity 15 (radon's measure, as `radon cc -s -n C` prints it), no module over 400 lines."""

from __future__ import annotations

from pathlib import Path

from radon.visitors import ComplexityVisitor

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("kiosk/app", "kiosk/media")


def _functions(path: Path) -> list[tuple[str, int]]:
    visitor = ComplexityVisitor.from_code(path.read_text(encoding="utf-8"))
    methods = [(f"{c.name}.{m.name}", m.complexity) for c in visitor.classes for m in c.methods]
    return [(f.name, f.complexity) for f in visitor.functions] + methods


def test_no_function_of_the_composition_root_or_media_is_over_complexity_15() -> None:
    measured = [(f"{path.relative_to(REPO)}:{name}", score) for package in PACKAGES
                for path in sorted((REPO / package).glob("*.py")) for name, score in _functions(path)]
    assert len(measured) > 50  # the files were read
    worst = sorted(measured, key=lambda item: -item[1])[:5]
    print("worst five:", ", ".join(f"{name} {score}" for name, score in worst))
    assert [item for item in measured if item[1] > 15] == []


def test_no_module_of_the_composition_root_or_media_is_over_400_lines() -> None:
    lengths = {str(path.relative_to(REPO)): len(path.read_text(encoding="utf-8").splitlines())
               for package in PACKAGES for path in (REPO / package).glob("*.py")}
    assert {path: lines for path, lines in lengths.items() if lines > 400} == {}
