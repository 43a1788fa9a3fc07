// One notifier per test against the real Redis, a real SMTP server (maildev in-process) and the real Kafka
// broker (the history topic), with its own queues, key prefixes and topic, and a clock the test moves.
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { Kafka } from "kafkajs";
import { ALERT_JOB, alertJobId, alertJobOptions, type AlertNotification } from "@churnwatch/contracts";
import { createLogger } from "@churnwatch/platform";
import { parsePolicyConfig, type PolicyConfigInput } from "@churnwatch/policy";
import { parseApiTokens } from "../api/tokens.ts";
import { sampleNotification } from "../fixtures.ts";
import type { NotifierConfig } from "../env.ts";
import { singleKey, type LinkKeys } from "../linkKeys.ts";
import { createNotifier, type Notifier } from "../service.ts";
import { createMailSink, freePort, type MailSink, type ReceivedEmail } from "./mailSink.ts";
import { waitFor } from "@churnwatch/testing";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
export const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
export const SECRET = "int-test-secret-0123456789abcdef0123";
export const OPS_TOKEN = "ops-token-0123456789abcdef01234567";

/** A clock the policy reads; tests set it to a chosen local time and move it on. */
export class TestClock {
  constructor(public ms: number) {}
  readonly now = (): number => this.ms;
  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface Harness {
  id: string;
  sink: MailSink;
  redis: Redis;
  alertQueue: Queue;
  emailQueue: Queue;
  digestQueue: Queue;
  notifier: Notifier;
  /** Another notifier on the same queues, Redis keys and topics (a second instance), stopped at cleanup. */
  startPeer: () => Promise<Notifier>;
  config: NotifierConfig;
  clock: TestClock;
  owner: string;
  manager: string;
  sponsor: string;
  /** The per-account API token of the owner. */
  ownerToken: string;
  api: (path: string, init?: RequestInit & { token?: string }) => Promise<Response>;
  enqueue: (n: AlertNotification) => Promise<void>;
  /** Waits for the job of a notification to be decided by the policy. */
  decided: (n: AlertNotification) => Promise<void>;
  emailsTo: (address: string) => Promise<ReceivedEmail[]>;
  waitEmails: (address: string, count: number) => Promise<ReceivedEmail[]>;
  notification: (overrides?: Partial<AlertNotification>) => AlertNotification;
}

const cleanups: Array<() => Promise<unknown>> = [];
/** Per open harness: the key names under its prefixes and queues that carry an address. */
const addressScans: Array<() => Promise<string[]>> = [];

/**
 * Stops every harness of the test and deletes its keys; first it scans them, and fails the test if any key
 * name carries an address (`@`): after each scenario of every notifier integration test, no key (budgets,
 * summaries, sent markers, queues) may name a person.
 */
export async function cleanupHarnesses(): Promise<void> {
  const named = (await Promise.all(addressScans.splice(0).map((scan) => scan()))).flat();
  while (cleanups.length > 0) await cleanups.pop()?.();
  if (named.length > 0) throw new Error(`Redis key names carry an address: ${named.sort().join(", ")}`);
}

async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  for await (const keys of redis.scanStream({ match: pattern, count: 500 }) as AsyncIterable<string[]>) found.push(...keys);
  return found;
}

async function deleteByPattern(redis: Redis, pattern: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: pattern, count: 200 }) as AsyncIterable<string[]>) {
    if (keys.length > 0) await redis.unlink(...keys);
  }
}

export interface HarnessOptions {
  policy?: PolicyConfigInput;
  /** Starting instant of the test clock; a Wednesday 10:00 in Shanghai by default (inside business hours). */
  startAt?: string;
  listen?: boolean;
  tickIntervalMs?: number;
  /** The link keys (a rotation); by default one key, SECRET under the id k1. */
  linkKeys?: LinkKeys;
  /** CONSOLE_BASE_URL: where refused links send their reader; none by default. */
  consoleBaseUrl?: string;
  /** A console's answers topic to read (it exists already, and stays: its console deletes it); one of its own by default. */
  answersTopic?: string;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const id = randomUUID();
  const sink = await createMailSink();
  if (opts.listen ?? true) await sink.listen();
  const clock = new TestClock(Date.parse(opts.startAt ?? "2026-03-04T02:00:00Z"));
  const owner = `owner-${id}@example.com`;
  const manager = `manager-${id}@example.com`;
  const sponsor = `sponsor-${id}@example.com`;
  const ownerToken = `owner-token-${id}`;
  // Links in emails must point at this test's API, so its port is chosen up front.
  const apiPort = await freePort();
  const config: NotifierConfig = {
    redisUrl: REDIS_URL,
    smtpUrl: sink.smtpUrl,
    mailFrom: "Churnwatch <alerts@churnwatch.local>",
    queueName: `lifecycle-int-${id}`,
    emailQueueName: `emails-int-${id}`,
    concurrency: 2,
    appBaseUrl: `http://127.0.0.1:${apiPort}`,
    linkKeys: opts.linkKeys ?? singleKey(SECRET),
    linkTtlSeconds: 14 * 24 * 3600,
    consoleBaseUrl: opts.consoleBaseUrl,
    logLevel: "silent",
    retry: { baseMs: 50, maxMs: 400 },
    smtpTimeoutMs: 3_000,
    jobLockMs: 30_000,
    keyPrefix: `test:notifier:${id}:`,
    sentMarkerTtlSeconds: 600,
    ops: { port: 0, token: OPS_TOKEN },
    kafka: { brokers: KAFKA_BROKERS, historyTopic: `history-int-${id}`, inboxTopic: `inbox-int-${id}`, subscriptionsTopic: `digest-subscriptions-int-${id}`, answersTopic: opts.answersTopic ?? `console-answers-int-${id}`, answersGroup: `answers-int-${id}` },
    signalKeyPrefix: `test:signals:${id}:`,
    policy: parsePolicyConfig(opts.policy ?? {}),
    // Ticks are driven by the test (notifier.tick()) so they follow the test clock; the scheduler stays slow.
    tickIntervalMs: opts.tickIntervalMs ?? 3_600_000,
    api: { port: apiPort, host: "127.0.0.1", tokens: parseApiTokens(`${OPS_TOKEN}=*,${ownerToken}=${owner}`) },
    digests: { queueName: `digests-int-${id}`, lateAfterMs: 15 * 60_000 },
  };
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const alertQueue = new Queue(config.queueName, { connection: redis });
  const emailQueue = new Queue(config.emailQueueName, { connection: redis });
  const digestQueue = new Queue(config.digests.queueName, { connection: redis });
  const logger = createLogger("notifier-test", process.env.TEST_LOG_LEVEL ?? "silent");
  const notifier = createNotifier(config, { logger, now: clock.now });
  const peers: Notifier[] = [];
  cleanups.push(async () => {
    for (const peer of peers) await peer.stop();
    await notifier.stop();
    await alertQueue.obliterate({ force: true });
    await emailQueue.obliterate({ force: true });
    await digestQueue.obliterate({ force: true });
    await deleteByPattern(redis, `${config.keyPrefix}*`);
    await deleteByPattern(redis, `${config.signalKeyPrefix}*`);
    await alertQueue.close();
    await emailQueue.close();
    await digestQueue.close();
    await redis.quit();
    await sink.close();
    const admin = new Kafka({ brokers: KAFKA_BROKERS, clientId: `cleanup-${id}` }).admin();
    await admin.connect();
    const own = [config.kafka.historyTopic, config.kafka.inboxTopic, config.kafka.subscriptionsTopic, ...(opts.answersTopic ? [] : [config.kafka.answersTopic])];
    await admin.deleteTopics({ topics: own }).catch(() => undefined);
    await admin.disconnect();
  });
  addressScans.push(async () => {
    const patterns = [`${config.keyPrefix}*`, `${config.signalKeyPrefix}*`, ...[config.queueName, config.emailQueueName, config.digests.queueName].map((q) => `bull:${q}:*`)];
    return (await Promise.all(patterns.map((p) => scanKeys(redis, p)))).flat().filter((k) => k.includes("@"));
  });
  await notifier.start();

  // The shared fixture, re-addressed to this test's people and account, at this test's clock.
  const notification = (overrides: Partial<AlertNotification> = {}): AlertNotification => {
    const base = sampleNotification({
      notificationId: `acc-${id}:purchases.decline:1772414100000:medium`,
      alertId: `acc-${id}:purchases.decline:1772414100000`,
      accountId: `acc-${id}`,
      level: "medium",
      score: 55,
      firedAt: "2026-03-04T01:55:00Z",
      evaluatedAt: new Date(clock.ms).toISOString(),
      configVersion: "test.1",
      account: {
        owner: { name: "Li Wei", email: owner },
        manager: { name: "Zhang Min", email: manager },
        sponsor: { name: "Wang Fang", email: sponsor },
      },
    });
    base.evidence = base.evidence.slice(0, 1);
    return { ...base, ...overrides };
  };
  const emailsTo = (address: string) => sink.emailsTo(address);
  return {
    id,
    sink,
    redis,
    alertQueue,
    emailQueue,
    digestQueue,
    notifier,
    startPeer: async () => {
      const peer = createNotifier({ ...config, api: { ...config.api, port: 0 } }, { logger, now: clock.now });
      peers.push(peer);
      await peer.start();
      return peer;
    },
    config,
    clock,
    owner,
    manager,
    sponsor,
    ownerToken,
    api: (path, init = {}) => {
      const { token = OPS_TOKEN, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token) headers.set("authorization", `Bearer ${token}`);
      if (rest.body && !headers.has("content-type")) headers.set("content-type", "application/json");
      return fetch(`http://127.0.0.1:${notifier.apiPort()}${path}`, { ...rest, headers });
    },
    enqueue: async (n) => {
      await alertQueue.add(ALERT_JOB, n, { ...alertJobOptions, jobId: alertJobId(n.notificationId) });
    },
    decided: async (n) => {
      await waitFor(() => alertQueue.getJobState(alertJobId(n.notificationId)), { until: (s) => s === "completed" || s === "failed", description: `notification ${n.notificationId} decided`, timeoutMs: 15_000 });
    },
    emailsTo,
    waitEmails: (address, count) => waitFor(() => emailsTo(address), { until: (m) => m.length >= count, description: `${count} email(s) to ${address}`, timeoutMs: 15_000 }),
    notification,
  };
}
