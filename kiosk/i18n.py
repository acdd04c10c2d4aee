"""The interface's words in the visitor's language: gettext catalogues written as PO files.

`kiosk/locale/<language>/LC_MESSAGES/kiosk.po` are the sources (message ids are the English
texts; `scripts/i18n.sh` extracts them with Babel and updates every catalogue). They are read
with Babel and compiled in memory when the kiosk starts, so there is no build step and no
binary file to keep in step. A message missing from a catalogue shows in English, never blank.
"""

from __future__ import annotations

import functools
import gettext
import hashlib
import io
import logging
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import ContentError
from kiosk.languages import LOCALE_DIR, REGISTRY, catalogue_in
from kiosk.languages import language as language_entry
from kiosk.state import state_dir

log = logging.getLogger(__name__)

# Read from the one registry (kiosk.languages): a language added there is offered everywhere.
RIGHT_TO_LEFT = frozenset(entry.code for entry in REGISTRY if entry.rtl)
NATIVE_NAMES = {entry.code: entry.native for entry in REGISTRY}


@dataclass(frozen=True)
class Words:
    """One language's words; `_ = words.gettext` in the view builders."""

    language: str
    translations: gettext.NullTranslations

    @property
    def rtl(self) -> bool:
        return self.language in RIGHT_TO_LEFT

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)


class Catalogs:
    def __init__(self, translations: Mapping[str, gettext.NullTranslations]) -> None:
        self._translations = dict(translations)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._translations)

    def words(self, language: str) -> Words:
        return Words(language, self._translations.get(language) or gettext.NullTranslations())

    @staticmethod
    def load(languages: Iterable[str], folder: Path | None = None) -> Catalogs:
        """`folder` None: each language's catalogue where the registry says (kiosk.languages)."""
        return Catalogs({language: _compile(_catalogue(language, folder), language) for language in languages})


def _catalogue(language: str, folder: Path | None) -> Path:
    entry = None if folder is not None else language_entry(language)
    return entry.catalogue if entry is not None else catalogue_in(folder or LOCALE_DIR, language)


@functools.cache
def words_for(language: str, folder: Path | None = None) -> Words:
    """One language's words, compiled once per process: for the text built outside the screens
    (explanations, offer reasons, badges, the phone page). A language with no catalogue reads English."""
    if not _catalogue(language, folder).exists():
        return Words(language, gettext.NullTranslations())
    return Catalogs.load([language], folder).words(language)


def N_(message: str) -> str:  # noqa: N802 (the gettext convention: marks a message, translated later)
    return message


def _compile(path: Path, language: str, cache: Path | None = None) -> gettext.NullTranslations:
    """The PO file compiled, through a cache of compiled catalogues keyed by the PO's sha256
    (Babel and its parse cost ~0.3 s of a start; a cache that cannot be read or written only costs that)."""
    if language == "en" and not path.exists():
        return gettext.NullTranslations()  # the message ids are English
    try:
        po = path.read_bytes()
    except FileNotFoundError:
        raise ContentError(f"no interface catalogue for {language!r}: {path} is missing",
                           hint="run `bash scripts/i18n.sh` and translate the new file, or remove the language "
                                "from [content] languages") from None
    compiled_path = (cache or state_dir() / "locale") / f"{language}-{hashlib.sha256(po).hexdigest()}.mo"
    try:
        return gettext.GNUTranslations(io.BytesIO(compiled_path.read_bytes()))
    except (OSError, ValueError, struct.error):  # not there yet (or damaged): compile it
        pass
    compiled = _compile_po(po, path, language)
    try:
        compiled_path.parent.mkdir(parents=True, exist_ok=True)
        for stale in compiled_path.parent.glob(f"{language}-*.mo"):  # one per language: the folder stays small
            stale.unlink()
        tmp = compiled_path.with_name(compiled_path.name + ".tmp")
        tmp.write_bytes(compiled)
        tmp.replace(compiled_path)
    except OSError as exc:
        log.warning("compiled catalogue not cached (%s): compiled again at next start", exc)
    return gettext.GNUTranslations(io.BytesIO(compiled))


def _compile_po(po: bytes, path: Path, language: str) -> bytes:
    from babel.messages.mofile import write_mo  # deferred: only when a catalogue changed
    from babel.messages.pofile import read_po

    try:
        catalog = read_po(io.BytesIO(po), locale=language, abort_invalid=True)
    except Exception as exc:  # Babel reports syntax errors with their line number
        raise ContentError(f"{path}: {exc}", hint="fix the PO file (msgid/msgstr pairs in double quotes)") from exc
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    return compiled.getvalue()
