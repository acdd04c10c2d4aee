"""Offers, matching, Open Badges 3.0 credentials as VC-JWT, and the QR hand-off."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import cv2
import pytest

from kiosk.credentials import keys as keystore
from kiosk.credentials.badge import Issuer, SkillAward, credential, sign, verify
from kiosk.credentials.handoff import Consent, choose, qr_png
from kiosk.credentials.keys import CredentialError, b64url, unb64url
from kiosk.matching.match import above_typical, km_between, rank
from kiosk.matching.offers import Offer, parse_feed
from kiosk.scenario.esco import read_skills
from kiosk.scoring.estimate import Profile, SkillEstimate

FEED = Path(__file__).resolve().parents[2] / "assets" / "offers" / "sample-offers.csv"
SKILLS = read_skills()
URI_TO_CODE = {s.uri: code for code, s in SKILLS.items()}
LYON = (45.7640, 4.8357)
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
ISSUER = Issuer("https://agency.example.org/nova/issuer", "Agence test")


def _estimate(skill: str, theta: float, sd: float = 0.4, enough: bool = True) -> SkillEstimate:
    return SkillEstimate(skill, enough, theta, sd, theta - 1.6 * sd, theta + 1.6 * sd, 0.9, 4, 8, (), ("s",))


def test_the_sample_feed_imports_whole() -> None:
    offers, errors = parse_feed(FEED.read_text(), "sample.csv")
    assert errors == [] and len(offers) == 12
    assert {o.rome for o in offers} == {"G1602", "N1103", "K1302", "N4101", "F1602"}


def test_bad_rows_are_reported_by_line_and_field_and_skipped() -> None:
    lines = FEED.read_text().splitlines()
    lines[2] = lines[2].replace("G1602", "cuisine", 1)
    lines[3] = lines[3].replace("45.6973", "north", 1)
    lines[4] = lines[4].replace("interim", "stage", 1)
    lines.append(lines[5])  # the same id twice
    offers, errors = parse_feed("\n".join(lines), "feed.csv")
    assert [str(e).split(" (hint")[0] for e in errors] == [
        "feed.csv:3: rome: `CUISINE` is not a ROME 4.0 code",
        "feed.csv:4: lat: `north` is not a number",
        "feed.csv:5: contract: `stage` is not a known contract",
        "feed.csv:14: id: `lyo-005` appears twice"]
    assert len(offers) == 9 and all(e.hint for e in errors)


def test_json_feeds_read_like_csv_ones() -> None:
    offers, _ = parse_feed(FEED.read_text(), "a.csv")
    again, errors = parse_feed(json.dumps({"offers": [o.as_json() for o in offers]}), "a.json")
    assert errors == [] and again == offers
    _, broken = parse_feed('[{"id": "x"', "b.json")
    assert broken and broken[0].field == "json"


def test_ranking_uses_trade_skills_with_their_uncertainty_and_distance() -> None:
    offers, _ = parse_feed(FEED.read_text(), "sample.csv")
    sure = Profile((_estimate("T4.3", 1.0, 0.3), _estimate("T6.1", 1.0, 0.3), _estimate("T2.2", 1.0, 0.3)))
    unsure = Profile((_estimate("T4.3", 1.0, 2.5), _estimate("T6.1", 1.0, 2.5), _estimate("T2.2", 1.0, 2.5)))
    thin = Profile((_estimate("T4.3", -3.0, 0.9, enough=False),))
    a = rank(offers, sure, ["G1602"], LYON, TODAY, URI_TO_CODE)
    b = rank(offers, unsure, ["G1602"], LYON, TODAY, URI_TO_CODE)
    assert [m.offer.rome for m in a[:3]] == ["G1602"] * 3  # the explored trade first
    assert a[0].offer.id == "lyo-001" and a[0].score > b[0].score  # more certainty, more weight
    assert "lyo-012" not in {m.offer.id for m in rank(offers, sure, ["F1602"], LYON, TODAY, URI_TO_CODE, 50)}
    nothing = rank(offers, Profile(()), [], LYON, TODAY, URI_TO_CODE, 50)
    unknown = rank(offers, thin, [], LYON, TODAY, URI_TO_CODE, 50)
    assert [m.score for m in nothing] == [m.score for m in unknown]  # thin evidence is not weak evidence
    assert rank(offers, sure, ["G1602"], LYON, TODAY, URI_TO_CODE) == a  # deterministic
    names = {code: s.label["en"] for code, s in SKILLS.items()}
    assert a[0].reason(names, "en") == ("Commis de cuisine at Brasserie des Terreaux, 0 km away: you explored this "
                                        "trade, this employer asks for what you showed (collaborating in teams and "
                                        "networks, planning and organising and applying health-related skills and "
                                        "competences).")
    assert a[0].reason({}, "fr").startswith("Commis de cuisine chez Brasserie des Terreaux, à 0 km : vous avez")


def test_distance_and_probability_helpers() -> None:
    assert km_between(45.7640, 4.8357, 48.8566, 2.3522) == pytest.approx(392, abs=3)  # Lyon–Paris
    assert above_typical(0.0, 1.0) == pytest.approx(0.5) and above_typical(1.0, 0.5) > above_typical(1.0, 1.0)


def _award() -> SkillAward:
    return SkillAward("T4.3", SKILLS["T4.3"].uri, "collaborating in teams and networks", 61, 97,
                      ("you helped a colleague who was behind — collaborating in teams and networks +",),
                      "The lunchtime rush")


def test_a_credential_is_an_open_badge_aligned_to_esco() -> None:
    body = credential(ISSUER, "urn:uuid:visitor", _award(), NOW, 365, "urn:uuid:c1", "en")
    assert body["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    achievement = body["credentialSubject"]["achievement"]
    assert achievement["alignment"][0]["targetUrl"] == SKILLS["T4.3"].uri
    assert achievement["alignment"][0]["targetCode"] == "T4.3" and achievement["type"] == ["Achievement"]
    assert "helped a colleague" in body["evidence"][0]["narrative"]
    assert body["validUntil"] == "2027-11-23T10:00:00+00:00"


def test_signed_credentials_verify_and_fail_on_any_change(tmp_path: Path) -> None:
    key = keystore.generate(tmp_path / "keys")
    token = sign(credential(ISSUER, "urn:uuid:v", _award(), NOW, 365, "urn:uuid:c2", "en"), key)
    trusted = keystore.trusted(tmp_path / "keys")
    ok = verify(token, trusted, [ISSUER.id], NOW + timedelta(days=1))
    assert ok.kid == key.kid and ok.credential["id"] == "urn:uuid:c2"
    header, payload, signature = token.split(".")
    for i in range(0, len(payload), 97):  # one character changed anywhere in the payload
        changed = payload[:i] + ("A" if payload[i] != "A" else "B") + payload[i + 1:]
        with pytest.raises(CredentialError):
            verify(f"{header}.{changed}.{signature}", trusted, [ISSUER.id], NOW)
    raw = bytearray(unb64url(signature))
    raw[0] ^= 1
    with pytest.raises(CredentialError, match="altered"):
        verify(f"{header}.{payload}.{b64url(bytes(raw))}", trusted, [ISSUER.id], NOW)
    with pytest.raises(CredentialError, match="expired"):
        verify(token, trusted, [ISSUER.id], NOW + timedelta(days=366))
    with pytest.raises(CredentialError, match="not valid yet"):
        verify(token, trusted, [ISSUER.id], NOW - timedelta(days=1))
    with pytest.raises(CredentialError, match="not trusted"):
        verify(token, trusted, ["https://other.example.org"], NOW)
    with pytest.raises(CredentialError, match="unknown key"):
        verify(token, {}, [ISSUER.id], NOW)


def test_rotation_keeps_older_credentials_verifiable(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    first = keystore.generate(folder)
    old = sign(credential(ISSUER, "urn:uuid:v", _award(), NOW, 30, "urn:uuid:c3", "en"), first)
    second = keystore.generate(folder)
    assert keystore.active(folder).kid == second.kid != first.kid
    assert verify(old, keystore.trusted(folder), [ISSUER.id], NOW).kid == first.kid
    assert (folder / "active.pem").stat().st_mode & 0o777 == 0o600


def test_the_hand_off_needs_consent_and_fits_what_it_carries(tmp_path: Path) -> None:
    with pytest.raises(CredentialError, match="consent"):
        choose(Consent(), True, "https://r.example.org", "abc123", ["x"])
    with pytest.raises(CredentialError):
        choose(Consent(results_to_phone=True, revoked=True), True, "https://r.example.org", "abc123", ["x"])
    agreed = Consent(results_to_phone=True)
    link = choose(agreed, True, "https://r.example.org/", "abc123", ["a.b.c"])
    assert (link.kind, link.payload) == ("link", "https://r.example.org/r/abc123")
    offline = choose(agreed, False, "https://r.example.org", "abc123", ["x" * 3000, "y" * 2000, "z" * 100])
    assert offline.kind == "credential" and offline.payload == "y" * 2000
    assert choose(agreed, False, "https://r.example.org", "t", ["x" * 3000]).kind == "link"
    assert not Consent(results_to_phone=True).allows_sharing()  # sharing with employers is a separate opt-in


@pytest.mark.parametrize("size", [40, 2166])
def test_the_qr_code_decodes_to_what_was_intended(tmp_path: Path, size: int) -> None:
    payload = ("https://r.example.org/r/" + "a" * size)[:size] if size < 100 else b64url(bytes(range(256)) * 7)[:size]
    image = cv2.imread(str(qr_png(payload, tmp_path / "qr.png")))
    decoded = cv2.QRCodeDetectorAruco().detectAndDecode(image)[0]
    assert decoded == payload
    if size < 100:  # small codes read with OpenCV's classic detector too
        assert cv2.QRCodeDetector().detectAndDecode(image)[0] == payload


def test_offer_dataclass_keeps_its_fields() -> None:
    offers, _ = parse_feed(FEED.read_text(), "sample.csv")
    first: Offer = offers[0]
    assert first.expires == date(2027, 1, 31) and first.skills[0].startswith("http://data.europa.eu/esco/skill/")


def test_the_consent_screen_starts_with_nothing_shared_and_gates_the_hand_off() -> None:
    from kiosk.i18n import Catalogs
    from kiosk.runtime.consent import ConsentChoice, act, build_view

    choice = ConsentChoice()
    scene, targets = build_view(choice, Catalogs.load(["fr"]).words("fr"))
    assert "consent" in scene.labels and "30 jours" in repr(scene)
    assert [t.action for t in targets] == [("toggle", "phone"), ("toggle", "employers"), ("proceed",)]
    assert all(t.rect.h >= 44 for t in targets)  # touch targets
    choice = act(choice, ("toggle", "phone"))
    choice = act(choice, ("proceed",))
    assert choice == ConsentChoice(results_to_phone=True, share_with_employers=False, decided=True)
    assert act(choice, ("toggle", "employers")) == choice  # decided: nothing changes any more
    consent = Consent(choice.results_to_phone, choice.share_with_employers)  # what the composition root passes on
    assert choose(consent, True, "https://r.example.org", "t", []).kind == "link"
    assert not consent.allows_sharing()
    with pytest.raises(CredentialError):
        choose(Consent(*(ConsentChoice(decided=True).results_to_phone, False)), True, "https://r.example.org", "t", [])
