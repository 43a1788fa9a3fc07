import type pg from "pg";
import type { Level, RuleId } from "@churnwatch/contracts";
import type { ExchangeRates } from "@churnwatch/engine";
import { scopeCondition, type Viewer } from "../auth/roles.ts";
import { reportingRisk } from "./reportingCurrency.ts";

const DAY_MS = 86_400_000;
/** How far back the answers count as labels: long enough for a rule's answers to add up, short enough to be today's rules. */
export const ANSWER_WINDOW_DAYS = 180;
const WEEK_ITEMS = 20;

export interface RiskTotal {
  key: string;
  accounts: number;
  /** With rates: the converted sum (currency = the reporting one) and one unconverted sum per currency with no rate. */
  amounts: Array<{ currency: string | null; amount: string; unconverted: boolean }>;
}

export interface WeekItem {
  accountId: string;
  name: string | null;
  rule: RuleId;
  level: Level;
  at: string;
}

export interface RuleAnswers {
  rule: RuleId;
  /** Alerts with an answer in the window, each counted once by its latest answer. */
  answered: number;
  acknowledged: number;
  snoozed: number;
  notARisk: number;
}

/**
 * Revenue at risk summed per region or tier, in the viewer's scope. The GROUP BY puts every converted amount
 * in one group and keeps a currency with no rate in a group of its own, so nothing is added across currencies.
 */
async function riskTotals(pool: pg.Pool, viewer: Viewer, column: "region" | "tier", fx: ExchangeRates | undefined): Promise<RiskTotal[]> {
  const scope = scopeCondition(viewer, 1);
  const values: unknown[] = [...scope.values];
  const converted = reportingRisk(fx, values);
  const rows = (
    await pool.query<{ key: string | null; currency: string | null; converted: boolean; accounts: number; amount: string }>(
      `SELECT accounts.${column} AS key, CASE WHEN conv.r IS NULL THEN accounts.currency END AS currency, conv.r IS NOT NULL AS converted,
              count(*)::int AS accounts, sum(coalesce(conv.r, accounts.revenue_at_risk))::text AS amount
         FROM accounts, LATERAL (SELECT ${converted} AS r) conv
        WHERE ${scope.sql} AND accounts.level IS NOT NULL
        GROUP BY 1, 2, 3`,
      values,
    )
  ).rows;
  const byKey = new Map<string, RiskTotal>();
  for (const r of rows) {
    const key = r.key ?? "—";
    const t = byKey.get(key) ?? { key, accounts: 0, amounts: [] };
    t.accounts += r.accounts;
    t.amounts.push({ currency: r.converted ? (fx?.reporting ?? null) : r.currency, amount: r.amount, unconverted: fx !== undefined && !r.converted });
    byKey.set(key, t);
  }
  for (const t of byKey.values()) t.amounts.sort((a, b) => Number(a.unconverted) - Number(b.unconverted) || (a.currency ?? "").localeCompare(b.currency ?? ""));
  return [...byKey.values()].sort((a, b) => b.accounts - a.accounts || a.key.localeCompare(b.key));
}

/** The engine's own changes in the last 7 days, in scope: one line per alert and kind (the relay may repeat one). */
async function thisWeek(pool: pg.Pool, viewer: Viewer, nowMs: number) {
  const scope = scopeCondition(viewer, 2);
  const rows = (
    await pool.query<{ type: "fired" | "escalated" | "resolved"; account_id: string; name: string | null; rule: RuleId; level: Level; at: Date; total: number }>(
      `SELECT * FROM (
         SELECT DISTINCT ON (t.type, t.alert_id) t.type, t.account_id, accounts.name, t.rule, t.level, t.at
           FROM alert_transitions t JOIN accounts ON accounts.account_id = t.account_id
          WHERE t.type IN ('fired', 'escalated', 'resolved') AND t.at > $1 AND ${scope.sql}
          ORDER BY t.type, t.alert_id, t.at DESC) w
       ORDER BY at DESC`,
      [new Date(nowMs - 7 * DAY_MS), ...scope.values],
    )
  ).rows;
  const week = { fired: [] as WeekItem[], escalated: [] as WeekItem[], resolved: [] as WeekItem[] };
  for (const r of rows) week[r.type].push({ accountId: r.account_id, name: r.name, rule: r.rule, level: r.level, at: r.at.toISOString() });
  return {
    counts: { fired: week.fired.length, escalated: week.escalated.length, resolved: week.resolved.length },
    fired: week.fired.slice(0, WEEK_ITEMS),
    escalated: week.escalated.slice(0, WEEK_ITEMS),
    resolved: week.resolved.slice(0, WEEK_ITEMS),
  };
}

/**
 * What the account managers answered, per rule, as labels: an alert acknowledged was taken up, one marked
 * "not a risk" was a false alarm in its owner's judgement. Counted company-wide (aggregates only, nobody's
 * accounts), each alert once by its latest answer, wherever it was given (console or email link).
 */
export async function answersByRule(pool: pg.Pool, nowMs: number): Promise<RuleAnswers[]> {
  const rows = (
    await pool.query<{ rule: RuleId; answered: number; acknowledged: number; snoozed: number; not_a_risk: number }>(
      `WITH responses AS (
         SELECT alert_id, rule, type, at FROM answers WHERE alert_id IS NOT NULL AND rule IS NOT NULL AND type <> 'note'
         UNION ALL
         SELECT alert_id, rule, CASE type WHEN 'acknowledged' THEN 'acknowledge' WHEN 'snoozed' THEN 'snooze' ELSE 'dismiss' END, at
           FROM alert_transitions WHERE type IN ('acknowledged', 'snoozed', 'dismissed')
       ), latest AS (
         SELECT DISTINCT ON (alert_id) alert_id, rule, type FROM responses WHERE at > $1 ORDER BY alert_id, at DESC
       )
       SELECT rule, count(*)::int AS answered,
              count(*) FILTER (WHERE type = 'acknowledge')::int AS acknowledged,
              count(*) FILTER (WHERE type = 'snooze')::int AS snoozed,
              count(*) FILTER (WHERE type = 'dismiss')::int AS not_a_risk
         FROM latest GROUP BY rule ORDER BY rule`,
      [new Date(nowMs - ANSWER_WINDOW_DAYS * DAY_MS)],
    )
  ).rows;
  return rows.map((r) => ({ rule: r.rule, answered: r.answered, acknowledged: r.acknowledged, snoozed: r.snoozed, notARisk: r.not_a_risk }));
}

/** The executive overview: where the money at risk is, what moved this week, and how good the warnings are. */
export async function overview(pool: pg.Pool, viewer: Viewer, fx: ExchangeRates | undefined, nowMs: number) {
  const scope = scopeCondition(viewer, 1);
  const [byRegion, byTier, week, answers, levels] = await Promise.all([
    riskTotals(pool, viewer, "region", fx),
    riskTotals(pool, viewer, "tier", fx),
    thisWeek(pool, viewer, nowMs),
    answersByRule(pool, nowMs),
    pool.query<{ level: Level; n: number }>(`SELECT level, count(*)::int AS n FROM accounts WHERE ${scope.sql} AND level IS NOT NULL GROUP BY level`, scope.values),
  ]);
  return {
    byRegion,
    byTier,
    week,
    answers,
    levels: Object.fromEntries(levels.rows.map((r) => [r.level, r.n])) as Partial<Record<Level, number>>,
    fx: fx ? { reporting: fx.reporting, asOf: fx.asOf } : undefined,
  };
}
export type OverviewView = Awaited<ReturnType<typeof overview>>;
