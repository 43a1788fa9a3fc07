import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import { ALERT_JOB, alertNotificationSchema } from "@churnwatch/contracts";
import { maskEmails, type Logger } from "@churnwatch/platform";
import { jitteredBackoff, type BackoffPolicy } from "./backoff.ts";
import { signAccountLink } from "./links.ts";
import { MailSendError, type Mailer } from "./mailer.ts";
import type { SentMarkers } from "./redisSentMarkers.ts";
import { headerSafe, renderAlertEmail } from "./render/index.ts";

export type NotifyResult = { status: "sent"; messageId: string } | { status: "already-sent" };

export interface AlertProcessorDeps {
  mailer: Mailer;
  markers: SentMarkers;
  logger: Logger;
  links: { appBaseUrl: string; linkSecret: string; linkTtlSeconds: number };
  now?: () => number;
}

/** Only identifiers, never the owner's address: safe for logs of a job whose payload may be invalid. */
function idsOf(data: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof data !== "object" || data === null) return out;
  for (const k of ["notificationId", "alertId", "accountId"] as const) {
    const v = (data as Record<string, unknown>)[k];
    if (typeof v === "string") out[k] = v.slice(0, 200);
  }
  return out;
}

export function createAlertProcessor(deps: AlertProcessorDeps): (job: Job) => Promise<NotifyResult> {
  const now = deps.now ?? Date.now;
  return async (job) => {
    const base = deps.logger.child({ jobId: job.id, attempt: job.attemptsMade + 1, ...idsOf(job.data) });
    if (job.name !== ALERT_JOB) throw new UnrecoverableError(`unknown job name "${job.name.slice(0, 100)}"`);

    const parsed = alertNotificationSchema.safeParse(job.data);
    if (!parsed.success) {
      const reason = `invalid payload: ${maskEmails(z.prettifyError(parsed.error)).replace(/\s+/g, " ").slice(0, 1_000)}`;
      base.error({ reason }, "notification refused");
      throw new UnrecoverableError(reason);
    }
    const n = parsed.data;
    const log = deps.logger.child({ jobId: job.id, attempt: job.attemptsMade + 1, ...idsOf(n), rule: n.rule, alertLevel: n.level });
    const owner = n.account.owner;
    if (!owner) {
      log.error("notification refused: no owner on record");
      throw new UnrecoverableError("no owner on record for the account");
    }

    if (await deps.markers.isSent(n.notificationId)) {
      log.info("already sent, skipping redelivery");
      return { status: "already-sent" };
    }

    const exp = Math.floor(now() / 1000) + deps.links.linkTtlSeconds;
    const accountUrl = signAccountLink({ baseUrl: deps.links.appBaseUrl, accountId: n.accountId, secret: deps.links.linkSecret, exp });
    const email = renderAlertEmail(n, { accountUrl, linkExpiresAt: new Date(exp * 1000).toISOString() });

    let messageId: string;
    try {
      ({ messageId } = await deps.mailer.send({ ...email, to: { name: headerSafe(owner.name, 100), address: owner.email } }));
    } catch (err) {
      if (err instanceof MailSendError && !err.retriable) {
        log.error({ reason: err.message }, "SMTP rejected the notification permanently");
        throw new UnrecoverableError(err.message);
      }
      log.warn({ reason: err instanceof Error ? maskEmails(err.message) : String(err) }, "send failed, will retry");
      throw new Error(err instanceof Error ? maskEmails(err.message) : "send failed", { cause: err });
    }

    // Remaining window: a crash (or lost Redis write) between the SMTP server's 250 and this SET, or a reply
    // lost after the server queued the mail, makes the retry send again: at-least-once, never lost. The
    // deterministic Message-ID lets mail clients collapse such a rare duplicate.
    await deps.markers.markSent(n.notificationId, messageId);
    log.info({ messageId }, "notification sent");
    return { status: "sent", messageId };
  };
}

export interface AlertWorkerOptions {
  queueName: string;
  concurrency: number;
  retry: BackoffPolicy;
  /** Shared connection; must have maxRetriesPerRequest: null (BullMQ duplicates it for blocking calls). */
  connection: Redis;
  processor: (job: Job) => Promise<NotifyResult>;
  logger: Logger;
}

export function createAlertWorker(o: AlertWorkerOptions): Worker {
  const worker = new Worker(o.queueName, o.processor, {
    connection: o.connection,
    concurrency: o.concurrency,
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
