"""The languages the kiosk offers its visitors: one registry that everything reads.

Each entry says how the language is written and where its words are: its code (the key of pack
texts and of `[content] language`), its name in its own words (the language switch), its writing
direction, its BCP 47 tag (xAPI `context.language`), the CLDR locale whose plural rules apply
(Babel reads them when it compiles the catalogue; the PO header's Plural-Forms must agree,
`msgfmt -c` checks it), its gettext catalogue and its speech voice (espeak-ng). Adding a language is
one entry here plus its catalogue: the language switch lists it, the session accepts it, the
config allows it, `kiosk lint` asks every pack for its texts, and `scripts/i18n.sh` creates its PO
file. Bottom layer (stdlib only), so the config can check `[content] language` against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "kiosk"


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    native: str  # the language's name in its own words
    direction: str = "ltr"  # "ltr" | "rtl"
    tag: str = ""  # BCP 47 for xAPI; "" = the code
    plural_locale: str = ""  # CLDR plural rules (Babel); "" = the code
    voice: str = ""  # espeak-ng voice; "" = the code
    locale_dir: Path = LOCALE_DIR  # where its catalogue lives (<dir>/<code>/LC_MESSAGES/kiosk.po)

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def bcp47(self) -> str:
        return self.tag or self.code

    @property
    def cldr_locale(self) -> str:
        """The locale whose CLDR plural rules the catalogue's Plural-Forms must follow."""
        return self.plural_locale or self.code

    @property
    def catalogue(self) -> Path:
        """The gettext catalogue (PO source) of the interface's words in this language."""
        return catalogue_in(self.locale_dir, self.code)


def catalogue_in(folder: Path, code: str) -> Path:
    return folder / code / "LC_MESSAGES" / f"{DOMAIN}.po"


REGISTRY: tuple[Language, ...] = (
    Language("fr", "Français", tag="fr-FR"),
    Language("en", "English", tag="en-US"),
    Language("ar", "العربية", direction="rtl"),
    Language("uk", "Українська", tag="uk-UA"),
)


def codes() -> tuple[str, ...]:
    """The offered languages, in the order the language switch shows them."""
    return tuple(language.code for language in REGISTRY)


def language(code: str) -> Language | None:
    return next((entry for entry in REGISTRY if entry.code == code), None)


def bcp47(code: str) -> str:
    """xAPI's language tag for a kiosk language code (an unknown code is passed through)."""
    entry = language(code)
    return code if entry is None else entry.bcp47


def code_of(tag: str) -> str:
    """Back from a language tag to the kiosk's code (fr-FR -> fr)."""
    for entry in REGISTRY:
        if tag in (entry.bcp47, entry.code):
            return entry.code
    return tag.split("-", maxsplit=1)[0]


if __name__ == "__main__":  # `python -m kiosk.languages`: the codes, for shell scripts (scripts/i18n.sh)
    print(" ".join(codes()))
