"""`kiosk report`: the psychometric report trainers read — CSV tables, PNG pages and one PDF.

Pages: (1) each skill's precision (reliability, alpha, mean interval) and where on the scale
the scenarios measure it (information curves); (2) each item's difficulty and slope, with
the items that need a look; (3) DIF across the groups the kiosk knows (language, input,
device). model-checks.csv holds the fit of the model to the answers: item fit (RMSD), local
dependence (Yen's Q3) and the cross-skill correlation matrix (kiosk.scoring.checks).
matplotlib draws off-screen (Agg); nothing here needs a display.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import numpy as np

from kiosk.commands import arguments
from kiosk.commands.scoring import Scored, all_params, load_responses, open_packs
from kiosk.errors import ContentError, KioskError
from kiosk.scoring.bank import ItemParams
from kiosk.scoring.checks import Correlation, Dependence, ItemFit, model_checks
from kiosk.scoring.dif import DifResult, screen_groups
from kiosk.scoring.gpcm import GRID
from kiosk.scoring.items import ItemKey
from kiosk.scoring.psychometrics import ItemStats, SkillStats, information_curve, item_and_skill_stats, skill_estimates
from kiosk.scoring.responses import GROUPS, ResponseTable

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass
class Report:
    items: list[ItemStats]
    skills: list[SkillStats]
    dif: list[DifResult]
    params: dict[ItemKey, ItemParams]
    fits: list[ItemFit] = field(default_factory=list)
    dependence: list[Dependence] = field(default_factory=list)
    correlations: list[Correlation] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def attention(self) -> list[str]:
        """Plain-language notes for the trainer: what to look at first."""
        return self._item_notes() + self._model_notes()

    def _item_notes(self) -> list[str]:
        """Skills measured too loosely, items too easy or rewarding the wrong answers."""
        notes = [f"{s.skill}: reliability {s.marginal_reliability:.2f} — add observations of this skill"
                 for s in self.skills if s.marginal_reliability < 0.7]
        notes += [f"{i.key}: almost everyone gets full credit (facility {i.facility:.2f}) — make it less obvious"
                  for i in self.items if i.facility > 0.95]
        notes += [f"{i.key}: answers go against the skill (r = {i.discrimination_r:.2f}) — check the credits"
                  for i in self.items if i.discrimination_r < 0.05]
        return notes

    def _model_notes(self) -> list[str]:
        """Unfair items (DIF), misfits, answers that depend on each other, skills the scenarios cannot separate."""
        notes = [f"{d.key}: {d.category} DIF for {d.group}={d.focal} vs {d.reference} "
                 f"({'harder' if d.smd < 0 else 'easier'} at equal skill) — check the wording/translation"
                 for d in self.dif if d.flagged]
        notes += [f"{f.key}: the model does not fit its answers (RMSD {f.rmsd:.2f} > 0.12) — read the options "
                  "and their credits again" for f in self.fits if f.misfits]
        notes += [f"{d.first} and {d.second}: answers depend on each other beyond the skill (Q3 {d.q3:.2f}, "
                  f"{d.excess:+.2f} above the skill's average) — do they reward the same thing twice?"
                  for d in self.dependence if d.dependent]
        notes += [f"{c.first} and {c.second}: estimates correlate {c.r:.2f} over {c.visits} visits — the "
                  "scenarios cannot tell these skills apart" for c in self.correlations if c.r > 0.9]
        return notes


def build_report(table: ResponseTable, params: dict[ItemKey, ItemParams]) -> Report:
    known = [i for i, k in enumerate(table.items) if k in params]
    table = ResponseTable(table.visits, [table.items[i] for i in known], [table.maxima[i] for i in known],
                          table.credits[:, known], table.groups, table.scenario_versions,
                          answer_groups=table.answer_groups)
    items, skills = item_and_skill_stats(table, params)
    matching = skill_estimates(table, params)
    dif = screen_groups(table, matching, GROUPS)
    fits, dependence, correlations = model_checks(table, params)
    return Report(items, skills, dif, params, fits, dependence, correlations)


def write_report(paths: Sequence[Path], responses: Path, out_dir: Path, *, pack_ids: Sequence[str] | None = None,
                 out: TextIO | None = None) -> Report:
    out = out or sys.stdout
    scored = open_packs(paths, need_bank=False)
    if pack_ids:
        scored = [s for s in scored if s.pack.id in pack_ids]
        if not scored:
            raise ContentError(f"no pack named {', '.join(pack_ids)}", hint="give the pack folder's name")
    table = load_responses(responses, scored)
    params = all_params(scored)
    if not any(k in params for k in table.items):
        raise ContentError(f"{responses}: no responses to the items of {', '.join(s.pack.id for s in scored)}",
                           hint="check that the export covers these packs")
    report = build_report(table, params)
    out_dir.mkdir(parents=True, exist_ok=True)
    report.files += _write_csvs(report, out_dir)
    report.files += _draw(report, scored, out_dir, responses.name)
    for line in report.attention():
        out.write(f"attention: {line}\n")
    for path in report.files:
        out.write(f"report: {path}\n")
    return report


def _write_csvs(report: Report, out_dir: Path) -> list[Path]:
    items = out_dir / "items.csv"
    with items.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["item", "pack", "step", "skill", "responses", "facility", "item_skill_r", "a",
                    "difficulty", "info_at_typical", "thresholds"])
        for i in report.items:
            w.writerow([str(i.key), i.key.pack, i.key.step, i.key.skill, i.responses,
                        _f(i.facility), _f(i.discrimination_r), _f(i.a), _f(i.difficulty), _f(i.info_at_typical),
                        " ".join(_f(b) for b in report.params[i.key].b)])
    skills = out_dir / "skills.csv"
    with skills.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["skill", "items", "visits", "marginal_reliability", "cronbach_alpha", "mean_posterior_sd"])
        for s in report.skills:
            w.writerow([s.skill, s.items, s.visits, _f(s.marginal_reliability), _f(s.alpha), _f(s.mean_sd)])
    dif = out_dir / "dif.csv"
    with dif.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["item", "group", "reference", "focal", "n_reference", "n_focal", "mantel_chi2", "p", "smd",
                    "effect", "ets_category"])
        for d in report.dif:
            w.writerow([str(d.key), d.group, d.reference, d.focal, d.n_reference, d.n_focal, _f(d.chi2), _f(d.p),
                        _f(d.smd), _f(d.effect), d.category])
    checks = out_dir / "model-checks.csv"
    with checks.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["check", "first", "second", "value", "excess", "visits", "attention"])
        for fit in report.fits:
            w.writerow(["item_fit_rmsd", str(fit.key), "", _f(fit.rmsd), "", "", "yes" if fit.misfits else ""])
        for pair in report.dependence:
            w.writerow(["q3", str(pair.first), str(pair.second), _f(pair.q3), _f(pair.excess), pair.visits,
                        "yes" if pair.dependent else ""])
        for c in report.correlations:
            w.writerow(["skill_correlation", c.first, c.second, _f(c.r), "", c.visits, "yes" if c.r > 0.9 else ""])
    return [items, skills, dif, checks]


def _draw(report: Report, scored: Sequence[Scored], out_dir: Path, source: str) -> list[Path]:
    # Figures without pyplot: no global state, no GUI backend, nothing kept between reports.
    from matplotlib.backends.backend_pdf import PdfPages

    title = f"Nova Kiosk — scoring report: {', '.join(s.pack.id for s in scored)} (responses: {source})"
    pages = [_page_skills(report, title), _page_items(report), _page_dif(report)]
    files: list[Path] = []
    pdf_path = out_dir / "report.pdf"
    with PdfPages(pdf_path, metadata={"Title": title, "Creator": "kiosk report"}) as pdf:
        for number, figure in enumerate(pages, start=1):
            png = out_dir / f"report-{number}.png"
            figure.savefig(png, dpi=80)
            pdf.savefig(figure)
            files.append(png)
    return [pdf_path, *files]


def _page() -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(11.69, 8.27))  # A4 landscape


def _page_skills(report: Report, title: str) -> Figure:
    fig = _page()
    table_ax, curve_ax = fig.subplots(2, 1, height_ratios=[1, 1.4])
    fig.suptitle(title, fontsize=10)
    table_ax.axis("off")
    rows = [[s.skill, s.items, s.visits, _f(s.marginal_reliability, 2), _f(s.alpha, 2), _f(s.mean_sd, 2),
             "ok" if s.marginal_reliability >= 0.7 else "add observations"] for s in report.skills]
    table_ax.table(cellText=rows, colLabels=["skill", "items", "visits", "reliability", "alpha", "mean SD", ""],
                   loc="center").scale(1, 1.3)
    table_ax.set_title("Precision by skill (marginal reliability ≥ 0.7 is the target)", fontsize=10)
    for skill in sorted({k.skill for k in report.params}):
        params = [p for k, p in sorted(report.params.items()) if k.skill == skill]
        curve_ax.plot(GRID, information_curve(params), label=f"{skill} ({len(params)} items)")
    curve_ax.set_xlim(-4, 4)
    curve_ax.set_xlabel("skill level θ (0 = typical visitor, ±1 = one standard deviation)")
    curve_ax.set_ylabel("information if every step is played")
    curve_ax.set_title("Where each skill is measured well", fontsize=10)
    curve_ax.legend(fontsize=7, ncols=3)
    fig.tight_layout()
    return fig


def _page_items(report: Report) -> Figure:
    fig = _page()
    ax = fig.subplots()
    skills = sorted({i.key.skill for i in report.items})
    for skill in skills:
        chosen = [i for i in report.items if i.key.skill == skill]
        ax.scatter([i.difficulty for i in chosen], [i.a for i in chosen], label=skill, s=24)
    for i in report.items:
        if i.a < 0.5 or abs(i.difficulty) > 2.5 or i.facility > 0.95:
            ax.annotate(f"{i.key.pack}/{i.key.step}", (i.difficulty, i.a), fontsize=6)
    ax.axhline(0.5, color="grey", linewidth=0.5, linestyle=":")
    ax.set_xlabel("difficulty (mean threshold, θ scale)")
    ax.set_ylabel("slope a (discrimination)")
    ax.set_title("Items: difficulty and discrimination (labelled: weak, extreme or too easy)", fontsize=10)
    ax.legend(fontsize=7, ncols=3)
    fig.tight_layout()
    return fig


def _page_dif(report: Report) -> Figure:
    fig = _page()
    ax = fig.subplots()
    colours = {"AA": "tab:green", "BB": "tab:orange", "CC": "tab:red"}
    for position, group in enumerate(GROUPS):
        found = [d for d in report.dif if d.group == group]
        ax.scatter(np.full(len(found), position) + np.linspace(-0.3, 0.3, max(len(found), 1))[:len(found)],
                   [d.smd for d in found], c=[colours[d.category] for d in found], s=14)
        for d in found:
            if d.flagged:
                ax.annotate(f"{d.key} ({d.focal})", (position, d.smd), fontsize=6)
    ax.set_xticks(range(len(GROUPS)), [f"{g}" for g in GROUPS])
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.set_ylabel("difference in mean credit at equal skill (focal − reference)")
    ax.set_title("DIF (Mantel test, ETS categories: green AA negligible, orange BB, red CC)", fontsize=10)
    fig.tight_layout()
    return fig


def _f(value: float, digits: int = 4) -> str:
    return "" if math.isnan(value) else f"{value:.{digits}f}"  # nan -> empty cell


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Per item difficulty and discrimination, reliability and information by skill, and DIF "
                          "across language, input device and kiosk/headset, from stored sessions.")
    parser.add_argument("pack", nargs="?", help="a pack id or folder (or --all)")
    parser.add_argument("--all", action="store_true", help="every pack under the scenarios folder")
    parser.add_argument("--scenarios", type=Path, default=Path("scenarios"), help="folder of packs")
    parser.add_argument("--responses", type=Path, metavar="FILE.csv")
    arguments.lrs_source(parser)
    parser.add_argument("-o", "--out", type=Path, default=Path("out/report"), help="folder (default out/report)")


def run(args: argparse.Namespace) -> int:
    if args.all == bool(args.pack):
        raise KioskError("name one pack or give --all", hint="e.g. `kiosk report commis-de-cuisine --responses F`")
    with tempfile.TemporaryDirectory(prefix="nova-lrs-") as folder:
        packs = [Path(args.pack)] if args.pack and Path(args.pack).is_dir() else [args.scenarios]
        responses = arguments.responses_source(args, packs, folder)
        if args.all:
            write_report([args.scenarios], responses, args.out)
        elif Path(args.pack).is_dir():
            write_report([Path(args.pack)], responses, args.out)
        else:
            write_report([args.scenarios], responses, args.out, pack_ids=[args.pack])
    return 0
