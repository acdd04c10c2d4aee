"""`kiosk graph`: a scenario as a picture. `to_dot` is pure (pack → Graphviz DOT text);
`render_graph` is the thin edge that runs Graphviz's `dot` to make the SVG or PNG.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.scenario.checks import graph_findings
from kiosk.scenario.esco import ESCO_CREDIT, Skill
from kiosk.scenario.model import ChoiceStep, Credit, Option, OrderingStep, Pack, Scenario, Step

KIND_STYLE = {  # icon, fill colour
    "video": ("▶ video", "#dbeafe"), "video360": ("◉ 360° video", "#dbeafe"), "dialogue": ("“ dialogue", "#f3f4f6"),
    "choice": ("? choice", "#fef3c7"), "multiple_choice": ("☑ multiple choice", "#fef3c7"),
    "timed_choice": ("◷ timed choice", "#fde68a"), "ordering": ("⇅ ordering", "#fce7f3"),
    "hotspot": ("◎ 360° hotspots", "#e0e7ff"), "end": ("■ end", "#d1fae5"),
}
SKILL_COLOURS = ["#b91c1c", "#1d4ed8", "#047857", "#7c3aed", "#c2410c", "#0e7490", "#a16207", "#be185d"]
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot"}


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


class _Palette:
    def __init__(self, scenario: Scenario) -> None:
        codes = sorted({code for o in scenario.observables.values() for code in o.skills})
        self.colours = {code: SKILL_COLOURS[i % len(SKILL_COLOURS)] for i, code in enumerate(codes)}

    def chips(self, scenario: Scenario, credits: tuple[Credit, ...]) -> str:
        totals: dict[str, int] = defaultdict(int)
        for credit in credits:
            observable = scenario.observables.get(credit.observable)
            for code in observable.skills if observable else ():
                totals[code] = max(totals[code], credit.credit)
        return " ".join(f'<font color="{self.colours.get(c, "#000000")}"><b>{c}+{n}</b></font>'
                        for c, n in sorted(totals.items()))


def _node(step: Step, language: str, reachable: bool) -> str:
    icon, fill = KIND_STYLE.get(step.kind, ("?", "#ffffff"))
    body = step.text.get(language) if step.text else ""
    if not body and hasattr(step, "lines") and step.lines:
        body = f"{step.lines[0].speaker.get(language)}: {step.lines[0].says.get(language)}"
    if isinstance(step, ChoiceStep) and step.seconds is not None:
        icon += f" {step.seconds:g} s"
    colour = fill if reachable else "#e5e7eb"
    border = "" if reachable else ' color="#9ca3af" fontcolor="#6b7280" style="rounded,filled,dashed"'
    label = (f'<<table border="0" cellspacing="0"><tr><td align="left"><b>{_esc(step.id)}</b>  '
             f'<font point-size="10">{_esc(icon)}</font></td></tr>'
             f'<tr><td align="left"><font point-size="10">{_esc(_short(body))}</font></td></tr></table>>')
    if step.stage is not None:  # a scene change: where it happens, how, and who is on stage from here
        stage = step.stage
        people = ", ".join(f"{p.who} ({p.at})" for p in stage.characters) or "nobody"
        label = label.replace("</table>>", f'<tr><td align="left"><font point-size="9" color="#7c2d12">▣ scene '
                              f'{_esc(stage.scene)} · {_esc(stage.transition.kind)} · {_esc(people)}</font></td></tr>'
                              "</table>>")
    shape = "doubleoctagon" if step.kind == "end" else "box"
    return f'  "{step.id}" [shape={shape} style="rounded,filled" fillcolor="{colour}" label={label}{border}];'


def _edge_label(options: list[Option], scenario: Scenario, palette: _Palette, language: str) -> str:
    rows = []
    for option in options:
        chips = palette.chips(scenario, option.evidence)
        reaction = f"  ↩ {option.reaction.who}" if option.reaction is not None else ""
        rows.append(f'<tr><td align="left"><font point-size="9">{_esc(option.id)}: '
                    f"{_esc(_short(option.text.get(language), 32))}{'  ' + chips if chips else ''}"
                    f"{_esc(reaction)}</font></td></tr>")
    return f'<<table border="0" cellspacing="0">{"".join(rows)}</table>>' if rows else '""'


def _edges(step: Step, ids: set[str], scenario: Scenario, palette: _Palette, language: str) -> list[str]:
    """The step's arrows, one per target, labelled with the answers that lead there."""
    lines = []
    by_target: dict[str, list[Option]] = defaultdict(list)
    default = step.default_next()
    for option in step.options():
        target = option.next if option.next is not None and not getattr(step, "multiple", False) else default
        if target is not None:
            by_target[target].append(option)
    if default is not None:
        by_target.setdefault(default, [])
    for target, options in by_target.items():
        style = "" if target in ids else ' color="#dc2626" fontcolor="#dc2626" style=bold'
        if target not in ids:
            lines.append(f'  "{target}" [shape=box style="filled" fillcolor="#fee2e2" label="{_esc(target)}?"];')
        label = _edge_label(options, scenario, palette, language)
        if isinstance(step, OrderingStep):
            chips = palette.chips(scenario, step.evidence())
            label = f'<<font point-size="9">in order: {chips}</font>>'
        lines.append(f'  "{step.id}" -> "{target}" [label={label}{style}];')
    if isinstance(step, ChoiceStep) and step.timeout_next is not None:
        lines.append(f'  "{step.id}" -> "{step.timeout_next}" [label="time up" style=dashed];')
    return lines


def to_dot(pack: Pack, skills: Mapping[str, Skill], language: str = "fr") -> str:
    """Steps as boxes, branches as arrows labelled with the answers and the skills they feed."""
    scenario = pack.scenario
    palette = _Palette(scenario)
    reachable, _, _ = graph_findings(scenario)
    title = f"{pack.trade.title.get(language)} — {scenario.title.get(language)} ({pack.id} {pack.version})"
    lines = ["digraph scenario {", f'  graph [label="{_esc(title)}" labelloc=t fontsize=18 fontname="Noto Sans" '
             'rankdir=TB nodesep=0.35 ranksep=0.45];',
             '  node [fontname="Noto Sans" fontsize=11 margin="0.12,0.06"];',
             '  edge [fontname="Noto Sans" fontsize=9 color="#4b5563"];',
             '  "__start" [shape=circle label="" width=0.2 style=filled fillcolor="#111827"];',
             f'  "__start" -> "{scenario.start}";']
    ids = scenario.step_ids()
    for step in scenario.steps:
        lines.append(_node(step, language, step.id in reachable))
    for step in scenario.steps:
        lines += _edges(step, ids, scenario, palette, language)
    legend = "".join(f'<tr><td align="left"><font color="{colour}"><b>{code}</b></font> '
                     f'{_esc(skills[code].label.get(language, skills[code].label["en"]) if code in skills else "?")}'
                     "</td></tr>" for code, colour in sorted(palette.colours.items()))
    lines.append(f'  "__legend" [shape=note style=filled fillcolor="#ffffff" label=<<table border="0">'
                 f'<tr><td align="left"><b>Skills observed</b></td></tr>{legend}'
                 f'<tr><td align="left"><font point-size="8">{_esc(ESCO_CREDIT)}</font></td></tr></table>>];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_graph(dot_text: str, out: Path) -> Path:
    """Write `out` as SVG, PNG, PDF or DOT (by its suffix) using Graphviz."""
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise KioskError(f"cannot write a graph as {out.suffix or 'a file without suffix'}",
                         hint=f"name the output {', '.join('file' + s for s in FORMATS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "dot":
        out.write_text(dot_text, encoding="utf-8")
        return out
    dot = shutil.which("dot")
    if dot is None:
        raise KioskError("Graphviz `dot` is not installed", hint="apt install graphviz (scripts/setup.sh does it)")
    result = subprocess.run([dot, f"-T{fmt}", "-o", str(out)], input=dot_text.encode(), capture_output=True,
                            check=False, timeout=120)
    if result.returncode != 0:
        raise KioskError(f"Graphviz failed: {result.stderr.decode(errors='replace').strip()[:300]}",
                         hint="report it with the pack attached; `-o file.dot` writes the graph source")
    return out
