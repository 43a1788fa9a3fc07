// What the notifier-kill benchmark and its CI test share: a real notifier process (started as an operator
// starts it, again after every SIGKILL) on a pipeline of its own, a real SMTP server in this process that says
// when it has accepted a message (so that a kill can strike between its 250 and the notifier's sent marker),
// alert jobs enqueued as the signal worker enqueues them, one account and one owner each, and the count of
// what arrived: emails per Message-ID and per recipient.
import { readFileSync } from "node:fs";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { ALERT_JOB, alertJobId, alertJobOptions } from "@churnwatch/contracts";
import { deleteKeysByPrefix, waitFor } from "@churnwatch/testing";
import { sampleNotification } from "../../services/notifier/src/fixtures.ts";
import { TICK_JOB } from "../../services/notifier/src/lifecycle/emailQueue.ts";
import { createMailSink } from "../../services/notifier/src/testSupport/mailSink.ts";
import { isolatedPipeline } from "../support/pipeline.ts";
import { startService, stopService, type RunningService } from "../support/processes.ts";

/** Waits for a notifier process's "notifier started" line; its PID. */
export async function notifierReady(service: RunningService, timeoutMs = 60_000): Promise<number> {
  const pid = service.child.pid;
  if (pid === undefined) throw new Error("the notifier did not start");
  let exited = false;
  void service.exited.then(() => (exited = true));
  const started = () => readFileSync(service.logFile, "utf8").includes('"msg":"notifier started"');
  await waitFor(() => exited || started(), { timeoutMs, intervalMs: 100, description: "notifier started" });
  if (!started()) throw new Error(`the notifier exited during start-up; see ${service.logFile}`);
  return pid;
}

export interface DeliveryCount {
  alerts: number;
  emails: number;
  distinctMessageIds: number;
  /** emails beyond the first per Message-ID */
  duplicates: number;
  /** alerts whose owner received nothing */
  lost: number;
  /** recipients who received more than one email, and whether every copy had the same Message-ID */
  duplicatedRecipients: number;
  sameMessageId: boolean;
}

type Moment = "accepted" | "received" | "recipient";

export interface KillRig {
  /** Starts a notifier incarnation and waits until it has started. */
  start(): Promise<RunningService>;
  /** SIGKILLs the running notifier (nothing finished, nothing released) and waits for its exit. */
  kill(): Promise<void>;
  /**
   * Arms a kill at a moment of the next SMTP transaction and resolves once the notifier is dead: "accepted",
   * the moment the server has answered a message's DATA with its 250 (inside the window, unless the notifier
   * wins the race and writes its sent marker first: it needs a fraction of a millisecond); "received", when the
   * server holds the whole message but has not answered yet (the same outcome, a message taken and no marker,
   * without the race: for a test that must not be flaky); "recipient", at RCPT TO, before the server has the
   * message (nothing sent).
   * Gives up at the deadline, and, with `failFast` (the default, for a test of one email), as soon as a job
   * fails for good (no transaction would ever come), saying which.
   */
  killAtNext(moment: Moment, opts?: { timeoutMs?: number; failFast?: boolean }): Promise<void>;
  /** Enqueues one more alert (its own account and owner), as the signal worker does. */
  enqueue(): Promise<void>;
  /** Resolves once both queues have nothing waiting, delayed or active (every alert decided, every email done). */
  settled(timeoutMs: number): Promise<void>;
  count(): Promise<DeliveryCount>;
  /** Failed jobs of both queues (out of attempts, or stalled more often than BullMQ allows): queue, name, reason. */
  failedJobs(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * `JOB_LOCK_MS` short, so that a killed notifier's jobs come back in about two seconds, not a minute; backoff
 * short (the pipeline's 300 ms – 2 s).
 */
export async function notifierKillRig(tag: string, cleanups: Array<() => Promise<unknown>>, opts: { lockMs?: number } = {}): Promise<KillRig> {
  const { notifierEnv } = await isolatedPipeline(tag, cleanups);
  const sink = await createMailSink();
  await sink.listen();
  cleanups.push(() => sink.close());
  const env = { ...notifierEnv, SMTP_URL: sink.smtpUrl, JOB_LOCK_MS: String(opts.lockMs ?? 2_000), API_PORT: "0" };
  const redis = new Redis(notifierEnv.REDIS_URL, { maxRetriesPerRequest: null });
  const alertQueue = new Queue(notifierEnv.ALERT_QUEUE, { connection: redis });
  const emailQueue = new Queue(notifierEnv.EMAIL_QUEUE, { connection: redis });
  cleanups.push(async () => {
    for (const q of [alertQueue, emailQueue]) {
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
    await deleteKeysByPrefix(redis, notifierEnv.KEY_PREFIX);
    await redis.quit();
  });
  const recipients: string[] = [];
  let current: RunningService | undefined;
  let incarnation = 0;
  let armed: { moment: Moment; fire: () => void } | undefined;
  const strike = (moment: Moment) => {
    if (armed?.moment !== moment || !current) return;
    const { fire } = armed;
    armed = undefined;
    current.child.kill("SIGKILL"); // synchronous: nothing more happens between the server's step and the kill
    fire();
  };
  let accepted = 0;
  sink.onAccepted((when) => {
    if (when === "received") {
      accepted++;
      strike("received");
    } else strike("accepted");
  });
  sink.onRecipient(() => {
    strike("recipient");
    return undefined; // answered as usual; the client is dead by then
  });
  const failedJobs = async () => {
    const out: string[] = [];
    for (const q of [alertQueue, emailQueue]) for (const j of await q.getJobs(["failed"])) out.push(`${q === alertQueue ? "alert" : "email"} ${j.name}: ${j.failedReason}`);
    return out;
  };
  const kill = async () => {
    if (!current) return;
    await stopService(current, "SIGKILL");
    current = undefined;
  };
  return {
    async start() {
      const service = startService("notifier", env, `${tag}-${++incarnation}`);
      current = service;
      cleanups.push(() => stopService(service));
      await notifierReady(service);
      return service;
    },
    kill,
    async killAtNext(moment, { timeoutMs = 60_000, failFast = true } = {}) {
      // The process killed is whichever runs when the moment comes: armed before a start, it is the new one.
      let target: RunningService | undefined;
      let fired = false;
      armed = {
        moment,
        fire: () => {
          fired = true;
          target = current;
        },
      };
      // waitFor counts a throw as "not yet": the failure comes back as a value and is thrown here.
      const failed = await waitFor(async () => (fired || !failFast ? [] : await failedJobs()), { until: (f) => fired || f.length > 0, timeoutMs, intervalMs: 50, description: `an SMTP transaction at ${moment}` });
      if (failed.length > 0) throw new Error(`waiting to kill at ${moment}, but a job failed for good: ${failed.join("; ")}`);
      if (target) await target.exited;
      current = undefined;
    },
    async enqueue() {
      const i = recipients.length;
      const owner = `owner-${i}@${tag}.example.com`;
      recipients.push(owner);
      const at = Date.now();
      const n = sampleNotification({
        notificationId: `${tag}-acc-${i}:purchases.decline:${at}:medium`,
        alertId: `${tag}-acc-${i}:purchases.decline:${at}`,
        accountId: `${tag}-acc-${i}`,
        level: "medium",
        score: 55,
        firedAt: new Date(at).toISOString(),
        evaluatedAt: new Date(at).toISOString(),
        account: { owner: { name: "Li Wei", email: owner } },
      });
      await alertQueue.add(ALERT_JOB, n, { ...alertJobOptions, jobId: alertJobId(n.notificationId) });
    },
    async settled(timeoutMs) {
      // The policy tick's scheduler always holds its next run, delayed: it is not work left.
      const busy = async () => {
        let n = 0;
        for (const q of [alertQueue, emailQueue]) n += (await q.getJobs(["waiting", "active", "delayed", "prioritized", "paused"])).filter((j) => j.name !== TICK_JOB).length;
        return n;
      };
      await waitFor(busy, { until: (n) => n === 0, timeoutMs, intervalMs: 200, description: "both queues settled" });
    },
    async count() {
      // maildev stores a message a moment after its 250 (the parse ends later): count once it holds them all.
      const perRecipient = await waitFor(() => Promise.all(recipients.map((r) => sink.emailsTo(r))), {
        until: (m) => m.flat().length >= accepted,
        timeoutMs: 10_000,
        description: `maildev's store holding the ${accepted} messages it accepted`,
      });
      const emails = perRecipient.flat();
      const byId = new Map<string, number>();
      for (const e of emails) byId.set(e.messageId ?? e.id, (byId.get(e.messageId ?? e.id) ?? 0) + 1);
      const duplicated = perRecipient.filter((m) => m.length > 1);
      return {
        alerts: recipients.length,
        emails: emails.length,
        distinctMessageIds: byId.size,
        duplicates: emails.length - byId.size,
        lost: perRecipient.filter((m) => m.length === 0).length,
        duplicatedRecipients: duplicated.length,
        sameMessageId: duplicated.every((m) => new Set(m.map((e) => e.messageId)).size === 1),
      };
    },
    failedJobs,
    stop: () => (current ? stopService(current).then(() => undefined) : Promise.resolve()),
  };
}
