"""Offers, matching, Open Badges 3.0 credentials as VC-JWT, and the QR hand-off."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import cv2
import pytest

from kiosk.consent import Consent
from kiosk.credentials import keys as keystore
from kiosk.credentials.badge import SkillAward, credential, sign, verify
from kiosk.credentials.handoff import choose, qr_png
from kiosk.credentials.issuer import Issuer, key_id, site
from kiosk.credentials.keys import CredentialError, SigningKey, b64url, unb64url
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
ISSUER = Issuer("did:web:agency.example.org:nova", "Agence test", "https://agency.example.org")


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
                                        "trade, and this employer asks for what you showed (collaborating in teams and "
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


def _trusted(folder: Path, issuer: str = ISSUER.id) -> dict[str, dict[str, object]]:
    return {key_id(issuer, kid): jwk for kid, jwk in keystore.trusted(folder).items()}


def _parts(token: str) -> tuple[dict[str, object], dict[str, object], str]:
    header, payload, signature = token.split(".")
    return json.loads(unb64url(header)), json.loads(unb64url(payload)), signature


def _resigned(header: dict[str, object], payload: dict[str, object], key: SigningKey) -> str:
    """A token assembled by hand and signed with the real key: only the checks after the signature can refuse it."""
    head = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())
    return f"{head}.{b64url(key.private.sign(head.encode()))}"


def test_the_jwt_is_the_credential_itself_as_ob3_and_vc_jose_cose_say(tmp_path: Path) -> None:
    key = keystore.generate(tmp_path / "keys")
    body = credential(ISSUER, "urn:uuid:v", _award(), NOW, 365, "urn:uuid:c9", "en")
    header, payload, _ = _parts(sign(body, key))
    assert header == {"alg": "EdDSA", "typ": "JWT", "kid": f"did:web:agency.example.org:nova#{key.kid}"}
    assert "vc" not in payload  # VC data model 2.0: no VCDM 1.1 wrapper
    assert {k: v for k, v in payload.items() if k not in {"iss", "jti", "sub", "nbf", "exp"}} == body
    assert (payload["iss"], payload["jti"], payload["sub"]) == (ISSUER.id, "urn:uuid:c9", "urn:uuid:v")
    assert payload["nbf"] == int(NOW.timestamp()) and payload["exp"] == int((NOW + timedelta(days=365)).timestamp())
    assert body["issuer"] == {"id": ISSUER.id, "type": ["Profile"], "name": "Agence test",
                              "url": "https://agency.example.org"}
    compact = credential(ISSUER, "urn:uuid:v", _award(), NOW, 365, "urn:uuid:c9", "en", compact=True)
    assert compact["credentialSubject"]["achievement"]["criteria"] == {
        "id": "https://agency.example.org/nova/criteria.html"}


def test_issuer_ids_decide_where_verifiers_fetch_the_keys() -> None:
    assert key_id("did:web:agency.example.org:nova", "k1") == "did:web:agency.example.org:nova#k1"
    assert site("did:web:agency.example.org:nova").did_document == "nova/did.json"
    assert site("did:web:agency.example.org").did_document == ".well-known/did.json"
    assert site("did:web:localhost%3A8443:a:b").origin == "https://localhost:8443"
    assert key_id("https://agency.example.org/nova/issuer", "k1") == "https://agency.example.org/.well-known/jwks.json#k1"
    assert site("https://agency.example.org/nova/issuer").profile == "nova/issuer"
    for wrong in ("http://agency.example.org/issuer", "https://agency.example.org/", "did:key:z6Mk", "did:web:a::b"):
        with pytest.raises(CredentialError, match="neither a did:web id nor an https URL"):
            key_id(wrong, "k1")


def test_signed_credentials_verify_and_fail_on_any_change(tmp_path: Path) -> None:
    key = keystore.generate(tmp_path / "keys")
    token = sign(credential(ISSUER, "urn:uuid:v", _award(), NOW, 365, "urn:uuid:c2", "en"), key)
    trusted = _trusted(tmp_path / "keys")
    ok = verify(token, trusted, [ISSUER.id], NOW + timedelta(days=1))
    assert ok.kid == key_id(ISSUER.id, key.kid) and ok.credential["id"] == "urn:uuid:c2"
    assert "iss" not in ok.credential and ok.credential["issuer"]["id"] == ISSUER.id
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
    with pytest.raises(CredentialError, match="unknown key"):  # the bare thumbprint no longer names a key
        verify(token, keystore.trusted(tmp_path / "keys"), [ISSUER.id], NOW)


def test_non_canonical_base64url_is_refused() -> None:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    signature = b64url(bytes(range(64)))  # 64 bytes: 86 characters, the last one carries 2 bits and 4 unused
    last = alphabet.index(signature[-1])
    assert last & 0b1111 == 0
    for spare in (1, 2, 4, 8):  # any unused bit set: the same bytes spelled differently
        sibling = signature[:-1] + alphabet[last | spare]
        assert sibling != signature
        with pytest.raises(ValueError, match="canonical"):
            unb64url(sibling)
    for broken in ("abc=", "ab+c", "ab/c", "a", "ab c", "abcde"):
        with pytest.raises(ValueError, match="base64url"):
            unb64url(broken)
    assert unb64url(signature) == bytes(range(64)) and unb64url("") == b""


def test_a_signature_spelled_non_canonically_does_not_verify(tmp_path: Path) -> None:
    key = keystore.generate(tmp_path / "keys")
    token = sign(credential(ISSUER, "urn:uuid:v", _award(), NOW, 365, "urn:uuid:c5", "en"), key)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    sibling = token[:-1] + alphabet[alphabet.index(token[-1]) ^ 1]  # the lowest (unused) bit of the last character
    assert unb64url(token.split(".")[2]) == bytes(_lenient(sibling.split(".")[2]))  # Python alone would accept it
    with pytest.raises(CredentialError, match="canonical base64url"):
        verify(sibling, _trusted(tmp_path / "keys"), [ISSUER.id], NOW)


def _lenient(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_claims_and_header_must_agree_with_the_credential(tmp_path: Path) -> None:
    key = keystore.generate(tmp_path / "keys")
    trusted = _trusted(tmp_path / "keys")
    header, payload, _ = _parts(sign(credential(ISSUER, "urn:uuid:v", _award(), NOW, 365, "urn:uuid:c6", "en"), key))
    assert verify(_resigned(header, payload, key), trusted, [ISSUER.id], NOW).issuer == ISSUER.id
    for claim, value in (("sub", "urn:uuid:other"), ("jti", "urn:uuid:other"), ("nbf", int(payload["nbf"]) - 1),
                         ("exp", int(payload["exp"]) + 86400)):
        with pytest.raises(CredentialError, match=f"claim '{claim}' does not match"):
            verify(_resigned(header, {**payload, claim: value}, key), trusted, [ISSUER.id], NOW)
    vc11 = {k: payload[k] for k in ("iss", "jti", "sub", "nbf", "exp")} | {"vc": payload}
    with pytest.raises(CredentialError, match=r"VC data model 2\.0"):
        verify(_resigned(header, vc11, key), trusted, [ISSUER.id], NOW)
    with pytest.raises(CredentialError, match="unexpected JOSE header"):
        verify(_resigned({**header, "jwk": {"kty": "OKP"}}, payload, key), trusted, [ISSUER.id], NOW)
    with pytest.raises(CredentialError, match="unexpected JOSE header"):
        verify(_resigned({**header, "typ": "vp+jwt"}, payload, key), trusted, [ISSUER.id], NOW)
    assert verify(_resigned({**header, "typ": "JWT"}, payload, key), trusted, [ISSUER.id], NOW)  # OB 3.0's table
    stranger = Issuer("did:web:other.example.org", "Other")
    forged = {**payload, "iss": stranger.id, "issuer": {"id": stranger.id, "type": ["Profile"], "name": "Other"}}
    with pytest.raises(CredentialError, match="not published by issuer"):  # our key, someone else's name
        verify(_resigned(header, forged, key), trusted, [ISSUER.id, stranger.id], NOW)


def test_rotation_keeps_older_credentials_verifiable(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    first = keystore.generate(folder)
    old = sign(credential(ISSUER, "urn:uuid:v", _award(), NOW, 30, "urn:uuid:c3", "en"), first)
    second = keystore.generate(folder)
    assert keystore.active(folder).kid == second.kid != first.kid
    assert verify(old, _trusted(folder), [ISSUER.id], NOW).kid == key_id(ISSUER.id, first.kid)
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
    from kiosk.runtime.actions import Proceed, Toggle
    from kiosk.runtime.consent import act, build_view

    choice = Consent()
    scene, targets = build_view(choice, Catalogs.load(["fr"]).words("fr"))
    assert "consent" in scene.labels and "30 jours" in repr(scene)
    assert [t.action for t in targets] == [Toggle("phone"), Toggle("employers"), Proceed()]
    assert all(t.rect.h >= 44 for t in targets)  # touch targets
    choice = act(choice, Toggle("phone"))
    choice = act(choice, Proceed())
    assert choice == Consent(results_to_phone=True, share_with_employers=False, decided=True)
    assert act(choice, Toggle("employers")) == choice  # decided: nothing changes any more
    consent = choice  # the screen's value is the hand-off's: one type
    assert choose(consent, True, "https://r.example.org", "t", []).kind == "link"
    assert not consent.allows_sharing()
    with pytest.raises(CredentialError):
        choose(Consent(decided=True), True, "https://r.example.org", "t", [])


def test_offer_reasons_read_in_the_visitors_language_with_plain_skill_names() -> None:
    from kiosk.matching.match import Match

    offers, _ = parse_feed(FEED.read_text(), "sample.csv")
    offer = next(o for o in offers if o.id == "lyo-002")
    match = Match(offer, 1.0, 11.4, ("T4.3", "T2.2", "T6.1"), True)
    names = {code: skill.name("uk") for code, skill in SKILLS.items()}
    assert match.reason(names, "uk") == (
        "Commis de cuisine (apprentissage), Restaurant Le Bouchon Vert, за 11 км: ви ознайомилися з цією професією, "
        "і цей роботодавець шукає те, що ви показали (Працювати в команді, Організовувати роботу і Дбати про "
        "здоров'я та безпеку).")
    arabic = Match(offer, 1.0, 3.0, ("T4.3",), False).reason({c: s.name("ar") for c, s in SKILLS.items()}, "ar")
    assert arabic == ("\u200fCommis de cuisine (apprentissage) لدى Restaurant Le Bouchon Vert، على بعد 3 كم: "
                      "يبحث صاحب العمل هذا عمّا أظهرته (العمل ضمن فريق).")  # a right-to-left paragraph


def test_a_badge_names_the_skill_plainly_and_aligns_to_the_esco_label_and_uri() -> None:
    from kiosk.credentials.issue import awards

    award = awards(Profile((_estimate("T2.2", 1.5, 0.3),)), SKILLS, "ar", "مساعد طبّاخ")[0]
    assert award.name == "تنظيم العمل" and award.esco_label == "planning and organising"
    body = credential(ISSUER, "urn:uuid:00000000-0000-4000-8000-000000000001", award, NOW, 365,
                      "urn:uuid:00000000-0000-4000-8000-000000000002", "ar")
    achievement = body["credentialSubject"]["achievement"]
    assert achievement["name"] == "تنظيم العمل"
    assert achievement["alignment"][0]["targetName"] == "planning and organising"  # ESCO's label for machines
    assert achievement["alignment"][0]["targetUrl"] == SKILLS["T2.2"].uri
    assert achievement["description"].startswith("تنظيم العمل: ظهرت في لعبة «مساعد طبّاخ»")
    assert "ثلاثة مواقف" in achievement["criteria"]["narrative"]
