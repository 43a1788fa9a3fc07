import { describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { ChurnEvent } from "@churnwatch/contracts";
import { defaultConfig } from "@churnwatch/engine";
import { deleteKeysByPrefix, listEmails, startMaildev, waitFor } from "@churnwatch/testing";
import { canonicalDump } from "../../services/ops/src/canonicalDump.ts";
import { keyspace } from "../../services/signal-worker/src/signalKeys.ts";
import { durableKeys } from "../../services/ops/src/redisLayout.ts";
import { accountUpserted, decliningHistory, steadyHistory } from "../support/events.ts";
import { isolatedPipeline } from "../support/pipeline.ts";
import { startService, stopService } from "../support/processes.ts";
import { e2eScope } from "../support/scope.ts";
import { alertJobIds, allJobIds, diffAgainstOracle, groupLag, groupOffsets, oracleStates, rewindGroup, storedStates, sumLogField } from "./support.ts";

/**
 * Whole-topic replay: after a run that emailed an alert, the signal worker's consumer group is reset to the
 * beginning of every topic it reads and the worker started again. Every event comes back; the dedupe markers
 * and the outbox must absorb all of them: the durable state (canonical dump) is byte-identical to before, no
 * alert job is added, no email is scheduled or sent. Then the same once more with the dedupe markers gone (as
 * after they expire, SEEN_TTL_DAYS, or a Redis rebuild): the engine's own idempotence must hold the state.
 */
const scope = e2eScope();
const DAY = 86_400_000;

describe("fault: whole-topic replay", () => {
  it("a consumer group reset to the beginning of every topic changes no state and sends nothing again", async () => {
    const { env, smtpPort, webPort, notifierEnv } = await isolatedPipeline("f-replay", scope.cleanups);
    const id = env.config.KEY_PREFIX.replace(/:$/, "");
    const sink = await startMaildev({ smtpPort, webPort });
    scope.sinks.push(sink);
    const notifier = startService("notifier", notifierEnv, `${id}-1`);
    scope.running.push(notifier, startService("signal-worker", env.env, `${id}-1`));

    const now = Date.now();
    const t0 = now;
    const mark = (what: string) => process.env.FAULT_TIMINGS && console.log(`${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const down = decliningHistory("acc-rp-down", now, { weekly: 10_000, recentShare: 0.25 });
    down[0] = accountUpserted("acc-rp-down", now - 400 * DAY, { name: "Replay <Co>", ownerEmail: "rp.owner@seller.example" });
    const complaint: ChurnEvent = {
      eventId: `rp-c-${now}`,
      type: "complaint.opened",
      accountId: "acc-rp-down",
      occurredAt: new Date(now - 5 * DAY).toISOString(),
      schemaVersion: 1,
      data: { complaintId: "c-1", severity: "high", category: "delivery", text: "late again" },
    };
    const events: ChurnEvent[] = [...down, complaint, ...steadyHistory("acc-rp-steady", now)];
    await env.produceEvents(events);
    await waitFor(() => listEmails(sink.webUrl), { until: (m) => m.some((e) => e.to[0]?.address === "rp.owner@seller.example"), timeoutMs: 60_000, description: "the alert email" });

    mark("email");
    const redis = new Redis(env.config.REDIS_URL);
    scope.cleanups.push(() => redis.quit());
    const alertQueue = new Queue(env.config.ALERT_QUEUE, { connection: redis.duplicate() });
    const emailQueue = new Queue(notifierEnv.EMAIL_QUEUE, { connection: redis.duplicate() });
    scope.cleanups.push(() => alertQueue.close(), () => emailQueue.close(), () => emailQueue.obliterate({ force: true }).catch(() => undefined));
    const accounts = ["acc-rp-down", "acc-rp-steady"];
    const applied = async () => [...(await storedStates(redis, env.config.KEY_PREFIX, accounts)).values()].reduce((sum, s) => sum + s.applied, 0);
    await waitFor(applied, { until: (n) => n === events.length, timeoutMs: 60_000, description: "every event applied" });

    // The oracle agrees with the first run: every account's event-derived state and applied count.
    const oracle = oracleStates(events, defaultConfig);
    expect(diffAgainstOracle(oracle, await storedStates(redis, env.config.KEY_PREFIX, accounts))).toEqual([]);

    const settled = async () => {
      const [a, b, c, d] = await Promise.all([
        redis.hlen(`${env.config.KEY_PREFIX}state-dirty`),
        redis.hlen(`${notifierEnv.KEY_PREFIX}inbox-dirty`),
        redis.llen(`${env.config.KEY_PREFIX}history-outbox`),
        redis.llen(`${notifierEnv.KEY_PREFIX}history-outbox`),
      ]);
      const counts = await alertQueue.getJobCounts("waiting", "active", "prioritized");
      const emails = await emailQueue.getJobCounts("waiting", "active");
      return a + b + c + d + Object.values(counts).reduce((s, n) => s + n, 0) + Object.values(emails).reduce((s, n) => s + n, 0);
    };
    const worker1 = scope.running[1];
    if (!worker1) throw new Error("no worker");
    expect(await stopService(worker1, "SIGTERM")).toBe(0);
    scope.running = [notifier];
    await waitFor(settled, { until: (n) => n === 0, timeoutMs: 30_000, description: "outboxes, changelogs and queues settled" });

    const patterns = durableKeys(env.config.KEY_PREFIX, notifierEnv.KEY_PREFIX).patterns;
    const snapshot = async () => ({
      dump: await canonicalDump(redis, patterns),
      alertJobs: await alertJobIds(alertQueue),
      emailJobs: await allJobIds(emailQueue),
      emails: (await listEmails(sink.webUrl)).length,
    });
    mark("stopped, settled");
    const before = await snapshot();
    mark("snapshot");
    expect(before.alertJobs.length).toBeGreaterThan(0);
    expect(before.emails).toBeGreaterThan(0);
    expect(before.dump).toContain(`${env.config.KEY_PREFIX}account:acc-rp-down\thash\ts\t`);

    const topics = Object.values(env.topics);
    const replayOnce = async (tag: string) => {
      // kafkajs resetOffsets({ earliest }) commits the -2 sentinel, one topic at a time; this commits each
      // partition's low mark, for every topic at once.
      await rewindGroup(env.config.KAFKA_BROKERS, env.config.CONSUMER_GROUP, topics);
      mark(`replay ${tag} set`);
      // The reset really took: the group is back at the start of every partition, owing every event again.
      const reset = await groupOffsets(env.config.KAFKA_BROKERS, env.config.CONSUMER_GROUP, topics);
      expect(reset.every((r) => r.committed === r.low)).toBe(true);
      expect(reset.reduce((s, r) => s + r.high - r.low, 0)).toBe(events.length);
      mark(`replay ${tag} reset`);
      const worker = startService("signal-worker", env.env, `${id}-${tag}`);
      scope.running.push(worker);
      await waitFor(() => groupLag(env.config.KAFKA_BROKERS, env.config.CONSUMER_GROUP, topics), { until: (lag) => lag === 0, timeoutMs: 60_000, description: "group lag 0 after the reset" });
      mark(`replay ${tag} lag 0`);
      expect(await stopService(worker, "SIGTERM")).toBe(0);
      mark(`replay ${tag} stopped`);
      scope.running = [notifier];
      await waitFor(settled, { until: (n) => n === 0, timeoutMs: 30_000, description: "settled after the replay" });
      return worker.logFile;
    };

    // 1. With the dedupe markers: every event is skipped as a duplicate; nothing is committed at all.
    const log2 = await replayOnce("2");
    expect(sumLogField(log2, "duplicate events skipped", "duplicates")).toBe(events.length);
    const after = await snapshot();
    expect(after.dump).toBe(before.dump);
    expect(after.alertJobs).toEqual(before.alertJobs);
    expect(after.emailJobs).toEqual(before.emailJobs);
    expect(after.emails).toBe(before.emails);

    // 2. Without them (expired, or lost with Redis): the engine recognises every event it holds (order,
    // invoice and complaint ids); no alert job, no email; the state the events decide is unchanged.
    for (const prefix of keyspace(env.config.KEY_PREFIX).seenPrefixes) await deleteKeysByPrefix(redis, prefix);
    await replayOnce("3");
    const noMarkers = await snapshot();
    expect(noMarkers.alertJobs).toEqual(before.alertJobs);
    expect(noMarkers.emailJobs).toEqual(before.emailJobs);
    expect(noMarkers.emails).toBe(before.emails);
    const stored = await storedStates(redis, env.config.KEY_PREFIX, accounts);
    const diffs = diffAgainstOracle(oracle, stored);
    // The applied counter ('n') counts events newly marked seen, so it is counted again here; the state is not.
    expect(diffs.filter((d) => d.stateDiffers)).toEqual([]);
    console.log(`whole-topic replay: ${events.length} events replayed twice; with markers dump identical; without markers state diff 0, applied counters ${JSON.stringify(diffs.map((d) => d.applied))}`);
  }, 170_000);
});
