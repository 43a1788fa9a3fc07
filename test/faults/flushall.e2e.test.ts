import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { keyspace } from "../../services/signal-worker/src/signalKeys.ts";
import { listEmails, startMaildev, waitFor } from "@churnwatch/testing";
import { canonicalDump } from "../../services/ops/src/canonicalDump.ts";
import { durableKeys } from "../../services/ops/src/redisLayout.ts";
import { accountUpserted, decliningHistory, steadyHistory } from "../support/events.ts";
import { isolatedPipeline } from "../support/pipeline.ts";
import { repoRoot, startService, stopService } from "../support/processes.ts";
import { e2eScope } from "../support/scope.ts";
import { alertJobIds, allJobIds, startPrivateRedis } from "./support.ts";

/**
 * FLUSHALL on a Redis of this test's own (never the shared one): the pipeline builds state (two alerted accounts
 * of one owner with a daily budget of 1, so one email is sent and the other is kept for the morning's summary; an
 * acknowledgement; a digest subscription), both services stop, Redis loses everything, `ops rebuild-redis`
 * runs and the services start again. Checked: exactly which kinds of keys come back (from the rebuild, or from
 * the services at start) and which are lost, and that nothing is emailed again after the restart.
 */
const scope = e2eScope();
const DAY = 86_400_000;

function runOps(script: string, env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "services/ops/src", script)], { cwd: repoRoot, env: { ...process.env, ...env }, encoding: "utf8", timeout: 120_000 });
}

/** Key families of one deployment, by name, with how many keys each has. */
async function inventory(redis: Redis, signal: string, notifier: string, queues: Record<string, string>): Promise<Record<string, number>> {
  const families: Array<[string, RegExp]> = [
    ["account states", new RegExp(`^${signal}account:`)],
    ["account index", new RegExp(`^${signal}accounts$`)],
    ["alert histories", new RegExp(`^${signal}history:`)],
    ["complaint texts", new RegExp(`^${signal}complaint-text:`)],
    ["event dedupe markers", new RegExp(`^(${keyspace(signal).seenPrefixes.join("|")})`)],
    ["sweep wake index", new RegExp(`^${signal}wake$`)],
    ["alert inboxes", new RegExp(`^${notifier}inbox:`)],
    ["inbox indexes", new RegExp(`^${notifier}inbox-(accounts|active)$`)],
    ["sent markers", new RegExp(`^${notifier}sent:`)],
    ["daily budgets", new RegExp(`^${notifier}budget:`)],
    ["daily summary entries", new RegExp(`^${notifier}digest:`)],
    ["daily summaries due", new RegExp(`^${notifier}summaries-due$`)],
    ["digest subscriptions cache", new RegExp(`^${notifier}digest-subscriptions`)],
    ["labels", new RegExp(`^${notifier}labels`)],
    ...Object.entries(queues).map(([name, q]): [string, RegExp] => [`${name} (BullMQ)`, new RegExp(`^bull:${q}:`)]),
  ];
  const counts: Record<string, number> = Object.fromEntries(families.map(([name]) => [name, 0]));
  for (const key of await redis.keys("*")) {
    const family = families.find(([, re]) => re.test(key));
    if (family) counts[family[0]] = (counts[family[0]] ?? 0) + 1;
  }
  return counts;
}

const redisDir = mkdtempSync(join(tmpdir(), "cw-faults-redis-"));
const privateRedis = await startPrivateRedis(redisDir);

describe.skipIf(!privateRedis)("fault: FLUSHALL, then rebuild-redis, then restart", () => {
  it("brings back account states, inboxes and histories; says what else is lost; sends nothing twice", async () => {
    if (!privateRedis) return;
    scope.cleanups.push(() => privateRedis.stop());
    const { env, smtpPort, webPort, apiPort, notifierEnv: base } = await isolatedPipeline("f-flush", scope.cleanups, { REDIS_URL: privateRedis.url });
    const id = env.config.KEY_PREFIX.replace(/:$/, "");
    const policy = join(redisDir, "policy.json");
    writeFileSync(policy, JSON.stringify({ repeatIntervalHours: 24, quietHours: false, businessDays: [1, 2, 3, 4, 5, 6, 7], perRecipientBudget: 1 }));
    const notifierEnv = { ...base, POLICY_CONFIG_PATH: policy };
    expect(notifierEnv.REDIS_URL).toBe(privateRedis.url);
    const sink = await startMaildev({ smtpPort, webPort });
    scope.sinks.push(sink);
    const start = (tag: string) => scope.running.push(startService("signal-worker", env.env, `${id}-${tag}`), startService("notifier", notifierEnv, `${id}-${tag}`));
    start("1");

    const now = Date.now();
    const owner = "fl.owner@seller.example";
    const events = [];
    for (const acc of ["acc-fl-a", "acc-fl-b"]) {
      const down = decliningHistory(acc, now, { weekly: 10_000, recentShare: 0.25 });
      down[0] = accountUpserted(acc, now - 400 * DAY, { ownerEmail: owner });
      events.push(...down);
    }
    events.push(...steadyHistory("acc-fl-steady", now));
    await env.produceEvents(events);
    await waitFor(() => listEmails(sink.webUrl), { until: (m) => m.some((e) => e.to[0]?.address === owner), timeoutMs: 60_000, description: "the first alert email" });

    const api = `http://127.0.0.1:${apiPort}/api`;
    const auth = { authorization: "Bearer e2e-operations-token-0123456789" };
    const firing = async () => ((await (await fetch(`${api}/alerts?state=firing`, { headers: auth })).json()) as { alerts: Array<{ accountId: string; rule: string }> }).alerts;
    const alerts = await waitFor(firing, { until: (a) => new Set(a.map((x) => x.accountId)).size === 2, timeoutMs: 30_000, description: "both accounts firing" });
    const acked = alerts[0];
    if (!acked) throw new Error("no alert");
    expect((await fetch(`${api}/alerts/${acked.accountId}/${acked.rule}/acknowledge`, { method: "POST", headers: auth })).status).toBe(200);
    const subscription = { recipient: { name: "Wang Fang", email: "ceo@seller.example" }, schedule: { cadence: "weekly", weekday: "mon", time: "08:00", timezone: "Asia/Shanghai" } };
    const created = await fetch(`${api}/digests`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(subscription) });
    expect(created.status, await created.clone().text()).toBe(201);

    const redis = new Redis(privateRedis.url);
    scope.cleanups.push(() => redis.quit());
    const queues = { "alert queue": env.config.ALERT_QUEUE, "email queue": notifierEnv.EMAIL_QUEUE, "digest queue": notifierEnv.DIGEST_QUEUE };
    const emailQueue = new Queue(notifierEnv.EMAIL_QUEUE, { connection: redis.duplicate() });
    const digestQueue = new Queue(notifierEnv.DIGEST_QUEUE, { connection: redis.duplicate() });
    const alertQueue = new Queue(env.config.ALERT_QUEUE, { connection: redis.duplicate() });
    scope.cleanups.push(() => emailQueue.close(), () => digestQueue.close(), () => alertQueue.close());
    // The second account's alert waits for the morning's summary, beyond the budget of 1.
    await waitFor(() => redis.zcard(`${notifierEnv.KEY_PREFIX}summaries-due`), { until: (n) => n >= 1, timeoutMs: 30_000, description: "an alert kept for the daily summary" });
    const pending = async () =>
      Promise.all([
        redis.hlen(`${env.config.KEY_PREFIX}state-dirty`),
        redis.hlen(`${notifierEnv.KEY_PREFIX}inbox-dirty`),
        redis.llen(`${env.config.KEY_PREFIX}history-outbox`),
        redis.llen(`${notifierEnv.KEY_PREFIX}history-outbox`),
        redis.llen(`${env.config.KEY_PREFIX}outbox`),
      ]);
    await waitFor(pending, { until: (c) => c.every((n) => n === 0), timeoutMs: 30_000, description: "outboxes and changelogs drained" });
    for (const s of scope.running) await stopService(s, "SIGTERM");
    scope.running = [];

    const patterns = durableKeys(env.config.KEY_PREFIX, notifierEnv.KEY_PREFIX).patterns;
    const before = { dump: await canonicalDump(redis, patterns), keys: await inventory(redis, env.config.KEY_PREFIX, notifierEnv.KEY_PREFIX, queues), emails: (await listEmails(sink.webUrl)).length };
    const delayedBefore = (await emailQueue.getJobs(["delayed"])).length;
    const alertJobsBefore = (await alertJobIds(alertQueue)).length;
    const schedulersBefore = (await digestQueue.getJobSchedulers()).length;
    expect(schedulersBefore).toBe(1);
    for (const family of ["account states", "alert histories", "alert inboxes", "event dedupe markers", "sent markers", "daily budgets", "daily summary entries", "daily summaries due", "email queue (BullMQ)"]) {
      expect(before.keys[family], family).toBeGreaterThan(0);
    }

    // The loss.
    expect(await redis.flushall()).toBe("OK");
    expect(await redis.dbsize()).toBe(0);

    const opsEnv = {
      REDIS_URL: privateRedis.url,
      KAFKA_BROKERS: env.config.KAFKA_BROKERS.join(","),
      KEY_PREFIX: env.config.KEY_PREFIX,
      NOTIFIER_KEY_PREFIX: notifierEnv.KEY_PREFIX,
      TOPIC_ACCOUNT_STATE: env.config.TOPIC_ACCOUNT_STATE,
      TOPIC_ALERT_INBOX: notifierEnv.TOPIC_ALERT_INBOX,
      TOPIC_ALERT_HISTORY: env.config.TOPIC_ALERT_HISTORY,
      TOPIC_COMPLAINTS: env.config.TOPIC_COMPLAINTS,
    };
    const rebuilt = runOps("rebuildRedis.ts", opsEnv);
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    expect(await canonicalDump(redis, patterns)).toBe(before.dump);
    const afterRebuild = await inventory(redis, env.config.KEY_PREFIX, notifierEnv.KEY_PREFIX, queues);

    // The services start again on their own, with nothing but the rebuilt Redis.
    start("2");
    await waitFor(() => digestQueue.getJobSchedulers(), { until: (s) => s.length === 1, timeoutMs: 30_000, description: "the digest scheduler recreated from the subscriptions topic" });
    await waitFor(() => redis.zcard(`${env.config.KEY_PREFIX}wake`), { until: (n) => n > 0, timeoutMs: 30_000, description: "the wake index written again by the first sweep" });
    await waitFor(async () => (await firing()).length, { until: (n) => n >= 2, timeoutMs: 30_000, description: "the API serves the rebuilt inboxes" });
    const ack = (await (await fetch(`${api}/alerts/${acked.accountId}/${acked.rule}`, { headers: auth })).json()) as { delivery: { acknowledgedAt?: string } };
    expect(ack.delivery.acknowledgedAt).toBeDefined();
    const sweeps = join(repoRoot, ".run/test-logs", `${id}-2-signal-worker.log`);
    await waitFor(() => spawnSync("grep", ["-c", '"full":true', sweeps], { encoding: "utf8" }).stdout.trim(), { until: (n) => Number(n) >= 1, timeoutMs: 30_000, description: "a full sweep after the restart" });
    await waitFor(pending, { until: (c) => c.every((n) => n === 0), timeoutMs: 30_000, description: "drained after the restart" });
    const alertQueueIdle = async () => Object.values(await alertQueue.getJobCounts("waiting", "active")).reduce((a, b) => a + b, 0);
    await waitFor(alertQueueIdle, { until: (n) => n === 0, timeoutMs: 30_000, description: "alert queue idle" });
    const emailsIdle = async () => Object.values(await emailQueue.getJobCounts("waiting", "active")).reduce((a, b) => a + b, 0);
    await waitFor(emailsIdle, { until: (n) => n === 0, timeoutMs: 30_000, description: "email queue idle" });
    for (const s of scope.running) await stopService(s, "SIGTERM");
    scope.running = [];
    const afterRestart = await inventory(redis, env.config.KEY_PREFIX, notifierEnv.KEY_PREFIX, queues);

    // Nothing is emailed again, and the durable state is still the state from before the loss.
    expect((await listEmails(sink.webUrl)).length).toBe(before.emails);
    expect(await canonicalDump(redis, patterns)).toBe(before.dump);
    const delayedAfter = (await emailQueue.getJobs(["delayed"])).length;
    const table = Object.keys(before.keys).map((k) => `${k}: ${before.keys[k]} → ${afterRebuild[k]} → ${afterRestart[k]}`);
    console.log(`FLUSHALL: keys before → after rebuild → after restart\n  ${table.join("\n  ")}\n  delayed emails ${delayedBefore} → ${delayedAfter}; alert jobs ${alertJobsBefore} → ${(await alertJobIds(alertQueue)).length}; email jobs → ${(await allJobIds(emailQueue)).length}; digest schedulers ${schedulersBefore} → ${(await digestQueue.getJobSchedulers()).length}; emails sent ${before.emails} → ${(await listEmails(sink.webUrl)).length}`);
    // What the rebuild cannot bring back, and nothing at start recreates.
    expect(afterRestart["sent markers"]).toBe(0);
    expect(afterRestart["daily budgets"]).toBe(0);
    expect(afterRestart["event dedupe markers"]).toBe(0);
    expect(afterRestart["daily summary entries"]).toBe(0); // the alert kept for the morning's summary is gone
    expect(afterRestart["daily summaries due"]).toBe(0);
  }, 170_000);
});
