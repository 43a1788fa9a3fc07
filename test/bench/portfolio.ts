// `pnpm exec tsx test/bench/portfolio.ts [--accounts 10000] [--reps 30]`: the console's portfolio query
// (services/console/src/readModel/queries.ts portfolio()) over a scratch PostgreSQL database of its own
// (created, migrated, dropped at the end), filled through the real projection path (projectAccountState →
// applyProjections, six versions an account, so risk points too), with alert transitions and console answers.
// Times, server-side: the first page, a filtered page, a search and a deep keyset page, as an executive (every
// account) and as an account manager (their own), with and without exchange rates; as baselines in the same
// run, a `SELECT 1` round trip and a bare `SELECT … ORDER BY revenue_at_risk DESC LIMIT 21`. Then the whole
// `GET /` through the console's Fastify app (inject, a real session cookie). Goal (issue 16): first page
// < 300 ms server-side. Figures on stdout, progress on stderr.
import type { AlertTransition, ConsoleAnswer, Level, RuleId, Tier } from "@churnwatch/contracts";
import { ruleIds } from "@churnwatch/contracts";
import { defaultConfig, seededRandom as random, type ExchangeRates } from "@churnwatch/engine";
import { createLogger } from "@churnwatch/platform";
import { createTestDatabase } from "@churnwatch/testing";
import type { Viewer } from "../../services/console/src/auth/roles.ts";
import { createSigninLinks } from "../../services/console/src/auth/signinLinks.ts";
import { buildConsole } from "../../services/console/src/http/server.ts";
import { projectAccountState, type Projection } from "../../services/console/src/projector/project.ts";
import { createPool, migrate } from "../../services/console/src/readModel/database.ts";
import { applyProjections } from "../../services/console/src/readModel/pgProjections.ts";
import { portfolio, type PortfolioFilters } from "../../services/console/src/readModel/queries.ts";
import { changelogValue, firedTransitions, fixtureState, grown, type FixtureAccount } from "../../services/console/src/testSupport/fixtures.ts";
import { benchArgs, cleanupAll, fmt, log, machineLine, percentile, progress, runBench } from "./support.ts";

const args = benchArgs(import.meta.url, {
  accounts: { type: "string", default: "10000" },
  owners: { type: "string", default: "50" },
  reps: { type: "string", default: "30" },
  "http-reps": { type: "string", default: "10" },
  seed: { type: "string", default: "42" },
  /** Drops the indexes migration 1765100000002 adds, to measure the schema as it was before them. */
  "without-answer-indexes": { type: "boolean", default: false },
});

const WEEK_MS = 7 * 86_400_000;
const VERSIONS = 6;
const fx: ExchangeRates = { reporting: "CNY", asOf: "2026-12-01", rates: { USD: "7.20", EUR: "7.80", HKD: "0.92", GBP: "9.10" } };
const regions = ["华东 East", "华南 South", "华北 North", "North America", "Europe", "APAC"];
const tiers: Tier[] = ["strategic", "partner", "ordinary"];
// JPY has no rate: those accounts rank last with rates, as the console shows them.
const currencies = ["CNY", "CNY", "CNY", "CNY", "CNY", "CNY", "USD", "USD", "EUR", "JPY"];
const words = ["Northwind", "明远机电", "嘉禾食品", "Contoso", "Fabrikam", "Tailspin", "华信物流", "Litware", "Adventure Works", "天成包装"];
const levelsByScore: Array<[number, Level]> = [[85, "critical"], [70, "high"], [50, "medium"], [0, "low"]];

function portfolioAccounts(count: number, owners: number, seed: number): FixtureAccount[] {
  const r = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  return Array.from({ length: count }, (_, i) => {
    const o = i % owners;
    const base = 2_000 + Math.round(r() * 400_000);
    const falling = r() < 0.5;
    // Three in four accounts have an open alert (one or two), so most of the portfolio is at risk.
    const alerts = r() < 0.75 ? [...new Set([pick(ruleIds), pick(ruleIds)])].slice(0, r() < 0.5 ? 1 : 2) : [];
    return {
      accountId: `acc-${String(i).padStart(5, "0")}`,
      name: `${pick(words)} ${i}`,
      tier: pick(tiers),
      region: pick(regions),
      owner: { name: `Owner ${o}`, email: `owner${o}@example.com` },
      manager: { name: `Manager ${o % 10}`, email: `manager${o % 10}@example.com` },
      currency: pick(currencies),
      monthly: Array.from({ length: 12 }, (_, m) => Math.round(base * (falling && m > 7 ? 1 - (m - 7) * 0.2 : 0.9 + r() * 0.2))),
      alerts: alerts.map((rule: RuleId) => {
        const score = 40 + Math.round(r() * 58);
        return { rule, score, level: levelsByScore.find(([floor]) => score >= floor)?.[1] ?? "low" };
      }),
    };
  });
}

/** About a third of the alerts answered in the console, a day after they were notified. */
function answersFor(a: FixtureAccount, transitions: AlertTransition[], r: () => number): ConsoleAnswer[] {
  return transitions
    .filter((t) => t.type === "notified" && r() < 0.35)
    .map((t) => ({ type: "acknowledge", answerId: `${t.alertId}:ack`, accountId: a.accountId, alertId: t.alertId, rule: t.rule, actor: a.owner.email, at: new Date(Date.parse(t.at) + 86_400_000).toISOString() }));
}

interface Timing {
  p50: number;
  p95: number;
  max: number;
}

async function time(reps: number, run: () => Promise<unknown>): Promise<Timing> {
  await run(); // warm: plan cache, buffers
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    await run();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), max: Math.max(...ms) };
}

const line = (label: string, t: Timing, extra = "") => console.log(`  ${label.padEnd(58)} p50 ${fmt(t.p50, 1).padStart(7)} ms   p95 ${fmt(t.p95, 1).padStart(7)} ms   max ${fmt(t.max, 1).padStart(7)} ms${extra}`);

runBench(async () => {
  const count = Number(args.accounts);
  const reps = Number(args.reps);
  const logger = createLogger("portfolio-bench", "silent");
  const nowMs = Date.parse("2026-12-07T02:00:00Z");
  log(machineLine());
  const db = await createTestDatabase("cw_bench_portfolio");
  const pool = createPool(db.url);
  try {
    await migrate(db.url, logger);
    if (args["without-answer-indexes"]) await pool.query("DROP INDEX answers_alert_latest; DROP INDEX alert_transitions_answer_latest");
    const accounts = portfolioAccounts(count, Number(args.owners), Number(args.seed));
    const r = random(Number(args.seed) + 1);
    log(`projecting ${fmt(count)} accounts × ${VERSIONS} versions, their transitions and answers`);
    const bar = progress("projecting", count, "accounts");
    const started = Date.now();
    for (let i = 0; i < accounts.length; i += 250) {
      const batch: Projection[] = [];
      for (const a of accounts.slice(i, i + 250)) {
        for (let v = 0; v < VERSIONS; v++) {
          const state = fixtureState(grown(a, v, VERSIONS), nowMs - (VERSIONS - 1 - v) * WEEK_MS);
          batch.push(projectAccountState(a.accountId, changelogValue(state, v + 1), defaultConfig));
        }
        const transitions = firedTransitions(a, nowMs);
        batch.push(...transitions.map((transition) => ({ kind: "transition" as const, transition })));
        batch.push(...answersFor(a, transitions, r).map((answer) => ({ kind: "answer" as const, answer })));
      }
      await applyProjections(pool, batch);
      bar.update(Math.min(i + 250, count));
    }
    bar.stop();
    await pool.query("ANALYZE");
    const sizes = (await pool.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM accounts) AS accounts, (SELECT count(*)::int FROM accounts WHERE level IS NOT NULL) AS at_risk,
              (SELECT count(*)::int FROM risk_points) AS points, (SELECT count(*)::int FROM alert_transitions) AS transitions,
              (SELECT count(*)::int FROM answers) AS answers`,
    )).rows[0] ?? {};
    log(`projected in ${fmt((Date.now() - started) / 1000, 1)} s`);

    const executive: Viewer = { email: "ceo@example.com", role: "executive", canAct: false, seesQueues: false };
    const owner: Viewer = { email: "owner7@example.com", role: "accountManager", canAct: true, seesQueues: false };
    /** The cursor of page `n` (1-based), by walking the pages as a reader clicking "next" would. */
    async function cursorOfPage(viewer: Viewer, rates: ExchangeRates | undefined, n: number): Promise<PortfolioFilters["after"]> {
      let after: PortfolioFilters["after"];
      for (let p = 1; p < n; p++) after = (await portfolio(pool, viewer, { after }, rates)).next;
      return after;
    }

    console.log(`portfolio query${args["without-answer-indexes"] ? " WITHOUT the answer indexes" : ""}, ${fmt(sizes.accounts ?? 0)} accounts (${fmt(sizes.at_risk ?? 0)} at risk), ${fmt(sizes.points ?? 0)} risk points, ${fmt(sizes.transitions ?? 0)} transitions, ${fmt(sizes.answers ?? 0)} answers; ${reps} reps each after one warm-up`);
    console.log(`  ${machineLine()}`);
    console.log("baselines (same run, same pool):");
    line("SELECT 1 round trip", await time(reps, () => pool.query("SELECT 1")));
    line("bare SELECT … ORDER BY revenue_at_risk DESC LIMIT 21", await time(reps, () => pool.query("SELECT account_id, revenue_at_risk FROM accounts WHERE level IS NOT NULL ORDER BY revenue_at_risk DESC, account_id DESC LIMIT 21")));
    for (const [who, viewer, deep] of [["executive", executive, 50], ["account manager", owner, 5]] as const) {
      for (const rates of [undefined, fx]) {
        const tag = `${who}, ${rates ? "FX" : "no FX"}`;
        const after = await cursorOfPage(viewer, rates, deep);
        console.log(`portfolio() as ${tag}:`);
        line("first page", await time(reps, () => portfolio(pool, viewer, {}, rates)));
        line("filtered page (region + level)", await time(reps, () => portfolio(pool, viewer, { region: "华东 East", level: "high" }, rates)));
        line("search (q=Northwind)", await time(reps, () => portfolio(pool, viewer, { q: "Northwind" }, rates)));
        line(`keyset page ${deep}`, await time(reps, () => portfolio(pool, viewer, { after }, rates)));
      }
    }
    await httpRoute(pool, Number(args["http-reps"]), nowMs);
  } finally {
    await cleanupAll([
      ["pool", () => pool.end()],
      ["database", () => db.drop()],
    ]);
  }
});

/** The whole `GET /` (session check, the query, the page's HTML) through the console's app, by inject. */
async function httpRoute(pool: ReturnType<typeof createPool>, reps: number, nowMs: number): Promise<void> {
  const executive = "ceo@example.com";
  const signin = createSigninLinks(pool, 15 * 60_000, Date.now);
  const app = await buildConsole({
    pool,
    signin,
    sendMail: async () => undefined,
    answers: { answer: () => Promise.reject(new Error("read-only benchmark")), contact: () => Promise.reject(new Error("read-only benchmark")) },
    policy: { executives: new Set([executive]), operators: new Set() },
    baseUrl: "http://127.0.0.1:8090",
    sessionKey: Buffer.alloc(32, 7),
    sessionHours: 1,
    signinMinutes: 15,
    levelFloors: defaultConfig.model.levels,
    fx,
    now: () => nowMs,
    logger: createLogger("portfolio-bench", "silent"),
  });
  try {
    // Sign in as a person would: the link's page (a CSRF token and its cookie), then its button.
    const token = await signin.issue(executive);
    const confirm = await app.inject({ method: "GET", url: `/signin/${token}` });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(confirm.body)?.[1] ?? "";
    // The Set-Cookie header as sent (light-my-request's parsed `cookies` decode the sealed value).
    const cookieOf = (res: { headers: Record<string, unknown> }) => [res.headers["set-cookie"]].flat().map((c) => String(c).split(";")[0]).join("; ");
    const signedIn = await app.inject({ method: "POST", url: `/signin/${token}`, headers: { cookie: cookieOf(confirm), "content-type": "application/x-www-form-urlencoded" }, payload: `_csrf=${encodeURIComponent(csrf)}` });
    if (signedIn.statusCode !== 303) throw new Error(`sign-in answered ${signedIn.statusCode}`);
    const cookie = cookieOf(signedIn);
    let bytes = 0;
    const t = await time(reps, async () => {
      const res = await app.inject({ method: "GET", url: "/", headers: { cookie } });
      if (res.statusCode !== 200) throw new Error(`GET / answered ${res.statusCode}`);
      bytes = res.body.length;
    });
    console.log(`HTTP GET / through the console app (inject, executive, FX, session check + query + HTML), ${reps} reps:`);
    line("first page", t, `   ${fmt(bytes / 1024, 0)} KiB of HTML`);
  } finally {
    await app.close();
  }
}
