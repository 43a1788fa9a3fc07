import { alertNotificationSchema, type AlertNotification } from "@churnwatch/contracts";
import { describe, expect, it } from "vitest";
import { pinnedConfig as defaultConfig } from "./testkit/config.ts";
import { collectNotifications } from "./notifications.ts";
import { emptyState, type AccountState, type AlertRecord } from "./state.ts";
import { History, accountYear, dayIso, dayMs } from "./testkit/history.ts";
import { replay } from "./testkit/replay.ts";

const expectValid = (notifications: readonly AlertNotification[]) => {
  for (const n of notifications) expect(alertNotificationSchema.safeParse(n).error).toBeUndefined();
};

const PROFILE: NonNullable<AccountState["profile"]> = {
  name: "Acme Trading Co.",
  tier: "ordinary",
  owner: { name: "Li Wei", email: "li.wei@seller.example" },
  region: "East China",
  timezone: "Asia/Shanghai",
  currency: "CNY",
  locale: "zh-CN",
};

describe("collectNotifications", () => {
  const events = accountYear(new History(), { ordersUntil: 300 }).sorted();

  it("live: announces each alert once per level, firing then escalated", () => {
    const r = replay(events, { untilMs: dayMs(365), live: true });
    expectValid(r.notifications);
    const silence = r.notifications.filter((n) => n.rule === "purchases.silence");
    expect(silence.map((n) => `${n.kind}:${n.level}`)).toEqual(["firing:medium", "escalated:high", "escalated:critical"]);
    const alertId = r.state.alerts["purchases.silence"]?.alertId ?? "";
    expect(silence.map((n) => n.notificationId)).toEqual([`${alertId}:medium`, `${alertId}:high`, `${alertId}:critical`]);
    expect(new Set(r.notifications.map((n) => n.notificationId)).size).toBe(r.notifications.length);
    expect(silence[0]).toMatchObject({
      alertId,
      accountId: "acct-1",
      configVersion: defaultConfig.version,
      account: {
        name: "Acme Trading Co.",
        tier: "ordinary",
        region: "East China",
        currency: "CNY",
        timezone: "Asia/Shanghai",
        locale: "zh-CN",
        owner: { name: "Li Wei", email: "li.wei@example.com" },
      },
    });
    expect(Object.values(r.state.alerts).every((a) => a.announcedLevel === a.level)).toBe(true);
  });

  it("replay: builds state silently, then announces what is still firing exactly once", () => {
    const r = replay(events, { untilMs: dayMs(365) });
    expect(r.notifications).toEqual([]);
    const firing = Object.values(r.state.alerts);
    expect(firing.length).toBeGreaterThan(0);
    const first = collectNotifications(r.state, defaultConfig, dayIso(365));
    expectValid(first.notifications);
    expect(first.notifications.map((n) => `${n.rule}:${n.kind}:${n.level}`)).toEqual(
      firing.map((a) => `${a.rule}:firing:${a.level}`),
    );
    expect(first.notifications.every((n) => n.evaluatedAt === dayIso(365))).toBe(true);
    expect(collectNotifications(first.state, defaultConfig, dayIso(366)).notifications).toEqual([]);
  });

  it("does not announce a level again after a dip and a rise back to it", () => {
    const alert: AlertRecord = {
      alertId: "acct-1:purchases.decline:1",
      rule: "purchases.decline",
      level: "high",
      score: 70,
      firedAt: dayIso(0),
      lastEvaluatedAt: dayIso(3),
      evidence: [{ signal: "orders.value", unit: "money", value: "1.00" }],
      eventIds: [],
      announcedLevel: "high",
    };
    const state: AccountState = { ...emptyState("acct-1"), profile: PROFILE, alerts: { "purchases.decline": alert } };
    expect(collectNotifications(state, defaultConfig, dayIso(3))).toEqual({ state, notifications: [] });
    const critical = { ...state, alerts: { "purchases.decline": { ...alert, level: "critical" as const, score: 90 } } };
    const out = collectNotifications(critical, defaultConfig, dayIso(4));
    expect(out.notifications.map((n) => `${n.kind}:${n.notificationId}`)).toEqual(["escalated:acct-1:purchases.decline:1:critical"]);
    expect(out.state.alerts["purchases.decline"]?.announcedLevel).toBe("critical");
    expect(critical.alerts["purchases.decline"].announcedLevel).toBe("high");
  });

  it("holds an alert back until the account record names an owner, then announces it once", () => {
    const alert: AlertRecord = {
      alertId: "acct-9:payments.overdue:5",
      rule: "payments.overdue",
      level: "medium",
      score: 41,
      firedAt: "2026-03-02T01:15:00.000Z",
      lastEvaluatedAt: "2026-03-02T01:15:00.000Z",
      evidence: [{ signal: "invoices.daysPastDue", unit: "days", value: "14" }],
      eventIds: ["e1"],
    };
    const anonymous: AccountState = { ...emptyState("acct-9"), alerts: { "payments.overdue": alert } };
    expect(collectNotifications(anonymous, defaultConfig, "2026-03-02T09:15:00+08:00")).toEqual({ state: anonymous, notifications: [] });
    const known: AccountState = { ...anonymous, profile: PROFILE };
    const { notifications, state } = collectNotifications(known, defaultConfig, "2026-03-02T09:15:00+08:00");
    expectValid(notifications);
    expect(notifications.map((n) => n.account.owner?.email)).toEqual([PROFILE.owner.email]);
    expect(notifications[0]?.evaluatedAt).toBe("2026-03-02T01:15:00.000Z");
    expect(collectNotifications(state, defaultConfig, "2026-03-02T10:15:00+08:00").notifications).toEqual([]);
  });
});
