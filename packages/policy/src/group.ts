import { levelRank, type Level } from "@churnwatch/contracts";
import { instant, localDate } from "./calendar.ts";
import type { PolicyConfig } from "./config.ts";
import type { DigestEffect, Effect, EmailEffect, Role } from "./types.ts";

/** One email to one person about one account, carrying every alert due to them at the same instant. */
export interface EmailGroup {
  /** Deterministic: the notifier derives the job id (and Message-ID) from it. */
  groupId: string;
  recipientId: string;
  timezone: string;
  accountId: string;
  sendAt: string;
  roles: Role[];
  /** The highest level in the group; a critical item makes the whole email urgent. */
  level: Level;
  items: EmailEffect[];
}

export function groupByRecipient(effects: readonly Effect[]): EmailGroup[] {
  const groups = new Map<string, EmailEffect[]>();
  for (const effect of effects) {
    if (effect.kind !== "email") continue;
    const key = JSON.stringify([effect.recipientId, effect.accountId, effect.sendAt]);
    const list = groups.get(key) ?? [];
    list.push(effect);
    groups.set(key, list);
  }
  const result: EmailGroup[] = [];
  for (const items of groups.values()) {
    const first = items[0];
    if (!first) continue;
    const sorted = [...items].sort((a, b) => cmp(`${a.alertVersion}:${a.to}`, `${b.alertVersion}:${b.to}`));
    const level = sorted.reduce<Level>((top, e) => (levelRank[e.level] > levelRank[top] ? e.level : top), "low");
    result.push({
      groupId: `${first.recipientId}|${sorted.map((e) => `${e.alertVersion}:${e.to}`).join(",")}`,
      recipientId: first.recipientId,
      timezone: first.timezone,
      accountId: first.accountId,
      sendAt: first.sendAt,
      roles: [...new Set(sorted.map((e) => e.to))],
      level,
      items: sorted,
    });
  }
  return result.sort((a, b) => cmp(a.sendAt, b.sendAt) || cmp(a.groupId, b.groupId));
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Interrupting emails already counted, per recipient and local date. JSON-serialisable; kept by the caller. */
export type BudgetLedger = Record<string, Record<string, number>>;

/**
 * Enforces the per-recipient daily budget: groups beyond it become digest entries, never dropped.
 * Critical groups always interrupt, and still count against the day.
 */
export function applyBudget(
  ledger: BudgetLedger,
  groups: readonly EmailGroup[],
  ctx: { now: string; config: Pick<PolicyConfig, "perRecipientBudget"> },
): { ledger: BudgetLedger; emails: EmailGroup[]; digests: DigestEffect[] } {
  const next: BudgetLedger = {};
  const nowMs = instant(ctx.now);
  // Forget days that are over for everyone (two days back covers every zone).
  for (const [id, days] of Object.entries(ledger)) {
    const kept = Object.entries(days).filter(([day]) => day >= new Date(nowMs - 2 * 86_400_000).toISOString().slice(0, 10));
    if (kept.length) next[id] = Object.fromEntries(kept);
  }
  const emails: EmailGroup[] = [];
  const digests: DigestEffect[] = [];
  for (const group of groups) {
    const day = localDate(instant(group.sendAt), group.timezone);
    const days = (next[group.recipientId] ??= {});
    const used = days[day] ?? 0;
    if (group.level === "critical" || used < ctx.config.perRecipientBudget) {
      days[day] = used + 1;
      emails.push(group);
      continue;
    }
    for (const item of group.items) {
      const { sendAt: _sendAt, kind: _kind, ...rest } = item;
      digests.push({ ...rest, kind: "digest", digestDate: day, cause: "budget" });
    }
  }
  return { ledger: next, emails, digests };
}
