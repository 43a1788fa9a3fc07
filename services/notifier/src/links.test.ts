import { describe, expect, it } from "vitest";
import { signAccountLink, verifyAccountLink, verifyAccountUrl } from "./links.ts";
import { singleKey, type LinkKeys } from "./linkKeys.ts";
import { legacyAccountLink } from "./testSupport/legacyLinks.ts";

const secret = singleKey("s".repeat(32));
const now = Date.parse("2026-03-02T00:00:00Z");
const exp = now / 1000 + 3600;
const base = "https://churnwatch.example.com/";

function params(url: string, accountId: string) {
  const u = new URL(url);
  return { accountId, exp: u.searchParams.get("exp"), sig: u.searchParams.get("sig"), kid: u.searchParams.get("kid") };
}

describe("account links", () => {
  it("signs a link that verifies, with the accountId encoded in the path", () => {
    const url = signAccountLink({ baseUrl: base, accountId: "acc/42 ü", keys: secret, exp });
    expect(url).toMatch(/^https:\/\/churnwatch\.example\.com\/accounts\/acc%2F42%20%C3%BC\?exp=\d+&kid=k1&sig=[0-9a-f]{64}$/);
    expect(verifyAccountUrl(url, secret, now)).toEqual({ ok: true });
    expect(verifyAccountLink(params(url, "acc/42 ü"), secret, now)).toEqual({ ok: true });
  });

  it("refuses a tampered signature or expiry", () => {
    const url = signAccountLink({ baseUrl: base, accountId: "acc-42", keys: secret, exp });
    const p = params(url, "acc-42");
    const flipped = `${p.sig![0] === "a" ? "b" : "a"}${p.sig!.slice(1)}`;
    expect(verifyAccountLink({ ...p, sig: flipped }, secret, now)).toEqual({ ok: false, reason: "bad-signature" });
    expect(verifyAccountLink({ ...p, exp: String(exp + 86_400) }, secret, now)).toEqual({ ok: false, reason: "bad-signature" });
    expect(verifyAccountLink(p, singleKey("t".repeat(32)), now)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("refuses an expired link", () => {
    const url = signAccountLink({ baseUrl: base, accountId: "acc-42", keys: secret, exp });
    expect(verifyAccountUrl(url, secret, exp * 1000)).toEqual({ ok: false, reason: "expired" });
    expect(verifyAccountUrl(url, secret, exp * 1000 - 1)).toEqual({ ok: true });
  });

  it("refuses another account's signature", () => {
    const url = signAccountLink({ baseUrl: base, accountId: "acc-42", keys: secret, exp });
    expect(verifyAccountLink(params(url, "acc-43"), secret, now)).toEqual({ ok: false, reason: "bad-signature" });
    const moved = url.replace("/accounts/acc-42", "/accounts/acc-43");
    expect(verifyAccountUrl(moved, secret, now)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("refuses malformed input without throwing", () => {
    expect(verifyAccountLink({ accountId: "acc-42", exp: null, sig: "ab" }, secret, now)).toEqual({ ok: false, reason: "malformed" });
    expect(verifyAccountLink({ accountId: "acc-42", exp: "12x", sig: "a".repeat(64) }, secret, now).ok).toBe(false);
    expect(verifyAccountLink({ accountId: "acc-42", exp: String(exp), sig: "A".repeat(64) }, secret, now).ok).toBe(false);
    expect(verifyAccountUrl("not a url", secret, now)).toEqual({ ok: false, reason: "malformed" });
    expect(verifyAccountUrl("https://x/accounts/%E0%A4%A?exp=1&sig=" + "a".repeat(64), secret, now)).toEqual({ ok: false, reason: "malformed" });
  });
});

describe("account links under key rotation", () => {
  const OLD = "o".repeat(32);
  const NEW = "n".repeat(32);
  const before: LinkKeys = { current: { kid: "k1", secret: OLD }, previous: [] };
  const rotated: LinkKeys = { current: { kid: "k2", secret: NEW }, previous: [{ kid: "k1", secret: OLD }] };
  const retired: LinkKeys = { current: { kid: "k2", secret: NEW }, previous: [] };

  it("signs with the current key's id and keeps a previous key's links valid while it is configured", () => {
    const fresh = signAccountLink({ baseUrl: base, accountId: "acc-42", keys: rotated, exp });
    expect(new URL(fresh).searchParams.get("kid")).toBe("k2");
    expect(verifyAccountUrl(fresh, rotated, now)).toEqual({ ok: true });
    const old = signAccountLink({ baseUrl: base, accountId: "acc-42", keys: before, exp });
    expect(verifyAccountUrl(old, rotated, now)).toEqual({ ok: true });
    expect(verifyAccountUrl(old, retired, now)).toEqual({ ok: false, reason: "unknown-key" });
  });

  it("refuses a tampered kid", () => {
    const fresh = signAccountLink({ baseUrl: base, accountId: "acc-42", keys: rotated, exp });
    expect(verifyAccountUrl(fresh.replace("kid=k2", "kid=k1"), rotated, now)).toEqual({ ok: false, reason: "bad-signature" });
    expect(verifyAccountUrl(fresh.replace("kid=k2", "kid=k7"), rotated, now)).toEqual({ ok: false, reason: "unknown-key" });
    expect(verifyAccountUrl(fresh.replace("kid=k2&", ""), rotated, now)).toEqual({ ok: false, reason: "bad-signature" });
    expect(verifyAccountUrl(fresh.replace("kid=k2", "kid=k%0A2"), rotated, now)).toEqual({ ok: false, reason: "malformed" });
  });

  it("reads a link without a kid (sent before key ids) as signed with k1", () => {
    const legacy = legacyAccountLink("https://churnwatch.example.com", "acc-42", exp, OLD);
    expect(verifyAccountUrl(legacy, before, now)).toEqual({ ok: true });
    expect(verifyAccountUrl(legacy, rotated, now)).toEqual({ ok: true });
    expect(verifyAccountUrl(legacy, retired, now)).toEqual({ ok: false, reason: "unknown-key" });
  });
});
