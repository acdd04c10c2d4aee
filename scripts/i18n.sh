#!/usr/bin/env bash
# Extract the interface's messages (gettext/_ calls) into kiosk/locale/kiosk.pot and merge them into
# every language's PO file. Then translate the new entries (msgstr "") and run the tests:
# tests/unit/test_i18n.py says which messages a language still lacks.
# Lines wrap at 100 columns, as the catalogues always have (Babel's default of 76 would rewrap them all).
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=.venv/bin/pybabel
$PYBABEL extract --no-location --sort-output --width 100 -k gettext -k ngettext:1,2 -k _ -k N_ \
  --project "Nova Kiosk" --copyright-holder "Nova Kiosk contributors" -o kiosk/locale/kiosk.pot kiosk
for language in $(.venv/bin/python -m kiosk.languages); do  # the registry: kiosk/languages.py
  po="kiosk/locale/$language/LC_MESSAGES/kiosk.po"
  if [ -f "$po" ]; then
    $PYBABEL update --no-fuzzy-matching --ignore-obsolete --width 100 -i kiosk/locale/kiosk.pot -l "$language" -o "$po"
  else
    $PYBABEL init --width 100 -i kiosk/locale/kiosk.pot -l "$language" -o "$po"
  fi
done
