import { describe, expect, it } from "vitest";
import { signAccountLink, verifyAccountLink, verifyAccountUrl } from "./links.ts";

const secret = "s".repeat(32);
const now = Date.parse("2026-03-02T00:00:00Z");
const exp = now / 1000 + 3600;
const base = "https://churnwatch.example.com/";

function params(url: string, accountId: string) {
  const u = new URL(url);
  return { accountId, exp: u.searchParams.get("exp"), sig: u.searchParams.get("sig") };
}

describe("account links", () => {
  it("signs a link that verifies, with the accountId encoded in the path", () => {
    const url = signAccountLink({ baseUrl: base, accountId: "acc/42 ü", secret, exp });
    expect(url).toMatch(/^https:\/\/churnwatch\.example\.com\/accounts\/acc%2F42%20%C3%BC\?exp=\d+&sig=[0-9a-f]{64}$/);
    expect(verifyAccountUrl(url, secret, now)).toEqual({ ok: true });
    expect(verifyAccountLink(params(url, "acc/42 ü"), secret, now)).toEqual({ ok: true });
  });

  it("refuses a tampered signature or expiry", () => {
    const url = signAccountLink({ baseUrl: base, accountId: "acc-42", secret, exp });
    const p = params(url, "acc-42");
    const flipped = `${p.sig![0] === "a" ? "b" : "a"}${p.sig!.slice(1)}`;
    expect(verifyAccountLink({ ...p, sig: flipped }, secret, now)).toEqual({ ok: false, reason: "bad-signature" });
    expect(verifyAccountLink({ ...p, exp: String(exp + 86_400) }, secret, now)).toEqual({ ok: false, reason: "bad-signature" });
    expect(verifyAccountLink(p, "t".repeat(32), now)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("refuses an expired link", () => {
    const url = signAccountLink({ baseUrl: base, accountId: "acc-42", secret, exp });
    expect(verifyAccountUrl(url, secret, exp * 1000)).toEqual({ ok: false, reason: "expired" });
    expect(verifyAccountUrl(url, secret, exp * 1000 - 1)).toEqual({ ok: true });
  });

  it("refuses another account's signature", () => {
    const url = signAccountLink({ baseUrl: base, accountId: "acc-42", secret, exp });
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
