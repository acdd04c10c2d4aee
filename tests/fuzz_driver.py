"""The fuzz driver: run inside a child process (resource-limited) by tests/unit/test_fuzz_inputs.py.

    python -m tests.fuzz_driver SURFACE SECONDS SEED WORKDIR [SCENARIOS]

For SECONDS it mutates the sample input of one surface (seeded: a finding is reproducible) and
runs the `kiosk` command on it in this process (imports paid once). Each case is a JSON line in
WORKDIR/results.jsonl, written before and after it runs: a case that hangs is the last one started.
A case is a finding when the command raises anything but its documented errors (a traceback),
exits with a code outside the documented set, prints an error that is not one located line, takes
longer than CASE_SECONDS, or loses what was recorded (an installed pack, the imported offers).
The failing input is kept in WORKDIR/findings/ to replay.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import io
import json
import random
import re
import shutil
import sys
import tarfile
import time
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CASE_SECONDS = 10.0
ISSUER = "https://agency.example.org/nova/issuer"
HOSTILE = [b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"[" * 3000, b"{" * 3000, b"- " * 2000, b"&a x\n", b"*a",
           b"!!float x", b"!!python/object/apply:os.system ['true']", b"9" * 5000, b"1.0e+400", b"-.inf", b'"', b"'",
           b"\\", b"\r", b"\n", b"\t", b"=cmd|' /C calc'!A0", b": ", b"#", b"%YAML 1.1\n", b"---\n",
           b"x" * 300_000, "é".encode("cp1252"), "é".encode(), b"\xc3", b"../", b"/etc/passwd", b"${HOME}", b"%s%n",
           b",", b";", b'"""', b"[[[", b"]]]", b"true", b"null", b"NaN", b"Infinity", b"-1", b"1" * 40, b"\x1b[2J",
           b"\xe2\x80\xae", b"<script>", b"0x10", b"2026-13-45", b"\\u0000"]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to four edits: flip, insert a hostile snippet, delete, truncate, duplicate, replace a line."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        pos = rng.randrange(len(out) + 1)
        op = rng.randrange(6)
        if op == 0 and out:
            out[min(pos, len(out) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            out[pos:pos] = rng.choice(HOSTILE)
        elif op == 2:
            del out[pos:pos + rng.randint(1, 200)]
        elif op == 3:
            del out[pos:]
        elif op == 4:
            out[pos:pos] = out[max(0, pos - 500):pos] * rng.randint(1, 20)
        else:
            end = out.find(b"\n", pos)
            out[pos:end if end >= 0 else len(out)] = rng.choice(HOSTILE)
    return bytes(out)


@dataclass
class Case:
    args: list[str]
    input: Path  # what to keep when the case is a finding
    expected_codes: frozenset[int]
    check: Callable[[int, str, str], str]  # (code, out, err) -> "" or the problem
    after: Callable[[int], str] = lambda code: ""  # nothing recorded lost? "" or the problem


def one_line_error(code: int, out: str, err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    if code == 0:
        return "" if not lines else f"exit 0 but stderr says {lines[0][:200]!r}"
    if len(lines) != 1 or not lines[0].startswith("kiosk: error: "):
        return f"the error is not one `kiosk: error:` line: {err[:300]!r}"
    return ""


def lint_findings(code: int, out: str, err: str) -> str:
    if err.strip():
        return f"lint wrote to stderr: {err[:300]!r}"
    for line in out.splitlines():
        try:
            finding = json.loads(line)
        except ValueError:
            return f"not a JSON finding: {line[:200]!r}"
        if finding["line"] < 1 or finding["col"] < 1 or not finding["file"] or "\n" in finding["message"]:
            return f"finding not located on one line: {finding}"
    return ""


# --- the surfaces ----------------------------------------------------------------------------------

def yaml_case(work: Path, rng: random.Random) -> Case:
    pack = work / "lint" / "commis-de-cuisine"  # unsealed: lint checks the content, not the manifest
    name = rng.choice(["scenario.yaml", "scenario.yaml", "scoring.yaml", "pack.yaml"])
    original = REPO / "scenarios" / "commis-de-cuisine" / name
    shutil.copyfile(original, pack / name)
    (pack / name).write_bytes(mutate(original.read_bytes(), rng))
    return Case(["lint", "--format", "json", str(pack)], pack / name, frozenset({0, 1, 65}), lint_findings)


def packs_case(work: Path, rng: random.Random) -> Case:
    from kiosk.scenario.load import load_packs

    scenarios = work / "scenarios"
    publish = work / "publish" / "commis-de-cuisine"
    archive = work / rng.choice(["pack.zip", "pack.tar.gz"])
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
            for path in sorted(publish.rglob("*")):
                if path.is_file():
                    z.write(path, f"{publish.name}/{path.relative_to(publish).as_posix()}")
            for _ in range(rng.randint(0, 2)):
                z.writestr(rng.choice(["../evil.txt", "/tmp/evil.txt", f"{publish.name}/media",
                                       f"{publish.name}/pack.yaml", "x/" * 50 + "deep", "other/pack.yaml"]),
                           rng.choice(HOSTILE))
    else:
        with tarfile.open(archive, "w:gz") as t:
            t.add(publish, arcname=publish.name)
    data = archive.read_bytes()
    if rng.random() < 0.7:
        archive.write_bytes(mutate(data, rng))
    before = sorted((p.id, p.version) for p in load_packs(scenarios)[0])

    def nothing_lost(code: int) -> str:
        after = load_packs(scenarios)[0]
        if sorted(p.id for p in after) != [i for i, _ in before]:
            return f"packs before {before}, after {sorted((p.id, p.version) for p in after)}"
        return ""

    return Case(["--config", str(work / "kiosk.toml"), "packs", "install", str(archive)], archive,
                frozenset({0, 65}), one_line_error, nothing_lost)


def offers_case(work: Path, rng: random.Random) -> Case:
    sample = (REPO / "assets" / "offers" / "sample-offers.csv").read_bytes()
    choice = rng.randrange(4)
    if choice == 0:
        rows = [json.loads(json.dumps(r)) for r in _csv_rows(sample)]
        data = json.dumps({"offers": rows}).encode()
    elif choice == 1:
        data = sample.decode().encode(rng.choice(["cp1252", "utf-16", "utf-8-sig", "latin-1"]))
    else:
        data = sample
    feed = work / "feed.csv"
    feed.write_bytes(mutate(data, rng))
    offers = work / "var" / "offers.json"
    before = offers.read_bytes()

    def located(code: int, out: str, err: str) -> str:
        if err.strip():
            return one_line_error(code, out, err)
        for line in out.splitlines():
            if not (line.startswith((f"{feed}:", "offers: ", "... and "))):
                return f"not a located line: {line[:200]!r}"
        return ""

    def nothing_lost(code: int) -> str:
        return "" if code == 0 or offers.read_bytes() == before else "a refused import changed the offers file"

    return Case(["--config", str(work / "kiosk.toml"), "offers", "import", str(feed)], feed, frozenset({0, 65}),
                located, nothing_lost)


def config_case(work: Path, rng: random.Random) -> Case:
    path = work / "kiosk-fuzz.toml"
    path.write_bytes(mutate((REPO / "deploy" / "kiosk.toml").read_bytes(), rng))
    return Case(["config", "check", str(path)], path, frozenset({0, 78}), one_line_error)


def jwt_case(work: Path, rng: random.Random) -> Case:
    from kiosk.credentials import keys as keystore

    key = keystore.active(work / "keys")
    header: Any = {"alg": "EdDSA", "typ": "JWT", "kid": key.kid}
    payload: Any = {"iss": ISSUER, "jti": "urn:uuid:c", "sub": "urn:uuid:v", "nbf": 0, "iat": 0, "exp": 2**32,
                    "vc": {"issuer": {"id": ISSUER}, "credentialSubject": {
                        "achievement": {"name": "T", "alignment": [{"targetCode": "T4.3"}]}}}}
    values: list[Any] = ["x", 1e300, -1, 2**70, True, None, [], {}, json.loads("[" * 20 + "]" * 20), "é" * 100,
                         float("nan")]
    for _ in range(rng.randint(0, 3)):
        vc = payload.get("vc")
        subject = vc.get("credentialSubject") if isinstance(vc, dict) else None
        target = rng.choice([d for d in (header, payload, vc, subject) if isinstance(d, dict)])
        # a copy: the same `{}` set into itself on a later round would make a cycle json cannot write
        target[rng.choice([*target.keys(), "extra"])] = copy.deepcopy(rng.choice(values))
    if rng.random() < 0.2:
        header, payload = rng.choice([[1, 2], "EdDSA", 3]), rng.choice([payload, "x"])
    signing_input = f"{_b64(json.dumps(header))}.{_b64(json.dumps(payload))}"
    token = f"{signing_input}.{keystore.b64url(key.private.sign(signing_input.encode()))}"  # trusted: checks run
    if rng.random() < 0.4:
        token = mutate(token.encode(), rng).decode("latin-1")
    path = work / "badge.jwt"
    path.write_text(token, encoding="latin-1")
    return Case(["--config", str(work / "kiosk.toml"), "badge", "verify", str(path)], path, frozenset({0, 65}),
                one_line_error)


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    import csv

    return list(csv.DictReader(io.StringIO(data.decode())))


SURFACES: dict[str, Callable[[Path, random.Random], Case]] = {
    "yaml": yaml_case, "packs": packs_case, "offers": offers_case, "config": config_case, "jwt": jwt_case}


def prepare(work: Path, samples: Path) -> None:
    """A kiosk folder: the sample packs sealed, a new version to publish, offers, keys, a config."""
    from kiosk.credentials import keys as keystore
    from kiosk.scenario.manifest import seal

    scenarios = work / "scenarios"
    shutil.copytree(samples, scenarios, ignore=shutil.ignore_patterns("manifest.json"))
    for pack in scenarios.iterdir():
        seal(pack)
    shutil.copytree(samples / "commis-de-cuisine", work / "lint" / "commis-de-cuisine",
                    ignore=shutil.ignore_patterns("manifest.json"))
    publish = work / "publish" / "commis-de-cuisine"
    shutil.copytree(scenarios / "commis-de-cuisine", publish)
    yaml = publish / "pack.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("version: 1.0.0", "version: 1.0.1"), encoding="utf-8")
    bank = publish / "scoring.yaml"
    bank.write_text(bank.read_text(encoding="utf-8").replace('scenario_version: "1.0.0"', 'scenario_version: "1.0.1"'),
                    encoding="utf-8")
    seal(publish)
    keystore.generate(work / "keys")
    (work / "var").mkdir()
    (work / "var" / "offers.json").write_text('{"format": "nova-offers/1", "offers": []}\n', encoding="utf-8")
    (work / "kiosk.toml").write_text(
        f'[content]\nscenarios = "{scenarios}"\n[offers]\npath = "{work / "var" / "offers.json"}"\n'
        f'[credentials]\nkeys = "{work / "keys"}"\nissuer_id = "{ISSUER}"\n[store]\npath = "{work / "var" / "k.db"}"\n',
        encoding="utf-8")


def run_case(case: Case) -> tuple[int, str]:
    from kiosk.cli import main

    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(case.args)
    except SystemExit as exc:  # argparse
        code = exc.code if isinstance(exc.code, int) else 2
    except BaseException:
        return -1, "traceback: " + "".join(traceback.format_exc().splitlines(keepends=True)[-6:])
    if code not in case.expected_codes:
        return code, f"exit code {code} is not among {sorted(case.expected_codes)}: {err.getvalue()[:300]!r}"
    return code, case.check(code, out.getvalue(), err.getvalue()) or case.after(code)


def main() -> int:
    surface, seconds, seed, work = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
    import logging

    logging.disable(logging.CRITICAL)  # the commands' own log lines are not what is checked here
    prepare(work, Path(sys.argv[5]) if len(sys.argv) > 5 else REPO / "scenarios")
    rng = random.Random(seed)
    findings = work / "findings"
    findings.mkdir()
    end = float("inf")  # set once the first case (which pays the imports) is done: SECONDS of warm cases
    number = 0
    with (work / "results.jsonl").open("w", encoding="utf-8") as results:
        while time.monotonic() < end:
            number += 1
            case = SURFACES[surface](work, rng)
            results.write(json.dumps({"case": number, "started": case.args}) + "\n")
            results.flush()
            started = time.monotonic()
            code, problem = run_case(case)
            took = time.monotonic() - started
            if not problem and took > CASE_SECONDS and number > 1:  # the first case pays the imports
                problem = f"took {took:.1f} s (limit {CASE_SECONDS:.0f} s)"
            if problem:
                kept = findings / f"{surface}-{seed}-{number}{case.input.suffix}"
                shutil.copyfile(case.input, kept)
                problem += f" [input kept in {kept}]"
            results.write(json.dumps({"case": number, "code": code, "seconds": round(took, 3),
                                      "problem": re.sub(r"\s+", " ", problem)}) + "\n")
            results.flush()
            end = min(end, time.monotonic() + seconds)
        with open("/proc/self/status", encoding="ascii") as status:  # this process's peak RSS, all cases
            peak_kib = int(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
        results.write(json.dumps({"peak_mib": peak_kib // 1024}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
