"""The interface's words in the visitor's language: gettext catalogues written as PO files.

`kiosk/locale/<language>/LC_MESSAGES/kiosk.po` are the sources (message ids are the English
texts; `scripts/i18n.sh` extracts them with Babel and updates every catalogue). They are read
with Babel and compiled in memory when the kiosk starts, so there is no build step and no
binary file to keep in step. A message missing from a catalogue shows in English, never blank.
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kiosk.errors import ContentError
from kiosk.languages import LOCALE_DIR, REGISTRY, catalogue_in
from kiosk.languages import language as language_entry

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


def _compile(path: Path, language: str) -> gettext.NullTranslations:
    if language == "en" and not path.exists():
        return gettext.NullTranslations()  # the message ids are English
    try:
        with path.open("rb") as source:
            catalog = read_po(source, locale=language, abort_invalid=True)
    except FileNotFoundError:
        raise ContentError(f"no interface catalogue for {language!r}: {path} is missing",
                           hint="run `bash scripts/i18n.sh` and translate the new file, or remove the language "
                                "from [content] languages") from None
    except Exception as exc:  # Babel reports syntax errors with their line number
        raise ContentError(f"{path}: {exc}", hint="fix the PO file (msgid/msgstr pairs in double quotes)") from exc
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)
