"""The complexity gate: no module over 400 lines, no function over cyclomatic complexity 15.

Prints the five longest modules and the five most complex functions (the next ones to split),
then every one over a bar; exits 1 if there is any. Cyclomatic complexity is radon's (the
figure `radon cc -s` prints), for functions and methods.

    .venv/bin/python scripts/complexity.py [--paths kiosk hardware] [--max-lines 400] [--max-complexity 15]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Function

WORST = 5


@dataclass(frozen=True)
class Measure:
    where: str  # path, or path:line name
    value: int


def python_files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts))
        elif path.suffix == ".py":
            found.append(path)
        else:
            raise SystemExit(f"complexity: {path} is neither a folder nor a .py file")
    return found


def measure(files: Sequence[Path]) -> tuple[list[Measure], list[Measure]]:
    """Lines per module and complexity per function (methods included), largest first."""
    lines: list[Measure] = []
    functions: list[Measure] = []
    for path in files:
        code = path.read_text(encoding="utf-8")
        lines.append(Measure(str(path), len(code.splitlines())))
        for block in cc_visit(code):  # methods come both alone and inside their class: take them alone
            if isinstance(block, Function):
                name = f"{block.classname}.{block.name}" if block.classname else block.name
                functions.append(Measure(f"{path}:{block.lineno} {name}", block.complexity))
    return (sorted(lines, key=lambda m: -m.value), sorted(functions, key=lambda m: -m.value))


def report(lines: list[Measure], functions: list[Measure], max_lines: int, max_complexity: int) -> list[str]:
    """The report's lines; those of the modules and functions over a bar start with "over"."""
    out = [f"longest modules (bar: {max_lines} lines):"]
    out += [f"  {m.value:5d}  {m.where}" for m in lines[:WORST]]
    out.append(f"most complex functions (bar: cyclomatic complexity {max_complexity}):")
    out += [f"  {m.value:5d}  {m.where}" for m in functions[:WORST]]
    out += [f"over {max_lines} lines: {m.where} ({m.value})" for m in lines if m.value > max_lines]
    out += [f"over complexity {max_complexity}: {m.where} ({m.value})" for m in functions if m.value > max_complexity]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", nargs="+", type=Path, default=[Path("kiosk"), Path("hardware")],
                        help="folders or .py files to measure (default: kiosk hardware)")
    parser.add_argument("--max-lines", type=int, default=400)
    parser.add_argument("--max-complexity", type=int, default=15)
    args = parser.parse_args(argv)
    lines, functions = measure(python_files(args.paths))
    out = report(lines, functions, args.max_lines, args.max_complexity)
    print("\n".join(out))
    over = sum(line.startswith("over ") for line in out)
    print(f"complexity: {len(lines)} modules, {len(functions)} functions; "
          + (f"{over} over a bar" if over else "all under the bars"))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
