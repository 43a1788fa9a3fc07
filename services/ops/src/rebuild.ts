import type { Redis } from "ioredis";
import type { Kafka } from "kafkajs";
import { decodeEvent } from "@churnwatch/contracts";
import { keepComplaintTexts, type Logger } from "@churnwatch/platform";
import type { Progress } from "./progress.ts";
import { readTopicToEnd, topicSize, type TopicMessage } from "./readToEnd.ts";
import { durableKeys, HISTORY_KEPT_PER_ACCOUNT } from "./redisLayout.ts";

export interface RebuildTopics {
  accountState: string;
  alertInbox: string;
  alertHistory: string;
  complaints: string;
}

export interface RebuildDeps {
  kafka: Kafka;
  redis: Redis;
  signalPrefix: string;
  notifierPrefix: string;
  topics: RebuildTopics;
  logger: Logger;
  progress: Progress;
}

export interface RebuildSummary {
  accounts: number;
  inboxes: number;
  transitions: number;
  complaintTexts: number;
  /** Messages that could not be read (bad JSON, a foreign producer): skipped, and counted. */
  unreadable: number;
}

/** Whether an inbox still needs clock ticks: the notifier's own rule (lifecycle/inbox.ts `needsTicks`). */
function inboxNeedsTicks(raw: string): boolean {
  const inbox = JSON.parse(raw) as { alerts?: Record<string, { record?: { state?: string; resolvedNoticeDueAt?: string } }> };
  return Object.values(inbox.alerts ?? {}).some((e) => e.record?.state === "firing" || e.record?.resolvedNoticeDueAt !== undefined);
}

/**
 * Restores the durable Redis state from Kafka after a Redis loss: each account's engine state and each alert
 * inbox from their compacted changelogs (the latest value per key, written back as stored), the alert
 * histories from the history topic, and the complaint texts from the complaints topic. Run it with the
 * services stopped, into an empty Redis.
 */
export async function rebuildRedis(deps: RebuildDeps): Promise<RebuildSummary> {
  const keys = durableKeys(deps.signalPrefix, deps.notifierPrefix);
  const summary: RebuildSummary = { accounts: 0, inboxes: 0, transitions: 0, complaintTexts: 0, unreadable: 0 };
  const order = [deps.topics.accountState, deps.topics.alertInbox, deps.topics.alertHistory, deps.topics.complaints];
  const sizes = await Promise.all(order.map((t) => topicSize(deps.kafka, t)));
  const total = sizes.reduce((s, x) => s + x.total, 0);
  let before = 0;
  const read = (topic: string, onBatch: (messages: TopicMessage[]) => Promise<void>) =>
    readTopicToEnd({
      kafka: deps.kafka,
      topic,
      logger: deps.logger,
      groupPrefix: "churnwatch-ops-rebuild",
      onBatch: async (m) => void (await onBatch(m)),
      onProgress: (n) => deps.progress.update(before + n, total),
    }).then((n) => (before += n));
  const text = (m: TopicMessage) => (m.value === null ? null : m.value.toString("utf8"));
  const keyOf = (m: TopicMessage) => m.key?.toString("utf8") ?? "";

  try {
    // Changelogs: later messages of a key replace earlier ones (compaction may not have run yet); a null
    // value is a tombstone.
    const accounts = new Set<string>();
    await read(deps.topics.accountState, async (messages) => {
      const pipeline = deps.redis.pipeline();
      for (const m of messages) {
        const id = keyOf(m);
        const value = text(m);
        if (!id) continue;
        if (value === null) {
          pipeline.del(keys.account(id)).srem(keys.accounts, id);
          accounts.delete(id);
          continue;
        }
        const stored = parseObject(value);
        if (!stored) {
          summary.unreadable++;
          continue;
        }
        pipeline.del(keys.account(id)).hset(keys.account(id), stored).sadd(keys.accounts, id);
        accounts.add(id);
      }
      await exec(pipeline);
    });
    summary.accounts = accounts.size;

    const inboxes = new Set<string>();
    await read(deps.topics.alertInbox, async (messages) => {
      const pipeline = deps.redis.pipeline();
      for (const m of messages) {
        const id = keyOf(m);
        const value = text(m);
        if (!id) continue;
        const stored = value === null ? undefined : parseObject(value);
        if (value !== null && (!stored || typeof stored.s !== "string")) {
          summary.unreadable++;
          continue;
        }
        pipeline.del(keys.inbox(id));
        if (!stored) {
          pipeline.srem(keys.inboxAccounts, id).srem(keys.inboxActive, id);
          inboxes.delete(id);
          continue;
        }
        pipeline.hset(keys.inbox(id), stored).sadd(keys.inboxAccounts, id);
        if (inboxNeedsTicks(stored.s as string)) pipeline.sadd(keys.inboxActive, id);
        else pipeline.srem(keys.inboxActive, id);
        inboxes.add(id);
      }
      await exec(pipeline);
    });
    summary.inboxes = inboxes.size;

    // The history topic holds each transition as the relay wrote it to Redis: the same member, so a
    // transition written twice (at-least-once) lands once.
    const histories = new Set<string>();
    await read(deps.topics.alertHistory, async (messages) => {
      const pipeline = deps.redis.pipeline();
      for (const m of messages) {
        const value = text(m);
        const t = value === null ? undefined : (parseObject(value) as { accountId?: unknown; at?: unknown } | undefined);
        if (!value || typeof t?.accountId !== "string" || typeof t.at !== "string" || !Number.isFinite(Date.parse(t.at))) {
          summary.unreadable++;
          continue;
        }
        pipeline.zadd(keys.history(t.accountId), Date.parse(t.at), value);
        histories.add(t.accountId);
        summary.transitions++;
      }
      for (const id of histories) pipeline.zremrangebyrank(keys.history(id), 0, -HISTORY_KEPT_PER_ACCOUNT - 1);
      await exec(pipeline);
    });

    await read(deps.topics.complaints, async (messages) => {
      const opened: Parameters<typeof keepComplaintTexts>[2][number][] = [];
      for (const m of messages) {
        if (m.value === null) continue;
        const decoded = decodeEvent(m.value);
        if (!decoded.ok) continue; // the signal worker dead-lettered it too: it has no text to restore
        if (decoded.event.type !== "complaint.opened") continue;
        opened.push(decoded.event);
        summary.complaintTexts++;
      }
      await keepComplaintTexts(deps.redis, deps.signalPrefix, opened);
    });
  } finally {
    deps.progress.stop();
  }
  return summary;
}

function parseObject(raw: string): Record<string, string> | undefined {
  try {
    const v = JSON.parse(raw) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, string>) : undefined;
  } catch {
    return undefined;
  }
}

async function exec(pipeline: ReturnType<Redis["pipeline"]>): Promise<void> {
  for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
}
