// Test helpers: a record, a context and a runner that feeds (instant, input) steps through decide.
import type { Tier } from "@churnwatch/contracts";
import { parsePolicyConfig, type PolicyConfigInput } from "./config.ts";
import { decide, newRecord } from "./decide.ts";
import type { DeliveryRecord, Effect, EmailEffect, PolicyContext, PolicyInput, Recipient } from "./types.ts";

export const SHANGHAI: Recipient = { id: "owner@ka", timezone: "Asia/Shanghai" };

export function alert(id = "a1", accountId = "acc-1"): DeliveryRecord {
  return newRecord({ alertId: id, accountId, rule: "purchases.decline", level: "medium" });
}

export function context(
  now: string,
  opts: { config?: PolicyConfigInput; tier?: Tier; recipients?: PolicyContext["recipients"] } = {},
): PolicyContext {
  const ctx: PolicyContext = {
    now,
    config: parsePolicyConfig(opts.config ?? {}),
    recipients: opts.recipients ?? { owner: SHANGHAI },
  };
  if (opts.tier) ctx.tier = opts.tier;
  return ctx;
}

type Options = Parameters<typeof context>[1];

/** Feeds steps in order and collects every effect; the record is JSON round-tripped to prove it serialises. */
export function run(
  steps: ReadonlyArray<readonly [string, PolicyInput]>,
  opts: Options = {},
  start: DeliveryRecord = alert(),
): { record: DeliveryRecord; effects: Effect[]; emails: EmailEffect[] } {
  let record = start;
  const effects: Effect[] = [];
  for (const [now, input] of steps) {
    const d = decide(record, input, context(now, opts));
    record = JSON.parse(JSON.stringify(d.record)) as DeliveryRecord;
    effects.push(...d.effects);
  }
  return { record, effects, emails: effects.filter((e): e is EmailEffect => e.kind === "email") };
}

export const fired = (level: DeliveryRecord["level"] = "medium") => ({ type: "fired", level }) as const;
export const tick = { type: "tick" } as const;
export const resolved = { type: "resolved" } as const;
