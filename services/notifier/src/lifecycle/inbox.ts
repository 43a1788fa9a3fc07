import { policyTransitionTypes, type AlertNotification, type AlertRecipient, type AlertTransition, type RelatedAlert, type RuleId, type TransitionType } from "@churnwatch/contracts";
import {
  decide,
  groupByRecipient,
  newRecord,
  type ActionInput,
  type DeliveryRecord,
  type DigestEffect,
  type Effect,
  type EmailGroup,
  type EngineInput,
  type PolicyConfig,
  type PolicyContext,
  type Recipient,
  type Role,
} from "@churnwatch/policy";

/** The latest content of one alert: what an email about it shows. */
export type AlertSnapshot = Omit<AlertNotification, "related" | "notificationId" | "kind">;

/** One alert (account + rule) as the inbox keeps it: the policy's delivery record and the latest evidence. */
export interface InboxEntry {
  record: DeliveryRecord;
  snapshot: AlertSnapshot;
  /** Engine evaluation time of the newest notification applied: an older one arriving late is stale. */
  lastEvaluatedAt: string;
  /** The last notification ids applied, so a redelivered job changes nothing. */
  applied: string[];
}

/** Every alert of one account. Committed as a whole with compare-and-set on `revision`. */
export interface AccountInbox {
  accountId: string;
  revision: number;
  alerts: Partial<Record<RuleId, InboxEntry>>;
}

/** Who gets an email, resolved from the account at decision time (the job carries it, the send needs no lookup). */
export interface EmailRecipient {
  role: Role;
  name: string;
  email: string;
  locale: AlertNotification["account"]["locale"];
  timezone: string;
}

/** What the send step needs: one email to one person about one account, with every alert due in it. */
export interface EmailJobData {
  groupId: string;
  accountId: string;
  sendAt: string;
  level: EmailGroup["level"];
  recipient: EmailRecipient;
  items: Array<{ rule: RuleId; alertVersion: string; reason: EmailGroup["items"][number]["reason"]; level: EmailGroup["level"] }>;
}

export interface InboxOutcome {
  /** False when nothing happened (a quiet tick, a redelivery): there is nothing to commit. */
  changed: boolean;
  inbox: AccountInbox;
  emails: EmailJobData[];
  digests: DigestEffect[];
  transitions: AlertTransition[];
}

export interface InboxContext {
  now: string;
  config: PolicyConfig;
}

const KEEP_APPLIED = 20;

export const alertKey = (accountId: string, rule: RuleId): string => `${accountId}:${rule}`;

export function emptyInbox(accountId: string): AccountInbox {
  return { accountId, revision: 0, alerts: {} };
}

const engineInput = (kind: AlertNotification["kind"], level: AlertNotification["level"]): EngineInput =>
  kind === "resolved" ? { type: "resolved" } : { type: kind === "firing" ? "fired" : "escalated", level };

/** Each alert a notification carries (the lead and the ones riding along), with the account it belongs to. */
function unpack(n: AlertNotification): Array<{ notificationId: string; kind: AlertNotification["kind"]; snapshot: AlertSnapshot }> {
  const { related = [], notificationId, kind, ...lead } = n;
  const others = related.map((r: RelatedAlert) => {
    const { notificationId: id, kind: k, ...rest } = r;
    return { notificationId: id, kind: k, snapshot: { ...lead, ...rest } };
  });
  return [{ notificationId, kind, snapshot: lead }, ...others];
}

/** Applies one engine notification (first firing, escalation, resolution) of an account's alerts. */
export function applyNotification(inbox: AccountInbox, n: AlertNotification, ctx: InboxContext): InboxOutcome {
  const alerts = { ...inbox.alerts };
  const effects: Array<{ rule: RuleId; effects: Effect[] }> = [];
  for (const { notificationId, kind, snapshot } of unpack(n)) {
    const current = alerts[snapshot.rule];
    if (current?.applied.includes(notificationId)) continue; // a redelivery
    if (current && Date.parse(snapshot.evaluatedAt) < Date.parse(current.lastEvaluatedAt)) continue; // overtaken
    if (!current && kind === "resolved") continue; // nobody heard of it: nothing to end
    const record = current?.record ?? newRecord({ alertId: alertKey(n.accountId, snapshot.rule), accountId: n.accountId, rule: snapshot.rule, level: snapshot.level });
    // A resolution keeps the evidence that made the alert fire; a firing brings the new evidence.
    const kept = kind === "resolved" && current ? current.snapshot : snapshot;
    const d = decide(record, engineInput(kind, snapshot.level), policyContext(kept, ctx));
    alerts[snapshot.rule] = {
      record: d.record,
      snapshot: { ...kept, account: snapshot.account },
      lastEvaluatedAt: snapshot.evaluatedAt,
      applied: [...(current?.applied ?? []), notificationId].slice(-KEEP_APPLIED),
    };
    effects.push({ rule: snapshot.rule, effects: d.effects });
  }
  return outcome(inbox, alerts, effects);
}

/** Time passing: snooze expiry, repeats, delayed resolved notices and the escalation ladder, for every alert. */
export function applyTick(inbox: AccountInbox, ctx: InboxContext): InboxOutcome {
  const alerts = { ...inbox.alerts };
  const effects: Array<{ rule: RuleId; effects: Effect[] }> = [];
  for (const [rule, entry] of entries(inbox)) {
    const d = decide(entry.record, { type: "tick" }, policyContext(entry.snapshot, ctx));
    if (d.effects.length === 0 && d.record === entry.record) continue;
    alerts[rule] = { ...entry, record: d.record };
    effects.push({ rule, effects: d.effects });
  }
  return outcome(inbox, alerts, effects);
}

/**
 * Refuses an action on the alert as it is at commit time (a signed link from another episode, a recipient
 * no longer on the account); checked inside the compare-and-set, so a new episode in between is seen.
 */
export type ActionGuard = (entry: InboxEntry) => string | undefined;

/** A recipient's answer (acknowledge, snooze, dismiss) to one alert. Unknown alerts change nothing. */
export function applyAction(
  inbox: AccountInbox,
  rule: RuleId,
  action: ActionInput,
  ctx: InboxContext,
  guard?: ActionGuard,
): InboxOutcome & { accepted: boolean; note?: string; refused?: string } {
  const entry = inbox.alerts[rule];
  if (!entry) return { ...outcome(inbox, inbox.alerts, []), accepted: false, note: "no such alert on this account" };
  const refused = guard?.(entry);
  if (refused !== undefined) return { ...outcome(inbox, inbox.alerts, []), accepted: false, note: refused, refused };
  const d = decide(entry.record, action, policyContext(entry.snapshot, ctx));
  const ignored = d.effects.find((e) => e.kind === "audit" && e.transition === "action-ignored");
  const result = outcome(inbox, { ...inbox.alerts, [rule]: { ...entry, record: d.record } }, [{ rule, effects: d.effects }]);
  if (ignored && ignored.kind === "audit") return { ...result, accepted: false, note: ignored.note ?? "ignored" };
  return { ...result, accepted: true };
}

/** Whether an account still needs clock ticks: something fires, or a resolved notice is still due. */
export function needsTicks(inbox: AccountInbox): boolean {
  return entries(inbox).some(([, e]) => e.record.state === "firing" || e.record.resolvedNoticeDueAt !== undefined);
}

/** People are matched by address as the directory writes them: case and stray spaces aside. */
export const sameAddress = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export function entries(inbox: AccountInbox): Array<[RuleId, InboxEntry]> {
  return Object.entries(inbox.alerts).filter((kv): kv is [RuleId, InboxEntry] => kv[1] !== undefined);
}

function person(p: AlertRecipient | undefined, account: AlertSnapshot["account"]): Recipient | undefined {
  if (!p) return undefined;
  return { id: p.email, timezone: p.timezone ?? account.timezone ?? "UTC" };
}

function policyContext(snapshot: AlertSnapshot, ctx: InboxContext): PolicyContext {
  const { account } = snapshot;
  const owner = person(account.owner, account);
  const manager = person(account.manager, account);
  const executive = person(account.sponsor, account);
  // No owner on record: decisions still happen (and are audited); the owner's rung is simply empty.
  const recipients: PolicyContext["recipients"] = { owner: owner ?? { id: "", timezone: account.timezone ?? "UTC" } };
  if (manager) recipients.manager = manager;
  if (executive) recipients.executive = executive;
  const out: PolicyContext = { now: ctx.now, config: ctx.config, recipients };
  if (account.tier) out.tier = account.tier;
  return out;
}

/** Policy transitions worth keeping next to the engine's own (fired, escalated, resolved come from the engine). */
const POLICY_TRANSITIONS = new Set<TransitionType>(policyTransitionTypes);

function outcome(
  inbox: AccountInbox,
  alerts: AccountInbox["alerts"],
  perRule: Array<{ rule: RuleId; effects: Effect[] }>,
): InboxOutcome {
  const next: AccountInbox = { ...inbox, alerts, revision: inbox.revision + 1 };
  const all = perRule.flatMap((p) => p.effects);
  const transitions: AlertTransition[] = [];
  perRule.forEach(({ rule, effects }) => {
    const snapshot = alerts[rule]?.snapshot;
    if (!snapshot) return;
    effects.forEach((e, i) => {
      if (e.kind !== "audit" || !POLICY_TRANSITIONS.has(e.transition as TransitionType)) return;
      const t: AlertTransition = {
        // Unique per commit: a retried commit (after a conflict) computes ids for its own revision.
        transitionId: `${snapshot.alertId}:${e.transition}:r${next.revision}:${i}`,
        alertId: snapshot.alertId,
        accountId: inbox.accountId,
        rule,
        type: e.transition as TransitionType,
        level: e.level,
        score: snapshot.score,
        at: e.at,
        cause: e.cause,
        actor: e.actor,
        configVersion: snapshot.configVersion,
      };
      if (e.note !== undefined) t.note = e.note;
      transitions.push(t);
    });
  });
  const emails = groupByRecipient(all).flatMap((g) => toJob(g, alerts));
  const digests = all.filter((e): e is DigestEffect => e.kind === "digest");
  return { changed: perRule.length > 0, inbox: next, emails, digests, transitions };
}

function toJob(group: EmailGroup, alerts: AccountInbox["alerts"]): EmailJobData[] {
  const first = group.items[0];
  const snapshot = first ? alerts[first.rule]?.snapshot : undefined;
  if (!first || !snapshot) return [];
  const { account } = snapshot;
  // A missing owner still yields a job: the send refuses it into the failed set, where operations sees it.
  const who = { owner: account.owner, manager: account.manager, executive: account.sponsor }[first.to] ?? { name: "", email: "" };
  return [
    {
      groupId: group.groupId,
      accountId: group.accountId,
      sendAt: group.sendAt,
      level: group.level,
      recipient: {
        role: first.to,
        name: who.name,
        email: who.email,
        locale: ("locale" in who ? who.locale : undefined) ?? account.locale,
        timezone: group.timezone,
      },
      items: group.items.map((i) => ({ rule: i.rule, alertVersion: i.alertVersion, reason: i.reason, level: i.level })),
    },
  ];
}
