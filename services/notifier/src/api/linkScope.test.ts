import { describe, expect, it } from "vitest";
import { newRecord } from "@churnwatch/policy";
import type { ActionClaims } from "../actionLinks.ts";
import { sampleNotification } from "../fixtures.ts";
import type { InboxEntry } from "../lifecycle/inbox.ts";
import { linkRefusal } from "./linkScope.ts";

const TTL = 14 * 24 * 3600;

function entryFor(alertId: string, firedAt: string, owner: string, manager?: string): InboxEntry {
  const { notificationId: _id, kind: _kind, related: _related, ...snapshot } = sampleNotification({ alertId, firedAt });
  snapshot.account = { ...snapshot.account, owner: { name: "Owner", email: owner } };
  if (manager) snapshot.account.manager = { name: "Manager", email: manager };
  return { record: newRecord({ alertId: "acc-42:purchases.decline", accountId: "acc-42", rule: "purchases.decline", level: "medium" }), snapshot, lastEvaluatedAt: firedAt, applied: [] };
}

const firstEpisode = "acc-42:purchases.decline:1772414100000";
const claims = (change: Partial<ActionClaims> = {}): ActionClaims => ({
  accountId: "acc-42",
  rule: "purchases.decline",
  action: "dismiss",
  recipient: "li.wei@example.com",
  exp: Date.parse("2026-03-16T02:00:00Z") / 1000, // issued 2026-03-02T02:00Z
  alertId: firstEpisode,
  ...change,
});

describe("whether a signed action link still applies", () => {
  const same = entryFor(firstEpisode, "2026-03-02T01:55:00Z", "li.wei@example.com");
  const later = entryFor("acc-42:purchases.decline:1773283200000", "2026-03-12T03:00:00Z", "li.wei@example.com");

  it("applies to the episode it was sent about, whatever the address's case", () => {
    expect(linkRefusal(claims(), same, TTL)).toBeUndefined();
    expect(linkRefusal(claims({ recipient: "Li.Wei@Example.com" }), same, TTL)).toBeUndefined();
  });

  it("refuses a link from an earlier episode of the same rule", () => {
    expect(linkRefusal(claims(), later, TTL)).toBe("alert-changed");
  });

  it("refuses a recipient who no longer owns, manages or sponsors the account", () => {
    const handedOver = entryFor(firstEpisode, "2026-03-02T01:55:00Z", "chen.jie@example.com");
    expect(linkRefusal(claims(), handedOver, TTL)).toBe("not-recipient");
    // Still on the account in another role (now its owner's manager): still theirs to answer.
    expect(linkRefusal(claims(), entryFor(firstEpisode, "2026-03-02T01:55:00Z", "chen.jie@example.com", "li.wei@example.com"), TTL)).toBeUndefined();
  });

  it("judges a link without an episode (sent before episodes were bound) by when it was issued", () => {
    const { alertId: _episode, ...legacy } = claims();
    expect(linkRefusal(legacy, same, TTL)).toBeUndefined(); // fired before the link was issued
    expect(linkRefusal(legacy, later, TTL)).toBe("alert-changed"); // fired ten days after
  });
});
