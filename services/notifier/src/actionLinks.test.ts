import { describe, expect, it } from "vitest";
import { actionUrl, signActionToken, verifyActionToken, type ActionClaims } from "./actionLinks.ts";

const SECRET = "unit-secret-0123456789abcdef012345";
const claims: ActionClaims = { accountId: "acc-42", rule: "purchases.decline", action: "acknowledge", recipient: "li.wei@example.com", exp: 1_800_000_000 };
const NOW = 1_790_000_000_000;

describe("action links", () => {
  it("round-trips the claims of a valid link", () => {
    expect(verifyActionToken(signActionToken(claims, SECRET), SECRET, NOW)).toEqual({ ok: true, claims });
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
    expect(verifyActionToken(signActionToken(claims, `${SECRET}x`), SECRET, NOW)).toEqual({ ok: false, reason: "bad-signature" });
    expect(verifyActionToken(signActionToken(claims, SECRET), SECRET, claims.exp * 1000)).toEqual({ ok: false, reason: "expired" });
    for (const junk of ["", "abc", "a.b.c", "a.!!", `${"a".repeat(10)}.${"b".repeat(43)}`]) {
      expect(verifyActionToken(junk, SECRET, NOW).ok).toBe(false);
    }
  });
});
