import { describe, expect, it } from "vitest";
import { actionUrl, signActionToken, verifyActionToken, type ActionClaims } from "./actionLinks.ts";
import { singleKey, type LinkKeys } from "./linkKeys.ts";
import { legacyActionToken, tokenBody, withBody } from "./testSupport/legacyLinks.ts";

const RAW_SECRET = "unit-secret-0123456789abcdef012345";
const SECRET = singleKey(RAW_SECRET);
const claims: ActionClaims = { accountId: "acc-42", rule: "purchases.decline", action: "acknowledge", recipient: "li.wei@example.com", exp: 1_800_000_000 };
const NOW = 1_790_000_000_000;

describe("action links", () => {
  it("round-trips the claims of a valid link", () => {
    expect(verifyActionToken(signActionToken(claims, SECRET), SECRET, NOW)).toEqual({ ok: true, claims, kid: "k1" });
    expect(actionUrl("https://cw.example/", claims, SECRET)).toMatch(/^https:\/\/cw\.example\/actions\/[\w-]+\.[\w-]{43}$/);
  });

  it("refuses a link re-pointed at another account or turned into another action", () => {
    const [, sig] = signActionToken(claims, SECRET).split(".");
    for (const forged of [{ ...claims, accountId: "acc-43" }, { ...claims, action: "dismiss" as const }, { ...claims, exp: claims.exp + 86_400 }]) {
      const [body] = signActionToken(forged, SECRET).split(".");
      expect(verifyActionToken(`${body}.${sig}`, SECRET, NOW)).toEqual({ ok: false, reason: "bad-signature" });
    }
  });

  it("accepts exactly one spelling of a signature", () => {
    const [body, sig = ""] = signActionToken(claims, SECRET).split(".");
    // The last base64 character carries two spare bits: a variant decodes to the same bytes, yet is refused.
    const last = sig.at(-1) ?? "A";
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const twin = alphabet[alphabet.indexOf(last) ^ 1] ?? "A";
    expect(Buffer.from(`${sig.slice(0, -1)}${twin}`, "base64url")).toEqual(Buffer.from(sig, "base64url"));
    expect(verifyActionToken(`${body}.${sig.slice(0, -1)}${twin}`, SECRET, NOW)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("refuses another key's signature, an expired link and garbage", () => {
    expect(verifyActionToken(signActionToken(claims, singleKey(`${RAW_SECRET}x`)), SECRET, NOW)).toEqual({ ok: false, reason: "bad-signature" });
    const expired = { accountId: claims.accountId, rule: claims.rule, recipient: claims.recipient };
    expect(verifyActionToken(signActionToken(claims, SECRET), SECRET, claims.exp * 1000)).toEqual({ ok: false, reason: "expired", expired });
    // Expired and badly signed: nothing of what it claims comes back.
    expect(verifyActionToken(signActionToken(claims, singleKey(`${RAW_SECRET}x`)), SECRET, claims.exp * 1000)).toEqual({ ok: false, reason: "bad-signature" });
    for (const junk of ["", "abc", "a.b.c", "a.!!", `${"a".repeat(10)}.${"b".repeat(43)}`]) {
      expect(verifyActionToken(junk, SECRET, NOW).ok).toBe(false);
    }
  });
});

describe("action links under key rotation", () => {
  const OLD = "old-secret-0123456789abcdef0123456789";
  const NEW = "new-secret-0123456789abcdef0123456789";
  const before: LinkKeys = { current: { kid: "k1", secret: OLD }, previous: [] };
  const rotated: LinkKeys = { current: { kid: "k2", secret: NEW }, previous: [{ kid: "k1", secret: OLD }] };
  const retired: LinkKeys = { current: { kid: "k2", secret: NEW }, previous: [] };
  const episode: ActionClaims = { ...claims, alertId: "acc-42:purchases.decline:1772414100000" };

  it("signs new links with the current key's id, bound to the alert episode", () => {
    const token = signActionToken(episode, rotated);
    expect(tokenBody(token)).toMatchObject({ kid: "k2", e: episode.alertId });
    expect(verifyActionToken(token, rotated, NOW)).toEqual({ ok: true, claims: episode, kid: "k2" });
    expect(verifyActionToken(token, before, NOW)).toEqual({ ok: false, reason: "unknown-key" });
  });

  it("keeps a link signed with a previous key valid while that key is configured, and only then", () => {
    const old = signActionToken(episode, before);
    expect(verifyActionToken(old, rotated, NOW)).toEqual({ ok: true, claims: episode, kid: "k1" });
    expect(verifyActionToken(old, retired, NOW)).toEqual({ ok: false, reason: "unknown-key" });
    expect(verifyActionToken(old, rotated, claims.exp * 1000)).toMatchObject({ ok: false, reason: "expired", expired: { accountId: "acc-42" } }); // its lifetime, not more
  });

  it("refuses a tampered kid: another configured key's id, an unknown id, a removed or non-string one", () => {
    const token = signActionToken(episode, rotated);
    expect(verifyActionToken(withBody(token, { kid: "k1" }), rotated, NOW)).toEqual({ ok: false, reason: "bad-signature" });
    expect(verifyActionToken(withBody(token, { kid: "k9" }), rotated, NOW)).toEqual({ ok: false, reason: "unknown-key" });
    expect(verifyActionToken(withBody(token, { kid: undefined }), rotated, NOW)).toEqual({ ok: false, reason: "bad-signature" });
    expect(verifyActionToken(withBody(token, { kid: 2 }), rotated, NOW)).toEqual({ ok: false, reason: "malformed" });
    // Whoever still holds the old secret cannot make a link that names the new key.
    expect(verifyActionToken(signActionToken(episode, singleKey(OLD, "k2")), rotated, NOW)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("reads a link without a kid (sent before key ids) as signed with k1: current at the upgrade, previous after a rotation", () => {
    const legacy = legacyActionToken(claims, OLD);
    expect(verifyActionToken(legacy, before, NOW)).toEqual({ ok: true, claims, kid: undefined });
    expect(verifyActionToken(legacy, rotated, NOW)).toEqual({ ok: true, claims, kid: undefined });
    expect(verifyActionToken(legacy, retired, NOW)).toEqual({ ok: false, reason: "unknown-key" });
    expect(verifyActionToken(legacyActionToken(claims, NEW), rotated, NOW)).toEqual({ ok: false, reason: "bad-signature" });
  });
});
