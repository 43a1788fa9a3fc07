import { defaultConfig, exchangeRatesSchema, formatMoney, parseAmount } from "@churnwatch/engine";
import { describe, expect, it } from "vitest";
import type { AccountInbox } from "../lifecycle/inbox.ts";
import { renderDigestEmail } from "../render/digest.ts";
import { accountState, type SeedAccount } from "../testSupport/accountStates.ts";
import { buildDigest, type DigestRecord } from "./content.ts";
import { subscriptionSchema } from "./subscription.ts";

const NOW = Date.parse("2027-03-15T00:00:00Z");
const ann = { name: "Ann", email: "ann@example.com" };
const bob = { name: "Bob", email: "bob@example.com" };
const seed: SeedAccount[] = [
  { accountId: "a", name: "Alpha", tier: "strategic", region: "East", owner: ann, revenue: 1_000_000, alerts: [{ rule: "purchases.decline", level: "high", score: 60 }, { rule: "payments.overdue", level: "medium", score: 50 }] },
  { accountId: "b", name: "Beta", tier: "partner", region: "East", owner: bob, revenue: 200_000, currency: "USD", alerts: [{ rule: "payments.overdue", level: "medium", score: 50 }] },
  { accountId: "c", name: "Gamma", tier: "strategic", region: "West", owner: bob, revenue: 900_000, alerts: [{ rule: "payments.slipping", level: "low", score: 20 }] },
];
const states = seed.map((a) => accountState(a, NOW));

function subscription(filters: object = {}) {
  return subscriptionSchema.parse({
    id: "s1",
    recipient: { name: "Wang Fang", email: "ceo@example.com" },
    schedule: { cadence: "weekly", weekday: 1, time: "08:00", timezone: "Asia/Shanghai" },
    filters,
    createdAt: "2027-01-01T00:00:00.000Z",
    updatedAt: "2027-01-01T00:00:00.000Z",
  });
}

const digest = (filters: object, history: DigestRecord[] = [], inboxes = new Map<string, AccountInbox>(), fx?: unknown, more: typeof states = []) =>
  buildDigest({
    subscription: subscription(filters),
    states: [...states, ...more],
    inboxes,
    history,
    periodKey: "2027-W11",
    scheduledMs: NOW,
    nowMs: NOW,
    late: false,
    engine: defaultConfig,
    fx: fx === undefined ? undefined : exchangeRatesSchema.parse(fx),
  });

describe("digest content", () => {
  it("filters by owner and tier, and marks nothing new in the first digest", () => {
    const d = digest({ owners: ["BOB@example.com"], tiers: ["strategic"] });
    expect(d.lines.map((l) => l.accountId)).toEqual(["c"]);
    expect(d.first).toBe(true);
    expect(d.lines[0]?.change).toBe("same");
    expect(d.added).toEqual([]);
  });

  it("says 'partly' acknowledged when one of an account's alerts is answered, and totals each currency apart", () => {
    const inbox = { accountId: "a", revision: 1, alerts: { "purchases.decline": { record: { acknowledgedAt: "2027-03-14T00:00:00Z" } } } } as unknown as AccountInbox;
    const d = digest({ regions: ["East"] }, [], new Map([["a", inbox]]));
    expect(d.lines.map((l) => [l.accountId, l.acknowledged])).toEqual([["a", "some"], ["b", "none"]]);
    // Judging the other alert "not a risk" is an answer too.
    const answered = { ...inbox, alerts: { ...inbox.alerts, "payments.overdue": { record: { dismissedAt: "2027-03-14T00:00:00Z" } } } } as unknown as AccountInbox;
    expect(digest({ regions: ["East"] }, [], new Map([["a", answered]])).lines[0]?.acknowledged).toBe("all");
    // Each currency is totalled apart: the CNY line of Alpha, the USD line of Beta (trailing value × risk chance).
    const line = (id: string) => d.lines.find((l) => l.accountId === id)?.revenueAtRisk;
    expect(d.byRegion).toEqual([{ key: "East", accounts: 2, revenueAtRisk: [{ currency: "CNY", amount: line("a") }, { currency: "USD", amount: line("b") }] }]);
    expect(Number(line("a"))).toBeGreaterThan(500_000); // 1,000,000 × at least the high level's floor
  });

  it("tells an account that fell below the filters apart from one that recovered", () => {
    const last: DigestRecord = {
      periodKey: "2027-W10",
      at: "2027-03-08T00:00:00.000Z",
      accounts: [
        { accountId: "c", name: "Gamma", level: "medium", score: 45 },
        { accountId: "z", name: "Zeta", level: "high", score: 70 },
      ],
    };
    const d = digest({ minLevel: "medium" }, [last]);
    expect(d.recovered).toEqual([
      { accountId: "c", name: "Gamma", was: "medium", now: "low" },
      { accountId: "z", name: "Zeta", was: "high", now: undefined },
    ]);
    expect(d.added.map((a) => a.accountId)).toEqual(["a", "b"]);
    const text = renderDigestEmail(d, { subscription: subscription({ minLevel: "medium" }), unsubscribeUrl: "https://x/u", accountUrl: (id) => `https://x/a/${id}` }).text;
    expect(text).toContain("- Recovered: Gamma (now Low, below this digest's scope), Zeta");
    expect(text).toContain("Scope: risk at least Medium");
  });

  it("ranks and totals converted amounts when a reporting currency is configured, and keeps each account's own", () => {
    const yen = accountState({ accountId: "d", name: "Delta", tier: "partner", region: "East", owner: ann, revenue: 90_000_000, currency: "JPY", alerts: [{ rule: "payments.overdue", level: "high", score: 60 }] }, NOW);
    const plain = digest({ regions: ["East"] }, [], undefined, undefined, [yen]);
    // Raw amounts: the yen account's 90 million tops the list, a ranking that means nothing across currencies.
    expect(plain.lines.map((l) => l.accountId)).toEqual(["d", "a", "b"]);
    expect(plain.fx).toBeUndefined();

    const fx = { reporting: "CNY", asOf: "2027-03-01", rates: { USD: "10" } };
    const d = digest({ regions: ["East"] }, [], undefined, fx, [yen]);
    const line = (id: string) => d.lines.find((l) => l.accountId === id);
    const beta = line("b");
    expect(beta?.reportingRevenueAtRisk).toBe(formatMoney(parseAmount(beta?.revenueAtRisk ?? "") * 10n));
    expect(line("a")?.reportingRevenueAtRisk).toBe(line("a")?.revenueAtRisk);
    // Beta's USD converted outranks Alpha's CNY; the yen account has no rate, so it comes last, never added in.
    expect(Number(beta?.reportingRevenueAtRisk)).toBeGreaterThan(Number(line("a")?.revenueAtRisk));
    expect(d.lines.map((l) => [l.accountId, l.rank])).toEqual([["b", 1], ["a", 2], ["d", 3]]);
    expect(line("d")?.reportingRevenueAtRisk).toBeUndefined();
    const total = formatMoney(parseAmount(beta?.reportingRevenueAtRisk ?? "") + parseAmount(line("a")?.revenueAtRisk ?? ""));
    expect(d.byRegion).toEqual([
      { key: "East", accounts: 3, revenueAtRisk: [{ currency: "CNY", amount: total }, { currency: "JPY", amount: line("d")?.revenueAtRisk, unconverted: true }] },
    ]);
    expect(d.fx).toEqual({ reporting: "CNY", asOf: "2027-03-01" });

    const email = (locale: "en" | "zh-CN") => {
      const sub = subscription({ regions: ["East"] });
      return renderDigestEmail(d, { subscription: { ...sub, recipient: { ...sub.recipient, locale } }, unsubscribeUrl: "https://x/u", accountUrl: (id) => `https://x/a/${id}` }).text;
    };
    const en = email("en");
    expect(en).toMatch(/1\. Beta · High · Revenue at risk CN¥[\d,]+\.\d\d \(\$[\d,]+\.\d\d\)/);
    expect(en).toContain("(not converted: no exchange rate)");
    expect(en).toContain("Amounts are converted to CNY at the rates of 2027-03-01");
    expect(email("zh-CN")).toContain("金额按 2027-03-01 的汇率折算为 CNY");
  });
});
