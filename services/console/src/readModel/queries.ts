import type pg from "pg";
import type { AlertTransition, Level, RuleId } from "@churnwatch/contracts";
import type { ExchangeRates } from "@churnwatch/engine";
import { reportingRisk } from "./reportingCurrency.ts";
import { scopeCondition, type DirectoryFacts, type Viewer } from "../auth/roles.ts";
import type { OpenAlert, SpendSeries } from "../projector/project.ts";

export const PAGE_SIZE = 20;
const TREND_POINTS = 20;

export interface PortfolioFilters {
  region?: string | undefined;
  tier?: string | undefined;
  level?: Level | undefined;
  owner?: string | undefined;
  q?: string | undefined;
  /**
   * Keyset cursor: the last row of the previous page (its rank key, its own amount, account id). The rank key
   * is the amount in the reporting currency, -1 when its currency has no rate.
   */
  after?: { risk: string; own: string; id: string } | undefined;
}

/** The latest answer to each open alert; `a` is the alias of an alert element. */
const LATEST_RESPONSE = `(SELECT row_to_json(r) FROM (SELECT type, actor, at FROM alert_responses ar
   WHERE ar.alert_id = a->>'alertId' ORDER BY at DESC LIMIT 1) r)`;

export async function directoryFacts(pool: pg.Pool, email: string): Promise<DirectoryFacts> {
  const r = await pool.query<DirectoryFacts>(
    `SELECT EXISTS (SELECT 1 FROM accounts WHERE owner_email = $1) AS owns,
            EXISTS (SELECT 1 FROM accounts WHERE manager_email = $1) AS manages,
            EXISTS (SELECT 1 FROM accounts WHERE sponsor_email = $1) AS sponsors`,
    [email.toLowerCase()],
  );
  return r.rows[0] ?? { owns: false, manages: false, sponsors: false };
}

export interface PortfolioRow {
  account_id: string;
  name: string | null;
  tier: string | null;
  region: string | null;
  currency: string | null;
  owner_name: string | null;
  owner_email: string | null;
  score: number;
  level: Level | null;
  revenue_at_risk: string;
  /** In the reporting currency; null without rates configured or without a rate for the account's currency. */
  reporting_risk: string | null;
  /** The rank key (reporting amount, -1 for no rate; the own amount without rates), kept for the cursor. */
  rank_key: string;
  trend: number[] | null;
  /** Per open alert: its rule and the latest answer, if any. */
  answers: Array<{ rule: RuleId; response: { type: string; actor: string; at: string } | null }>;
}

/**
 * Accounts at risk in the viewer's scope, ranked by revenue at risk (converted when rates are configured):
 * filters, search and paging in SQL.
 */
export async function portfolio(pool: pg.Pool, viewer: Viewer, f: PortfolioFilters, fx?: ExchangeRates) {
  const scope = scopeCondition(viewer, 1);
  const values: unknown[] = [...scope.values];
  const where = [scope.sql, "accounts.level IS NOT NULL"];
  const add = (sql: (n: number) => string, v: unknown) => {
    values.push(v);
    where.push(sql(values.length));
  };
  const converted = reportingRisk(fx, values);
  if (f.region) add((n) => `accounts.region = $${n}`, f.region);
  if (f.tier) add((n) => `accounts.tier = $${n}`, f.tier);
  if (f.level) add((n) => `accounts.level = $${n}`, f.level);
  if (f.owner) add((n) => `accounts.owner_email = $${n}`, f.owner.toLowerCase());
  if (f.q) add((n) => `(accounts.name ILIKE $${n} OR accounts.account_id ILIKE $${n})`, `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (f.after) {
    values.push(f.after.risk, f.after.own, f.after.id);
    const n = values.length;
    where.push(`(ranked.rank_key, accounts.revenue_at_risk, accounts.account_id) < ($${n - 2}::numeric, $${n - 1}::numeric, $${n})`);
  }
  // Without rates the rank key is the own amount, so one query shape serves both.
  const sql = `
    SELECT account_id, name, tier, region, currency, owner_name, owner_email, score, level, revenue_at_risk::text,
      ranked.reporting_risk::text, ranked.rank_key::text,
      (SELECT array_agg(score ORDER BY at) FROM (SELECT score, at FROM risk_points rp
         WHERE rp.account_id = accounts.account_id ORDER BY at DESC LIMIT ${TREND_POINTS}) t) AS trend,
      (SELECT coalesce(json_agg(json_build_object('rule', a->>'rule', 'response', ${LATEST_RESPONSE})), '[]'::json)
         FROM jsonb_array_elements(accounts.alerts) a) AS answers
    FROM accounts,
      LATERAL (SELECT ${converted} AS reporting_risk) conv,
      LATERAL (SELECT ${fx ? "coalesce(conv.reporting_risk, -1)" : "accounts.revenue_at_risk"} AS rank_key, conv.reporting_risk) ranked
    WHERE ${where.join(" AND ")}
    ORDER BY ranked.rank_key DESC, accounts.revenue_at_risk DESC, accounts.account_id DESC
    LIMIT ${PAGE_SIZE + 1}`;
  // (rank key, own amount, id) descending together, so the keyset comparison above is one row comparison.
  const rows = (await pool.query<PortfolioRow>(sql, values)).rows;
  const page = rows.slice(0, PAGE_SIZE);
  const last = page.at(-1);
  return {
    rows: page,
    next: rows.length > PAGE_SIZE && last ? { risk: last.rank_key, own: last.revenue_at_risk, id: last.account_id } : undefined,
    filters: f,
    fx: fx ? { reporting: fx.reporting, asOf: fx.asOf } : undefined,
    options: await filterOptions(pool, viewer),
  };
}
export type PortfolioView = Awaited<ReturnType<typeof portfolio>>;

async function filterOptions(pool: pg.Pool, viewer: Viewer) {
  const scope = scopeCondition(viewer, 1);
  const values = scope.values;
  // One scan of the viewer's accounts for both lists, and the owners made distinct as text pairs before any
  // JSON is built: a DISTINCT over 10,000 jsonb objects, in a second scan, was most of this query's time.
  const r = await pool.query<{ regions: string[] | null; owners: Array<{ email: string; name: string }> | null }>(
    `WITH scoped AS MATERIALIZED (SELECT region, owner_email, owner_name FROM accounts WHERE ${scope.sql})
     SELECT (SELECT array_agg(DISTINCT region ORDER BY region) FROM scoped WHERE region IS NOT NULL) AS regions,
            (SELECT json_agg(json_build_object('email', owner_email, 'name', owner_name))
               FROM (SELECT DISTINCT owner_email, owner_name FROM scoped WHERE owner_email IS NOT NULL) o) AS owners`,
    values,
  );
  const row = r.rows[0];
  return { regions: row?.regions ?? [], owners: (row?.owners ?? []).sort((a, b) => a.name.localeCompare(b.name)) };
}

export interface AccountDetail {
  account_id: string;
  name: string | null;
  tier: string | null;
  region: string | null;
  currency: string | null;
  timezone: string | null;
  owner_name: string | null;
  owner_email: string | null;
  manager_name: string | null;
  score: number;
  level: Level | null;
  trailing_value: string;
  revenue_at_risk: string;
  evaluated_at: Date | null;
  alerts: Array<OpenAlert & { response: { type: string; actor: string; at: string } | null }>;
  spend: SpendSeries;
}

/** One account with everything its page shows; undefined when it is not in the viewer's scope. */
export async function accountDetail(pool: pg.Pool, viewer: Viewer, accountId: string) {
  const scope = scopeCondition(viewer, 2);
  const values = [accountId, ...scope.values];
  const r = await pool.query<AccountDetail>(
    `SELECT account_id, name, tier, region, currency, timezone, owner_name, owner_email, manager_name, score, level,
       trailing_value::text, revenue_at_risk::text, evaluated_at, spend,
       (SELECT coalesce(jsonb_agg(a || jsonb_build_object('response', ${LATEST_RESPONSE})), '[]'::jsonb)
          FROM jsonb_array_elements(accounts.alerts) a) AS alerts
     FROM accounts WHERE account_id = $1 AND ${scope.sql}`,
    values,
  );
  const account = r.rows[0];
  if (!account) return undefined;
  const [risk, history, notes, contacts] = await Promise.all([
    pool.query<{ day: Date; score: number }>(
      `SELECT DISTINCT ON (date_trunc('day', at)) date_trunc('day', at) AS day, score FROM risk_points
        WHERE account_id = $1 AND at > (SELECT max(at) FROM risk_points WHERE account_id = $1) - interval '180 days'
        ORDER BY date_trunc('day', at), at DESC`,
      [accountId],
    ),
    pool.query<Pick<AlertTransition, "transitionId" | "rule" | "type" | "level" | "actor" | "note"> & { at: Date }>(
      `SELECT transition_id AS "transitionId", rule, type, level, at, actor, note FROM alert_transitions
        WHERE account_id = $1 ORDER BY at DESC, transition_id LIMIT 100`,
      [accountId],
    ),
    pool.query<{ actor: string; at: Date; text: string }>("SELECT actor, at, text FROM answers WHERE account_id = $1 AND type = 'note' ORDER BY at DESC LIMIT 50", [accountId]),
    pool.query<{ kind: string; direction: string; answered: boolean | null; occurred_at: Date; note: string | null; logged_by: string | null }>(
      "SELECT kind, direction, answered, occurred_at, note, logged_by FROM interactions WHERE account_id = $1 ORDER BY occurred_at DESC LIMIT 50",
      [accountId],
    ),
  ]);
  return { account, risk: risk.rows, history: history.rows, notes: notes.rows, contacts: contacts.rows };
}
export type AccountView = NonNullable<Awaited<ReturnType<typeof accountDetail>>>;

export interface InboxRow {
  account_id: string;
  name: string | null;
  currency: string | null;
  alert: OpenAlert;
  response: { type: string; actor: string; at: string } | null;
}

/** The viewer's open alerts: unanswered first, then the most serious, then the oldest. */
export async function inbox(pool: pg.Pool, viewer: Viewer): Promise<InboxRow[]> {
  const scope = scopeCondition(viewer, 1);
  const values = scope.values;
  const r = await pool.query<InboxRow>(
    `SELECT account_id, name, currency, a AS alert, ${LATEST_RESPONSE} AS response
       FROM accounts, jsonb_array_elements(accounts.alerts) a
      WHERE ${scope.sql}
      ORDER BY (${LATEST_RESPONSE}) IS NOT NULL,
               CASE a->>'level' WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END,
               a->>'firedAt', account_id
      LIMIT 200`,
    values,
  );
  return r.rows;
}

/** The open alert of an account in the viewer's scope, by rule: what an answer is about. */
export async function openAlert(pool: pg.Pool, viewer: Viewer, accountId: string, rule: string): Promise<OpenAlert | undefined> {
  const found = await accountDetail(pool, viewer, accountId);
  return found?.account.alerts.find((a) => a.rule === rule);
}

export async function accountInScope(pool: pg.Pool, viewer: Viewer, accountId: string): Promise<boolean> {
  const scope = scopeCondition(viewer, 2);
  const r = await pool.query(`SELECT 1 FROM accounts WHERE account_id = $1 AND ${scope.sql}`, [accountId, ...scope.values]);
  return r.rows.length > 0;
}
