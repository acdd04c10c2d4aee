"""`kiosk pack import-twine`, `kiosk pack export-twine` and `kiosk new pack`: the files around
the pure converters (kiosk.scenario.twine, twine_export, scaffold). Media a pack names but
nobody made yet get a labelled placeholder, listed in the pack's TODO.md, so the pack lints
and plays while the clips are being filmed.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

import cv2
import numpy as np
import yaml

from kiosk.commands.content import inspect_all, lint
from kiosk.commands.scoring import init as scoring_init
from kiosk.errors import ContentError
from kiosk.scenario.load import PACK_FILE, inspect_pack
from kiosk.scenario.manifest import MANIFEST
from kiosk.scenario.model import Pack
from kiosk.scenario.scaffold import scaffold
from kiosk.scenario.schema import ID_PATTERN
from kiosk.scenario.source import Mark
from kiosk.scenario.twee import parse_story, write_twee
from kiosk.scenario.twine import convert_story
from kiosk.scenario.twine_export import pack_to_story
from kiosk.scenario.twine_grammar import OBSERVABLES_PASSAGE, PACK_PASSAGE, Media, slug

TODO_FILE = "TODO.md"
ROME_PATTERN = r"^[A-N][0-9]{4}$"
PLACEHOLDER_SECONDS = 3
SIZES = {"image": (800, 450), "image360": (2048, 1024), "clip": (960, 540), "clip360": (1280, 640)}


def _pack_id(out_dir: Path) -> str:
    pack_id = out_dir.name
    if not re.match(ID_PATTERN, pack_id):
        raise ContentError(f"{out_dir}: `{pack_id}` cannot be a pack id",
                           "name the folder with lowercase letters, digits and '-', e.g. scenarios/aide-soignant")
    return pack_id


def _yaml(document: dict[str, Any], schema: str, header: str) -> str:
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return f"# yaml-language-server: $schema=../../docs/schema/{schema}\n{header}{body}"


def import_twine(story_path: Path, out_dir: Path, *, rome: str | None = None, force: bool = False,
                 out: TextIO | None = None) -> int:
    """Write the pack a Twine story describes; print its TODO list and `kiosk lint`'s verdict."""
    out = out or sys.stdout
    try:
        source = story_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{story_path}: cannot read the story ({exc})",
                           "give a .twee file (Twine: Build → Export as Twee) or a published .html") from exc
    story = parse_story(source, story_path.name)
    conversion = convert_story(story, story_path.name, _pack_id(out_dir), rome)
    if conversion.problems:
        for problem in conversion.problems:
            out.write(f"{problem}\n")
        raise ContentError(f"{story_path}: {len(conversion.problems)} problem(s), nothing written",
                           "fix them in Twine, export again and rerun the import")
    if (out_dir / PACK_FILE).is_file():
        if not force:
            raise ContentError(f"{out_dir} is already a pack", "add --force to replace its pack.yaml and "
                               "scenario.yaml (media and scoring.yaml are kept, the old files saved with a ~)")
        for name in (PACK_FILE, "scenario.yaml"):
            if (out_dir / name).is_file():
                shutil.copy2(out_dir / name, out_dir / f"{name}~")
        if (out_dir / MANIFEST).is_file():  # it describes the files being replaced: reseal when done
            for name in (MANIFEST, MANIFEST + ".sig"):
                (out_dir / name).unlink(missing_ok=True)
            out.write(f"unsealed: {out_dir} (run `kiosk pack seal {out_dir}` when you are done)\n")
    out_dir.mkdir(parents=True, exist_ok=True)
    header = f"# Imported from the Twine story {story_path.name} by `kiosk pack import-twine`: edit the story " \
             "and import again,\n# or edit this file (then `kiosk pack export-twine` gives Twine your changes).\n"
    (out_dir / PACK_FILE).write_text(_yaml(conversion.pack, "pack.schema.json", header), encoding="utf-8")
    (out_dir / "scenario.yaml").write_text(_yaml(conversion.scenario, "scenario.schema.json", header),
                                           encoding="utf-8")
    todo = conversion.todo + provide_media(conversion.media, out_dir, story_path.parent)
    _write_todo(out_dir, todo, f"the Twine story {story_path.name}")
    for item in todo:
        out.write(f"TODO: {item}\n")
    out.write(f"imported: {story_path} → {out_dir} ({len(conversion.scenario['steps'])} steps)\n")
    return _finish(out_dir, out, (story_path.name, {slug(p.name): p.name for p in story.passages}))


def _finish(pack_dir: Path, out: TextIO, story: tuple[str, dict[str, str]] | None = None) -> int:
    """scoring.yaml for a pack that lints clean, then `kiosk lint`'s report; for an imported story,
    each finding is told as `story:passage:`, where the trainer will fix it."""
    if inspect_pack(pack_dir, check_manifest=False).pack is not None:
        scoring_init([pack_dir], out=io.StringIO())
    if story is None:
        return lint([pack_dir], out=out)
    report = io.StringIO()
    code = lint([pack_dir], out=report)
    label, names = story
    inspection = inspect_all(pack_dir)
    for finding in inspection.diagnostics:
        passage = _passage_of(finding.mark, inspection.draft, names)
        out.write(f"{label}:{passage}: {finding.severity}: {finding.message} (hint: {finding.hint})\n")
    out.write("".join(line for line in report.getvalue().splitlines(keepends=True)
                      if line.startswith(("ok  ", "BAD ", "lint:"))))
    return code


def _passage_of(mark: Mark, draft: Pack | None, names: dict[str, str]) -> str:
    """The passage a finding in the imported YAML comes from: the step's, else Pack or Observables."""
    file = Path(mark.file).name
    if file == PACK_FILE:
        return PACK_PASSAGE
    if file != "scenario.yaml" or draft is None:
        return file
    before = [s for s in draft.scenario.steps if s.mark.line <= mark.line]
    if before:
        step_id = max(before, key=lambda s: s.mark.line).id
        return names.get(step_id, step_id)
    observables = [o.mark.line for o in draft.scenario.observables.values()]
    return OBSERVABLES_PASSAGE if observables and mark.line >= min(observables) else "StoryData"


def _write_todo(pack_dir: Path, todo: list[str], origin: str) -> None:
    path = pack_dir / TODO_FILE
    if not todo:
        path.unlink(missing_ok=True)
        return
    lines = [f"# To finish in {pack_dir.name}", "", f"Written from {origin}; what it could not say:", ""]
    path.write_text("\n".join(lines + [f"- [ ] {item}" for item in todo]) + "\n", encoding="utf-8")


def provide_media(media: list[Media], pack_dir: Path, beside: Path | None) -> list[str]:
    """Copy media found beside the story; draw a labelled placeholder for the others. Returns TODOs."""
    todo = []
    for item in dict.fromkeys(media):
        target = pack_dir / item.path
        if target.is_file():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if beside is not None and (beside / item.path).is_file():
            shutil.copy2(beside / item.path, target)
            continue
        placeholder(target, item.kind, f"{item.step}: {item.path}")
        todo.append(f"replace the placeholder {item.path} ({item.kind} of `{item.step}`)")
    return todo


def _picture(size: tuple[int, int], label: str) -> Any:
    w, h = size
    frame = np.full((h, w, 3), (83, 70, 38), np.uint8)
    frame[:, :: max(w // 12, 1)] = (143, 157, 42)  # meridians: a 360° placeholder shows that it turns
    scale = w / 960
    for row, text in enumerate(("A REMPLACER / PLACEHOLDER", label)):
        cv2.putText(frame, text, (int(40 * scale), int(h / 2 + row * 60 * scale)), cv2.FONT_HERSHEY_SIMPLEX,
                    1.1 * scale, (255, 255, 255), max(int(2 * scale), 1), cv2.LINE_AA)
    return frame


def placeholder(target: Path, kind: str, label: str) -> None:
    """A labelled stand-in: a picture, a short H.264 clip with a silent sound track, or captions."""
    if kind == "captions":
        target.write_text(f"WEBVTT\n\n00:00.000 --> 00:0{PLACEHOLDER_SECONDS}.000\n[{label}]\n", encoding="utf-8")
        return
    frame = _picture(SIZES.get(kind, SIZES["image"]), label)
    if kind.startswith("image"):
        cv2.imwrite(str(target), frame)
        return
    ffmpeg = shutil.which("ffmpeg")
    with tempfile.TemporaryDirectory() as work:
        still = Path(work) / "frame.png"
        cv2.imwrite(str(still), frame)
        if ffmpeg is None:  # no H.264 encoder here: an mp4v clip still plays in the preview
            writer = cv2.VideoWriter(str(target), cv2.VideoWriter.fourcc(*"mp4v"), 25, frame.shape[1::-1])
            for _ in range(25 * PLACEHOLDER_SECONDS):
                writer.write(frame)
            writer.release()
            return
        subprocess.run([ffmpeg, "-v", "error", "-y", "-loop", "1", "-framerate", "10", "-i", str(still),
                        "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", str(PLACEHOLDER_SECONDS),
                        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage", "-pix_fmt", "yuv420p",
                        "-c:a", "aac", "-shortest", str(target)], check=True, timeout=120)


def export_twine(pack_dir: Path, output: Path | None, out: TextIO | None = None) -> Path:
    """Write the pack as Twee 3 (default: PACK/<id>.twee) for Twine's Library → Import."""
    inspection = inspect_pack(pack_dir, check_manifest=False)
    if inspection.draft is None:
        raise ContentError(f"{pack_dir}: the pack does not pass the schema", f"run `kiosk lint {pack_dir}` first")
    target = output or pack_dir.parent / f"{inspection.draft.id}.twee"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(write_twee(pack_to_story(inspection.draft)), encoding="utf-8")
    (out or sys.stdout).write(f"exported: {target} (Twine: Library → Import; then `kiosk pack import-twine "
                              f"{target} -o {pack_dir} --force`)\n")
    return target


def new_pack(pack_id_dir: Path, rome: str, out: TextIO | None = None) -> int:
    """A pack that lints clean and plays: one step of each kind, each commented."""
    out = out or sys.stdout
    pack_id = _pack_id(pack_id_dir)
    if not re.match(ROME_PATTERN, rome):
        raise ContentError(f"--trade {rome}: not a ROME 4.0 code", "a letter and four digits, e.g. --trade J1501")
    if pack_id_dir.exists() and any(pack_id_dir.iterdir()):
        raise ContentError(f"{pack_id_dir} already exists and is not empty", "choose another id or folder")
    files, media = scaffold(pack_id, rome)
    pack_id_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (pack_id_dir / name).write_text(text, encoding="utf-8")
    todo = provide_media(media, pack_id_dir, None)
    todo += ["write the trade's title and pitch in pack.yaml", "replace the example steps by your situation"]
    _write_todo(pack_id_dir, todo, f"`kiosk new pack {pack_id} --trade {rome}`")
    out.write(f"created: {pack_id_dir} (pack.yaml, scenario.yaml, {len(media)} placeholder media, {TODO_FILE})\n")
    return _finish(pack_id_dir, out)
