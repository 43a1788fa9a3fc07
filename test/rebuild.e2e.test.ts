import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { deleteKeysByPrefix, listEmails, startMaildev, waitFor } from "@churnwatch/testing";
import { canonicalDump } from "../services/ops/src/canonicalDump.ts";
import { durableKeys } from "../services/ops/src/redisLayout.ts";
import { accountUpserted, decliningHistory, steadyHistory } from "./support/events.ts";
import { isolatedPipeline } from "./support/pipeline.ts";
import { repoRoot, startService, stopService } from "./support/processes.ts";
import { e2eScope } from "./support/scope.ts";

/**
 * A Redis loss, end to end: the signal worker and the notifier build state from real events (account states,
 * alert histories, complaint texts, an alert inbox with an acknowledgement), they stop, Redis loses every
 * key, and `ops rebuild-redis` restores it from Kafka. The canonical dump after is the dump before.
 */
const scope = e2eScope();

function runOps(script: string, env: Record<string, string>, args: string[] = []) {
  return spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "services/ops/src", script), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
}

describe("rebuild after a Redis loss", () => {
  it("restores the durable state identical to before (canonical dump)", async () => {
    const { env, smtpPort, webPort, apiPort, notifierEnv } = await isolatedPipeline("e2e-rebuild", scope.cleanups);
    const sink = await startMaildev({ smtpPort, webPort });
    scope.sinks.push(sink);
    scope.running.push(startService("signal-worker", env.env, "e2e-rebuild"), startService("notifier", notifierEnv, "e2e-rebuild"));

    const now = Date.now();
    const down = decliningHistory("acc-rb-down", now, { weekly: 10_000, recentShare: 0.25 });
    down[0] = accountUpserted("acc-rb-down", now - 400 * 86_400_000, { name: "Rebuild <Co>", ownerEmail: "rb.owner@seller.example", ownerName: "Rb Owner" });
    const complaint = {
      eventId: "rb-c-1",
      type: "complaint.opened" as const,
      accountId: "acc-rb-down",
      occurredAt: new Date(now - 5 * 86_400_000).toISOString(),
      schemaVersion: 1 as const,
      data: { complaintId: "c-1", severity: "high" as const, category: "delivery", text: "late <again>" },
    };
    await env.produceEvents([...down, complaint, ...steadyHistory("acc-rb-steady", now)]);
    await waitFor(() => listEmails(sink.webUrl), { until: (m) => m.some((e) => e.to[0]?.address === "rb.owner@seller.example"), timeoutMs: 60_000, description: "the alert email" });

    // An answer, so the inbox holds more than the engine's news.
    const api = `http://127.0.0.1:${apiPort}/api`;
    const auth = { authorization: "Bearer e2e-operations-token-0123456789" };
    const listed = (await (await fetch(`${api}/alerts?state=firing`, { headers: auth })).json()) as { alerts: Array<{ accountId: string; rule: string }> };
    const alert = listed.alerts.find((a) => a.accountId === "acc-rb-down");
    expect(alert).toBeDefined();
    expect((await fetch(`${api}/alerts/acc-rb-down/${alert?.rule}/acknowledge`, { method: "POST", headers: auth })).status).toBe(200);

    // Everything relayed (outboxes and changelog marks empty), then both services stop.
    const redis = new Redis(env.config.REDIS_URL);
    scope.cleanups.push(() => redis.quit());
    const steadyCount = steadyHistory("x", now).length;
    await waitFor(async () => (await env.appliedCount("acc-rb-steady")) === steadyCount, { description: "steady applied", timeoutMs: 60_000 });
    const pending = async () =>
      Promise.all([
        redis.hlen(`${env.config.KEY_PREFIX}state-dirty`),
        redis.hlen(`${notifierEnv.KEY_PREFIX}inbox-dirty`),
        redis.llen(`${env.config.KEY_PREFIX}history-outbox`),
        redis.llen(`${notifierEnv.KEY_PREFIX}history-outbox`),
      ]);
    await waitFor(pending, { until: (counts) => counts.every((n) => n === 0), timeoutMs: 30_000, description: "outboxes and changelogs drained" });
    for (const s of scope.running) await stopService(s, "SIGTERM");
    scope.running = [];
    expect(await pending()).toEqual([0, 0, 0, 0]);

    const opsEnv = {
      REDIS_URL: env.config.REDIS_URL,
      KAFKA_BROKERS: env.config.KAFKA_BROKERS.join(","),
      KEY_PREFIX: env.config.KEY_PREFIX,
      NOTIFIER_KEY_PREFIX: notifierEnv.KEY_PREFIX,
      TOPIC_ACCOUNT_STATE: env.config.TOPIC_ACCOUNT_STATE,
      TOPIC_ALERT_INBOX: notifierEnv.TOPIC_ALERT_INBOX,
      TOPIC_ALERT_HISTORY: env.config.TOPIC_ALERT_HISTORY,
      TOPIC_COMPLAINTS: env.config.TOPIC_COMPLAINTS,
    };
    const patterns = durableKeys(env.config.KEY_PREFIX, notifierEnv.KEY_PREFIX).patterns;
    const before = await canonicalDump(redis, patterns);
    expect(before).toContain(`${env.config.KEY_PREFIX}account:acc-rb-down\thash\ts\t`);
    expect(before).toContain(`${env.config.KEY_PREFIX}complaint-text:acc-rb-down\thash\trb-c-1\t`);
    expect(before).toMatch(/history:acc-rb-down\tzset\t.*"type":"acknowledged"/);
    expect(before).toMatch(new RegExp(`${notifierEnv.KEY_PREFIX}inbox:acc-rb-down\\thash\\ts\\t.*acknowledgedAt`));
    expect(runOps("dumpRedis.ts", opsEnv).stdout).toBe(before); // the operator's dump is the same dump

    // The loss: every key of this deployment is gone.
    await deleteKeysByPrefix(redis, env.config.KEY_PREFIX);
    expect(await canonicalDump(redis, patterns)).toBe("");

    const rebuilt = runOps("rebuildRedis.ts", opsEnv);
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toMatch(/^rebuilt 2 account state\(s\), 1 alert inbox\(es\), \d+ history transition\(s\), 1 complaint text\(s\)/);
    expect(await canonicalDump(redis, patterns)).toBe(before);

    // A second run into a Redis that has state refuses, with the reason.
    const again = runOps("rebuildRedis.ts", opsEnv);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("a rebuild is for an empty Redis after a loss");
  }, 180_000);
});
