import { describe, expect, it } from "vitest";
import { inboxKeys } from "./redisInbox.ts";
import { idKeyPart, recipientKeyPart } from "./keyNames.ts";

describe("key names without addresses", () => {
  it("names a recipient by a digest of the normalised address: one recipient, one budget, however spelled", () => {
    expect(recipientKeyPart(" Li.Wei@Seller.example ")).toBe(recipientKeyPart("li.wei@seller.example"));
    expect(recipientKeyPart("li.wei@seller.example")).not.toBe(recipientKeyPart("wang.fang@seller.example"));
    const keys = inboxKeys("cw:notifier:");
    for (const key of [keys.budget("li.wei@seller.example", "2026-03-04"), keys.digest("li.wei@seller.example", "2026-03-04")]) {
      expect(key).toMatch(/^cw:notifier:(budget|digest):[0-9a-f]{32}:2026-03-04$/);
    }
    expect(idKeyPart("li.wei@seller.example|acc-1:purchases.decline:medium:1:owner")).toMatch(/^[0-9a-f]{64}$/);
  });
});
