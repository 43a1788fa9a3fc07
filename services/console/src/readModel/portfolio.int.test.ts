import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { defaultConfig, type ExchangeRates } from "@churnwatch/engine";
import { createLogger } from "@churnwatch/platform";
import { createTestDatabase } from "@churnwatch/testing";
import { projectAccountState } from "../projector/project.ts";
import { changelogValue, fixtureState, type FixtureAccount } from "../testSupport/fixtures.ts";
import { createPool, migrate } from "./database.ts";
import { applyProjections } from "./pgProjections.ts";
import { PAGE_SIZE, portfolio, type PortfolioFilters } from "./queries.ts";

const logger = createLogger("console-test", "silent");
const now = Date.parse("2026-11-30T02:00:00Z");
const owner = { name: "Li Wei", email: "li.wei@example.com" };
const executive = { email: "ceo@example.com", role: "executive", canAct: false, seesQueues: false } as const;
const fx: ExchangeRates = { reporting: "CNY", asOf: "2026-11-30", rates: { USD: "7.1", EUR: "7.7" } };

// Same score and the same monthly spend, so revenue at risk differs only by the amount and its currency: raw
// amounts rank USD 30,000 below CNY 100,000; converted (213,000 CNY) it comes first.
const account = (id: string, monthly: number, currency: string): FixtureAccount => ({
  accountId: id, name: id, tier: "partner", region: "East", owner, currency, monthly: Array(12).fill(monthly),
  alerts: [{ rule: "payments.overdue", level: "high", score: 70 }],
});
const accounts: FixtureAccount[] = [
  account("usd-big", 30_000, "USD"),
  account("cny-mid", 100_000, "CNY"),
  account("eur-small", 1_000, "EUR"),
  account("jpy-norate", 5_000_000, "JPY"),
  // Enough CNY accounts to page: the keyset cursor must carry the converted rank across pages.
  ...Array.from({ length: PAGE_SIZE + 5 }, (_, i) => account(`cny-${String(i).padStart(2, "0")}`, 2_000 + i * 100, "CNY")),
];

describe("portfolio ranking with a reporting currency (PostgreSQL)", () => {
  let db: { url: string; drop: () => Promise<void> };
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase("cw_console_portfolio_fx");
    await migrate(db.url, logger);
    pool = createPool(db.url);
    await applyProjections(pool, accounts.map((a) => projectAccountState(a.accountId, changelogValue(fixtureState(a, now), 1), defaultConfig)));
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  async function allPages(f: PortfolioFilters, rates?: ExchangeRates) {
    const rows = [];
    let after: PortfolioFilters["after"];
    for (let pages = 0; pages < 10; pages++) {
      const view = await portfolio(pool, executive, { ...f, after }, rates);
      rows.push(...view.rows);
      if (!view.next) return rows;
      after = view.next;
    }
    throw new Error("paging did not end");
  }

  it("without rates ranks raw amounts (what the console did before), with rates the converted ones", async () => {
    const raw = await allPages({});
    expect(raw.map((r) => r.account_id).slice(0, 2)).toEqual(["jpy-norate", "cny-mid"]);
    expect(raw.every((r) => r.reporting_risk === null)).toBe(true);

    const ranked = await allPages({}, fx);
    expect(ranked.map((r) => r.account_id).slice(0, 2)).toEqual(["usd-big", "cny-mid"]);
    const usd = ranked[0];
    expect(Number(usd?.reporting_risk)).toBeCloseTo(Number(usd?.revenue_at_risk) * 7.1, 4);
    // No rate for JPY: never added in as if it were CNY, ranked after every converted amount.
    expect(ranked.at(-1)?.account_id).toBe("jpy-norate");
    expect(ranked.at(-1)?.reporting_risk).toBeNull();
    // Paged through the keyset cursor: every account exactly once, in descending converted order.
    expect(ranked).toHaveLength(accounts.length);
    expect(new Set(ranked.map((r) => r.account_id)).size).toBe(accounts.length);
    const keys = ranked.slice(0, -1).map((r) => Number(r.reporting_risk));
    expect(keys).toEqual([...keys].sort((a, b) => b - a));
  });

  it("filters still apply with rates, and a CNY account's figure is its own", async () => {
    const rows = await allPages({ q: "cny-mid" }, fx);
    expect(rows.map((r) => [r.account_id, r.reporting_risk === r.revenue_at_risk])).toEqual([["cny-mid", true]]);
  });

  it("offers each region and owner in the viewer's scope once, as filter choices", async () => {
    const other = { name: "Sam Carter", email: "sam.carter@example.com" };
    const more: FixtureAccount[] = [
      { ...account("west-1", 3_000, "CNY"), region: "West", owner: other },
      { ...account("west-2", 3_000, "CNY"), region: "West", owner: other },
    ];
    await applyProjections(pool, more.map((a) => projectAccountState(a.accountId, changelogValue(fixtureState(a, now), 1), defaultConfig)));
    const all = (await portfolio(pool, executive, {})).options;
    expect(all.regions).toEqual(["East", "West"]);
    expect(all.owners).toEqual([owner, other]);
    const mine = (await portfolio(pool, { email: owner.email, role: "accountManager", canAct: true, seesQueues: false }, {})).options;
    expect(mine).toEqual({ regions: ["East"], owners: [owner] });
  });
});
