import type { AlertNotification, RuleId } from "@churnwatch/contracts";
import type { ActionInput, PolicyConfig } from "@churnwatch/policy";
import type { Logger } from "@churnwatch/platform";
import { applyAction, applyNotification, applyTick, type AccountInbox, type ActionGuard, type InboxContext, type InboxOutcome } from "./inbox.ts";
import type { InboxStore } from "./redisInbox.ts";

export class InboxConflictError extends Error {
  override readonly name = "InboxConflictError";
}

export interface LifecycleDeps {
  store: InboxStore;
  config: PolicyConfig;
  now: () => number;
  logger: Logger;
  maxAttempts?: number;
}

/**
 * The alert lifecycle on top of the pure inbox functions: load an account's inbox, decide, commit with
 * compare-and-set. A conflict (a tick, an action or another instance in between) reloads and decides again,
 * so two writers never lose each other's change and a decision is never committed twice.
 */
export function createLifecycle(deps: LifecycleDeps) {
  const maxAttempts = deps.maxAttempts ?? 20;
  const ctx = (): InboxContext => ({ now: new Date(deps.now()).toISOString(), config: deps.config });

  async function update<T extends InboxOutcome>(accountId: string, decide: (inbox: AccountInbox) => T): Promise<T> {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const before = await deps.store.load(accountId);
      const outcome = decide(before);
      if (!outcome.changed) return outcome;
      if (await deps.store.commit(before, outcome)) return outcome;
    }
    throw new InboxConflictError(`account ${accountId}: ${maxAttempts} concurrent updates in a row`);
  }

  return {
    config: deps.config,
    store: deps.store,
    /** An engine notification (fired, escalated, resolved) for one or more alerts of one account. */
    onNotification: (n: AlertNotification) => update(n.accountId, (inbox) => applyNotification(inbox, n, ctx())),
    /** A recipient's acknowledge, snooze or dismissal; the guard may refuse it on the alert as committed. */
    act: (accountId: string, rule: RuleId, action: ActionInput, guard?: ActionGuard) => update(accountId, (inbox) => applyAction(inbox, rule, action, ctx(), guard)),
    /** One clock tick over every account that needs one; returns how many emails it scheduled. */
    async tickAll(): Promise<number> {
      let emails = 0;
      for (const accountId of await deps.store.activeAccounts()) {
        try {
          emails += (await update(accountId, (inbox) => applyTick(inbox, ctx()))).emails.length;
        } catch (err) {
          // One account's trouble must not stop the others' escalations; the next tick tries it again.
          deps.logger.error({ err, accountId }, "policy tick failed for an account");
        }
      }
      return emails;
    },
  };
}
export type Lifecycle = ReturnType<typeof createLifecycle>;
