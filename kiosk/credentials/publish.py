"""`kiosk keys publish DIR`: the files the agency's web server hosts so that anyone can verify its
badges without our software — laid out as the server's document root (kiosk/credentials/issuer.py
says which URL each path answers). Public material only: the private key never leaves the kiosk."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from kiosk.credentials.badge import criteria_text
from kiosk.credentials.issuer import (
    CRITERIA_PAGE,
    JWKS_PATH,
    PAGE_FOLDER,
    Issuer,
    did_document,
    key_set,
    profile,
    site,
)
from kiosk.i18n import NATIVE_NAMES, words_for

PAGE_FILES = ("index.html", "verify.js", "jsQR.js", "jsQR-LICENSE.txt")  # jsQR 1.4.0 (npm), Apache-2.0


def documents(issuer: Issuer, jwks: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Path under the document root → content; every key ever used, so older badges still verify."""
    home = site(issuer.id)
    described = " / ".join(words_for(language).gettext("Skill badges of the Nova kiosks") for language in NATIVE_NAMES)
    issuer_profile = _json(profile(issuer, described))
    out = {JWKS_PATH: _json(key_set(issuer.id, jwks)), home.profile: issuer_profile,
           f"{home.base}{CRITERIA_PAGE}": _criteria_page(issuer),
           f"{home.base}{PAGE_FOLDER}/issuer.json": issuer_profile}  # whose badges the page accepts
    if home.did_document:
        out[home.did_document] = _json(did_document(issuer.id, jwks))
    page = resources.files("kiosk.credentials") / "verify_page"
    for name in PAGE_FILES:
        out[f"{home.base}{PAGE_FOLDER}/{name}"] = (page / name).read_text(encoding="utf-8")
    return out


def publish(folder: Path, issuer: Issuer, jwks: Sequence[Mapping[str, Any]]) -> list[Path]:
    written = []
    for relative, content in sorted(documents(issuer, jwks).items()):
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".new")
        temporary.write_text(content, encoding="utf-8")
        temporary.replace(path)  # a server never serves half a key set
        written.append(path)
    return written


def _json(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _criteria_page(issuer: Issuer) -> str:
    """What earns a badge, in every language the kiosk offers (the compact QR badge links here)."""
    e = html.escape
    sections = []
    for language in NATIVE_NAMES:
        words = words_for(language)
        heading = words.gettext("Criteria of the skill badges")
        direction = "rtl" if words.rtl else "ltr"
        sections.append(f'<section lang="{language}" dir="{direction}"><h2>{e(heading)}</h2>'
                        f'<p>{e(criteria_text(language))}</p></section>')
    title = words_for("fr").gettext("Criteria of the skill badges")
    return ('<!doctype html><html lang="fr"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{e(title)} — {e(issuer.name)}</title></head><body>'
            + "".join(sections) + f'<p>{e(issuer.name)}</p></body></html>\n')
