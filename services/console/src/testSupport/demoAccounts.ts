import type { FixtureAccount } from "./fixtures.ts";

export const demoPeople = {
  owner: { name: "王芳 Wang Fang", email: "wang.fang@example.com" },
  otherOwner: { name: "Sam Carter", email: "sam.carter@example.com" },
  manager: { name: "陈静 Chen Jing", email: "chen.jing@example.com" },
  executive: "ceo@example.com",
};

const declining = [52_000, 50_000, 55_000, 49_000, 53_000, 51_000, 48_000, 30_000, 22_000, 15_000, 9_000, 6_000];
const steady = [20_000, 21_000, 19_000, 22_000, 20_500, 21_500, 19_500, 20_000, 21_000, 20_000, 18_000, 12_000];

/** Accounts at risk for the console's tests, screenshots and demo: two owners under one manager. */
export const demoAccounts: FixtureAccount[] = [
  {
    accountId: "acc-hz-001", name: "杭州明远机电有限公司", tier: "strategic", region: "华东 East", owner: demoPeople.owner, manager: demoPeople.manager,
    monthly: declining,
    alerts: [
      { rule: "purchases.decline", level: "high", score: 78, evidence: [{ signal: "orders.value", unit: "money", value: "30000", baseline: "155000", windowDays: 90, changePct: -80.6 }] },
      { rule: "payments.overdue", level: "critical", score: 88, evidence: [{ signal: "invoices.daysPastDue", unit: "days", value: "47", threshold: "30" }, { signal: "invoices.openOverdueAmount", unit: "money", value: "86000" }] },
    ],
  },
  {
    accountId: "acc-sh-002", name: "上海嘉禾食品", tier: "partner", region: "华东 East", owner: demoPeople.owner, manager: demoPeople.manager,
    monthly: steady,
    alerts: [{ rule: "complaints.spike", level: "medium", score: 55, evidence: [{ signal: "complaints.count", unit: "count", value: "6", baseline: "1", windowDays: 30 }] }],
  },
  {
    accountId: "acc-us-003", name: "Northwind Traders", tier: "strategic", region: "North America", owner: demoPeople.otherOwner, manager: demoPeople.manager,
    currency: "USD", locale: "en", monthly: declining.map((v) => v / 7),
    alerts: [{ rule: "contact.silence", level: "high", score: 70, evidence: [{ signal: "contact.daysSinceLast", unit: "days", value: "64", baseline: "21" }] }],
  },
];
