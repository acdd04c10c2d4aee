// Verifies an Open Badges 3.0 credential signed as VC-JWT (EdDSA / Ed25519) in the browser, with no
// server code: the key is fetched through the JWT's `kid` (did:web document or JWK Set) and the
// signature checked with WebCrypto. The same checks as `kiosk badge verify` (kiosk/credentials/badge.py).
"use strict";

const V2_CONTEXT = "https://www.w3.org/ns/credentials/v2";
const ACCEPTED_TYPES = ["vc+jwt", "JWT", undefined];
const HEADER_NAMES = ["alg", "kid", "typ"];

class Refusal extends Error {}

// Strict base64url (RFC 7515): URL-safe alphabet, no padding, unused bits of the last character zero.
function unb64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new Refusal("not base64url");
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  if (b64url(bytes) !== text) throw new Refusal("not canonical base64url");
  return bytes;
}

function b64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function json(bytes) {
  const value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Refusal("not a JSON object");
  return value;
}

function numericDate(stamp) {
  if (typeof stamp !== "string" || !/(Z|[+-]\d\d:\d\d)$/.test(stamp)) return NaN;
  return Math.floor(Date.parse(stamp) / 1000);
}

// did:web:host%3A8443:a:b -> https://host:8443/a/b/did.json (https://host/.well-known/did.json with no path)
function didWebUrl(did) {
  const parts = did.slice("did:web:".length).split(":").map(decodeURIComponent);
  const path = parts.length > 1 ? parts.slice(1).join("/") : ".well-known";
  return `https://${parts[0]}/${path}/did.json`;
}

// The prefix every `kid` of this issuer starts with (kiosk/credentials/issuer.py key_id).
function keyPrefix(issuerId) {
  if (issuerId.startsWith("did:web:")) return `${issuerId}#`;
  return `${new URL(issuerId).origin}/.well-known/jwks.json#`;
}

async function fetchJson(url, what = "la clé publique") {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "application/did+json, application/jwk-set+json, application/json" } });
  } catch (error) {
    throw new Refusal(`${what} est injoignable (${url}) : vérifiez la connexion`);
  }
  if (!response.ok) throw new Refusal(`${what} est introuvable (${url} : ${response.status})`);
  try {
    return await response.json();
  } catch (error) {
    throw new Refusal(`${what} n'est pas du JSON (${url})`);
  }
}

async function dereference(kid) {
  const [address, fragment] = kid.split("#", 2);
  if (kid.startsWith("did:web:")) {
    const document = await fetchJson(didWebUrl(address));
    const method = (document.verificationMethod || []).find((m) => m.id === kid || m.id === `#${fragment}`);
    const listed = (document.assertionMethod || []).some((m) => m === kid || m === `#${fragment}` || m.id === kid);
    if (document.id !== address || !method || !listed || !method.publicKeyJwk) {
      throw new Refusal(`la clé ${kid} n'est pas publiée par ${address}`);
    }
    return method.publicKeyJwk;
  }
  if (!address.startsWith("https://")) throw new Refusal(`clé inconnue ${kid}`);
  const found = await fetchJson(address);
  const jwk = Array.isArray(found.keys) ? found.keys.find((k) => k.kid === fragment || k.kid === kid) : found;
  if (!jwk) throw new Refusal(`la clé ${kid} n'est pas dans ${address}`);
  return jwk;
}

async function checkSignature(jwk, signingInput, signature) {
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || "d" in jwk) throw new Refusal("la clé publiée n'est pas une clé Ed25519 publique");
  let key;
  try {
    key = await crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, { name: "Ed25519" }, false, ["verify"]);
  } catch (error) {
    throw new Refusal("ce navigateur ne sait pas vérifier les signatures Ed25519 : utilisez une version récente de Chrome, Edge, Firefox ou Safari");
  }
  const ok = await crypto.subtle.verify({ name: "Ed25519" }, key, signature, new TextEncoder().encode(signingInput));
  if (!ok) throw new Refusal("la signature ne correspond pas : le badge a été modifié");
}

// Returns the credential (payload) with every check passed, or throws a Refusal saying which failed.
// `shown` receives the payload and key id as soon as they are readable, so an invalid badge still
// shows what it claims.
async function verifyBadge(token, home, now, shown) {
  const parts = token.trim().split(".");
  if (parts.length !== 3) throw new Refusal("ce n'est pas un badge complet (trois parties séparées par des points)");
  let header, payload, signature;
  try {
    header = json(unb64url(parts[0]));
    payload = json(unb64url(parts[1]));
    signature = unb64url(parts[2]);
  } catch (error) {
    throw new Refusal("le badge est abîmé : une partie n'est pas du base64url canonique");
  }
  shown(payload, typeof header.kid === "string" ? header.kid : null);
  if (header.alg !== "EdDSA") throw new Refusal(`algorithme de signature non pris en charge : ${header.alg}`);
  if (!ACCEPTED_TYPES.includes(header.typ) || Object.keys(header).some((k) => !HEADER_NAMES.includes(k))) {
    throw new Refusal("en-tête JOSE inattendu");
  }
  if (typeof header.kid !== "string") throw new Refusal("le badge ne dit pas avec quelle clé il a été signé");
  if ("vc" in payload || !Array.isArray(payload["@context"]) || payload["@context"][0] !== V2_CONTEXT) {
    throw new Refusal("ce n'est pas un justificatif au modèle VC 2.0");
  }
  const subject = payload.credentialSubject || {};
  const issuer = payload.issuer || {};
  const expected = { iss: issuer.id, jti: payload.id, sub: subject.id, nbf: numericDate(payload.validFrom) };
  if ("validUntil" in payload || "exp" in payload) expected.exp = numericDate(payload.validUntil);
  for (const [claim, value] of Object.entries(expected)) {
    if (value === undefined || Number.isNaN(value) || payload[claim] !== value) {
      throw new Refusal(`la déclaration « ${claim} » ne correspond pas au contenu du badge`);
    }
  }
  if (payload.iss !== home.id) throw new Refusal(`ce badge n'a pas été délivré par ${home.name} (${home.id}) mais par ${payload.iss}`);
  if (!header.kid.startsWith(keyPrefix(payload.iss))) throw new Refusal(`la clé ${header.kid} n'appartient pas à ${payload.iss}`);
  await checkSignature(await dereference(header.kid), `${parts[0]}.${parts[1]}`, signature);
  const seconds = Math.floor(now / 1000);
  if (seconds < payload.nbf) throw new Refusal("le badge n'est pas encore valide : vérifiez l'horloge de cet ordinateur");
  if ("exp" in payload && seconds >= payload.exp) throw new Refusal(`le badge a expiré le ${day(payload.validUntil)}`);
  return payload;
}

function day(stamp) {
  return new Date(stamp).toLocaleDateString("fr-FR", { year: "numeric", month: "long", day: "numeric" });
}

function text(id, value) {
  document.getElementById(id).textContent = value;
}

function show(payload, verified, kid) {
  const achievement = (payload.credentialSubject || {}).achievement || {};
  const alignment = (achievement.alignment || [])[0] || {};
  const issuer = payload.issuer || {};
  text("details-title", verified ? "Contenu du badge (vérifié)" : "Ce que le badge affirme (non vérifié)");
  document.getElementById("details").className = verified ? "" : "unverified";
  text("issuer", `${issuer.name || "?"}\n${issuer.id || ""}${issuer.url ? `\n${issuer.url}` : ""}`);
  text("skill", `${achievement.name || payload.name || "?"}${alignment.targetCode ? ` (${alignment.targetFramework || ""} ${alignment.targetCode})` : ""}` +
    `${alignment.targetUrl ? `\n${alignment.targetUrl}` : ""}${achievement.description ? `\n${achievement.description}` : ""}`);
  text("dates", `délivré le ${day(payload.validFrom)}` + (payload.validUntil ? `, valable jusqu'au ${day(payload.validUntil)}` : ""));
  text("evidence", (payload.evidence || []).map((e) => [e.name, e.narrative].filter(Boolean).join(" : ")).join("\n") || "—");
  const criteria = achievement.criteria || {};
  text("criteria", criteria.narrative || criteria.id || "—");
  text("key", kid || "—");
  document.getElementById("details").hidden = false;
}

let home = null;

async function loadHome() {
  if (!home) home = await fetchJson(new URL("issuer.json", document.baseURI).href, "la description de l'agence");
  return home;
}

async function check(token) {
  const verdict = document.getElementById("verdict");
  const details = document.getElementById("details");
  verdict.hidden = false;
  verdict.dataset.verdict = "working";
  verdict.textContent = "Vérification…";
  details.hidden = true;
  let claimed = null;
  try {
    const issuer = await loadHome();
    const payload = await verifyBadge(token, issuer, Date.now(), (p, kid) => { claimed = [p, kid]; });
    show(payload, true, claimed[1]);
    verdict.dataset.verdict = "valid";
    verdict.textContent = `✔ Badge valide : signé par ${issuer.name}, non modifié, en cours de validité.`;
  } catch (error) {
    if (claimed) {
      try { show(claimed[0], false, claimed[1]); } catch (ignored) { details.hidden = true; }
    }
    refuse(`Badge non valide : ${error instanceof Refusal ? error.message : `erreur inattendue (${error})`}`);
  }
}

function refuse(message) {
  const verdict = document.getElementById("verdict");
  verdict.hidden = false;
  verdict.dataset.verdict = "invalid";
  verdict.textContent = `✘ ${message}.`;
}

// QR codes: the browser's BarcodeDetector where it has one (Android, macOS), else jsQR (vendored,
// Apache-2.0, jsQR-LICENSE.txt) on the pixels — desktop Chromium on Linux has no BarcodeDetector.
async function decodeQr(source, width, height) {
  if ("BarcodeDetector" in window) {
    const codes = await new BarcodeDetector({ formats: ["qr_code"] }).detect(source);
    return codes.length ? codes[0].rawValue : null;
  }
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(source, 0, 0, width, height);
  const found = jsQR(context.getImageData(0, 0, width, height).data, width, height);
  return found ? found.data : null;
}

async function fromFile(file) {
  if (!file.type.startsWith("image/")) return (await file.text()).trim();
  const image = await createImageBitmap(file);
  const token = await decodeQr(image, image.width, image.height);
  if (!token) throw new Refusal("aucun QR code lisible sur cette image : essayez une photo plus nette, ou collez le texte du badge");
  return token;
}

async function scan() {
  const video = document.getElementById("video");
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  video.srcObject = stream;
  video.hidden = false;
  await video.play();
  try {
    for (;;) {
      const token = video.videoWidth ? await decodeQr(video, video.videoWidth, video.videoHeight) : null;
      if (token) return token;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    stream.getTracks().forEach((t) => t.stop());
    video.hidden = true;
  }
}

function start() {
  const area = document.getElementById("badge");
  const run = (token) => { area.value = token; return check(token); };
  document.getElementById("check").addEventListener("click", () => check(area.value));
  document.getElementById("file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    let token;
    try { token = await fromFile(file); } catch (error) { return refuse(error.message); }
    await run(token);
  });
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    const button = document.getElementById("scan");
    button.hidden = false;
    button.addEventListener("click", async () => {
      try { await run(await scan()); } catch (error) { refuse(`caméra indisponible (${error.message})`); }
    });
  }
  const fragment = decodeURIComponent(location.hash.slice(1));  // links like verify/#<badge>
  if (fragment.split(".").length === 3) run(fragment);
}

start();
