// Steady load for the fault benchmarks: orders at a fixed rate over a set of accounts, with a log of every
// event the broker acknowledged (the oracle's input) and when it was sent; and a sampler of the applied counts
// in Redis, which gives each event's produce → applied latency (to the sampler's resolution).
import type { Redis } from "ioredis";
import type { Producer } from "kafkajs";
import type { ChurnEvent } from "@churnwatch/contracts";
import { accountUpserted, orderPlaced } from "../support/events.ts";

const DAY = 86_400_000;

export interface ProducedEvent {
  event: ChurnEvent;
  /** When its send began (ms). */
  sentAt: number;
}

export interface SteadyLoad {
  accounts: string[];
  /** Every event whose send the broker acknowledged, in the order sent (per account too); empty without `log`. */
  produced: ProducedEvent[];
  /** How many events the broker acknowledged (with or without the log). */
  readonly sent: number;
  /** Sends that failed and were retried (the broker was away): the retry may write an event twice. */
  retries: number;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Orders at `ratePerSecond` (in ticks of 100 ms), round-robin over `accounts` accounts, all history (a year
 * ago, so the worker records them without judging), after one account.upserted each. A failed send is retried
 * until the broker takes it: the log then holds the event once, Kafka perhaps twice.
 */
export function steadyLoad(
  producer: Producer,
  topics: { accounts: string; orders: string },
  opts: {
    accounts: number;
    ratePerSecond: number;
    tag: string;
    /** Keep every event for the oracle (default); a soak of millions cannot. */
    log?: boolean;
    /** Event time between orders (default a minute): a long run must stay inside its year of history. */
    stepMs?: number;
  },
): SteadyLoad {
  const accounts = Array.from({ length: opts.accounts }, (_, a) => `${opts.tag}-acc-${a}`);
  const produced: ProducedEvent[] = [];
  let running = false;
  let loop: Promise<void> | undefined;
  let retries = 0;
  let sent = 0;
  let seq = 0;
  const keepLog = opts.log ?? true;
  const step = opts.stepMs ?? 60_000;
  const base = Date.now() - 365 * DAY;
  const send = async (topic: string, events: ChurnEvent[]) => {
    const sentAt = Date.now();
    for (;;) {
      try {
        await producer.send({ topic, messages: events.map((e) => ({ key: e.accountId, value: JSON.stringify(e) })) });
        sent += events.length;
        if (keepLog) for (const event of events) produced.push({ event, sentAt });
        return;
      } catch {
        retries++;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  };
  const load: SteadyLoad = {
    accounts,
    produced,
    get retries() {
      return retries;
    },
    get sent() {
      return sent;
    },
    start() {
      running = true;
      loop = (async () => {
        await send(topics.accounts, accounts.map((id) => accountUpserted(id, base - DAY)));
        const perTick = Math.max(1, Math.round(opts.ratePerSecond / 10));
        let next = Date.now();
        while (running) {
          const batch: ChurnEvent[] = [];
          for (let i = 0; i < perTick; i++, seq++) {
            const account = accounts[seq % accounts.length] as string;
            batch.push(orderPlaced(account, base + seq * step, (100 + (seq % 997) / 100).toFixed(2)));
          }
          await send(topics.orders, batch);
          next += 100;
          const wait = next - Date.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          else next = Date.now(); // behind (the broker was away): no burst to catch up, the rate stays the rate
        }
      })();
    },
    async stop() {
      running = false;
      await loop;
    },
  };
  return load;
}

/**
 * Samples each account's applied count (the `n` the commit script counts atomically with the state) every
 * `intervalMs`, and records, for each produced event, the first sample at which its account had applied at
 * least its rank: produce → applied latency, to within the interval.
 */
export function appliedSampler(redis: Redis, prefix: string, load: SteadyLoad, intervalMs = 100) {
  const appliedAt = new Map<string, number>();
  let running = true;
  const rankOf = new Map<string, number>();
  const perAccount = new Map<string, number>();
  let indexed = 0;
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      for (; indexed < load.produced.length; indexed++) {
        const p = load.produced[indexed] as ProducedEvent;
        const rank = (perAccount.get(p.event.accountId) ?? 0) + 1;
        perAccount.set(p.event.accountId, rank);
        rankOf.set(p.event.eventId, rank);
      }
      const pipeline = redis.pipeline();
      for (const id of load.accounts) pipeline.hget(`${prefix}account:${id}`, "n");
      const counts = ((await pipeline.exec()) ?? []).map(([, v]) => Number(v ?? 0));
      const byAccount = new Map(load.accounts.map((id, i) => [id, counts[i] ?? 0]));
      for (const p of load.produced) {
        if (appliedAt.has(p.event.eventId)) continue;
        if ((byAccount.get(p.event.accountId) ?? 0) >= (rankOf.get(p.event.eventId) ?? Infinity)) appliedAt.set(p.event.eventId, at);
      }
      const wait = at + intervalMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  return {
    appliedAt,
    /** Latencies (ms) of the events sent in [from, to). */
    latencies(from: number, to: number): number[] {
      return load.produced.filter((p) => p.sentAt >= from && p.sentAt < to && appliedAt.has(p.event.eventId)).map((p) => (appliedAt.get(p.event.eventId) as number) - p.sentAt);
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}
