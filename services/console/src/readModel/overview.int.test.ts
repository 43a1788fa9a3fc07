import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { defaultConfig, type ExchangeRates } from "@churnwatch/engine";
import { createLogger } from "@churnwatch/platform";
import { createTestDatabase } from "@churnwatch/testing";
import type { Viewer } from "../auth/roles.ts";
import { overviewPage } from "../pages/overviewPage.ts";
import { projectAccountState, projectAnswer, projectTransition } from "../projector/project.ts";
import { changelogValue, fixtureState, type FixtureAccount } from "../testSupport/fixtures.ts";
import { createPool, migrate } from "./database.ts";
import { answersByRule, overview } from "./overview.ts";
import { accountDetail } from "./queries.ts";
import { accountPage } from "../pages/accountPage.ts";
import { applyProjections } from "./pgProjections.ts";

const logger = createLogger("console-test", "silent");
const now = Date.parse("2026-11-30T02:00:00Z");
const DAY = 86_400_000;
const li = { name: "Li Wei", email: "li.wei@example.com" };
const ann = { name: "Ann Lee", email: "ann.lee@example.com" };
const executive: Viewer = { email: "ceo@example.com", role: "executive", canAct: false, seesQueues: false };
const liViewer: Viewer = { email: li.email, role: "accountManager", canAct: true, seesQueues: false };
const fx: ExchangeRates = { reporting: "CNY", asOf: "2026-11-30", rates: { USD: "7" } };

const account = (accountId: string, region: string, tier: FixtureAccount["tier"], owner: typeof li, currency: string, monthly: number): FixtureAccount => ({
  accountId, name: accountId, tier, region, owner, currency, monthly: Array(12).fill(monthly),
  alerts: [{ rule: "payments.overdue", level: "high", score: 70 }],
});
const accounts = [
  account("east-cny", "East", "strategic", li, "CNY", 10_000),
  account("east-usd", "East", "partner", li, "USD", 1_000),
  account("west-cny", "West", "partner", ann, "CNY", 20_000),
  account("west-jpy", "West", "ordinary", ann, "JPY", 100_000),
];

let seq = 0;
const transition = (accountId: string, type: string, atMs: number, rule = "payments.overdue") =>
  JSON.stringify({
    transitionId: `t-${seq++}`, alertId: `${accountId}:${rule}:1`, accountId, rule, type, level: "high", score: 70,
    at: new Date(atMs).toISOString(), cause: "engine", actor: type === "dismissed" || type === "acknowledged" ? li.email : "engine", configVersion: "v1",
  });
const answer = (accountId: string, type: "acknowledge" | "dismiss", atMs: number, answerId: string) =>
  JSON.stringify({
    type, answerId, accountId, alertId: `${accountId}:payments.overdue:1`, rule: "payments.overdue", actor: li.email, at: new Date(atMs).toISOString(),
    ...(type === "dismiss" ? { reason: "renewed" } : {}),
  });

describe("executive overview (PostgreSQL)", () => {
  let db: { url: string; drop: () => Promise<void> };
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase("cw_console_overview");
    await migrate(db.url, logger);
    pool = createPool(db.url);
    await applyProjections(pool, [
      ...accounts.map((a) => projectAccountState(a.accountId, changelogValue(fixtureState(a, now), 1), defaultConfig)),
      projectTransition(transition("east-cny", "fired", now - DAY)),
      // The relay may write a transition twice (a new id each time it is rebuilt): one line per alert and kind.
      projectTransition(transition("east-cny", "fired", now - DAY)),
      projectTransition(transition("east-usd", "escalated", now - 2 * DAY)),
      projectTransition(transition("west-cny", "resolved", now - 3 * DAY)),
      // Older than a week: not in "the last 7 days".
      projectTransition(transition("west-jpy", "fired", now - 9 * DAY)),
      // Answers as labels: east-cny acknowledged in the console, then marked not a risk (latest wins); east-usd
      // acknowledged through an email link (a transition), and again in the console (one alert, counted once).
      projectAnswer(answer("east-cny", "acknowledge", now - DAY, "a1")),
      projectAnswer(answer("east-cny", "dismiss", now - DAY / 2, "a2")),
      projectTransition(transition("east-usd", "acknowledged", now - DAY)),
      projectAnswer(answer("east-usd", "acknowledge", now - DAY / 3, "a3")),
      // Older than the answer window: not counted.
      projectAnswer(answer("west-cny", "dismiss", now - 400 * DAY, "a4")),
    ]);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it("totals revenue at risk per region in the reporting currency, keeping a currency with no rate apart", async () => {
    const view = await overview(pool, executive, fx, now);
    const raw = await overview(pool, executive, undefined, now);
    const rawEast = raw.byRegion.find((t) => t.key === "East");
    const own = (currency: string) => Number(rawEast?.amounts.find((a) => a.currency === currency)?.amount);
    // Without rates: one sum per currency, never added together.
    expect(rawEast?.amounts.map((a) => a.currency)).toEqual(["CNY", "USD"]);
    const east = view.byRegion.find((t) => t.key === "East");
    expect(east?.accounts).toBe(2);
    expect(east?.amounts).toHaveLength(1);
    expect(Number(east?.amounts[0]?.amount)).toBeCloseTo(own("CNY") + own("USD") * 7, 4);
    const west = view.byRegion.find((t) => t.key === "West");
    expect(west?.amounts.map((a) => [a.currency, a.unconverted])).toEqual([["CNY", false], ["JPY", true]]);
    expect(view.levels.high).toBe(4);
  });

  it("lists what fired, escalated and recovered in the last 7 days, in the viewer's scope", async () => {
    const all = await overview(pool, executive, fx, now);
    expect(all.week.counts).toEqual({ fired: 1, escalated: 1, resolved: 1 });
    expect(all.week.fired.map((i) => i.accountId)).toEqual(["east-cny"]);
    const mine = await overview(pool, liViewer, fx, now);
    expect(mine.week.counts).toEqual({ fired: 1, escalated: 1, resolved: 0 });
    expect(mine.byRegion.map((t) => t.key)).toEqual(["East"]);
  });

  it("counts each answered alert once by its latest answer, wherever it was given", async () => {
    const view = await overview(pool, executive, fx, now);
    expect(view.answers).toEqual([{ rule: "payments.overdue", answered: 2, acknowledged: 1, snoozed: 0, notARisk: 1 }]);
    // And each alert on the account page says how alerts like it have turned out.
    const detail = await accountDetail(pool, executive, "west-cny");
    if (!detail) throw new Error("west-cny not in scope");
    const track = { answers: await answersByRule(pool, now), backtest: { period: { from: "", to: "" }, overall: { accounts: 1, churners: 0, precision: 0, recall: 0, leadTimeDays: { median: null }, alertsPerAccountMonth: null }, perRule: { "payments.overdue": { precision: 0.31, recall: 0.2 } } } };
    const ctx = { locale: "en" as const, viewer: executive, csrf: "t", path: "/" };
    expect(accountPage(ctx, detail, {}, fx, track)).toContain(
      "Alerts of this kind: 2 answered in the last 180 days, 1 of them marked not a risk (50%). In the latest backtest, 31% of the accounts such alerts warned about defected.",
    );
    expect(accountPage({ ...ctx, locale: "zh-CN" }, detail, {}, fx, { answers: [] })).toContain("最近 180 天内没有同类预警得到答复。");
  });

  it("renders in both languages, the backtest's precision beside its base rate", async () => {
    const view = await overview(pool, executive, fx, now);
    const report = {
      ok: true as const,
      report: {
        period: { from: "2011-06-10T00:00:00Z", to: "2011-12-09T00:00:00Z" },
        overall: { accounts: 1482, churners: 221, precision: 0.36, recall: 0.45, leadTimeDays: { median: 61 }, alertsPerAccountMonth: 0.05 },
        perRule: {},
      },
    };
    const ctx = (locale: "en" | "zh-CN") => ({ locale, viewer: executive, csrf: "t", path: "/overview" });
    const en = overviewPage(ctx("en"), view, report);
    expect(en).toContain("Precision (accounts warned that then defected)</dt><dd>36% (base rate 14.9%)");
    expect(en).toContain("61 days");
    expect(en).toContain("New alerts (1)");
    expect(en).toContain("not converted: no exchange rate");
    const zh = overviewPage(ctx("zh-CN"), view, undefined);
    expect(zh).toContain("各区域风险收入");
    expect(zh).toContain("未配置回测报告");
    expect(overviewPage(ctx("en"), view, { ok: false, reason: "no report yet" })).toContain("The backtest report could not be read: no report yet");
  });
});
