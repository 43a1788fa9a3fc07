import { UnrecoverableError, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { AccountState, EngineConfig, ExchangeRates } from "@churnwatch/engine";
import type { Logger } from "@churnwatch/platform";
import type { InboxStore } from "../lifecycle/redisInbox.ts";
import { signAccountLink } from "../links.ts";
import type { LinkKeys } from "../linkKeys.ts";
import { sendFromJob, type Mailer } from "../mailer.ts";
import { renderDigestEmail } from "../render/digest.ts";
import { headerSafe, type RenderedEmail } from "../render/index.ts";
import { buildDigest, TREND_POINTS, type DigestContent, type DigestRecord } from "./content.ts";
import type { SubscriptionStore } from "./kafkaSubscriptionStore.ts";
import { periodKey } from "./schedule.ts";
import { scheduledMillisOf, type DigestScheduler } from "./scheduler.ts";
import type { Subscription } from "./subscription.ts";
import { unsubscribeUrl } from "./unsubscribeLinks.ts";

export type DigestRunResult =
  | { status: "sent"; messageId: string; period: string; late: boolean; accounts: number }
  | { status: "already-sent"; period: string }
  | { status: "skipped"; period: string; reason: string }
  | { status: "superseded"; reason: string };

export interface DigestRunnerDeps {
  redis: Redis;
  store: SubscriptionStore;
  scheduler: DigestScheduler;
  inbox: Pick<InboxStore, "loadMany">;
  mailer: Mailer;
  /** The notifier's own key prefix (sent markers, the last digests per subscription). */
  keyPrefix: string;
  /** The signal worker's prefix: `<p>accounts` set, `<p>account:<id>` hash with the state in field `s`. */
  signalKeyPrefix: string;
  links: { appBaseUrl: string; linkKeys: LinkKeys; linkTtlSeconds: number };
  /** A run processed this long after its scheduled instant says so in the email. */
  lateAfterMs: number;
  engine: EngineConfig;
  fx?: ExchangeRates | undefined;
  now: () => number;
  logger: Logger;
}

const runData = z.object({ subscriptionId: z.string().min(1) });
const MARKER_TTL_S = 400 * 24 * 3600; // longer than a monthly period, with room
const CLAIM_MS = 5 * 60_000; // longer than a send takes; expires if its holder dies

export function digestKeys(prefix: string) {
  return {
    /** Set once the digest of a period is sent (or skipped by policy): no second one, whoever runs it. */
    done: (subscriptionId: string, period: string) => `${prefix}digest-done:${subscriptionId}:${period}`,
    /** Held while one run sends, so two runs of the same period never send at once. */
    claim: (subscriptionId: string, period: string) => `${prefix}digest-claim:${subscriptionId}:${period}`,
    /** The last digests sent, newest first: the ranking to compare with and the trend. */
    history: (subscriptionId: string) => `${prefix}digest-history:${subscriptionId}`,
  };
}

async function loadStates(redis: Redis, prefix: string): Promise<AccountState[]> {
  const ids = await redis.smembers(`${prefix}accounts`);
  if (ids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hget(`${prefix}account:${id}`, "s");
  const out: AccountState[] = [];
  for (const [err, raw] of (await pipeline.exec()) ?? []) {
    if (err) throw err;
    if (typeof raw === "string") out.push(JSON.parse(raw) as AccountState);
  }
  return out;
}

/**
 * The digest of a period as the state is now: the content (compared with the last digest sent) and the
 * email. Reads only, so a preview can use it too.
 */
export function createDigestComposer(deps: Omit<DigestRunnerDeps, "store" | "scheduler" | "mailer">) {
  const keys = digestKeys(deps.keyPrefix);
  return async (sub: Subscription, period: string, scheduledMs: number, nowMs: number): Promise<{ content: DigestContent; email: RenderedEmail }> => {
    const states = await loadStates(deps.redis, deps.signalKeyPrefix);
    const inboxes = new Map((await deps.inbox.loadMany(states.map((s) => s.accountId))).map((i) => [i.accountId, i]));
    const history = (await deps.redis.lrange(keys.history(sub.id), 0, TREND_POINTS - 1)).map((raw) => JSON.parse(raw) as DigestRecord);
    const late = nowMs - scheduledMs > deps.lateAfterMs;
    const content = buildDigest({ subscription: sub, states, inboxes, history, periodKey: period, scheduledMs, nowMs, late, engine: deps.engine, fx: deps.fx });
    const exp = Math.floor(nowMs / 1000) + deps.links.linkTtlSeconds;
    const { appBaseUrl, linkKeys } = deps.links;
    const email = renderDigestEmail(content, {
      subscription: sub,
      unsubscribeUrl: unsubscribeUrl(appBaseUrl, { subscriptionId: sub.id, recipient: sub.recipient.email }, linkKeys),
      accountUrl: (accountId) => signAccountLink({ baseUrl: appBaseUrl, accountId, keys: linkKeys, exp }),
    });
    return { content, email };
  };
}

/**
 * KEYS: done marker, claim; ARGV: job id, claim ttl ms. "done" when the period was sent (or skipped), "busy"
 * while another job holds the claim, "claimed" when this job may send.
 */
const CLAIM_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 'done' end
if redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then return 'claimed' end
if redis.call('GET', KEYS[2]) == ARGV[1] then return 'claimed' end
return 'busy'
`;

/**
 * One scheduled run of one subscription: the digest of its period, sent once. The period comes from the
 * scheduled instant (the job id), not from the clock, so a late run still belongs to the period it was for,
 * and the done marker makes a second run of the same period (another instance, a retry) send nothing.
 */
export function createDigestRunner(deps: DigestRunnerDeps): (job: Job) => Promise<DigestRunResult> {
  const keys = digestKeys(deps.keyPrefix);
  const compose = createDigestComposer(deps);
  return async (job) => {
    const parsed = runData.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError("invalid digest run: no subscriptionId");
    const id = parsed.data.subscriptionId;
    const sub = await deps.store.get(id);
    if (!sub) {
      // Deleted while this run waited (or by another instance): the schedule goes with it.
      await deps.scheduler.remove(id);
      return { status: "superseded", reason: "subscription deleted" };
    }
    const nowMs = deps.now();
    const scheduledMs = scheduledMillisOf(job.id) ?? nowMs;
    const period = periodKey(sub.schedule, scheduledMs);
    const log = deps.logger.child({ subscriptionId: id, period, jobId: job.id });
    // One atomic step: a run that checked "not done" and then claimed could otherwise slip in between
    // another run's "done" and its release of the claim, and send the period twice.
    const claimed = await deps.redis.eval(CLAIM_SCRIPT, 2, keys.done(id, period), keys.claim(id, period), String(job.id), String(CLAIM_MS));
    if (claimed === "done") {
      log.info("digest of this period already done");
      return { status: "already-sent", period };
    }
    if (claimed === "busy") {
      // Another job of the same period is sending (a changed schedule, a stalled job redelivered): retry,
      // and the retry will find the done marker.
      throw new Error("another run of this period is in progress");
    }
    const claim = keys.claim(id, period);
    const { content, email } = await compose(sub, period, scheduledMs, nowMs);
    if (content.matching === 0 && sub.whenEmpty === "skip") {
      await deps.redis
        .multi()
        .set(keys.done(id, period), JSON.stringify({ skipped: "nothing at risk", at: content.generatedAt }), "EX", MARKER_TTL_S)
        .del(claim)
        .exec();
      log.info("nothing at risk: digest skipped by its policy");
      return { status: "skipped", period, reason: "nothing at risk" };
    }
    const { messageId } = await sendFromJob(deps.mailer, { ...email, to: { name: headerSafe(sub.recipient.name, 100), address: sub.recipient.email } });
    // A crash between the SMTP reply and this write re-sends on retry (at-least-once, as every email here);
    // the Message-ID is the same, so mail clients collapse the rare duplicate.
    await deps.redis
      .multi()
      .set(keys.done(id, period), JSON.stringify({ messageId, at: content.generatedAt, late: content.late }), "EX", MARKER_TTL_S)
      .lpush(keys.history(id), JSON.stringify(content.record))
      .ltrim(keys.history(id), 0, TREND_POINTS - 1)
      .del(claim)
      .exec();
    log.info({ messageId, accounts: content.matching, late: content.late }, content.late ? "digest sent late" : "digest sent");
    return { status: "sent", messageId, period, late: content.late, accounts: content.matching };
  };
}
