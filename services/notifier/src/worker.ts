import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { AlertNotification, AlertTransition, Locale } from "@churnwatch/contracts";
import { maskEmails, type Logger } from "@churnwatch/platform";
import { jitteredBackoff, type BackoffPolicy } from "./backoff.ts";
import { actionUrl, type LinkAction } from "./actionLinks.ts";
import { EMAIL_JOB, emailJobSchema } from "./lifecycle/emailQueue.ts";
import type { AccountInbox, EmailJobData, InboxEntry } from "./lifecycle/inbox.ts";
import { SUMMARY_JOB, summaryDueSchema, summaryId, type SummaryDue, type SummaryEntry } from "./lifecycle/summary.ts";
import { catalogs } from "./render/catalog.ts";
import { renderSummaryEmail } from "./render/summary.ts";
import { explainEvidence } from "@churnwatch/explain";
import type { InboxStore } from "./lifecycle/redisInbox.ts";
import { signAccountLink } from "./links.ts";
import type { LinkKeys } from "./linkKeys.ts";
import { sendFromJob, type Mailer } from "./mailer.ts";
import type { SentMarkers } from "./redisSentMarkers.ts";
import { headerSafe, renderAlertEmail, type RenderOptions } from "./render/index.ts";

export type NotifyResult =
  | { status: "sent"; messageId: string }
  | { status: "already-sent" }
  | { status: "superseded"; reason: string };

/** Recent complaint texts of an account (kept by the signal worker), for complaint alerts' emails. */
export type ComplaintTexts = (accountId: string, eventIds: string[]) => Promise<NonNullable<RenderOptions["complaints"]>>;

export interface EmailProcessorDeps {
  mailer: Mailer;
  markers: SentMarkers;
  inbox: Pick<InboxStore, "load">;
  /** Appends a transition to the alert's history (durably relayed to Kafka). */
  record: (transitions: AlertTransition[]) => Promise<void>;
  complaints?: ComplaintTexts;
  /** The entries kept for a recipient's daily summary. */
  summaryEntries?: (s: SummaryDue) => Promise<SummaryEntry[]>;
  logger: Logger;
  links: { appBaseUrl: string; linkKeys: LinkKeys; linkTtlSeconds: number };
  now?: () => number;
}

/** Only identifiers, never an address: safe for logs of a job whose payload may be invalid. */
function idsOf(data: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof data !== "object" || data === null) return out;
  // Not the group id: it names the recipient's address. The job id (its digest) is in every line already.
  for (const k of ["notificationId", "alertId", "accountId"] as const) {
    const v = (data as Record<string, unknown>)[k];
    if (typeof v === "string") out[k] = v.slice(0, 200);
  }
  return out;
}

type Item = EmailJobData["items"][number];

/**
 * Whether an item is still worth sending when its time comes: a quiet-hours delay can outlive the alert, an
 * acknowledgement, a snooze or a dismissal. A resolved notice goes unless the alert fires again.
 */
function stillDue(entry: InboxEntry | undefined, item: Item, nowMs: number): string | undefined {
  if (!entry) return "alert unknown";
  const r = entry.record;
  if (item.reason === "resolved") return r.state === "firing" ? "alert fires again" : undefined;
  if (r.state !== "firing") return `alert is ${r.state}`;
  if (r.dismissedAt !== undefined) return "dismissed as not a risk";
  if (r.snoozeUntilWorseThan !== undefined || (r.snoozedUntil !== undefined && Date.parse(r.snoozedUntil) > nowMs)) return "snoozed";
  if ((item.reason === "repeat" || item.reason === "escalation-step") && r.acknowledgedAt !== undefined) return "acknowledged";
  return undefined;
}

const kindOf = (reason: Item["reason"]): AlertNotification["kind"] =>
  reason === "resolved" ? "resolved" : reason === "escalated" ? "escalated" : "firing";

/** The send step: one email job, rendered from the alerts' latest evidence, sent once. */
export function createEmailProcessor(deps: EmailProcessorDeps): (job: Job) => Promise<NotifyResult> {
  const now = deps.now ?? Date.now;
  return async (job) => {
    const base = deps.logger.child({ jobId: job.id, attempt: job.attemptsMade + 1, ...idsOf(job.data) });
    if (job.name === SUMMARY_JOB) return sendSummary(job, base);
    if (job.name !== EMAIL_JOB) throw new UnrecoverableError(`unknown job name "${job.name.slice(0, 100)}"`);
    const parsed = emailJobSchema.safeParse(job.data);
    if (!parsed.success) {
      const reason = `invalid payload: ${maskEmails(z.prettifyError(parsed.error)).replace(/\s+/g, " ").slice(0, 1_000)}`;
      base.error({ reason }, "email refused");
      throw new UnrecoverableError(reason);
    }
    const data = parsed.data;
    const log = base.child({ role: data.recipient.role, alertLevel: data.level });
    if (data.recipient.email === "") {
      log.error(`email refused: no ${data.recipient.role} on record`);
      throw new UnrecoverableError(`no ${data.recipient.role} on record for the account`);
    }
    if (await deps.markers.isSent(data.groupId)) {
      log.info("already sent, skipping redelivery");
      return { status: "already-sent" };
    }

    const inbox = await deps.inbox.load(data.accountId);
    const nowMs = now();
    const due: Array<{ item: Item; entry: InboxEntry }> = [];
    const dropped: AlertTransition[] = [];
    for (const item of data.items) {
      const entry = inbox.alerts[item.rule];
      const why = stillDue(entry, item, nowMs);
      if (why === undefined && entry) due.push({ item, entry });
      else if (entry) dropped.push(transition(entry, item, "email-superseded", data, nowMs, why));
    }
    if (due.length === 0) {
      await deps.record(dropped);
      log.info({ reason: dropped.map((d) => d.note).join("; ") }, "email no longer due");
      return { status: "superseded", reason: dropped.map((d) => d.note).join("; ") || "nothing left to send" };
    }

    const exp = Math.floor(nowMs / 1000) + deps.links.linkTtlSeconds;
    const accountUrl = signAccountLink({ baseUrl: deps.links.appBaseUrl, accountId: data.accountId, keys: deps.links.linkKeys, exp });
    const [lead, ...rest] = due;
    if (!lead) throw new Error("unreachable: due is not empty");
    const n: AlertNotification = {
      ...lead.entry.snapshot,
      notificationId: lead.item.alertVersion,
      kind: kindOf(lead.item.reason),
      related: rest.map(({ item, entry: { snapshot: s } }) => ({
        notificationId: item.alertVersion,
        kind: kindOf(item.reason),
        alertId: s.alertId,
        rule: s.rule,
        level: s.level,
        score: s.score,
        firedAt: s.firedAt,
        evidence: s.evidence,
        eventIds: s.eventIds,
      })),
    };
    // Each link is bound to the episode this email shows (the snapshot it is rendered from): once the alert
    // resolves and fires again, the API refuses these links instead of answering the new episode with them.
    const answer = ({ item, entry }: { item: Item; entry: InboxEntry }) => {
      if (item.reason === "resolved") return undefined;
      const claims = (action: LinkAction) => ({ accountId: data.accountId, rule: item.rule, alertId: entry.snapshot.alertId, action, recipient: data.recipient.email, exp });
      return {
        acknowledge: actionUrl(deps.links.appBaseUrl, claims("acknowledge"), deps.links.linkKeys),
        snooze: actionUrl(deps.links.appBaseUrl, claims("snooze"), deps.links.linkKeys),
        dismiss: actionUrl(deps.links.appBaseUrl, claims("dismiss"), deps.links.linkKeys),
      };
    };
    const complaintIds = due.filter((d) => d.item.rule === "complaints.spike").flatMap((d) => d.entry.snapshot.eventIds);
    const complaints = complaintIds.length > 0 && deps.complaints ? await deps.complaints(data.accountId, complaintIds) : [];
    const email = renderAlertEmail(n, {
      accountUrl,
      linkExpiresAt: new Date(exp * 1000).toISOString(),
      recipient: { name: data.recipient.name, locale: data.recipient.locale, role: data.recipient.role },
      reason: lead.item.reason,
      answerLinks: due.map(answer),
      complaints,
      messageKey: data.groupId,
    });

    let messageId: string;
    try {
      ({ messageId } = await sendFromJob(deps.mailer, { ...email, to: { name: headerSafe(data.recipient.name, 100), address: data.recipient.email } }));
    } catch (err) {
      if (err instanceof UnrecoverableError) log.error({ reason: err.message }, "SMTP rejected the email permanently");
      else log.warn({ reason: (err as Error).message }, "send failed, will retry");
      throw err;
    }

    // Remaining window: a crash (or lost Redis write) between the SMTP server's 250 and this SET, or a reply
    // lost after the server queued the mail, makes the retry send again: at-least-once, never lost. The
    // deterministic Message-ID lets mail clients collapse such a rare duplicate.
    await deps.markers.markSent(data.groupId, messageId);
    await deps.record([...due.map(({ item, entry }) => transition(entry, item, "email-sent", data, nowMs, `${item.reason} to ${data.recipient.role}`)), ...dropped]);
    log.info({ messageId, items: due.length }, "email sent");
    return { status: "sent", messageId };
  };

  /** The daily summary of what waited: alerts still open, one line each, in the recipient's language. */
  async function sendSummary(job: Job, log: Logger): Promise<NotifyResult> {
    const parsed = summaryDueSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid payload: ${z.prettifyError(parsed.error).replace(/\s+/g, " ").slice(0, 1_000)}`);
    const due = parsed.data;
    const id = summaryId(due);
    if (await deps.markers.isSent(id)) return { status: "already-sent" };
    const entries = (await deps.summaryEntries?.(due)) ?? [];
    const latest = new Map<string, SummaryEntry>();
    for (const e of entries) latest.set(`${e.accountId}|${e.rule}`, e); // a later version of the same alert replaces
    const inboxes = new Map<string, AccountInbox>();
    for (const accountId of new Set(entries.map((e) => e.accountId))) inboxes.set(accountId, await deps.inbox.load(accountId));
    const nowMs = now();
    const exp = Math.floor(nowMs / 1000) + deps.links.linkTtlSeconds;
    let reader: { name: string; locale: Locale } | undefined;
    const open: Array<{ entry: SummaryEntry; snapshot: InboxEntry["snapshot"] }> = [];
    for (const entry of [...latest.values()].sort((a, b) => a.accountId.localeCompare(b.accountId) || a.rule.localeCompare(b.rule))) {
      const alert = inboxes.get(entry.accountId)?.alerts[entry.rule];
      if (!alert || alert.record.state !== "firing" || alert.record.dismissedAt !== undefined) continue; // over since
      const a = alert.snapshot.account;
      const who = [a.owner, a.manager, a.sponsor].find((p) => p?.email === due.recipient);
      reader ??= who ? { name: who.name, locale: who.locale ?? a.locale } : undefined;
      open.push({ entry, snapshot: alert.snapshot });
    }
    if (open.length === 0 || !reader) return { status: "superseded", reason: "every alert of the summary is over" };
    const m = catalogs[reader.locale];
    const locale = reader.locale;
    const email = renderSummaryEmail({
      id,
      locale,
      name: reader.name,
      day: due.day,
      lines: open.map(({ entry, snapshot }) => ({
        account: snapshot.account.name,
        title: m.rules[entry.rule].title,
        level: m.levels[entry.level],
        why: entry.cause,
        sentence: snapshot.evidence[0] ? explainEvidence(snapshot.evidence[0], locale, snapshot.account.currency).sentence : "",
        accountUrl: signAccountLink({ baseUrl: deps.links.appBaseUrl, accountId: entry.accountId, keys: deps.links.linkKeys, exp }),
      })),
    });
    const { messageId } = await sendFromJob(deps.mailer, { ...email, to: { name: headerSafe(reader.name, 100), address: due.recipient } });
    await deps.markers.markSent(id, messageId);
    log.info({ messageId, alerts: open.length }, "daily summary sent");
    return { status: "sent", messageId };
  }
}

function transition(
  entry: InboxEntry,
  item: Item,
  type: "email-sent" | "email-superseded",
  data: EmailJobData,
  nowMs: number,
  note: string | undefined,
): AlertTransition {
  const s = entry.snapshot;
  const t: AlertTransition = {
    transitionId: `${s.alertId}:${type}:${data.groupId}`,
    alertId: s.alertId,
    accountId: data.accountId,
    rule: s.rule,
    type,
    level: item.level,
    score: s.score,
    at: new Date(nowMs).toISOString(),
    cause: `email ${item.alertVersion}`,
    actor: "notifier",
    configVersion: s.configVersion,
  };
  if (note !== undefined) t.note = note;
  return t;
}

export interface AlertWorkerOptions {
  queueName: string;
  concurrency: number;
  retry: BackoffPolicy;
  /** Shared connection; must have maxRetriesPerRequest: null (BullMQ duplicates it for blocking calls). */
  connection: Redis;
  processor: (job: Job) => Promise<unknown>;
  logger: Logger;
  /**
   * How long a job's lock lives without renewal, and how often stalled jobs are looked for: a crashed
   * worker's jobs return to the queue within about twice this.
   */
  lockMs?: number;
}

/**
 * How many times a job may come back from a notifier that died holding it before BullMQ fails it for good.
 * BullMQ's default, 1, failed an email job whose notifier was killed twice while sending it (a crash loop, an
 * OOM kill after a restart): no retry, and no email when neither attempt got through
 * (test/faults/notifier-kill.e2e.test.ts). Stalls cost no attempt; a job that kills its notifier every time
 * still ends in the failed set, after this many.
 */
const MAX_STALLS = 10;

export function createAlertWorker(o: AlertWorkerOptions): Worker {
  const worker = new Worker(o.queueName, o.processor, {
    connection: o.connection,
    concurrency: o.concurrency,
    maxStalledCount: MAX_STALLS,
    ...(o.lockMs !== undefined ? { lockDuration: o.lockMs, stalledInterval: o.lockMs } : {}),
    // BullMQ calls this for every non-builtin backoff type; "jitter" is the one the producer sets.
    settings: { backoffStrategy: (attemptsMade: number) => jitteredBackoff(attemptsMade, o.retry) },
  });
  worker.on("failed", (job, err) => {
    if (!job) return;
    const attempts = job.opts.attempts ?? 1;
    const final = isFinalFailure(job, err);
    const fields = { jobId: job.id, ...idsOf(job.data), attemptsMade: job.attemptsMade, attempts, reason: maskEmails(err.message) };
    if (final) o.logger.error(fields, "notification failed for good; kept in the failed set");
    else o.logger.warn(fields, "notification attempt failed; retrying with backoff");
  });
  worker.on("stalled", (jobId) => o.logger.warn({ jobId }, "job stalled; it will be redelivered"));
  worker.on("error", (err) => o.logger.error({ err }, "worker error"));
  return worker;
}

/** Whether a failed attempt was the last: unrecoverable, or out of attempts (the job is in the failed set). */
export function isFinalFailure(job: Job | undefined, err: Error): boolean {
  if (err instanceof UnrecoverableError || err.name === "UnrecoverableError") return true;
  return job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1);
}
