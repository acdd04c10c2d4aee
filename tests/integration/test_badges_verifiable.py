"""Badges an outsider can verify, checked with what this project did not write: every issued
credential against the official 1EdTech OB 3.0 JSON Schemas (tests/data/ob3/), signatures with
jwcrypto after fetching the key through the JWT's `kid` from the published files served over HTTP
on 127.0.0.1, and the static verification page in headless Chromium (WebCrypto Ed25519) on a valid,
an old-key, a tampered, a non-canonical, a foreign, an unpublished-key and an expired badge, pasted,
opened from a link, read from a photo of the kiosk's QR code and filmed by a (fake) camera.

The published files say `https://agency.example.org/...`; the tests map that host to the local
server (the test's own resolver rewrites the URL; in Chromium, playwright routes the requests)."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from urllib.request import Request, urlopen

import jsonschema
import pytest
from jwcrypto import jwk, jws, jwt

from kiosk.cli import main
from kiosk.commands.results import sample_visit
from kiosk.config import load_settings
from kiosk.credentials import keys as keystore
from kiosk.credentials.badge import SkillAward, credential, sign
from kiosk.credentials.issuer import Issuer
from kiosk.credentials.keys import b64url, unb64url

REPO = Path(__file__).resolve().parents[2]
OB3 = REPO / "tests" / "data" / "ob3"
AGENCY = "https://agency.example.org"
DID = "did:web:agency.example.org:nova"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((OB3 / name).read_text(encoding="utf-8"))
    assert "date-time" in jsonschema.Draft201909Validator.FORMAT_CHECKER.checkers  # rfc3339-validator is installed
    return jsonschema.Draft201909Validator(schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)


CREDENTIAL_SCHEMA = _validator("achievementcredential.json")
PROFILE_SCHEMA = _validator("profile.json")


@dataclass
class Agency:
    config: Path
    www: Path
    old: list[str]  # signed with the first key, before a rotation
    new: list[str]
    server: str  # http://127.0.0.1:PORT serving www as the agency's document root


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def _serving(root: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _config(folder: Path, issuer_id: str = DID) -> Path:
    config = folder / "kiosk.toml"
    config.write_text(f'[content]\nscenarios = "{REPO / "scenarios"}"\n\n'
                      f'[offers]\npath = "{folder / "offers.json"}"\n\n'
                      f'[credentials]\nkeys = "{folder / "keys"}"\nissuer_id = "{issuer_id}"\n'
                      f'issuer_name = "Agence Lyon Part-Dieu"\n', encoding="utf-8")
    assert main(["--config", str(config), "offers", "import", str(REPO / "assets/offers/sample-offers.csv")]) == 0
    return config


@pytest.fixture(scope="module")
def agency(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Agency]:
    folder = tmp_path_factory.mktemp("agency")
    config = _config(folder)
    assert main(["--config", str(config), "keys", "generate"]) == 0
    assert main(["--config", str(config), "results", "sample", "aide-a-domicile", "--offline",
                 "--out", str(folder / "old")]) == 0
    assert main(["--config", str(config), "keys", "rotate"]) == 0
    assert main(["--config", str(config), "results", "sample", "commis-de-cuisine", "conducteur-routier",
                 "--lang", "en", "--offline", "--out", str(folder / "new")]) == 0
    assert main(["--config", str(config), "keys", "publish", str(folder / "www")]) == 0
    old, new = ([p.read_text(encoding="utf-8").strip() for p in sorted((folder / run).glob("badge-*.jwt"))]
                for run in ("old", "new"))
    assert old and new
    with _serving(folder / "www") as server:
        yield Agency(config, folder / "www", old, new, server)


def _payload(token: str) -> dict[str, Any]:
    return dict(json.loads(unb64url(token.split(".")[1])))


def _fetch(url: str, agency_host: str, server: str) -> dict[str, Any]:
    """GET a published document; the agency's host is mapped to the local server."""
    assert url.startswith(agency_host + "/"), url
    request = Request(server + url[len(agency_host):], headers={"Accept": "application/json"})
    with urlopen(request, timeout=10) as response:
        return dict(json.load(response))


def _dereference(kid: str, server: str) -> dict[str, Any]:
    """The test's own resolver, written from the did:web method spec and OB 3.0 §8.3 (not kiosk code)."""
    address, _, fragment = kid.partition("#")
    if address.startswith("did:web:"):
        host, *path = [unquote(p) for p in address.removeprefix("did:web:").split(":")]
        document = _fetch(f"https://{host}/{'/'.join(path) if path else '.well-known'}/did.json", f"https://{host}",
                          server)
        assert document["id"] == address
        assert kid in document["assertionMethod"]  # allowed to assert credentials
        return next(dict(m["publicKeyJwk"]) for m in document["verificationMethod"]
                    if m["id"] == kid and m["controller"] == address)
    keys = _fetch(address, AGENCY, server)["keys"]
    return next(dict(k) for k in keys if k["kid"] == fragment)


def _jwcrypto_verify(token: str, server: str) -> dict[str, Any]:
    """jwcrypto checks the signature with the key found through the header's `kid`."""
    parsed = jws.JWS()
    parsed.deserialize(token)
    header = parsed.jose_header
    assert header["alg"] == "EdDSA" and header["typ"] == "JWT"
    public = _dereference(header["kid"], server)
    assert "d" not in public
    parsed.verify(jwk.JWK(**public), alg="EdDSA")
    return dict(json.loads(parsed.payload))


def test_every_issued_credential_passes_the_official_ob3_schema(agency: Agency, tmp_path: Path) -> None:
    settings = load_settings(agency.config)
    checked = 0
    for packs, language in ((["commis-de-cuisine", "conducteur-routier"], "fr"), (["aide-a-domicile"], "ar")):
        visit = sample_visit(settings, packs, tmp_path / language, language=language, online=False,
                             now=datetime.fromisoformat("2026-11-23T10:00:00+00:00"), out=io.StringIO())
        assert visit.issued
        for issued in visit.issued:
            for document in (issued.credential, _payload(issued.jwt), _payload(issued.qr_jwt)):
                errors = [f"{list(e.absolute_path)}: {e.message}" for e in CREDENTIAL_SCHEMA.iter_errors(document)]
                assert errors == []
                PROFILE_SCHEMA.validate(document["issuer"])
                checked += 1
    assert checked >= 2 * 3
    profile = json.loads((agency.www / "nova" / "issuer.json").read_text(encoding="utf-8"))
    PROFILE_SCHEMA.validate(profile)
    assert profile["id"] == DID and profile["name"] == "Agence Lyon Part-Dieu"


def test_the_schema_catches_what_it_should(agency: Agency) -> None:
    """The validator is live: a credential without its issuer, or with the VC 1.1 dates, fails."""
    body = {k: v for k, v in _payload(agency.new[0]).items() if k != "issuer"}
    assert not CREDENTIAL_SCHEMA.is_valid(body)
    assert not CREDENTIAL_SCHEMA.is_valid({**body, "issuer": _payload(agency.new[0])["issuer"], "validFrom": "today"})


def test_jwcrypto_verifies_every_badge_through_the_published_kid(agency: Agency) -> None:
    for token in agency.old + agency.new:  # the old ones through the rotated-out key, still published
        payload = _jwcrypto_verify(token, agency.server)
        assert payload["iss"] == payload["issuer"]["id"] == DID
        assert payload["sub"] == payload["credentialSubject"]["id"] and payload["jti"] == payload["id"]
        assert payload["nbf"] == int(datetime.fromisoformat(payload["validFrom"]).timestamp())
        assert payload["exp"] == int(datetime.fromisoformat(payload["validUntil"]).timestamp())
    for token in agency.new:  # jwcrypto's JWT layer accepts the claims too (issued moments ago, valid a year)
        header = json.loads(unb64url(token.split(".")[0]))
        checked = jwt.JWT(jwt=token, key=jwk.JWK(**_dereference(header["kid"], agency.server)), expected_type="JWS",
                          check_claims={"iss": DID, "sub": None, "jti": None, "nbf": None, "exp": None})
        assert json.loads(checked.claims)["iss"] == DID
    kids = {json.loads(unb64url(t.split(".")[0]))["kid"] for t in agency.old + agency.new}
    assert len(kids) == 2  # two keys, both dereferenced
    token = agency.new[0]
    header, payload, signature = token.split(".")
    changed = json.dumps({**_payload(token), "name": "Chef de cuisine"}, separators=(",", ":")).encode()
    with pytest.raises(jws.InvalidJWSSignature):
        _jwcrypto_verify(f"{header}.{b64url(changed)}.{signature}", agency.server)


def test_the_jwks_serves_every_key_with_its_issuer(agency: Agency) -> None:
    published = _fetch(f"{AGENCY}/.well-known/jwks.json", AGENCY, agency.server)
    key_set = jwk.JWKSet.from_json(json.dumps(published))
    for token in agency.old + agency.new:
        parsed = jws.JWS()
        parsed.deserialize(token)
        key = key_set.get_key(parsed.jose_header["kid"].partition("#")[2])
        assert key is not None and not key.has_private
        parsed.verify(key, alg="EdDSA")
    assert {k["iss"] for k in published["keys"]} == {DID}


def test_an_https_issuer_publishes_its_keys_as_a_jwk_set(tmp_path: Path) -> None:
    config = _config(tmp_path, "https://agency.example.org/nova/issuer")
    assert main(["--config", str(config), "keys", "generate"]) == 0
    assert main(["--config", str(config), "results", "sample", "aide-a-domicile", "--offline",
                 "--out", str(tmp_path / "out")]) == 0
    assert main(["--config", str(config), "keys", "publish", str(tmp_path / "www")]) == 0
    assert not (tmp_path / "www" / "nova" / "did.json").exists()
    with _serving(tmp_path / "www") as server:
        assert _fetch(f"{AGENCY}/nova/issuer", AGENCY, server)["id"] == "https://agency.example.org/nova/issuer"
        for badge in sorted((tmp_path / "out").glob("badge-*.jwt")):
            token = badge.read_text(encoding="utf-8").strip()
            assert json.loads(unb64url(token.split(".")[0]))["kid"].startswith(f"{AGENCY}/.well-known/jwks.json#")
            assert _jwcrypto_verify(token, server)["iss"] == "https://agency.example.org/nova/issuer"


def test_kiosk_badge_verify_refuses_a_non_canonical_signature(agency: Agency,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    token = agency.new[0]
    assert main(["--config", str(agency.config), "badge", "verify", token]) == 0
    sibling = token[:-1] + ALPHABET[ALPHABET.index(token[-1]) ^ 1]  # an unused bit: same bytes, other spelling
    capsys.readouterr()
    assert main(["--config", str(agency.config), "badge", "verify", sibling]) == 65
    assert "canonical base64url" in capsys.readouterr().err


# -- the verification page, in headless Chromium -------------------------------------------------

@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "headless Chromium is needed (scripts/setup.sh installs Debian's chromium)"
    with sync_playwright() as p:  # one per module: the sync API cannot nest
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Any) -> Iterator[Any]:
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    yield launched
    launched.close()


@pytest.fixture(scope="module")
def page(browser: Any, agency: Agency) -> Iterator[Any]:
    """The published page, loaded once from https://agency.example.org/nova/verify/."""
    opened = browser.new_page()
    # the agency's host answered by the local server, as a browser elsewhere would reach the real one
    opened.route(f"{AGENCY}/**", lambda route: route.fulfill(
        response=route.fetch(url=agency.server + route.request.url[len(AGENCY):])))
    opened.clock.set_fixed_time(datetime.fromisoformat("2026-11-23T10:00:00+00:00"))
    opened.goto(f"{AGENCY}/nova/verify/")
    yield opened
    opened.close()


def _verdict(page: Any, token: str, at: datetime) -> tuple[str, str]:
    page.clock.set_fixed_time(at)
    page.fill("#badge", token)
    page.click("#check")  # the handler marks the verdict "working" before its first await
    # a locator, not wait_for_function: the page's Content-Security-Policy forbids evaluating strings
    page.locator("#verdict[data-verdict=valid], #verdict[data-verdict=invalid]").wait_for(timeout=10_000)
    verdict = page.locator("#verdict")
    return str(verdict.get_attribute("data-verdict")), verdict.inner_text()


def _during(token: str) -> datetime:
    return datetime.fromisoformat(_payload(token)["validFrom"]) + timedelta(days=1)


def test_the_page_says_valid_and_shows_issuer_skill_dates_evidence(page: Any, agency: Agency) -> None:
    token = agency.new[0]
    body = _payload(token)
    verdict, said = _verdict(page, token, _during(token))
    assert (verdict, said.startswith("✔")) == ("valid", True), said
    assert "Agence Lyon Part-Dieu" in page.inner_text("#issuer") and DID in page.inner_text("#issuer")
    achievement = body["credentialSubject"]["achievement"]
    skill = page.inner_text("#skill")
    assert achievement["name"] in skill and achievement["alignment"][0]["targetCode"] in skill
    assert achievement["alignment"][0]["targetUrl"] in skill
    assert "délivré le" in page.inner_text("#dates") and "valable jusqu'au" in page.inner_text("#dates")
    assert body["evidence"][0]["narrative"].splitlines()[0] in page.inner_text("#evidence")
    assert page.inner_text("#key") == json.loads(unb64url(token.split(".")[0]))["kid"]


def test_the_page_accepts_a_badge_signed_before_a_key_rotation(page: Any, agency: Agency) -> None:
    token = agency.old[0]
    verdict, said = _verdict(page, token, _during(token))
    assert verdict == "valid", said


def test_the_page_refuses_a_tampered_badge(page: Any, agency: Agency) -> None:
    token = agency.new[0]
    header, _, signature = token.split(".")
    body = _payload(token)
    body["credentialSubject"]["achievement"]["name"] = "Chef de cuisine"  # a better skill than was shown
    tampered = f"{header}.{b64url(json.dumps(body, separators=(',', ':')).encode())}.{signature}"
    verdict, said = _verdict(page, tampered, _during(token))
    assert verdict == "invalid" and "la signature ne correspond pas" in said, said
    assert "non vérifié" in page.inner_text("#details-title")  # what it claims is shown, marked unverified


def test_the_page_refuses_an_expired_badge(page: Any, agency: Agency) -> None:
    token = agency.new[0]
    after = datetime.fromisoformat(_payload(token)["validUntil"]) + timedelta(seconds=1)
    verdict, said = _verdict(page, token, after)
    assert verdict == "invalid" and "a expiré" in said, said
    verdict, said = _verdict(page, token, after - timedelta(seconds=2))  # the last second
    assert verdict == "valid", said


def test_the_page_refuses_non_canonical_foreign_and_unpublished_badges(page: Any, agency: Agency,
                                                                      tmp_path: Path) -> None:
    token = agency.new[0]
    sibling = token[:-1] + ALPHABET[ALPHABET.index(token[-1]) ^ 1]
    verdict, said = _verdict(page, sibling, _during(token))
    assert verdict == "invalid" and "canonique" in said, said
    stranger = Issuer("did:web:agency.example.org:elsewhere", "Faux organisme")  # same host, another issuer
    key = keystore.generate(tmp_path / "keys")
    award = SkillAward("T4.3", "http://data.europa.eu/esco/skill/x", "travailler en équipe", 90, 99, ("x",), "y")
    moment = datetime.fromisoformat(_payload(token)["validFrom"])
    forged = sign(credential(stranger, "urn:uuid:v", award, moment, 30, "urn:uuid:f", "fr"), key)
    verdict, said = _verdict(page, forged, moment)
    assert verdict == "invalid" and "pas été délivré par Agence Lyon Part-Dieu" in said, said
    ours = Issuer(DID, "Agence Lyon Part-Dieu")  # our name, a key that was never published (rotated, not published)
    unpublished = sign(credential(ours, "urn:uuid:v", award, moment, 30, "urn:uuid:u", "fr"), key)
    verdict, said = _verdict(page, unpublished, moment)
    assert verdict == "invalid" and f"la clé {DID}#{key.kid} n'est pas publiée" in said, said


def test_the_results_page_links_each_badge_to_the_verification_page(browser: Any, agency: Agency) -> None:
    results = agency.www.parent / "new" / "results.html"
    opened = browser.new_page()
    opened.route(f"{AGENCY}/**", lambda route: route.fulfill(
        response=route.fetch(url=agency.server + route.request.url[len(AGENCY):])))
    opened.goto(results.as_uri())
    links = [a.get_attribute("href") for a in opened.locator("li.badge a.check").all()]
    assert sorted(link.partition("#")[2] for link in links) == sorted(agency.new)
    assert all(link.startswith(f"{AGENCY}/nova/verify/#") for link in links)
    opened.clock.set_fixed_time(_during(agency.new[0]))
    opened.goto(links[0])  # the fragment fills the page in and checks at once
    opened.locator("#verdict[data-verdict=valid], #verdict[data-verdict=invalid]").wait_for(timeout=10_000)
    assert opened.locator("#verdict").get_attribute("data-verdict") == "valid"
    assert opened.input_value("#badge") == links[0].partition("#")[2]
    opened.close()


def test_keys_publish_says_what_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path)
    capsys.readouterr()
    assert main(["--config", str(config), "keys", "publish"]) == 78
    assert "needs a folder" in capsys.readouterr().err
    assert main(["--config", str(config), "keys", "show", str(tmp_path / "www")]) == 78
    assert main(["--config", str(config), "keys", "publish", str(tmp_path / "www")]) == 65
    assert "no keys" in capsys.readouterr().err and not (tmp_path / "www").exists()
    assert main(["--config", str(config), "keys", "generate"]) == 0
    (tmp_path / "keys" / "active.pem").unlink()  # a folder of public keys gathered from kiosks is enough
    assert main(["--config", str(config), "keys", "publish", str(tmp_path / "www")]) == 0
    published = json.loads((tmp_path / "www" / "nova" / "did.json").read_text(encoding="utf-8"))
    assert len(published["verificationMethod"]) == 1
    assert all("d" not in m["publicKeyJwk"] for m in published["verificationMethod"])


def test_the_page_reads_a_photo_of_the_kiosks_qr_code(page: Any, agency: Agency) -> None:
    """Chromium on Linux has no BarcodeDetector: the vendored jsQR decodes the picture."""
    qr = agency.www.parent / "new" / "handoff-qr.png"
    assert not page.evaluate("() => 'BarcodeDetector' in window")
    page.reload()  # no verdict left from an earlier check: the decoding happens before the next one starts
    page.clock.set_fixed_time(_during(agency.new[0]))
    page.set_input_files("#file", str(qr))
    page.locator("#verdict[data-verdict=valid], #verdict[data-verdict=invalid]").wait_for(timeout=20_000)
    verdict = page.locator("#verdict")
    assert verdict.get_attribute("data-verdict") == "valid", verdict.inner_text()
    scanned = page.input_value("#badge")
    assert _payload(scanned)["credentialSubject"]["achievement"]["criteria"] == {
        "id": f"{AGENCY}/nova/criteria.html"}  # the compact badge the kiosk put in its QR code


def _y4m(png: Path, target: Path, frames: int = 3) -> Path:
    """A still picture as a YUV4MPEG2 clip, what Chromium's fake camera plays in a loop."""
    import cv2

    grey = cv2.imread(str(png), cv2.IMREAD_GRAYSCALE)
    height, width = (grey.shape[0] // 2) * 2, (grey.shape[1] // 2) * 2
    luma = grey[:height, :width].tobytes()
    chroma = bytes([128]) * (width // 2 * (height // 2) * 2)
    with target.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F5:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma)
    return target


def test_the_page_scans_the_qr_code_with_a_camera(playwright: Any, agency: Agency, tmp_path: Path) -> None:
    """Chromium's fake camera films the kiosk's QR picture; the page finds it and verifies the badge."""
    clip = _y4m(agency.www.parent / "new" / "handoff-qr.png", tmp_path / "qr.y4m")
    camera = playwright.chromium.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={clip}"])
    opened = camera.new_context(permissions=["camera"]).new_page()
    opened.route(f"{AGENCY}/**", lambda route: route.fulfill(
        response=route.fetch(url=agency.server + route.request.url[len(AGENCY):])))
    opened.clock.set_fixed_time(_during(agency.new[0]))
    opened.goto(f"{AGENCY}/nova/verify/")
    opened.click("#scan")
    opened.locator("#verdict[data-verdict=valid], #verdict[data-verdict=invalid]").wait_for(timeout=30_000)
    assert opened.locator("#verdict").get_attribute("data-verdict") == "valid", opened.inner_text("#verdict")
    assert opened.locator("#video").is_hidden()  # the camera is released once the code is read
    camera.close()
