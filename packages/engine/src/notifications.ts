import { levelRank, ruleIds, type AlertNotification } from "@churnwatch/contracts";
import type { EngineConfig } from "./config.ts";
import { withProps } from "./records.ts";
import type { AccountState, AlertRecord } from "./state.ts";
import { accountRiskAt } from "./risk/account.ts";
import { parseInstant, toIso } from "./time.ts";

/**
 * Notifications owed for the account: every firing alert not yet announced at its current level.
 * Marks them announced, so calling again yields nothing until an alert escalates. The live worker
 * calls this only once caught up, so a replayed history builds state without sending old emails.
 */
export function collectNotifications(
  state: AccountState,
  config: EngineConfig,
  evaluatedAt: string,
): { state: AccountState; notifications: AlertNotification[] } {
  const evaluated = toIso(parseInstant(evaluatedAt));
  const notifications: AlertNotification[] = [];
  // Nobody to tell until the account record (and its owner) arrives; the alert stays unannounced, so the
  // first evaluation after the profile lands announces it. Nothing is lost, nothing fails for lack of an address.
  if (!state.profile) return { state, notifications };
  let alerts: AccountState["alerts"] | undefined;
  for (const rule of ruleIds) {
    const alert = state.alerts[rule];
    if (!alert || alert.pendingSince !== undefined) continue; // pending: not an alert yet
    const announced = alert.announcedLevel;
    if (announced !== undefined && levelRank[announced] >= levelRank[alert.level]) continue;
    notifications.push(toNotification(state, alert, announced === undefined ? "firing" : "escalated", config, evaluated));
    alerts ??= { ...state.alerts };
    alerts[rule] = withProps(alert, { announcedLevel: alert.level });
  }
  return { state: alerts ? { ...state, alerts } : state, notifications };
}

/**
 * The notice that an announced alert has resolved, for the notification policy (a resolved notice, the end of
 * repeats and escalation). Alerts nobody was told about resolve silently.
 */
export function resolvedNotification(
  state: AccountState,
  alert: AlertRecord,
  config: EngineConfig,
  evaluatedAt: string,
): AlertNotification | undefined {
  if (!state.profile || alert.announcedLevel === undefined) return undefined;
  return toNotification(state, alert, "resolved", config, toIso(parseInstant(evaluatedAt)));
}

function toNotification(
  state: AccountState,
  alert: AlertRecord,
  kind: AlertNotification["kind"],
  config: EngineConfig,
  evaluatedAt: string,
): AlertNotification {
  const p = state.profile;
  const account: AlertNotification["account"] = { name: p?.name ?? state.accountId, locale: p?.locale ?? "en" };
  if (p) {
    account.tier = p.tier;
    account.region = p.region;
    account.currency = p.currency;
    account.timezone = p.timezone;
    account.owner = recipient(p.owner);
    if (p.manager) account.manager = recipient(p.manager);
    if (p.sponsor) account.sponsor = recipient(p.sponsor);
  }
  return {
    notificationId: kind === "resolved" ? `${alert.alertId}:resolved` : `${alert.alertId}:${alert.level}`,
    kind,
    alertId: alert.alertId,
    accountId: state.accountId,
    rule: alert.rule,
    level: alert.level,
    // The account's one score, as the digest, inspect and the snapshot show it; the level stays the alert's.
    score: accountRiskAt(state, parseInstant(evaluatedAt), config).score,
    firedAt: alert.firedAt,
    evaluatedAt,
    configVersion: config.version,
    evidence: alert.evidence.map((e) => ({ ...e })),
    eventIds: [...alert.eventIds],
    account,
  };
}

type Person = NonNullable<AccountState["profile"]>["owner"];

function recipient(p: Person): NonNullable<AlertNotification["account"]["owner"]> {
  const r: NonNullable<AlertNotification["account"]["owner"]> = { name: p.name, email: p.email };
  if (p.locale) r.locale = p.locale;
  if (p.timezone) r.timezone = p.timezone;
  return r;
}
