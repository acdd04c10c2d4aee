"""The interface catalogues: complete in every shipped language, placeholders kept, errors located."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kiosk.errors import ContentError
from kiosk.i18n import LOCALE_DIR, Catalogs
from kiosk.languages import codes
from kiosk.languages import language as registered

LANGUAGES = codes()  # the registry (kiosk.languages)
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _template() -> list[str]:
    """The message ids (a plural message by its singular)."""
    with (LOCALE_DIR / "kiosk.pot").open("rb") as source:
        return [m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(source) if m.id]


def test_the_template_is_current_with_the_code() -> None:
    """Every message the code marks is in kiosk.pot (run scripts/i18n.sh after adding one)."""
    marked = set()
    for path in (Path(__file__).resolve().parents[2] / "kiosk").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        marked |= set(re.findall(r"""(?:\b_|gettext|\bN_)\(\s*"((?:[^"\\]|\\.)+)"\s*\)""", text))
    missing = {m for m in marked if "{" not in m or PLACEHOLDER.search(m)} - set(_template())
    assert not missing, f"messages not in kiosk.pot (run bash scripts/i18n.sh): {sorted(missing)[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_its_placeholders(language: str) -> None:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "kiosk.po").open("rb") as source:
        catalog = read_po(source, locale=language)
    by_id = {(m.id[0] if isinstance(m.id, tuple) else m.id): m.string for m in catalog if m.id}
    for message in _template():
        strings = by_id.get(message)
        forms = strings if isinstance(strings, tuple) else (strings,)
        assert strings and all(forms), f"{language}: no translation for {message!r}"
        for translated in forms:
            assert sorted(PLACEHOLDER.findall(translated)) == sorted(PLACEHOLDER.findall(message)), \
                f"{language}: placeholders differ in {translated!r}"


def test_words_translate_and_know_the_direction() -> None:
    catalogs = Catalogs.load(LANGUAGES)
    assert catalogs.words("fr").gettext("Continue") == "Continuer"
    assert catalogs.words("uk").gettext("Stop") == "Зупинити"
    assert catalogs.words("ar").rtl and not catalogs.words("fr").rtl
    assert catalogs.words("de").gettext("Continue") == "Continue"  # unknown language: English, never blank


def test_a_broken_catalogue_names_the_file_and_line(tmp_path: Path) -> None:
    po = tmp_path / "fr" / "LC_MESSAGES" / "kiosk.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid "Continue"\nmsgtsr "Continuer"\n', encoding="utf-8")  # misspelt keyword
    with pytest.raises(ContentError) as caught:
        Catalogs.load(["fr"], tmp_path)
    assert str(po) in str(caught.value)
    with pytest.raises(ContentError, match="no interface catalogue for 'uk'"):
        Catalogs.load(["uk"], tmp_path)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalogue_groups_numbers_as_cldr_plural_rules_do(language: str) -> None:
    """The Plural-Forms formula sorts 0..1000 into the same groups as CLDR's rules (read through Babel):
    one gettext form per CLDR category, so Arabic 11-99 ("many") never shares a form with 100 ("other")."""
    import gettext

    from babel import Locale

    with (LOCALE_DIR / language / "LC_MESSAGES" / "kiosk.po").open("rb") as source:
        formula = gettext.c2py(read_po(source).plural_forms.split("plural=", 1)[1].rstrip(";"))
    entry = registered(language)
    assert entry is not None and entry.catalogue == LOCALE_DIR / language / "LC_MESSAGES" / "kiosk.po"
    rule = Locale.parse(entry.cldr_locale).plural_form
    form_of: dict[str, int] = {}
    category_of: dict[int, str] = {}
    for n in range(1001):
        form, category = formula(n), rule(n)
        assert form_of.setdefault(category, form) == form, f"{language}: n={n} ({category}) gets form {form}"
        assert category_of.setdefault(form, category) == category, f"{language}: form {form} covers {category}, n={n}"
    cldr_order = ("zero", "one", "two", "few", "many", "other")  # translators fill msgstr[i] in this order
    assert sorted(form_of, key=cldr_order.index) == sorted(form_of, key=form_of.__getitem__), form_of


@pytest.mark.parametrize("language", LANGUAGES)
def test_gnu_msgfmt_accepts_each_catalogue(language: str) -> None:
    """GNU gettext's own checker (format strings, plural forms, header) on every interface catalogue."""
    import shutil
    import subprocess

    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt is missing (Debian gettext, installed by scripts/setup.sh)"
    po = LOCALE_DIR / language / "LC_MESSAGES" / "kiosk.po"
    done = subprocess.run([msgfmt, "-c", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "untranslated" not in done.stderr and "fuzzy" not in done.stderr, done.stderr


def test_sentences_built_outside_the_screens_are_translated() -> None:
    """Offer reasons, phone page and out-of-order screen read the visitor's catalogue, numbers in plural forms."""
    from kiosk.i18n import words_for

    ar, uk = words_for("ar"), words_for("uk")
    assert ar.ngettext("{title} at {employer}, {km} km away", "{title} at {employer}, {km} km away", 11) \
        == "{title} لدى {employer}، على بعد {km} كم"
    assert uk.gettext("{items} and {item}").format(items="A", item="B") == "A і B"
    assert ar.gettext("{items}, {item}").format(items="A", item="B") == "A، B"
    assert words_for("de").gettext("Your badges") == "Your badges"  # no catalogue: English, never blank
