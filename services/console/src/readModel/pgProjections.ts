import type pg from "pg";
import type { AlertTransition, ConsoleAnswer } from "@churnwatch/contracts";
import type { AccountRow, InteractionRow, Projection } from "../projector/project.ts";

/**
 * Writes projections in one transaction. Every write is idempotent, so a batch read again after a crash
 * (at-least-once) changes nothing: an account only moves to a newer version, the rest are keyed by the
 * producer's own ids.
 */
export async function applyProjections(pool: pg.Pool, projections: readonly Projection[]): Promise<void> {
  if (projections.length === 0) return;
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    for (const p of projections) {
      if (p.kind === "account") await upsertAccount(client, p.row);
      else if (p.kind === "transition") await insertTransition(client, p.transition);
      else if (p.kind === "answer") await insertAnswer(client, p.answer);
      else if (p.kind === "interaction") await insertInteraction(client, p.interaction, null);
    }
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

type Queryable = Pick<pg.PoolClient, "query">;

async function upsertAccount(db: Queryable, r: AccountRow): Promise<void> {
  await db.query(
    `INSERT INTO accounts (account_id, version, name, tier, region, currency, locale, timezone, owner_email, owner_name,
       manager_email, manager_name, sponsor_email, score, chance, level, trailing_value, revenue_at_risk, evaluated_at, alerts, spend)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)
     ON CONFLICT (account_id) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, tier = EXCLUDED.tier,
       region = EXCLUDED.region, currency = EXCLUDED.currency, locale = EXCLUDED.locale, timezone = EXCLUDED.timezone,
       owner_email = EXCLUDED.owner_email, owner_name = EXCLUDED.owner_name, manager_email = EXCLUDED.manager_email,
       manager_name = EXCLUDED.manager_name, sponsor_email = EXCLUDED.sponsor_email, score = EXCLUDED.score,
       chance = EXCLUDED.chance, level = EXCLUDED.level, trailing_value = EXCLUDED.trailing_value,
       revenue_at_risk = EXCLUDED.revenue_at_risk, evaluated_at = EXCLUDED.evaluated_at, alerts = EXCLUDED.alerts,
       spend = EXCLUDED.spend
     WHERE accounts.version < EXCLUDED.version`,
    [
      r.accountId, r.version, r.name, r.tier, r.region, r.currency, r.locale, r.timezone, r.ownerEmail, r.ownerName,
      r.managerEmail, r.managerName, r.sponsorEmail, r.score, r.chance, r.level, r.trailingValue, r.revenueAtRisk,
      r.evaluatedAt, JSON.stringify(r.alerts), JSON.stringify(r.spend),
    ],
  );
  if (r.evaluatedAt !== null) {
    await db.query(
      "INSERT INTO risk_points (account_id, version, at, score) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING",
      [r.accountId, r.version, r.evaluatedAt, r.score],
    );
  }
}

async function insertTransition(db: Queryable, t: AlertTransition): Promise<void> {
  await db.query(
    `INSERT INTO alert_transitions (transition_id, account_id, alert_id, rule, type, level, score, at, actor, note)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT DO NOTHING`,
    [t.transitionId, t.accountId, t.alertId, t.rule, t.type, t.level, Math.round(t.score), t.at, t.actor, t.note ?? null],
  );
}

/** Also the console's own write-through, so the person who answered sees it before the projector reads it back. */
export async function insertAnswer(db: Queryable, a: ConsoleAnswer): Promise<void> {
  const alert = a.type === "note" ? { alertId: null, rule: null } : { alertId: a.alertId, rule: a.rule };
  await db.query(
    `INSERT INTO answers (answer_id, account_id, alert_id, rule, type, actor, at, until, text)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT DO NOTHING`,
    [
      a.answerId, a.accountId, alert.alertId, alert.rule, a.type, a.actor, a.at,
      a.type === "snooze" ? a.until : null,
      a.type === "note" ? a.text : a.type === "dismiss" ? a.reason : null,
    ],
  );
}

export async function insertInteraction(db: Queryable, i: InteractionRow, loggedBy: string | null): Promise<void> {
  await db.query(
    `INSERT INTO interactions (account_id, interaction_id, kind, direction, answered, occurred_at, note, logged_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING`,
    [i.accountId, i.interactionId, i.kind, i.direction, i.answered, i.occurredAt, i.note, loggedBy],
  );
}
