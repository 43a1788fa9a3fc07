import { describe, expect, it } from "vitest";
import type { LinkKeys } from "../linkKeys.ts";
import { legacyUnsubscribeToken, tokenBody, withBody } from "../testSupport/legacyLinks.ts";
import { unsubscribeUrl, verifyUnsubscribeToken } from "./unsubscribeLinks.ts";

const OLD = "old-unsubscribe-secret-0123456789abcdef";
const NEW = "new-unsubscribe-secret-0123456789abcdef";
const before: LinkKeys = { current: { kid: "k1", secret: OLD }, previous: [] };
const rotated: LinkKeys = { current: { kid: "2026-12", secret: NEW }, previous: [{ kid: "k1", secret: OLD }] };
const retired: LinkKeys = { current: { kid: "2026-12", secret: NEW }, previous: [] };
const tokenOf = (url: string) => url.slice(url.lastIndexOf("/") + 1);
const claims = { subscriptionId: "sub-1", recipient: "ceo@example.com" };

describe("digest unsubscribe links under key rotation", () => {
  it("signs with the current key's id; a previous key's link stays valid while the key is configured", () => {
    const fresh = tokenOf(unsubscribeUrl("https://x", claims, rotated));
    expect(tokenBody(fresh).kid).toBe("2026-12");
    expect(verifyUnsubscribeToken(fresh, rotated)).toEqual({ ok: true, claims, kid: "2026-12" });
    const old = tokenOf(unsubscribeUrl("https://x", claims, before));
    expect(verifyUnsubscribeToken(old, rotated)).toEqual({ ok: true, claims, kid: "k1" });
    expect(verifyUnsubscribeToken(old, retired)).toEqual({ ok: false, reason: "unknown-key" });
  });

  it("refuses a tampered kid and reads a link without one as k1", () => {
    const fresh = tokenOf(unsubscribeUrl("https://x", claims, rotated));
    expect(verifyUnsubscribeToken(withBody(fresh, { kid: "k1" }), rotated)).toEqual({ ok: false, reason: "bad-signature" });
    const legacy = legacyUnsubscribeToken(claims.subscriptionId, claims.recipient, OLD);
    expect(verifyUnsubscribeToken(legacy, rotated)).toEqual({ ok: true, claims, kid: undefined });
    expect(verifyUnsubscribeToken(legacy, retired)).toEqual({ ok: false, reason: "unknown-key" });
  });
});
