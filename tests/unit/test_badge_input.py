"""Issue 27 item 9 (credentials): `kiosk badge verify` refuses hostile input in one line with exit 65:
headers that are no object, deep nesting, endless files, claims of the wrong type, even when signed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kiosk.cli import main
from kiosk.credentials import keys as keystore
from kiosk.credentials.badge import SkillAward, credential, sign
from kiosk.credentials.issuer import Issuer, key_id
from kiosk.credentials.keys import b64url

ISSUER = "https://agency.example.org/nova/issuer"
NOW = datetime.now(UTC)


def _part(value: Any) -> str:
    return b64url(json.dumps(value).encode() if not isinstance(value, bytes) else value)


def _signed(folder: Path, header: Any = None, **claims: Any) -> str:
    """A token signed by a trusted key: only the input checks can refuse it."""
    key = keystore.active(folder)
    payload = {"iss": ISSUER, "jti": "urn:uuid:c", "sub": "urn:uuid:v", "nbf": 0, "iat": 0, "exp": 2**32,
               "issuer": {"id": ISSUER}, "credentialSubject": {"achievement": {}}}
    payload.update(claims)
    signing_input = f"{_part(header or {'alg': 'EdDSA', 'typ': 'JWT', 'kid': key_id(ISSUER, key.kid)})}" \
                    f".{_part(payload)}"
    return f"{signing_input}.{b64url(key.private.sign(signing_input.encode()))}"


@pytest.fixture
def agency(tmp_path: Path) -> Path:
    keystore.generate(tmp_path / "keys")
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[credentials]\nkeys = "{tmp_path / "keys"}"\nissuer_id = "{ISSUER}"\n', encoding="utf-8")
    return config


def _verify(agency: Path, credential: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["--config", str(agency), "badge", "verify", credential]) == 65
    err = capsys.readouterr().err.strip()
    assert err.startswith("kiosk: error: ") and "\n" not in err, err
    return err


@pytest.mark.parametrize(("header", "expected"), [
    ([1, 2], "header must be a JSON object, not list"),
    ("EdDSA", "header must be a JSON object, not str"),
    ({"alg": "EdDSA", "kid": {"a": 1}}, "the header's `kid` must be a text"),
    ({"alg": "EdDSA", "kid": "k", "x": json.loads("[" * 20 + "]" * 20)}, "nested deeper than 16 levels"),
])
def test_a_header_of_the_wrong_shape_is_refused(agency: Path, header: Any, expected: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert expected in _verify(agency, f"{_part(header)}.{_part({})}.AAAA", capsys)


def test_thousands_of_nested_brackets_are_refused(agency: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep = b"[" * 5000 + b"]" * 5000
    assert "not valid base64url JSON" in _verify(agency, f"{_part(deep)}.{_part({})}.AAAA", capsys)


@pytest.mark.parametrize(("claims", "expected"), [
    ({"exp": "2030-01-01"}, "`exp` must be a whole number of seconds"),
    ({"exp": 1e300}, "`exp` must be a whole number of seconds"),
    ({"exp": 10**30}, "`exp` must be a whole number of seconds"),
    ({"nbf": True}, "`nbf` must be a whole number of seconds"),
    ({"credentialSubject": "a person"}, "a `credentialSubject` object"),
    ({"issuer": ["x"]}, "a `credentialSubject` object"),
    ({"iss": ["x"]}, "the claim `iss` must be a text"),
])
def test_signed_claims_of_the_wrong_type_are_refused(agency: Path, claims: dict[str, Any], expected: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    token = _signed(agency.parent / "keys", **claims)
    assert expected in _verify(agency, token, capsys)


def test_an_endless_file_is_refused_by_its_size(agency: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "larger than 16384 bytes" in _verify(agency, "/dev/zero", capsys)


def test_a_binary_file_is_refused(agency: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)))
    assert "not a credential" in _verify(agency, str(photo), capsys)


def _issued(folder: Path) -> str:
    """A badge as the kiosk issues it."""
    award = SkillAward("T4.3", "http://data.europa.eu/esco/skill/8b1a9d5a-1f1c-4c36-b0d1-6f1b6cc4e1f1",
                       "Travailler en équipe", 60, 90, ("vous avez aidé une collègue",), "Le coup de feu")
    body = credential(Issuer(ISSUER, "Agence test"), "urn:uuid:v", award, NOW, 365, "urn:uuid:c", "fr")
    return sign(body, keystore.active(folder))


def test_an_old_style_vc_claim_is_refused_with_a_reason(agency: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = keystore.active(agency.parent / "keys")
    payload = {"iss": ISSUER, "jti": "urn:uuid:c", "sub": "urn:uuid:v", "nbf": 0,
               "vc": {"issuer": {"id": ISSUER}, "credentialSubject": {"achievement": {}}}}
    signing_input = f"{_part({'alg': 'EdDSA', 'typ': 'JWT', 'kid': key_id(ISSUER, key.kid)})}.{_part(payload)}"
    token = f"{signing_input}.{b64url(key.private.sign(signing_input.encode()))}"
    assert "VCDM 1.1-style `vc` claim" in _verify(agency, token, capsys)


def test_a_well_formed_signed_token_still_verifies(agency: Path, capsys: pytest.CaptureFixture[str]) -> None:
    token = _issued(agency.parent / "keys")
    assert main(["--config", str(agency), "badge", "verify", token]) == 0
    assert "valid: Travailler en équipe (T4.3)" in capsys.readouterr().out


def test_a_file_named_with_two_dots_is_read(agency: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    token = _issued(agency.parent / "keys")
    (tmp_path / "badge.v2.jwt").write_text(token + "\n", encoding="ascii")
    monkeypatch.chdir(tmp_path)  # `badge.v2.jwt` has two dots and no slash, like a token
    assert main(["--config", str(agency), "badge", "verify", "badge.v2.jwt"]) == 0
    assert "valid: Travailler en équipe (T4.3)" in capsys.readouterr().out
