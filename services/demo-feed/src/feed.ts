import { writeFileSync } from "node:fs";
import type { Producer } from "kafkajs";
import { topicRoleOf, type ChurnEvent, type TopicRole } from "@churnwatch/contracts";
import type { Logger } from "@churnwatch/platform";
import { labelsToCsv, simulate } from "@churnwatch/simulator";
import { DateTime } from "luxon";
import type { DemoFeedConfig } from "./env.ts";

const BATCH = 500;

export interface Manifest {
  end: string;
  historyEvents: number;
  accounts: number;
  defectors: { accountId: string; pattern: string; churnedAt: string }[];
  historyDone: boolean;
}

/**
 * Feeds a simulated world into Kafka: first its whole history up to DEMO_END as fast as the broker takes
 * it, then the same accounts' future events, each sent when the wall clock reaches its occurredAt.
 */
export function createFeed(config: DemoFeedConfig, deps: { producer: Producer; logger: Logger; now?: () => number }) {
  const now = deps.now ?? Date.now;
  const end = config.DEMO_ANCHOR;
  const until = new Date(Date.parse(end) + config.DEMO_LIVE_DAYS * 86_400_000).toISOString();
  const shift = shiftBy(now() - Date.parse(end));
  const sim = simulate({
    seed: config.DEMO_SEED,
    accounts: config.DEMO_ACCOUNTS,
    months: config.DEMO_MONTHS,
    end,
    until,
    defectorShare: config.DEMO_DEFECTOR_SHARE,
    idPrefix: config.DEMO_ID_PREFIX,
    interactions: config.DEMO_INTERACTIONS,
  });
  const topics: Record<TopicRole, string> = {
    accounts: config.TOPIC_ACCOUNTS,
    orders: config.TOPIC_ORDERS,
    payments: config.TOPIC_PAYMENTS,
    complaints: config.TOPIC_COMPLAINTS,
    interactions: config.TOPIC_INTERACTIONS,
  };
  const topic = (e: ChurnEvent) => topics[topicRoleOf[e.type]];
  const send = (events: ChurnEvent[]) =>
    deps.producer.sendBatch({
      topicMessages: [...group(events, topic)].map(([t, es]) => ({
        topic: t,
        messages: es.map((e) => ({ key: e.accountId, value: JSON.stringify(shift(e)) })),
      })),
    });
  const manifest: Manifest = {
    end,
    historyEvents: 0,
    accounts: config.DEMO_ACCOUNTS,
    defectors: sim.labels.map((l) => ({ accountId: l.accountId, pattern: l.pattern, churnedAt: new Date(Date.parse(l.churnedAt) + shift.ms).toISOString() })),
    historyDone: false,
  };
  const writeManifest = () => config.DEMO_MANIFEST && writeFileSync(config.DEMO_MANIFEST, JSON.stringify(manifest, null, 2));

  return {
    labelsCsv: () => labelsToCsv(sim.labels),
    /** Produces every event up to DEMO_END; returns how many. */
    async history(onProgress?: (sent: number) => void): Promise<number> {
      manifest.end = new Date(Date.parse(end) + shift.ms).toISOString();
      const endMs = Date.parse(end);
      manifest.historyEvents = 0;
      for (const e of sim.events()) if (Date.parse(e.occurredAt) <= endMs) manifest.historyEvents++;
      writeManifest();
      let sent = 0;
      let batch: ChurnEvent[] = [];
      for (const e of sim.events()) {
        if (Date.parse(e.occurredAt) > endMs) break;
        batch.push(e);
        if (batch.length === BATCH) {
          await send(batch);
          sent += batch.length;
          batch = [];
          onProgress?.(sent);
        }
      }
      if (batch.length > 0) await send(batch);
      sent += batch.length;
      onProgress?.(sent);
      manifest.historyDone = true;
      writeManifest();
      return sent;
    },
    /** Sends the events after DEMO_END as their time comes, until `signal` aborts or the world ends. */
    async live(signal: AbortSignal): Promise<number> {
      let sent = 0;
      const endMs = Date.parse(end);
      for (const e of sim.events()) {
        const at = Date.parse(e.occurredAt) + shift.ms;
        if (at <= endMs + shift.ms) continue;
        const wait = at - now();
        if (wait > 0 && !(await sleepUnless(wait, signal))) break;
        await send([e]);
        sent++;
        deps.logger.info({ accountId: e.accountId, eventId: e.eventId, type: e.type }, "live event sent");
      }
      return sent;
    },
  };
}

/** Moves an event's instants by `ms`, keeping each one's UTC offset as the producer wrote it. */
export function shiftBy(ms: number) {
  const move = (iso: string) => DateTime.fromISO(iso, { setZone: true }).plus({ milliseconds: ms }).toISO() ?? iso;
  const fn = (e: ChurnEvent): ChurnEvent => {
    const moved = { ...e, occurredAt: move(e.occurredAt) } as ChurnEvent;
    if (moved.type === "invoice.issued") moved.data = { ...moved.data, dueAt: move(moved.data.dueAt) };
    return moved;
  };
  return Object.assign(fn, { ms });
}

function group<T, K>(items: T[], key: (t: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

/** Resolves true after `ms`, or false as soon as the signal aborts (so shutdown never waits for days). */
function sleepUnless(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    // setTimeout cannot wait longer than ~24.8 days; the caller loops per event, so cap each wait.
    const timer = setTimeout(() => resolve(true), Math.min(ms, 2 ** 31 - 1));
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve(false);
    }, { once: true });
  });
}
