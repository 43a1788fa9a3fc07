import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Logger } from "@churnwatch/platform";
import type { SubscriptionStore } from "./kafkaSubscriptionStore.ts";
import type { DigestScheduler } from "./scheduler.ts";
import { nextRuns } from "./schedule.ts";
import { subscriptionInputSchema, type Subscription } from "./subscription.ts";

/** Why a subscription was refused: zod's message, naming each field and what it should be. */
export type Refused = { error: string };
/** A subscription with the next runs it will make, as the API and the CLI show it. */
export type Described = { subscription: Subscription; nextRuns: string[] };

export function described(s: Subscription, nowMs: number): Described {
  return { subscription: s, nextRuns: nextRuns(s.schedule, nowMs, 3, s.startsAt).map((ms) => new Date(ms).toISOString()) };
}

/** Managing subscriptions: validated, written to the topic, then scheduled. The API and the unsubscribe page use it. */
export function createSubscriptions(deps: { store: SubscriptionStore; scheduler: DigestScheduler; now: () => number; logger: Logger }) {
  const validate = (input: unknown): { data: z.infer<typeof subscriptionInputSchema> } | Refused => {
    const r = subscriptionInputSchema.safeParse(input);
    return r.success ? { data: r.data } : { error: z.prettifyError(r.error) };
  };
  async function save(s: Subscription): Promise<Described> {
    // Topic first: a crash between the two leaves a subscription that the next start schedules.
    await deps.store.put(s);
    await deps.scheduler.ensure(s);
    return described(s, deps.now());
  }
  return {
    list: () => deps.store.list(),
    get: (id: string) => deps.store.get(id),
    async create(input: unknown): Promise<Described | Refused> {
      const v = validate(input);
      if ("error" in v) return v;
      const at = new Date(deps.now()).toISOString();
      const s: Subscription = { ...v.data, id: randomUUID(), createdAt: at, updatedAt: at };
      deps.logger.info({ subscriptionId: s.id, cadence: s.schedule.cadence }, "digest subscription created");
      return save(s);
    },
    async replace(id: string, input: unknown): Promise<Described | Refused | undefined> {
      const before = await deps.store.get(id);
      if (!before) return undefined;
      const v = validate(input);
      if ("error" in v) return v;
      return save({ ...v.data, id, createdAt: before.createdAt, updatedAt: new Date(deps.now()).toISOString() });
    },
    /** False when there was nothing to delete. */
    async remove(id: string, actor: string): Promise<boolean> {
      const before = await deps.store.get(id);
      if (!before) return false;
      await deps.store.remove(id);
      await deps.scheduler.remove(id);
      deps.logger.info({ subscriptionId: id, actor }, "digest subscription deleted");
      return true;
    },
  };
}
export type Subscriptions = ReturnType<typeof createSubscriptions>;
