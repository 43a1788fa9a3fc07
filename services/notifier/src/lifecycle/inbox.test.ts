import { describe, expect, it } from "vitest";
import type { AlertNotification } from "@churnwatch/contracts";
import { parsePolicyConfig } from "@churnwatch/policy";
import { sampleNotification } from "../fixtures.ts";
import { applyAction, applyNotification, applyTick, emptyInbox, needsTicks, type AccountInbox } from "./inbox.ts";

const config = parsePolicyConfig({});
const at = (iso: string) => ({ now: iso, config });
// Wednesday 10:00 in Shanghai: business hours for the owner.
const T0 = "2026-03-04T02:00:00Z";

function fired(overrides: Partial<AlertNotification> = {}): AlertNotification {
  return sampleNotification({ evaluatedAt: T0, level: "medium", notificationId: "acc-42:purchases.decline:1:medium", alertId: "acc-42:purchases.decline:1", ...overrides });
}

describe("inbox", () => {
  it("puts the alerts of one evaluation in one email to the owner, the most serious first", () => {
    const n = fired({
      related: [
        { notificationId: "acc-42:complaints.spike:1:high", kind: "firing", alertId: "acc-42:complaints.spike:1", rule: "complaints.spike", level: "high", score: 80, firedAt: T0, evidence: [{ signal: "complaints.count", unit: "count", value: "5" }], eventIds: [] },
      ],
    });
    const out = applyNotification(emptyInbox("acc-42"), n, at(T0));
    expect(out.emails).toHaveLength(1);
    expect(out.emails[0]?.recipient).toMatchObject({ role: "owner", email: "li.wei@example.com", locale: "en", timezone: "Asia/Shanghai" });
    expect(out.emails[0]?.items.map((i) => [i.rule, i.reason])).toEqual([
      ["complaints.spike", "first"],
      ["purchases.decline", "first"],
    ]);
    expect(out.emails[0]?.level).toBe("high");
    expect(out.transitions.map((t) => t.type)).toEqual(["notified", "notified"]);
    expect(needsTicks(out.inbox)).toBe(true);
  });

  it("changes nothing for a redelivered or an overtaken notification", () => {
    const first = applyNotification(emptyInbox("acc-42"), fired(), at(T0));
    const again = applyNotification(first.inbox, fired(), at("2026-03-04T03:00:00Z"));
    expect(again.changed).toBe(false);
    expect(again.emails).toEqual([]);
    const resolved = applyNotification(first.inbox, fired({ kind: "resolved", notificationId: "acc-42:purchases.decline:1:resolved", evaluatedAt: "2026-03-05T00:00:00Z" }), at("2026-03-05T00:00:00Z"));
    const late = applyNotification(resolved.inbox, fired({ notificationId: "late", evaluatedAt: "2026-03-04T12:00:00Z" }), at("2026-03-05T01:00:00Z"));
    expect(late.changed).toBe(false);
    expect(late.inbox.alerts["purchases.decline"]?.record.state).toBe("resolved");
  });

  it("ignores the resolution of an alert nobody was told about", () => {
    const out = applyNotification(emptyInbox("acc-42"), fired({ kind: "resolved" }), at(T0));
    expect(out.changed).toBe(false);
  });

  it("keeps the evidence that made the alert fire when it resolves", () => {
    const first = applyNotification(emptyInbox("acc-42"), fired(), at(T0));
    const resolved = applyNotification(first.inbox, fired({ kind: "resolved", notificationId: "r", evidence: [{ signal: "orders.value", unit: "money", value: "1" }], evaluatedAt: "2026-03-05T00:00:00Z" }), at("2026-03-05T00:00:00Z"));
    expect(resolved.inbox.alerts["purchases.decline"]?.snapshot.evidence).toEqual(fired().evidence);
  });

  it("records an acknowledgement with its actor and refuses one for an unknown alert", () => {
    const first = applyNotification(emptyInbox("acc-42"), fired(), at(T0));
    const ack = applyAction(first.inbox, "purchases.decline", { type: "acknowledge", actor: "li.wei@example.com" }, at(T0));
    expect(ack.accepted).toBe(true);
    expect(ack.transitions).toMatchObject([{ type: "acknowledged", actor: "li.wei@example.com", alertId: "acc-42:purchases.decline:1" }]);
    const none = applyAction(first.inbox, "payments.overdue", { type: "acknowledge", actor: "x" }, at(T0));
    expect(none).toMatchObject({ accepted: false, changed: false });
  });

  it("a quiet tick changes nothing, a due repeat is one more email", () => {
    const first: AccountInbox = applyNotification(emptyInbox("acc-42"), fired(), at(T0)).inbox;
    expect(applyTick(first, at("2026-03-04T05:00:00Z")).changed).toBe(false);
    const repeat = applyTick(first, at("2026-03-05T02:30:00Z"));
    expect(repeat.emails.map((e) => e.items.map((i) => i.reason))).toEqual([["repeat"]]);
    expect(repeat.transitions.map((t) => t.transitionId)).toEqual(["acc-42:purchases.decline:1:notified:r2:1"]);
  });
});
