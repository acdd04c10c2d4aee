"""Translating a pack's content through PO files, the format translators and their tools already know.

`export_catalog` walks a pack's YAML and turns every text (a mapping with a French `fr:` value) into a
PO entry: msgctxt is the text's YAML path (`steps[livraison].options[refuser].feedback`), msgid the
French source, msgstr the translation already written, and translator comments give the step, the
speaker and the English text. `import_catalog` writes the translations back into the YAML through
ruamel.yaml's round trip, so comments, order, quoting and flow style stay as the trainer wrote them: a
pack imported with nothing new to say comes back byte-identical.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from kiosk.errors import ContentError
from kiosk.languages import codes

SOURCE_LANGUAGE = "fr"
# The order language keys are written in, so a translation lands where a reader of the YAML expects it.
LANGUAGE_ORDER = codes()  # the offered languages, in the registry's order (kiosk.languages)
# Per-language maps that hold file names, not sentences: caption files are translated as files.
FILE_MAPS = frozenset({"captions"})


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long sentence: a diff should show the sentence that changed
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


@dataclass(frozen=True)
class TextSite:
    """One translatable text in a YAML file: where it is and what surrounds it."""

    file: str
    path: str
    line: int
    node: CommentedMap
    notes: tuple[str, ...]

    @property
    def source(self) -> str:
        return str(self.node[SOURCE_LANGUAGE])

    def translation(self, language: str) -> str | None:
        value = self.node.get(language)
        return value if isinstance(value, str) else None


def text_sites(document: Any, file: str) -> Iterator[TextSite]:
    """Every mapping with a French string in `document`, with a stable path and notes for translators.

    The path starts with the file's stem (`scenario:…`, `pack:…`) so two files never share a context.
    """
    for site in _walk(document, file, "", (), _cast_names(document)):
        yield TextSite(site.file, f"{Path(file).stem}:{site.path}", site.line, site.node, site.notes)


def _cast_names(document: Any) -> dict[str, str]:
    """Each cast member's name as the source language writes it, for "spoken by" notes."""
    cast = document.get("cast") if isinstance(document, CommentedMap) else None
    if not isinstance(cast, CommentedMap):
        return {}
    names: dict[str, str] = {}
    for key, member in cast.items():
        name = member.get("name") if isinstance(member, CommentedMap) else None
        if isinstance(name, CommentedMap) and isinstance(name.get(SOURCE_LANGUAGE), str):
            names[str(key)] = name[SOURCE_LANGUAGE]
    return names


def _walk(node: Any, file: str, path: str, notes: tuple[str, ...], cast: dict[str, str]) -> Iterator[TextSite]:
    if isinstance(node, CommentedMap):
        notes = notes + _notes_of(node, cast)
        if isinstance(node.get(SOURCE_LANGUAGE), str):
            yield TextSite(file, path, node.lc.line + 1, node, notes + _english_note(node))
        for key, value in node.items():
            if key in LANGUAGE_ORDER or key in FILE_MAPS:
                continue
            child_notes = notes + (("easy-read (FALC): short sentences, everyday words",) if key == "falc" else ())
            yield from _walk(value, file, f"{path}.{key}" if path else str(key), child_notes, cast)
    elif isinstance(node, CommentedSeq):
        for index, item in enumerate(node):
            label = item.get("id") if isinstance(item, CommentedMap) else None
            yield from _walk(item, file, f"{path}[{label if isinstance(label, str) else index}]", notes, cast)


def _notes_of(node: CommentedMap, cast: dict[str, str]) -> tuple[str, ...]:
    notes: list[str] = []
    if isinstance(node.get("type"), str) and isinstance(node.get("id"), str):
        notes.append(f"step {node['id']} ({node['type']})")
    speaker = node.get("speaker")
    if isinstance(speaker, CommentedMap) and isinstance(speaker.get(SOURCE_LANGUAGE), str):
        notes.append(f"spoken by {speaker[SOURCE_LANGUAGE]}")
    who = node.get("who")  # a cast member's line or reaction (the name itself is exported once, under cast:)
    if isinstance(who, str) and "says" in node:
        expression = node.get("expression")
        looking = f", looking {expression}" if isinstance(expression, str) else ""
        notes.append(f"spoken by {cast.get(who, who)}{looking}")
    if isinstance(node.get("expressions"), CommentedMap):
        notes.append("a character's name, as visitors read it under their picture")
    return tuple(notes)


def _english_note(node: CommentedMap) -> tuple[str, ...]:
    english = node.get("en")
    return (f"en: {english}",) if isinstance(english, str) else ()


def pack_files(pack_dir: Path) -> list[Path]:
    """pack.yaml and the scenario it names: the files whose texts a visitor reads."""
    pack_file = pack_dir / "pack.yaml"
    if not pack_file.is_file():
        raise ContentError(f"{pack_dir}: no pack.yaml here", hint="give a pack folder (the one holding pack.yaml)")
    pack = _yaml().load(pack_file.read_text(encoding="utf-8"))
    scenario = pack.get("scenario", "scenario.yaml") if isinstance(pack, CommentedMap) else "scenario.yaml"
    return [pack_file, pack_dir / str(scenario)]


def _load(path: Path) -> Any:
    try:
        return _yaml().load(path.read_text(encoding="utf-8"))
    except Exception as exc:
        raise ContentError(f"{path}: cannot be read as YAML ({exc.__class__.__name__})",
                           hint="run `kiosk lint` on the pack first and fix what it reports") from exc


def export_catalog(pack_dir: Path, language: str) -> Catalog:
    """A PO catalogue of the pack's texts for `language`, with what is already translated filled in."""
    if language == SOURCE_LANGUAGE:
        raise ContentError(f"{SOURCE_LANGUAGE} is the source language of the packs",
                           hint="export a target language, e.g. --lang uk")
    catalog = Catalog(locale=language, domain=pack_dir.name, project=f"Nova Kiosk pack {pack_dir.name}",
                      version="1", copyright_holder="the pack's authors", charset="utf-8", fuzzy=False)
    for path in pack_files(pack_dir):
        for site in text_sites(_load(path), path.name):
            catalog.add(site.source, site.translation(language) or "", locations=[(site.file, site.line)],
                        auto_comments=list(site.notes), context=site.path)
    return catalog


def write_catalog(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, include_previous=False)  # width 0: keep each sentence on one line
    return buffer.getvalue()


@dataclass
class ImportReport:
    language: str
    applied: int = 0
    written: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)  # "file:line: path"
    fuzzy: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # the French changed since the export
    unknown: list[str] = field(default_factory=list)  # in the PO, no longer in the pack
    language_added: bool = False

    @property
    def complete(self) -> bool:
        return not (self.untranslated or self.fuzzy or self.stale)

    def lines(self) -> list[str]:
        out = [f"{self.language}: {self.applied} texts translated"
               + (f", written to {', '.join(self.written)}" if self.written else ", no file changed")]
        for label, items in (("untranslated", self.untranslated), ("fuzzy (check, then remove the fuzzy flag)",
                             self.fuzzy), ("stale: the French changed since export; translate again", self.stale),
                             ("not in the pack any more", self.unknown)):
            out += [f"{item}: {label}" for item in items]
        if self.language_added:
            out.append(f"added {self.language} to `languages:` in the scenario")
        elif not self.complete:
            out.append(f"{self.language} not added to `languages:` until every text is translated")
        return out


def import_catalog(pack_dir: Path, po: bytes, language: str) -> ImportReport:
    """Write the PO's translations into the pack's YAML; report what is missing by file:line.

    Lines are those of the files as written, where the translator will look for them.
    """
    catalog = _read(po, language)
    report = ImportReport(language)
    seen: set[str] = set()
    missing: list[tuple[list[str], str, str]] = []  # (report list, file, path)
    documents: list[tuple[Path, str, Any]] = []
    for path in pack_files(pack_dir):
        before = path.read_text(encoding="utf-8")
        document = _load(path)
        documents.append((path, before, document))
        for site in text_sites(document, path.name):
            seen.add(site.path)
            bucket = _apply(catalog, site, language, report)
            if bucket is not None:
                missing.append((bucket, site.file, site.path))
    report.unknown = sorted(str(m.context) for m in catalog if m.id and m.context and m.context not in seen)
    if not missing:
        report.language_added = _declare_language(documents, language)
    lines = _write(documents, report)
    for bucket, file, text_path in missing:
        bucket.append(f"{file}:{lines.get(text_path, 1)}: {text_path}")
    return report


def _apply(catalog: Catalog, site: TextSite, language: str, report: ImportReport) -> list[str] | None:
    """Write one text's translation; the report list it belongs to when there is none to write."""
    message = catalog.get(site.source, context=site.path)
    if message is None:
        stale = any(m.context == site.path and m.string for m in catalog)
        return report.stale if stale else report.untranslated
    if not message.string:
        return report.untranslated
    if message.fuzzy:
        return report.fuzzy
    _set_translation(site.node, language, str(message.string))
    report.applied += 1
    return None


def _write(documents: list[tuple[Path, str, Any]], report: ImportReport) -> dict[str, int]:
    """Write the files that changed; each text's line in the files as written (path → line)."""
    lines: dict[str, int] = {}
    for path, before, document in documents:
        buffer = io.StringIO()
        _yaml().dump(document, buffer)
        if buffer.getvalue() != before:
            path.write_text(buffer.getvalue(), encoding="utf-8")
            report.written.append(path.name)
        lines.update((site.path, site.line) for site in text_sites(_yaml().load(buffer.getvalue()), path.name))
    return lines


def _read(po: bytes, language: str) -> Catalog:
    try:
        catalog = read_po(io.BytesIO(po), locale=language, abort_invalid=True)
    except Exception as exc:  # Babel names the line of a syntax error
        raise ContentError(f"the PO file cannot be read: {exc}",
                           hint="check it with `msgfmt -c --check-format FILE.po`") from exc
    if catalog.locale is not None and str(catalog.locale).split("_")[0] != language:
        raise ContentError(f"the PO file is for {catalog.locale}, not {language}", hint=f"use --lang {catalog.locale}")
    return catalog


def _set_translation(node: CommentedMap, language: str, text: str) -> None:
    if node.get(language) == text:
        return
    if language in node:
        node[language] = text
        return
    rank = LANGUAGE_ORDER.index(language) if language in LANGUAGE_ORDER else len(LANGUAGE_ORDER)
    keys = list(node.keys())
    position = 0
    for index, key in enumerate(keys):
        if key in LANGUAGE_ORDER and LANGUAGE_ORDER.index(key) < rank:
            position = index + 1
    node.insert(position, language, text)


def _declare_language(documents: list[tuple[Path, str, Any]], language: str) -> bool:
    for _path, _before, document in documents:
        declared = document.get("languages") if isinstance(document, CommentedMap) else None
        if isinstance(declared, CommentedSeq):
            if language in declared:
                return False
            rank = LANGUAGE_ORDER.index(language) if language in LANGUAGE_ORDER else len(LANGUAGE_ORDER)
            position = sum(1 for code in declared if code in LANGUAGE_ORDER and LANGUAGE_ORDER.index(code) < rank)
            declared.insert(position, language)
            return True
    return False
