"""Scoring tools: `kiosk scoring init|simulate|calibrate|validate` and the bank checks of `kiosk lint`.

Reading packs and response files, writing scoring.yaml and CSVs happens here; the
measurement model itself (kiosk.scoring) never touches a file.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import TextIO

import numpy as np

from kiosk.commands import arguments
from kiosk.errors import ContentError
from kiosk.scenario.diagnostics import Diagnostic, Reporter
from kiosk.scenario.item_bank import JointSettings
from kiosk.scenario.load import find_packs, inspect_pack
from kiosk.scenario.model import Pack, Scenario
from kiosk.scenario.source import LocatedError, Mark
from kiosk.scoring.bank import (
    BANK_FILE,
    ItemBank,
    ItemParams,
    initial_bank,
    read_bank,
    scenario_items,
    write_bank,
)
from kiosk.scoring.calibrate import Fit, calibrate
from kiosk.scoring.items import ItemKey, StepItem, scenario_step_items
from kiosk.scoring.joint import step_loadings
from kiosk.scoring.joint_scores import joint_settings
from kiosk.scoring.responses import ResponseTable, read_csv, write_csv
from kiosk.scoring.separation import TIED
from kiosk.scoring.simulate import CONDITIONS, CohortSpec, PlantedDif, make_truth, simulate, skills_of_observables
from kiosk.scoring.validate import render, validate


@dataclass(frozen=True)
class Scored:
    pack: Pack
    bank: ItemBank


def open_packs(paths: Sequence[Path], *, need_bank: bool = True) -> list[Scored]:
    """Packs (valid, sealed or not) with their item banks; a pack without one gets provisional values."""
    found: list[Scored] = []
    for pack_dir in find_packs(list(paths)):
        inspection = inspect_pack(pack_dir, check_manifest=False)
        if inspection.pack is None:
            raise ContentError(f"{pack_dir}: the pack has errors", hint=f"run `kiosk lint {pack_dir}`")
        bank = read_bank(inspection.pack)
        if bank is None:
            if need_bank:
                raise ContentError(f"{pack_dir}: no {BANK_FILE}", hint=f"run `kiosk scoring init {pack_dir}`")
            bank = initial_bank(inspection.pack)
        found.append(Scored(inspection.pack, bank))
    return found


def all_params(scored: Sequence[Scored]) -> dict[ItemKey, ItemParams]:
    params: dict[ItemKey, ItemParams] = {}
    for s in scored:
        params.update(refreshed(s.bank, s.pack).items)
    return params


def scenarios_of(scored: Sequence[Scored]) -> dict[str, tuple[str, Scenario]]:
    return {s.pack.id: (s.pack.version, s.pack.scenario) for s in scored}


def refreshed(bank: ItemBank, pack: Pack) -> ItemBank:
    """The bank fitted to the scenario as it is now: known items keep their values, new ones start
    provisional, removed ones go. The version moves on when anything changed."""
    fresh = initial_bank(pack)
    items = {k: bank.items[k] if k in bank.items and len(bank.items[k].b) == len(p.b) else p
             for k, p in fresh.items.items()}
    if items == dict(bank.items) and bank.scenario_version == pack.version:
        return bank
    return ItemBank(pack.id, pack.version, bank.version + 1, MappingProxyType(items), bank.calibration,
                    joint=bank.joint)


def init(paths: Sequence[Path], out: TextIO | None = None) -> int:
    out = out or sys.stdout
    for pack_dir in find_packs(list(paths)):
        inspection = inspect_pack(pack_dir, check_manifest=False)
        if inspection.pack is None:
            raise ContentError(f"{pack_dir}: the pack has errors", hint=f"run `kiosk lint {pack_dir}`")
        pack = inspection.pack
        current = read_bank(pack)
        bank = initial_bank(pack) if current is None else refreshed(current, pack)
        if bank is current:
            out.write(f"unchanged: {pack_dir / BANK_FILE} (version {bank.version})\n")
            continue
        out.write(f"wrote: {write_bank(pack.root, bank)} (version {bank.version}, {len(bank.items)} items); "
                  f"reseal with `kiosk pack seal {pack_dir}`\n")
    return 0


def simulate_to_csv(paths: Sequence[Path], output: Path, *, people: int, seed: int, dif: str | None,
                    condition: str = "options", out: TextIO | None = None) -> int:
    out = out or sys.stdout
    scored = open_packs(paths, need_bank=False)
    planted = None
    if dif:
        planted = _planted(dif, all_params(scored))
    scenarios = scenarios_of(scored)
    truth = make_truth(scenarios, all_params(scored), np.random.default_rng(seed))
    cohort = simulate(scenarios, truth, CohortSpec(people, seed=seed, condition=condition, dif=planted, record=True))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(write_csv(cohort.table, cohort.observations, skills_of_observables(scenarios)), encoding="utf-8")
    out.write(f"simulated: {people} visits ({condition}), {len(cohort.observations)} observations, "
              f"{int((cohort.table.credits >= 0).sum())} item responses -> {output}\n")
    return 0


def step_items_of(scored: Sequence[Scored]) -> dict[tuple[str, str], list[StepItem]]:
    """(pack, step) -> the step's items, for every pack given: how observable credits become item credits."""
    found: dict[tuple[str, str], list[StepItem]] = {}
    for s in scored:
        for item in scenario_step_items(s.pack.id, s.pack.scenario):
            found.setdefault((item.key.pack, item.key.step), []).append(item)
    return found


def load_responses(path: Path, scored: Sequence[Scored]) -> ResponseTable:
    try:
        with path.open(encoding="utf-8", newline="") as rows:
            return read_csv(rows, str(path), step_items_of(scored))
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{path}: cannot read the responses ({getattr(exc, 'strerror', None) or exc})",
                           hint="export them from the kiosk's store, or make some with `kiosk scoring simulate`"
                           ) from exc


def calibrate_packs(paths: Sequence[Path], responses: Path, *, today: date, min_visits: int, dry_run: bool,
                    out: TextIO | None = None) -> int:
    out = out or sys.stdout
    scored = open_packs(paths)
    current = {s.pack.id: refreshed(s.bank, s.pack) for s in scored}
    table = load_responses(responses, scored).for_packs(current)
    stale = table.stale_versions({p: bank.scenario_version for p, bank in current.items()})
    if stale:
        raise ContentError(f"{responses}: some responses were given to another scenario version: {'; '.join(stale)}",
                           hint="calibrate each scenario version from its own sessions (filter the export)")
    start = {k: v for bank in current.values() for k, v in bank.items.items()}
    fit = calibrate(table, start, min_visits=min_visits)
    loadings = {k: v for s in scored for k, v in step_loadings(s.pack.id, s.pack.scenario).items()}
    settings = joint_settings(table, fit.params, loadings)
    for s in scored:
        bank = current[s.pack.id]
        new = _refitted(bank, fit, {"source": str(responses.name), "visits": fit.visits, "date": today.isoformat(),
                                    "kept": sum(1 for k in fit.kept if k.pack == s.pack.id)}, settings)
        moved = f"{sum(1 for k in bank.items if new.items[k] != bank.items[k])} of {len(new.items)} items refitted"
        if dry_run:
            out.write(f"would write {s.pack.id}: version {new.version}, {moved}\n")
        else:
            out.write(f"wrote: {write_bank(s.pack.root, new)} (version {new.version}, {moved}); "
                      f"reseal with `kiosk pack seal {s.pack.root}`\n")
    out.write(f"joint model: skills correlate ρ = {settings.correlation:.2f}; intervals widened × "
              f"{settings.inflation:.2f} by the split-half check ({_halves_said(table)})\n")
    out.writelines(_fit_notes(fit))
    return 0


def _halves_said(table: ResponseTable) -> str:
    if len({k.pack for k in table.items}) > 1:
        return "every other scenario"
    return "alternate steps of one scenario: a weaker check, calibrate the packs a visit plays together"


def _fit_notes(fit: Fit) -> list[str]:
    """Items that kept their start values, and skills whose fit did not converge."""
    return [f"  kept {key}: {why}\n" for key, why in sorted(fit.kept.items())] + \
        [f"  warning: {skill} did not converge in {fit.iterations[skill]} iterations\n"
         for skill, ok in sorted(fit.converged.items()) if not ok]


def _refitted(bank: ItemBank, fit: Fit, fitted: dict[str, str | int], settings: JointSettings) -> ItemBank:
    """The bank's next version: the calibration's parameters for its items, where they came from, and the
    joint model's settings learnt from the same responses."""
    items = {k: fit.params[k] for k in bank.items}
    return ItemBank(bank.pack, bank.scenario_version, bank.version + 1, MappingProxyType(items),
                    MappingProxyType(fitted), joint=settings)


def run_validation(paths: Sequence[Path], *, people: int, dif_runs: int, seed: int, check: bool,
                   conditions: Sequence[str] = CONDITIONS, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    scored = open_packs(paths, need_bank=False)
    def progress(text: str) -> None:
        sys.stderr.write(f"validate: {text}\n")

    result = validate(scenarios_of(scored), all_params(scored), people=people, dif_runs=dif_runs, seed=seed,
                      conditions=conditions, progress=progress)
    out.write(render(result) + "\n")
    return 1 if check and not all(result.meets_targets().values()) else 0


def check_bank(pack: Pack, report: Reporter) -> None:
    """Lint findings about scoring.yaml: unreadable, stale, or out of step with the scenario."""
    path = pack.root / BANK_FILE
    try:
        bank = read_bank(pack)
    except LocatedError as exc:
        report.error(exc.mark, exc.message.removeprefix(f"{exc.mark}: "), exc.hint, "scoring")
        return
    except ContentError as exc:  # unreadable (a folder, no permission): a finding, lint goes on
        report.error(Mark(str(path), 1, 1), exc.message, exc.hint, "scoring")
        return
    if bank is None:
        report.warning(Mark(str(path), 1, 1), f"no {BANK_FILE}: scores will use provisional item parameters",
                       f"run `kiosk scoring init {pack.root}`", "scoring")
        return
    mark = Mark(str(path), 1, 1)
    if bank.pack != pack.id:
        report.error(mark, f"{BANK_FILE} is for pack `{bank.pack}`, not `{pack.id}`", f"write `pack: {pack.id}`",
                     "scoring")
    if bank.scenario_version != pack.version:
        report.warning(mark, f"item parameters were fitted for scenario version {bank.scenario_version}; the pack "
                       f"is {pack.version}", f"run `kiosk scoring init {pack.root}` (keeps what still applies)",
                       "scoring")
    _check_items(pack, bank, mark, report)


def _check_items(pack: Pack, bank: ItemBank, mark: Mark, report: Reporter) -> None:
    """Each scored step's items have parameters, with one threshold per credit above 0."""
    maxima = dict(scenario_items(pack.id, pack.scenario))
    missing = sorted(k for k in maxima if k not in bank.items)
    extra = sorted(k for k in bank.items if k not in maxima)
    wrong = sorted(k for k in maxima if k in bank.items and len(bank.items[k].b) != maxima[k])
    if missing or extra:
        report.warning(mark, f"{len(missing)} item(s) without parameters, {len(extra)} unknown item(s) "
                       f"(e.g. {(missing or extra)[0].local} {(missing or extra)[0].skill})",
                       f"run `kiosk scoring init {pack.root}`", "scoring")
    for key in wrong:
        report.error(mark, f"item {key.local} {key.skill} has {len(bank.items[key].b)} thresholds but its step "
                     f"gives credits up to {maxima[key]}", "one threshold per credit above 0", "scoring")


def bank_findings(pack: Pack) -> list[Diagnostic]:
    report = Reporter()
    check_bank(pack, report)
    return report.found


def _planted(spec: str, params: dict[ItemKey, ItemParams]) -> PlantedDif:
    # ITEM@SKILL:GROUP=LEVEL:SHIFT, e.g. commis-de-cuisine/lina@T4.3:language=ar:1.0
    try:
        item, group_level, shift = spec.split(":")
        group, level = group_level.split("=")
        key = next(k for k in params if str(k) == item)
        return PlantedDif(key, group, level, float(shift))
    except (ValueError, StopIteration):
        raise ContentError(f"cannot read --dif {spec!r}",
                           hint="write PACK/STEP@SKILL:GROUP=LEVEL:SHIFT, e.g. "
                                "commis-de-cuisine/lina@T4.3:language=ar:1.0") from None


def _tie_note(item: StepItem, loadings: dict[ItemKey, dict[str, float]]) -> str:
    """The show rule counts only steps that separate the skill (docs/scoring.md): say where one does not."""
    tied = [skill for skill, weight in loadings.get(item.key, {}).items() if skill != item.key.skill and weight >= TIED]
    return f" [tied to {', '.join(tied)}: does not separate {item.key.skill}]" if tied else ""


def credit_tables(pack: Pack) -> list[str]:
    """Each item's credit table, one line per step and skill: what each answer earns (`kiosk lint --credits`)."""
    from kiosk.scenario.evidence import distractors, observe, takes_several

    lines: list[str] = []
    scenario = pack.scenario
    loadings = step_loadings(pack.id, scenario)
    for item in scenario_step_items(pack.id, scenario):
        step = scenario.step(item.key.step)
        head = f"{pack.id}/{step.id} @{item.key.skill} ({' + '.join(item.observables)}): credit 0..{item.max_credit}"
        head += _tie_note(item, loadings)
        if takes_several(step):
            adds = [f"{o.id} +{item.raw({c.observable: c.credit for c in o.evidence})}" for o in step.options()
                    if item.raw({c.observable: c.credit for c in o.evidence}) > 0]
            wrong = distractors(step)
            penalty = f"; each of {', '.join(wrong)} -1 per observable" if wrong else ""
            lines.append(f"{head}; sums {list(item.levels)} from picks {', '.join(adds)}{penalty}")
            continue
        if not step.options():  # ordering
            correct = list(getattr(step, "correct", ()))
            near = [correct[1], correct[0], *correct[2:]] if len(correct) > 1 else correct
            shown = [f"{name} {item.credit({o.observable: o.credit for o in observe(scenario, step, order)})}"
                     for name, order in (("right order", correct), ("one swap", near), ("further", correct[::-1]))]
            lines.append(f"{head}; {', '.join(shown)}")
            continue
        shown = [f"{o.id} {item.credit({x.observable: x.credit for x in observe(scenario, step, [o.id])})}"
                 for o in step.options()]
        lines.append(f"{head}; {', '.join(shown)}")
    return lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("The measurement model behind skill estimates (see docs/scoring.md). Item parameters live "
                          "in each pack's scoring.yaml; calibration writes the next version from stored sessions.")
    what = parser.add_subparsers(dest="scoring_command", required=True, metavar="ACTION")
    init_parser = what.add_parser("init", help="write or refresh scoring.yaml (provisional values for new items)")
    init_parser.add_argument("packs", nargs="+", type=Path, metavar="PACK")
    simulate_parser = what.add_parser("simulate", help="write the responses of a simulated cohort (CSV)")
    simulate_parser.add_argument("packs", nargs="+", type=Path, metavar="PACK")
    simulate_parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.csv")
    simulate_parser.add_argument("--people", type=arguments.count, default=1000, help="visitors (default 1000)")
    simulate_parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    simulate_parser.add_argument("--dif", metavar="PACK/STEP@SKILL:GROUP=LEVEL:SHIFT",
                                 help="make one item harder for one group, e.g. "
                                      "commis-de-cuisine/lina@T4.3:language=ar:1.0")
    simulate_parser.add_argument("--condition", choices=CONDITIONS, default="options",
                                 help="how answers are generated (default options: visitors choose options; see "
                                      "docs/scoring.md)")
    calibrate_parser = what.add_parser("calibrate", help="fit item parameters and the joint model's settings "
                                                         "(skill correlation, split-half widening) from stored "
                                                         "sessions; writes a new version",
                                       epilog="calibrate the packs a visit plays together: the split-half check "
                                              "compares scenarios. exit codes: 0 written; 65 bad input; 75 not enough "
                                              "sessions yet")
    calibrate_parser.add_argument("packs", nargs="+", type=Path, metavar="PACK")
    calibrate_parser.add_argument("--responses", type=Path, metavar="FILE.csv",
                                  help="responses exported from the kiosk's store (or simulated)")
    arguments.lrs_source(calibrate_parser)
    calibrate_parser.add_argument("--min-visits", type=arguments.count, default=200,
                                  help="refuse below this (default 200)")
    calibrate_parser.add_argument("--dry-run", action="store_true", help="say what would change, write nothing")
    _validate_arguments(what)


def _validate_arguments(what: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    validate_parser = what.add_parser(
        "validate", help="check recovery, interval coverage, reliability and DIF detection on simulated cohorts, "
                         "under four ways of answering",
        epilog="conditions: model (the scoring model), shared (one credit per observable shared by its skills), "
               "options (visitors choose options, heavy-tailed skills), guessing (options with 25 % guesses); "
               "cohorts are scored as the kiosk scores a visitor (joint model over the visit's skills, the show "
               "rule); --check holds shared and options to the targets in docs/scoring.md; under the table, the joint "
               "settings each calibration learnt and the same cohorts scored one skill at a time")
    validate_parser.add_argument("packs", nargs="*", type=Path, default=[Path("scenarios")], metavar="PACK")
    validate_parser.add_argument("--people", type=arguments.count, default=2000,
                                 help="visitors per cohort (default 2000)")
    validate_parser.add_argument("--dif-runs", type=arguments.count, default=10,
                                 help="cohorts per condition for the DIF check (default 10)")
    validate_parser.add_argument("--condition", action="append", choices=CONDITIONS,
                                 help="only these conditions (repeatable; default all four)")
    validate_parser.add_argument("--seed", type=int, default=2026)
    validate_parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")


def run(args: argparse.Namespace) -> int:
    if args.scoring_command == "init":
        return init(args.packs)
    if args.scoring_command == "simulate":
        return simulate_to_csv(args.packs, args.output, people=args.people, seed=args.seed, dif=args.dif,
                               condition=args.condition)
    if args.scoring_command == "calibrate":
        with tempfile.TemporaryDirectory(prefix="nova-lrs-") as folder:
            responses = arguments.responses_source(args, args.packs, folder)
            return calibrate_packs(args.packs, responses, today=date.today(), min_visits=args.min_visits,
                                   dry_run=args.dry_run)
    return run_validation(args.packs, people=args.people, dif_runs=args.dif_runs, seed=args.seed,
                          check=args.check, conditions=args.condition or CONDITIONS)
