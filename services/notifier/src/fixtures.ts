import type { AlertNotification } from "@churnwatch/contracts";

type Overrides = Partial<Omit<AlertNotification, "account">> & { account?: Partial<AlertNotification["account"]> };

/** A valid notification for tests: a strategic account whose purchases fell 71% against its baseline. */
export function sampleNotification(overrides: Overrides = {}): AlertNotification {
  const { account, ...rest } = overrides;
  return {
    notificationId: "acc-42:purchases.decline:1772414100000:high",
    kind: "firing",
    alertId: "acc-42:purchases.decline:1772414100000",
    accountId: "acc-42",
    rule: "purchases.decline",
    level: "high",
    score: 82,
    firedAt: "2026-03-02T01:15:00Z",
    evaluatedAt: "2026-03-02T01:15:00Z",
    configVersion: "2026-03-01.1",
    evidence: [
      { signal: "orders.value", unit: "money", value: "120000", baseline: "410000", windowDays: 90, changePct: -71 },
      { signal: "orders.count", unit: "count", value: "4", baseline: "15", windowDays: 90, changePct: -73.3 },
    ],
    eventIds: ["evt-1", "evt-2"],
    ...rest,
    account: {
      name: "Huadong Precision Parts",
      tier: "strategic",
      region: "East",
      currency: "CNY",
      timezone: "Asia/Shanghai",
      locale: "en",
      owner: { name: "Li Wei", email: "li.wei@example.com" },
      ...account,
    },
  };
}
