import { groupNotifications, type AlertNotification, type AlertTransition } from "@churnwatch/contracts";
import {
  collectNotifications,
  record,
  resolvedNotification,
  step,
  type AccountState,
  type AlertChange,
  type EngineConfig,
  type EngineInput,
} from "@churnwatch/engine";

/** The engine threw on an input: a bug or an input it cannot handle, never worth retrying as is. */
export class EngineError extends Error {
  override readonly name = "EngineError";
}

export interface Evaluation {
  state: AccountState;
  /** Alert changes the engine reported, `updated` ones included. */
  changes: number;
  transitions: AlertTransition[];
  notifications: AlertNotification[];
}

/**
 * Runs one account's new inputs through the pure engine. History (`live` false) is recorded without judging
 * it (see engine `record`); live inputs are evaluated, and what is owed is collected as notifications, at
 * `evaluatedAt`, all together so that one email can carry every change of the evaluation.
 */
export function evaluateInputs(
  start: AccountState,
  inputs: readonly EngineInput[],
  options: { live: boolean; config: EngineConfig; evaluatedAt: string },
): Evaluation {
  const { live, config } = options;
  const accountId = start.accountId;
  let state = start;
  let changes = 0;
  const transitions: AlertTransition[] = [];
  const resolved: AlertNotification[] = [];
  for (const input of inputs) {
    if (!live && input.kind === "event") {
      state = safely(input, () => record(state, input.event, config));
      continue;
    }
    const result = safely(input, () => step(state, input, config));
    state = result.state;
    changes += result.changes.length;
    const cause = input.kind === "tick" ? "sweep" : `event ${input.event.eventId}`;
    for (const change of result.changes) {
      if (change.type !== "updated") transitions.push(toTransition(accountId, change, cause, config.version));
      if (change.type === "resolved") {
        const notice = resolvedNotification(state, change.alert, config, change.at);
        if (notice) resolved.push(notice);
      }
    }
  }
  if (!live) return { state, changes, transitions, notifications: [] };
  const collected = collectNotifications(state, config, options.evaluatedAt);
  return { state: collected.state, changes, transitions, notifications: groupNotifications([...collected.notifications, ...resolved]) };
}

/** The audit record of one engine change; its id is derived from what happened, so a replay rewrites the same id. */
function toTransition(accountId: string, change: AlertChange, cause: string, configVersion: string): AlertTransition {
  const { alert } = change;
  return {
    transitionId: `${alert.alertId}:${change.type}:${alert.level}:${Date.parse(change.at)}`,
    alertId: alert.alertId,
    accountId,
    rule: alert.rule,
    type: change.type as AlertTransition["type"],
    level: alert.level,
    score: alert.score,
    at: change.at,
    cause,
    actor: "engine",
    configVersion,
  };
}

function safely<T>(input: EngineInput, run: () => T): T {
  try {
    return run();
  } catch (err) {
    const what = input.kind === "event" ? `event ${input.event.eventId}` : `tick at ${input.at}`;
    throw new EngineError(`engine failed on ${what}: ${(err as Error).message}`, { cause: err });
  }
}
