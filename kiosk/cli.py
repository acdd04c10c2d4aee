"""The `kiosk` command. Errors become one-line messages and exit codes here, and only here."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hardware.errors import HardwareError
from kiosk import __version__
from kiosk.config import Settings, load_settings
from kiosk.errors import ConfigError, KioskError
from kiosk.matching.offers import ENCODINGS
from kiosk.ops.logs import configure as configure_logs
from kiosk.scenario.load import PackError


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1280x720, got {text!r}") from None
    if not (160 <= w <= 7680 and 120 <= h <= 4320):
        raise argparse.ArgumentTypeError(f"size {w}x{h} is out of range (160x120 .. 7680x4320)")
    return w, h


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("expected a positive number")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Nova Kiosk: job-discovery kiosk engine.")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("--config", type=Path, help="TOML settings file (default: built-in settings)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    parser.add_argument("--log-format", choices=("text", "json"),
                        help="text on stderr, or one JSON object per line on stdout (default: ops.log_format)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the kiosk (a window if there is a display, else headless)")
    run.add_argument("--headless", action="store_true", help="render offscreen through EGL even with a display")
    run.add_argument("--window", action="store_true",
                     help="open a window even when no display is detected (e.g. SDL_VIDEODRIVER=offscreen)")
    run.add_argument("--fullscreen", action="store_true", help="fill the screen (production kiosks)")
    run.add_argument("--size", type=_size, help="window or offscreen size, e.g. 1280x720")
    run.add_argument("--duration", type=_positive, help="stop after this many seconds (default: run until stopped)")
    run.add_argument("--screenshot-every", type=_positive, metavar="SECONDS",
                     help="write a PNG of the frame every SECONDS into --out")
    run.add_argument("--record", type=Path, metavar="FILE.mp4", help="record the frames to an MP4 file")
    run.add_argument("--record-fps", type=_positive, default=10.0, help="recording frame rate (default 10)")
    run.add_argument("--out", type=Path, default=Path("out"), help="folder for screenshots (default ./out)")
    run.add_argument("--reduced-motion", action="store_true", help="no sliding or fading animations")

    lint = commands.add_parser(
        "lint", help="check scenario packs (errors and warnings, file:line:col)",
        description="Check scenario packs: schema, references, graph (unreachable steps, dead ends, loops "
                    "without exit), translations, media, evidence (each claimed skill needs 3 independent "
                    "observations), timers (readable at a slow reading speed), manifest.",
        epilog="exit codes: 0 no errors; 1 warnings with --strict; 65 errors")
    lint.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a pack folder, or a folder of packs")
    lint.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    lint.add_argument("--format", choices=("text", "json"), default="text", help="json: one finding per line")
    lint.add_argument("--require-sealed", action="store_true", help="a pack without manifest.json is an error")
    lint.add_argument("--credits", action="store_true",
                      help="print each step's credit table: what each answer earns per skill (docs/scoring.md)")

    graph = commands.add_parser("graph", help="draw a scenario: steps, branches, skills each answer feeds")
    graph.add_argument("pack", type=Path, metavar="PACK")
    graph.add_argument("-o", "--output", type=Path, required=True, metavar="FILE",
                       help="FILE.svg, FILE.png, FILE.pdf or FILE.dot")
    graph.add_argument("--lang", default="fr", help="language of the texts (default fr)")

    pack = commands.add_parser("pack", help="scenario pack tools")
    pack_what = pack.add_subparsers(dest="pack_command", required=True, metavar="ACTION")
    seal = pack_what.add_parser("seal", help="write manifest.json (sha256 of every file) to publish a pack")
    seal.add_argument("packs", nargs="+", type=Path, metavar="PACK")
    sign = pack_what.add_parser("sign", help="sign a sealed pack's manifest (publishers; Ed25519)")
    sign.add_argument("pack", type=Path, metavar="PACK")
    sign.add_argument("--keys", type=Path, required=True, help="a key folder made by `kiosk keys generate`")
    _add_translate_parser(pack_what)
    _twine_parsers(pack_what)
    _new_parsers(commands)
    packs = commands.add_parser(
        "packs", help="install content updates safely, or go back to the previous version",
        description="install: fetch (https or a file), refuse unsafe archives, verify the manifest (and its "
                    "signature when packs.publisher_keys is set), load-test, swap atomically, roll back if the "
                    "installed pack fails to load.",
        epilog="exit codes: 0 installed; 65 refused (the kiosk keeps what it had)")
    packs_what = packs.add_subparsers(dest="packs_command", required=True, metavar="ACTION")
    packs_install = packs_what.add_parser("install", help="install a pack from FILE.zip|FILE.tar.gz|FOLDER|https URL")
    packs_install.add_argument("source", metavar="FILE|URL")
    packs_install.add_argument("--deadline", type=_positive, default=900.0, metavar="SECONDS",
                               help="give up (keeping what the kiosk has) after this long (default 900)")
    packs_rollback = packs_what.add_parser("rollback", help="go back to the version installed before")
    packs_rollback.add_argument("pack_id", metavar="PACK_ID")

    schema = commands.add_parser("schema", help="write the JSON Schemas of pack.yaml and scenario.yaml")
    schema.add_argument("--out", type=Path, default=Path("docs/schema"), help="folder (default docs/schema)")

    preview = commands.add_parser(
        "preview", help="play a scenario pack; reloads when its files change",
        description="Play a pack as a job seeker would (touch, mouse, keys 1-9, Enter, R to restart). It "
                    "reloads on every save and stays on the current step; an error in the saved file is "
                    "shown in a banner while the last good version keeps playing. Headless, it answers "
                    "each step and saves one screenshot per step.")
    preview.add_argument("pack", type=Path, metavar="PACK")
    preview.add_argument("--headless", action="store_true", help="offscreen: walk the scenario, save screenshots")
    preview.add_argument("--window", action="store_true", help="open a window even when no display is detected")
    preview.add_argument("--size", type=_size, help="window or offscreen size, e.g. 1280x720")
    preview.add_argument("--out", type=Path, default=Path("out/preview"), help="screenshot folder")
    preview.add_argument("--answers", default="", metavar="A,B,...",
                         help="headless answers in order: option ids, `a+b` for several picks, `correct` or `shown` "
                              "for an ordering; an empty or missing answer takes the first option; an unknown id "
                              "is an error naming the step's answers")
    preview.add_argument("--lang", default="fr", help="language (default fr)")
    preview.add_argument("--easy", action="store_true", help="easy-read (FALC) texts where the pack has them")
    preview.add_argument("--watch", action="store_true", help="headless: walk again after every save")
    preview.add_argument("--duration", type=_positive, help="stop after this many seconds")

    _scoring_parsers(commands)
    _insights_parsers(commands)

    replay_cmd = commands.add_parser("replay", help="play a visit's input journal back: same states, screenshots")
    replay_cmd.add_argument("journal", type=Path, help="a visit-*.jsonl file from the [session] replays folder")
    replay_cmd.add_argument("--screenshots", type=Path, metavar="DIR", help="save a PNG of every state into DIR")
    replay_cmd.add_argument("--size", type=_size, default=(960, 540), help="screenshot or window size (960x540)")
    replay_cmd.add_argument("--watch", action="store_true", help="show the visit in a window, in real time")
    replay_cmd.add_argument("--speed", type=float, default=1.0, help="with --watch: 2 plays twice as fast")
    replay_cmd.add_argument("--store", type=Path, metavar="FILE.db",
                            help="keep what the replayed visit recorded (results, xAPI statements) in this SQLite "
                                 "file (default: a scratch file, removed); never the kiosk's own store")
    screens = commands.add_parser(
        "screens", help="every screen of a visit as PNG (docs/screens/), or --check the layout of them all",
        description="Without --check: writes, for each screen, French (normal), Arabic (larger text + high "
                    "contrast) and Ukrainian on a portrait screen, as PNG files into --out. With --check: lays out "
                    "every screen and every step of every pack in fr/en/ar/uk × normal, larger text, high "
                    "contrast, easy-read, one-button × 1920x1080, 1280x720, 1080x1920 and reports text that "
                    "overflows, overlapping or too small targets, what leaves the screen and low contrast "
                    "(exit status 1 if anything is found).")
    screens.add_argument("--out", type=Path, default=Path("docs/screens"), help="folder of the PNG files")
    screens.add_argument("--check", action="store_true", help="run the layout check instead of drawing")
    fleet = commands.add_parser("fleet", help="the operators' dashboard: reads Prometheus, or polls a few kiosks",
                                description="Serves a web page showing each kiosk's agency, state, frame times, "
                                            "backlog, devices, alerts and, on demand, its screen; problem kiosks "
                                            "first, sortable, filterable by agency. With --prometheus the fleet "
                                            "is read from Prometheus' HTTP API (its alerts included); without, the "
                                            "server polls each kiosk NAME=URL itself (fine for a handful). "
                                            "Beyond 127.0.0.1 it needs a login (HTTP basic auth).",
                                epilog="secrets are better passed in the environment than on the command line "
                                       "(visible to every local account): NOVA_FLEET_TOKEN, NOVA_FLEET_AUTH. "
                                       "exit codes: 0 stopped; 1 bad NAME=URL; 69 address in use or not this "
                                       "machine's; 78 bad --listen or --auth, or a network address without --auth")
    fleet.add_argument("kiosks", nargs="*", metavar="NAME=URL", help="e.g. lyon-1=http://10.0.0.21:9108")
    fleet.add_argument("--prometheus", metavar="URL", default="",
                       help="read the fleet from Prometheus, e.g. http://127.0.0.1:9090 (deploy/prometheus/)")
    fleet.add_argument("--listen", default="127.0.0.1:9200",
                       help="dashboard address (default 127.0.0.1:9200; 0.0.0.0:9200 needs --auth)")
    fleet.add_argument("--token", default=os.environ.get("NOVA_FLEET_TOKEN", ""),
                       help="the kiosks' ops.token (default: $NOVA_FLEET_TOKEN)")
    fleet.add_argument("--auth", default=os.environ.get("NOVA_FLEET_AUTH", ""), metavar="USER:PASSWORD",
                       help="login the dashboard asks for (default: $NOVA_FLEET_AUTH); required beyond loopback")

    config = commands.add_parser("config", help="check a configuration file: every error names the key and the file",
                                 epilog="exit codes: 0 valid; 78 an error (printed with its key and file)")
    config_what = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    config_check = config_what.add_parser("check", help="read and validate the file; print the settings in effect")
    config_check.add_argument("file", type=Path, metavar="FILE.toml")
    _results_parsers(commands)

    sync = commands.add_parser("sync", help="results outbox and the learning record store (xAPI)",
                               epilog="exit codes: 0 done; 74 the store cannot be opened (the path is named; "
                                      "nothing is moved); 75 the LRS could not take everything (try later; "
                                      "nothing is lost); 78 no LRS configured")
    sync_what = sync.add_subparsers(dest="sync_command", required=True, metavar="ACTION")
    sync_what.add_parser("status", help="backlog: pending, sent, conflicts, last error")
    sync_what.add_parser("now", help="send the backlog now (progress bar on large backlogs), then apply retention")
    erase_cmd = commands.add_parser("erase", help="erase one visit here and withdraw it from the LRS (voiding)")
    erase_cmd.add_argument("registration", metavar="REGISTRATION", help="the visit's id (from its QR code or export)")
    export_cmd = commands.add_parser("export", help="CSV for the agency (one row per visit and skill)")
    export_cmd.add_argument("output", type=Path, metavar="FILE.csv")
    export_cmd.add_argument("--responses", action="store_true",
                            help="instead: every answer, for `kiosk scoring calibrate` and `kiosk report`")

    bench = commands.add_parser("bench", help="print performance benchmarks")
    bench_what = bench.add_subparsers(dest="bench", required=True, metavar="WHAT")
    render = bench_what.add_parser("render", help="GL render loop vs bare quad vs pygame software blits; the "
                                                  "Python time of each screen change, layout included")
    render.add_argument("--size", type=_size, default=(1920, 1080), help="target size (default 1920x1080)")
    render.add_argument("--frames", type=int, default=60, help="frames measured per scene (default 60)")
    render.add_argument("--idle-seconds", type=float, default=16.0,
                        help="how long to measure the idle attract screen (0 to skip; default 16)")
    bench_sync = bench_what.add_parser("sync", help="drain a backlog into an LRS: batched vs one per request")
    bench_sync.add_argument("--statements", type=_count, default=10_000, help="backlog size (default 10000)")
    bench_sync.add_argument("--single", type=_count, default=500,
                            help="statements sent one per request for the comparison (default 500)")
    _lrs_arguments(bench_sync, "an LRS xAPI endpoint (default: start a local Ralph)")
    bench_video = bench_what.add_parser("video", help="H.264 decode vs the kiosk's path (decode into GPU-visible "
                                                     "memory, or decode + upload), real-time presentation (drops, "
                                                     "CPU), playlist gap, A/V offset")
    bench_video.add_argument("--seconds", type=float, default=60.0, help="real-time presentation length (default 60)")
    bench_video.add_argument("--runs", type=_count, default=5,
                             help="alternated runs of each throughput measure, medians reported (default 5)")
    bench_scoring = bench_what.add_parser("scoring", help="calibration time and peak memory on a large simulated "
                                                          "export (kiosk scoring calibrate --dry-run in a child)")
    bench_scoring.add_argument("packs", nargs="*", type=Path, default=[Path("scenarios")], metavar="PACK")
    bench_scoring.add_argument("--people", type=_count, default=10_000, help="visits (default 10000)")
    bench_scoring.add_argument("--seed", type=int, default=0)
    bench_insights = bench_what.add_parser("insights", help="statements read per second from an LRS by "
                                                          "`kiosk insights`; time for 100k (extrapolated)")
    bench_insights.add_argument("--statements", type=_count, default=10_000,
                                help="statements stored and read (measured at half and full; default 10000)")
    _lrs_arguments(bench_insights, "an LRS xAPI endpoint to fill (default: a local Ralph)")
    bench_input = bench_what.add_parser("input", help="button latency: board frame on a pty → driver queue, and → the "
                                                     "session screen's handler in the real frame loop (p50/p99); "
                                                     "idle CPU with a board")
    bench_input.add_argument("--samples", type=_count, default=2000, help="button events to the driver (default 2000)")
    bench_input.add_argument("--loop-samples", type=_count, default=300,
                             help="button events through the frame loop to the screen (default 300)")
    bench_input.add_argument("--idle-seconds", type=_positive, default=10.0,
                             help="idle CPU measured with the board connected (default 10)")
    bench_start = bench_what.add_parser("start", help="process start → first frame and READY=1 (NOTIFY_SOCKET), "
                                                     "against a bare moderngl + pygame process")
    bench_start.add_argument("--runs", type=_count, default=3, help="alternated starts of each (default 3)")
    bench_memory = bench_what.add_parser("memory", help="RSS at READY=1 and after idling, and its growth over "
                                                       "scripted visits through the real screens")
    bench_memory.add_argument("--idle-seconds", type=_positive, default=120.0,
                              help="idle time before the second RSS reading (default 120)")
    bench_memory.add_argument("--visits", type=_count, default=1000, help="scripted visits (default 1000)")
    bench_memory.add_argument("--warm-up", type=_count, default=100,
                              help="visits walked before the growth is counted (default 100)")
    bench_all = bench_what.add_parser("all", help="every bench above but sync, in one run; --json writes every figure",
                                      description="Runs render, video, input, start and memory with settings that "
                                                  "fit in about 5 minutes on the project's 2-core VM.")
    bench_all.add_argument("--json", type=Path, metavar="FILE", help="write every figure to FILE (JSON)")
    bench_all.add_argument("--seconds", type=_positive, default=10.0,
                           help="real-time video presentation length (default 10)")
    bench_all.add_argument("--idle-seconds", type=_positive, default=120.0,
                           help="memory: idle time before the second RSS reading (default 120)")
    bench_all.add_argument("--visits", type=_count, default=1000, help="memory: scripted visits (default 1000)")

    doctor = commands.add_parser(
        "doctor", help="list devices, their state and versions; run the board's self-test",
        description="Checks the devices named in the config's [devices] section (or given here): state "
                    "(connected, degraded, absent), protocol and firmware versions, the board's self-test "
                    "(button lines, LED currents, LED chase, buzzer), the headset runtime, and lists serial ports.",
        epilog="exit codes: 0 every configured device works; 69 one is missing or failed its self-test")
    doctor.add_argument("--board", metavar="URL", help="board URL, e.g. serial:///dev/nova-board or sim://")
    doctor.add_argument("--headset", choices=("none", "openxr", "sim", "monitor"), help="headset to check")
    doctor.add_argument("--press", action="store_true", help="also ask for each button to be pressed")
    doctor.add_argument("--timeout", type=_positive, default=2.0, help="seconds to wait for each answer")
    doctor.add_argument("--json", action="store_true", help="machine-readable output")
    doctor.add_argument("--running", action="store_true",
                        help="ask the running kiosk (its /healthz on ops.listen) instead of opening the devices: "
                             "chattering or stuck buttons it has seen, device states")
    return parser


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("expected a whole number ≥ 1")
    return value


def _twine_parsers(pack_what: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    to_pack = pack_what.add_parser(
        "import-twine", help="turn a Twine story (Twee 3 or published HTML) into a pack",
        description="Passages become steps, links answers, tags step types; the convention for texts, credits "
                    "and media is in docs/authoring.md (Writing in Twine). Media found beside the story are "
                    "copied, missing ones get a placeholder listed in the pack's TODO.md. Ends with `kiosk lint`.",
        epilog="exit codes: 0 imported and lints clean; 65 problems (each as story:passage: message (hint))")
    to_pack.add_argument("story", type=Path, metavar="STORY.twee|STORY.html")
    to_pack.add_argument("-o", "--output", type=Path, required=True, metavar="PACK",
                         help="the pack folder to write, e.g. scenarios/aide-soignant (its name is the pack id)")
    to_pack.add_argument("--trade", metavar="ROME", help="ROME code when the story has no `trade:` in its Pack passage")
    to_pack.add_argument("--force", action="store_true",
                         help="replace pack.yaml and scenario.yaml of an existing pack (old ones kept as *~)")
    to_twine = pack_what.add_parser("export-twine", help="write a pack as a Twine story (Twee 3) to edit in Twine")
    to_twine.add_argument("pack", type=Path, metavar="PACK")
    to_twine.add_argument("-o", "--output", type=Path, metavar="FILE.twee", help="default: beside the pack, ID.twee")


def _new_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    new = commands.add_parser("new", help="start new content from a template that lints clean")
    what = new.add_subparsers(dest="new_command", required=True, metavar="WHAT")
    pack = what.add_parser("pack", help="a pack with one step of each kind, commented, and placeholder media",
                           epilog="exit codes: 0 created and lints clean; 65 refused (folder exists, bad id or code)")
    pack.add_argument("pack_id", metavar="ID", help="the pack id (lowercase letters, digits, '-')")
    pack.add_argument("--trade", required=True, metavar="ROME", help="the trade's ROME 4.0 code, e.g. J1501")
    pack.add_argument("--scenarios", type=Path, default=Path("scenarios"),
                      help="folder of packs to create it in (default ./scenarios)")


def _cmd_twine(args: argparse.Namespace) -> int:
    from kiosk.commands import twine

    if args.pack_command == "import-twine":
        return twine.import_twine(args.story, args.output, rome=args.trade, force=args.force)
    twine.export_twine(args.pack, args.output)
    return 0


def _cmd_new(args: argparse.Namespace) -> int:
    from kiosk.commands.twine import new_pack

    return new_pack(args.scenarios / args.pack_id, args.trade)


def _scoring_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    scoring = commands.add_parser(
        "scoring", help="item parameters of the skill scoring model: init, simulate, calibrate, validate",
        description="The measurement model behind skill estimates (see docs/scoring.md). Item parameters live in "
                    "each pack's scoring.yaml; calibration writes the next version from stored sessions.")
    what = scoring.add_subparsers(dest="scoring_command", required=True, metavar="ACTION")
    init = what.add_parser("init", help="write or refresh scoring.yaml (provisional values for new items)")
    init.add_argument("packs", nargs="+", type=Path, metavar="PACK")
    simulate = what.add_parser("simulate", help="write the responses of a simulated cohort (CSV)")
    simulate.add_argument("packs", nargs="+", type=Path, metavar="PACK")
    simulate.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.csv")
    simulate.add_argument("--people", type=_count, default=1000, help="visitors (default 1000)")
    simulate.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    simulate.add_argument("--dif", metavar="PACK/STEP@SKILL:GROUP=LEVEL:SHIFT",
                          help="make one item harder for one group, e.g. commis-de-cuisine/lina@T4.3:language=ar:1.0")
    simulate.add_argument("--condition", choices=("model", "shared", "options", "guessing"), default="options",
                          help="how answers are generated (default options: visitors choose options; see "
                               "docs/scoring.md)")
    calibrate = what.add_parser("calibrate", help="fit item parameters from stored sessions; writes a new version",
                                epilog="exit codes: 0 written; 65 bad input; 75 not enough sessions yet")
    calibrate.add_argument("packs", nargs="+", type=Path, metavar="PACK")
    calibrate.add_argument("--responses", type=Path, metavar="FILE.csv",
                           help="responses exported from the kiosk's store (or simulated)")
    _lrs_source(calibrate)
    calibrate.add_argument("--min-visits", type=_count, default=200, help="refuse below this (default 200)")
    calibrate.add_argument("--dry-run", action="store_true", help="say what would change, write nothing")
    validate = what.add_parser("validate", help="check recovery, interval coverage, reliability and DIF "
                                                "detection on simulated cohorts, under four ways of answering",
                               epilog="conditions: model (the scoring model), shared (one credit per observable "
                                      "shared by its skills), options (visitors choose options, heavy-tailed "
                                      "skills), guessing (options with 25%% guesses); --check holds shared and "
                                      "options to the targets in docs/scoring.md")
    validate.add_argument("packs", nargs="*", type=Path, default=[Path("scenarios")], metavar="PACK")
    validate.add_argument("--people", type=_count, default=2000, help="visitors per cohort (default 2000)")
    validate.add_argument("--dif-runs", type=_count, default=10,
                          help="cohorts per condition for the DIF check (default 10)")
    validate.add_argument("--condition", action="append", choices=("model", "shared", "options", "guessing"),
                          help="only these conditions (repeatable; default all four)")
    validate.add_argument("--seed", type=int, default=2026)
    validate.add_argument("--check", action="store_true", help="exit 1 when a target is missed")

    report = commands.add_parser(
        "report", help="psychometric report for trainers: items, reliability, information, DIF (PDF, PNG, CSV)",
        description="Per item difficulty and discrimination, reliability and information by skill, and DIF "
                    "across language, input device and kiosk/headset, from stored sessions.")
    report.add_argument("pack", nargs="?", help="a pack id or folder (or --all)")
    report.add_argument("--all", action="store_true", help="every pack under the scenarios folder")
    report.add_argument("--scenarios", type=Path, default=Path("scenarios"), help="folder of packs")
    report.add_argument("--responses", type=Path, metavar="FILE.csv")
    _lrs_source(report)
    report.add_argument("-o", "--out", type=Path, default=Path("out/report"), help="folder (default out/report)")


def _lrs_source(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lrs", metavar="URL", help="instead of --responses: every kiosk's answers, read from this "
                                                     "LRS's xAPI statements (e.g. https://lrs.example.org/xAPI/)")
    parser.add_argument("--user", default="", help="basic auth user for --lrs")
    parser.add_argument("--password", default="", help="basic auth password for --lrs")
    parser.add_argument("--since", default="", metavar="TIME", help="with --lrs: statements after this ISO time")
    parser.add_argument("--until", default="", metavar="TIME", help="with --lrs: statements up to this ISO time")


def _lrs_arguments(parser: argparse.ArgumentParser, lrs_help: str) -> None:
    """--lrs URL and its basic-auth credentials, as every command that reads or fills an LRS takes them."""
    parser.add_argument("--lrs", metavar="URL", help=lrs_help)
    parser.add_argument("--user", default="", help="basic auth user for --lrs")
    parser.add_argument("--password", default="", help="basic auth password for --lrs")


def _insights_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    insights = commands.add_parser(
        "insights", help="agency report from the LRS: visits, languages, funnel, where visitors leave, skills, "
                         "trades vs offers (HTML, PDF, CSV)",
        description="Reads every kiosk's xAPI statements from the LRS (following `more` pages; a rerun continues "
                    "where the last one stopped) and writes aggregates only: any count of fewer than 10 visitors "
                    "is suppressed. See docs/insights.md.",
        epilog="exit codes: 0 written; 69 the LRS is unreachable (rerun: reading resumes); 76 the LRS refused "
               "the query")
    insights.add_argument("--lrs", required=True, metavar="URL", help="xAPI endpoint, e.g. https://lrs.example.org/xAPI/")
    insights.add_argument("--user", default="", help="basic auth user")
    insights.add_argument("--password", default="", help="basic auth password")
    insights.add_argument("--since", default="", metavar="TIME", help="statements after this ISO 8601 time")
    insights.add_argument("--until", default="", metavar="TIME", help="statements up to this ISO 8601 time")
    insights.add_argument("--agency", default="", metavar="URL",
                          help="only this agency's kiosks (the statements' account homePage)")
    insights.add_argument("--offers", type=Path, metavar="FILE", help="offers feed (CSV/JSON) to set against trades")
    insights.add_argument("--scenarios", type=Path, default=Path("scenarios"), help="folder of packs (trade names, "
                                                                                    "step order)")
    insights.add_argument("--no-pdf", action="store_true", help="skip the PDF (printed by headless Chromium)")
    insights.add_argument("-o", "--out", type=Path, default=Path("out/insights"),
                          help="folder for the report and the reading state (default out/insights)")


def _cmd_insights(args: argparse.Namespace) -> int:
    from kiosk.commands.insights import write_insights
    from kiosk.sync.client import LrsClient

    write_insights(LrsClient(args.lrs, args.user, args.password), args.out, args.scenarios, since=args.since,
                   until=args.until, agency=args.agency, offers=args.offers, pdf=not args.no_pdf)
    return 0


def _responses_source(args: argparse.Namespace, packs: Sequence[Path], folder: str) -> Path:
    """--responses FILE, or (--lrs) the same rows read from the LRS into a file in `folder`."""
    if bool(args.lrs) == bool(args.responses):
        raise KioskError("give --responses FILE.csv or --lrs URL (one of them)",
                         hint="--lrs reads every kiosk's answers from the LRS")
    if not args.lrs:
        return Path(args.responses)
    from kiosk.commands.insights import responses_from_lrs
    from kiosk.sync.client import LrsClient

    return responses_from_lrs(LrsClient(args.lrs, args.user, args.password), packs,
                              Path(folder) / "lrs-responses.csv", since=args.since, until=args.until)


def _results_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    offers = commands.add_parser("offers", help="job offers: import a feed (CSV or JSON), list them")
    offers_what = offers.add_subparsers(dest="offers_command", required=True, metavar="ACTION")
    offers_import = offers_what.add_parser("import", help="validate a feed; bad rows are listed and skipped",
                                           epilog="exit codes: 0 imported; 65 nothing usable (or any bad row "
                                                  "with --strict)")
    offers_import.add_argument("feed", type=Path, metavar="FEED.csv|FEED.json")
    offers_import.add_argument("--strict", action="store_true", help="import nothing if any row is bad")
    offers_import.add_argument("--encoding", choices=ENCODINGS, default="auto",
                               help="the feed's text encoding (default auto: a BOM decides, else UTF-8 if it "
                                    "reads as UTF-8, else cp1252 as Excel writes it in France)")
    offers_list = offers_what.add_parser("list", help="the imported offers")
    offers_list.add_argument("--rome", help="only this trade (ROME code)")
    keys = commands.add_parser("keys", help="the signing keys of the skill credentials (Ed25519)")
    keys.add_argument("action", choices=("generate", "rotate", "show", "publish"),
                      help="generate the first key, rotate to a new one (old credentials still verify), show, "
                           "or publish what outside verifiers fetch (into DIR)")
    keys.add_argument("dir", nargs="?", type=Path, metavar="DIR",
                      help="publish: the web server's document root for the issuer's host; written: the did:web "
                           "document, .well-known/jwks.json (current and past keys), the issuer Profile, the "
                           "criteria page and the verification page (docs/operations.md)")
    badge = commands.add_parser("badge", help="check a skill credential (Open Badges 3.0, VC-JWT)")
    badge_what = badge.add_subparsers(dest="badge_command", required=True, metavar="ACTION")
    badge_verify = badge_what.add_parser("verify", help="signature (this issuer's keys), claims, issuer and validity",
                                         epilog="exit codes: 0 valid; 65 invalid (the reason is printed; "
                                                "non-canonical base64url is invalid)")
    badge_verify.add_argument("credential", metavar="FILE|JWT")
    results = commands.add_parser("results", help="a scripted visit: play, score, offers, badges, QR, page")
    results_what = results.add_subparsers(dest="results_command", required=True, metavar="ACTION")
    sample = results_what.add_parser("sample", help="a strong visitor plays packs; writes QR, page, badges")
    sample.add_argument("packs", nargs="+", metavar="PACK_ID")
    sample.add_argument("--lang", default="fr", choices=("fr", "en", "ar", "uk"))
    sample.add_argument("--offline", action="store_true", help="the QR carries a credential, not a link")
    sample.add_argument("--out", type=Path, default=Path("out/results"))


def _cmd_offers(args: argparse.Namespace) -> int:
    from datetime import date

    from kiosk.commands import results

    if args.offers_command == "import":
        return results.import_offers(_settings(args), args.feed, strict=args.strict, encoding=args.encoding)
    return results.list_offers(_settings(args), args.rome, date.today())


def _cmd_keys(args: argparse.Namespace) -> int:
    from kiosk.commands import results

    if args.dir is not None and args.action != "publish":
        raise ConfigError(f"`kiosk keys {args.action}` takes no folder", "only `kiosk keys publish DIR` does")
    return results.keys(_settings(args), args.action, args.dir)


def _cmd_badge(args: argparse.Namespace) -> int:
    from kiosk.commands import results

    results.verify_badge(_settings(args), args.credential, results.utc_now())
    return 0


def _cmd_results(args: argparse.Namespace) -> int:
    from kiosk.commands import results

    results.sample_visit(_settings(args), args.packs, args.out, language=args.lang, online=not args.offline,
                         now=results.utc_now())
    return 0


def _cmd_scoring(args: argparse.Namespace) -> int:
    from datetime import date

    from kiosk.commands import scoring
    from kiosk.scoring.simulate import CONDITIONS

    if args.scoring_command == "init":
        return scoring.init(args.packs)
    if args.scoring_command == "simulate":
        return scoring.simulate_to_csv(args.packs, args.output, people=args.people, seed=args.seed, dif=args.dif,
                                       condition=args.condition)
    if args.scoring_command == "calibrate":
        import tempfile

        with tempfile.TemporaryDirectory(prefix="nova-lrs-") as folder:
            responses = _responses_source(args, args.packs, folder)
            return scoring.calibrate_packs(args.packs, responses, today=date.today(), min_visits=args.min_visits,
                                           dry_run=args.dry_run)
    return scoring.run_validation(args.packs, people=args.people, dif_runs=args.dif_runs, seed=args.seed,
                                  check=args.check, conditions=args.condition or CONDITIONS)


def _cmd_report(args: argparse.Namespace) -> int:
    from kiosk.commands.report import write_report

    if args.all == bool(args.pack):
        raise KioskError("name one pack or give --all", hint="e.g. `kiosk report commis-de-cuisine --responses F`")
    import tempfile

    with tempfile.TemporaryDirectory(prefix="nova-lrs-") as folder:
        packs = [Path(args.pack)] if args.pack and Path(args.pack).is_dir() else [args.scenarios]
        responses = _responses_source(args, packs, folder)
        if args.all:
            write_report([args.scenarios], responses, args.out)
        elif Path(args.pack).is_dir():
            write_report([Path(args.pack)], responses, args.out)
        else:
            write_report([args.scenarios], responses, args.out, pack_ids=[args.pack])
    return 0


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(args.config)


def _cmd_run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from kiosk.app import RunOptions, run_kiosk

    settings = _settings(args)
    if args.fullscreen:
        settings = replace(settings, display=replace(settings.display, fullscreen=True))
    summary = run_kiosk(settings, RunOptions(
        headless=args.headless, window=args.window, size=args.size, duration=args.duration,
        screenshot_every=args.screenshot_every,
        out_dir=args.out, record=args.record, record_fps=args.record_fps, reduced_motion=args.reduced_motion))
    # With JSON logs stdout is the journal's: the summary is one more JSON line there, not plain text.
    say: Callable[[str], None] = print if args.log_format != "json" else logging.getLogger("kiosk").info
    say(f"kiosk stopped: {summary.mode}, {summary.frames_drawn} frames drawn")
    if summary.screenshots:
        say(f"screenshots: {len(summary.screenshots)} in {summary.screenshots[-1].parent}/ "
            f"(last: {summary.screenshots[-1]})")
    if summary.recording:
        say(f"recording: {summary.recording}")
    return 0


def _bench_render(args: argparse.Namespace, frames: int, idle_seconds: float) -> dict[str, Any]:
    from kiosk.bench.render import run_render_bench
    from kiosk.runtime.attract import cards_from_trades
    from kiosk.scenario.catalog import discover_trades

    settings = _settings(args)
    trades, _ = discover_trades(settings.content.scenarios)
    cards = cards_from_trades([(t.text("title", "fr"), t.text("pitch", "fr"), t.card_image, t.rome,
                                t.shortage_level) for t in trades])
    if not cards:
        raise KioskError(f"no trades found under {settings.content.scenarios}",
                         hint="run from the repository root, or set content.scenarios in the config")
    return run_render_bench(settings.content.assets, settings.content.scenarios, cards,
                            getattr(args, "size", (1920, 1080)), frames, idle_seconds, offers=settings.offers.path)


def _bench_all(args: argparse.Namespace) -> dict[str, Any]:
    import time

    from kiosk.bench.input import run_input_bench
    from kiosk.bench.start import run_memory_bench, run_start_bench
    from kiosk.bench.video import run_video_bench

    settings = _settings(args)
    started = time.perf_counter()
    figures: dict[str, Any] = {}
    figures["render"] = _bench_render(args, 30, 8.0)
    print()
    figures["video"] = run_video_bench(settings.content.assets, settings.content.scenarios,
                                       Path(".cache") / "bench-media", args.seconds, 3, clip_seconds=3.0,
                                       compare_upload=False)
    print()
    figures["input"] = run_input_bench(settings, 1000, 300, 10.0)
    print()
    figures["start"] = run_start_bench(settings, 3)
    print()
    figures["memory"] = run_memory_bench(settings, args.idle_seconds, args.visits, min(100, args.visits))
    figures["seconds"] = time.perf_counter() - started
    print(f"\nkiosk bench all: {figures['seconds']:.0f} s")
    return figures


def _cmd_bench(args: argparse.Namespace) -> int:
    if args.bench == "insights":
        from contextlib import nullcontext

        from kiosk.bench.insights import run_insights_bench
        from kiosk.bench.sync import local_ralph
        from kiosk.sync.client import LrsClient

        lrs = LrsClient(args.lrs, args.user, args.password) if args.lrs else None
        run_insights_bench((lambda: nullcontext(lrs)) if lrs else local_ralph, args.statements)
        return 0
    if args.bench == "sync":
        from contextlib import nullcontext

        from kiosk.bench.sync import local_ralph, run_sync_bench
        from kiosk.sync.client import LrsClient

        given = LrsClient(args.lrs, args.user, args.password) if args.lrs else None
        run_sync_bench((lambda: nullcontext(given)) if given else local_ralph, args.statements, single=args.single)
        return 0
    if args.bench == "video":
        from kiosk.bench.video import run_video_bench

        settings = _settings(args)
        run_video_bench(settings.content.assets, settings.content.scenarios, Path(".cache") / "bench-media",
                        args.seconds, args.runs)
        return 0
    if args.bench == "scoring":
        from kiosk.bench.scoring import run_scoring_bench

        run_scoring_bench(args.packs, args.people, args.seed)
        return 0
    if args.bench == "input":
        from kiosk.bench.input import run_input_bench

        run_input_bench(_settings(args), args.samples, args.loop_samples, args.idle_seconds)
        return 0
    if args.bench == "start":
        from kiosk.bench.start import run_start_bench

        run_start_bench(_settings(args), args.runs)
        return 0
    if args.bench == "memory":
        from kiosk.bench.start import run_memory_bench

        run_memory_bench(_settings(args), args.idle_seconds, args.visits, args.warm_up)
        return 0
    if args.bench == "all":
        import json

        figures = _bench_all(args)
        if args.json is not None:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            print(f"figures: {args.json}")
        return 0
    _bench_render(args, args.frames, args.idle_seconds)
    return 0


def _cmd_fleet(args: argparse.Namespace) -> int:
    from kiosk.ops.fleet import FleetServer
    from kiosk.ops.fleet_prometheus import PrometheusFleet
    from kiosk.ops.http import parse_listen

    if bool(args.prometheus) == bool(args.kiosks):
        raise KioskError("name either --prometheus URL or the kiosks to poll (NAME=URL …), not both",
                         hint="kiosk fleet --prometheus http://127.0.0.1:9090, or kiosk fleet lyon-1=http://10.0.0.21:9108")
    if args.prometheus and not args.prometheus.startswith(("http://", "https://")):
        raise KioskError(f"--prometheus {args.prometheus} is not a URL", hint="e.g. http://127.0.0.1:9090")
    kiosks = []
    for item in args.kiosks:
        name, _, url = item.partition("=")
        if not url.startswith(("http://", "https://")):
            raise KioskError(f"`{item}` is not NAME=URL", hint="e.g. lyon-1=http://10.0.0.21:9108")
        kiosks.append((name, url.rstrip("/")))
    host, port = parse_listen(args.listen, "--listen")
    source = PrometheusFleet(args.prometheus).views if args.prometheus else None
    server = FleetServer(host, port, kiosks, args.token, args.auth, source=source)
    login = f"login required (user {server.user})" if server.password else "no login: this machine only"
    watched = f"the kiosks Prometheus at {args.prometheus} scrapes" if source else f"{len(kiosks)} kiosk(s)"
    print(f"fleet: http://{args.listen.rpartition(':')[0]}:{server.port}/ watching {watched}; {login}", flush=True)
    server.serve_forever()
    return 0


def _cmd_config(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    settings = load_settings(args.file)
    for section, values in asdict(settings).items():
        for key, value in values.items():
            shown = "***" if key in ("password", "token") and value else value
            print(f"{section}.{key} = {shown}")
    print(f"config: {args.file} is valid")
    return 0


def _cmd_sync(args: argparse.Namespace) -> int:
    from kiosk.commands import sync

    return sync.status(_settings(args)) if args.sync_command == "status" else sync.now(_settings(args))


def _cmd_erase(args: argparse.Namespace) -> int:
    from kiosk.commands.sync import erase_visit

    return erase_visit(_settings(args), args.registration)


def _cmd_export(args: argparse.Namespace) -> int:
    from kiosk.commands.sync import export

    return export(_settings(args), args.output, responses=args.responses)


def _cmd_doctor(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from kiosk.commands.doctor import doctor

    devices = _settings(args).devices
    if args.board is not None:
        devices = replace(devices, board=args.board)
    if args.headset is not None:
        devices = replace(devices, headset=args.headset)
    return doctor(devices, press=args.press, timeout=args.timeout, as_json=args.json,
                  running=_settings(args).ops if args.running else None)


def _cmd_lint(args: argparse.Namespace) -> int:
    from kiosk.commands.content import lint

    return lint(args.paths, strict=args.strict, output=args.format, require_sealed=args.require_sealed,
                credits=args.credits)


def _cmd_graph(args: argparse.Namespace) -> int:
    from kiosk.commands.content import graph

    print(f"graph: {graph(args.pack, args.output, args.lang)}")
    return 0


def _add_translate_parser(pack_what: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    translate = pack_what.add_parser(
        "translate", help="a pack's texts to a PO file for translators, and back into the YAML",
        description="export: every text of pack.yaml and the scenario as a PO entry (msgctxt = YAML path, msgid = "
                    "the French source, comments = step, speaker, English). import: write the translations back, "
                    "keeping the YAML's comments, order and formatting; untranslated, fuzzy or stale entries are "
                    "listed by file:line.",
        epilog="exit codes: 0 done; 1 with --strict when some texts are still missing; 65 bad pack or PO file")
    translate_what = translate.add_subparsers(dest="translate_command", required=True, metavar="ACTION")
    export = translate_what.add_parser("export", help="write PACK_ID.LANG.po (or -o FILE)")
    export.add_argument("pack", type=Path, metavar="PACK")
    export.add_argument("--lang", required=True, help="the target language, e.g. uk or ar")
    export.add_argument("-o", "--output", type=Path, metavar="FILE.po")
    merge = translate_what.add_parser("import", help="merge a translated PO file into the pack's YAML")
    merge.add_argument("pack", type=Path, metavar="PACK")
    merge.add_argument("po_file", type=Path, metavar="FILE.po")
    merge.add_argument("--lang", required=True, help="the language of the PO file")
    merge.add_argument("--strict", action="store_true", help="exit 1 while some texts are still missing")


def _cmd_pack(args: argparse.Namespace) -> int:
    from kiosk.commands.content import seal_packs

    if args.pack_command == "translate":
        from kiosk.commands.translate import export_po, import_po

        if args.translate_command == "export":
            return export_po(args.pack, args.lang, args.output)
        return import_po(args.pack, args.po_file, args.lang, strict=args.strict)
    if args.pack_command in ("import-twine", "export-twine"):
        return _cmd_twine(args)
    if args.pack_command == "sign":
        from kiosk.commands.packs import sign

        sign(args.pack, args.keys)
        return 0
    return seal_packs(args.packs)


def _cmd_packs(args: argparse.Namespace) -> int:
    from kiosk.commands import packs

    settings = _settings(args)
    if args.packs_command == "install":
        packs.install(args.source, settings.content.scenarios,
                      publisher_keys=packs.publisher_keys(settings.packs.publisher_keys), deadline_s=args.deadline)
    else:
        packs.rollback(args.pack_id, settings.content.scenarios)
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from kiosk.commands.content import write_schemas

    for path in write_schemas(args.out):
        print(f"schema: {path}")
    return 0


def _cmd_preview(args: argparse.Namespace) -> int:
    from kiosk.commands.preview import PreviewRun, run_preview

    run = PreviewRun(headless=args.headless, window=args.window, size=args.size, out_dir=args.out,
                     answers=tuple(a for a in args.answers.split(",") if a), language=args.lang, easy=args.easy,
                     duration=args.duration, watch=args.watch)
    summary = run_preview(_settings(args), args.pack, run)
    print(f"preview: {summary.mode}, path {' → '.join(summary.path)}")
    if summary.screenshots:
        print(f"screenshots: {len(summary.screenshots)} in {summary.screenshots[-1].parent}/")
    return 0


def _cmd_replay(args: argparse.Namespace) -> int:
    from kiosk.commands.replay import run_replay

    if args.speed <= 0:
        raise ConfigError(f"--speed must be positive, got {args.speed}", hint="e.g. --speed 2")
    summary = run_replay(_settings(args), args.journal, args.screenshots, args.size, watch=args.watch,
                         speed=args.speed, store=args.store)
    if summary.screenshots:
        print(f"screenshots: {len(summary.screenshots)} in {args.screenshots}/")
    if args.store is not None:
        print(f"store: {args.store} (kiosk --config … export --responses, or sqlite3, read it)")
    return 0


def _cmd_screens(args: argparse.Namespace) -> int:
    from kiosk.commands.screens import check_all, write_screens

    if args.check:
        found = 0
        for finding in check_all(_settings(args)):
            found += 1
            print(finding)
        print(f"layout check: {found} problem{'s' if found != 1 else ''}")
        return 1 if found else 0
    written = write_screens(_settings(args), args.out)
    print(f"screens: {len(written)} PNG files in {args.out}/")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    log_format = args.log_format
    if log_format is None:
        try:
            log_format = load_settings(args.config).ops.log_format
        except KioskError:
            log_format = "text"  # the command itself reports the configuration error
    args.log_format = log_format
    configure_logs(log_format, args.verbose)
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    handlers = {"run": _cmd_run, "bench": _cmd_bench, "lint": _cmd_lint, "graph": _cmd_graph, "pack": _cmd_pack,
                "schema": _cmd_schema, "preview": _cmd_preview, "scoring": _cmd_scoring, "report": _cmd_report,
                "doctor": _cmd_doctor, "sync": _cmd_sync, "erase": _cmd_erase, "export": _cmd_export,
                "packs": _cmd_packs, "offers": _cmd_offers, "keys": _cmd_keys, "badge": _cmd_badge,
                "results": _cmd_results, "config": _cmd_config,
                "fleet": _cmd_fleet, "replay": _cmd_replay, "screens": _cmd_screens, "new": _cmd_new,
                "insights": _cmd_insights}
    try:
        return handlers[args.command](args)
    except PackError as exc:  # content errors get the full compiler-style report
        print(exc.report(), file=sys.stderr)
        return exc.exit_code
    except (KioskError, HardwareError) as exc:  # hardware/ has its own root: it never imports the engine
        print(f"kiosk: error: {exc}", file=sys.stderr)  # one line: what went wrong, then (hint: what to do)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
