// Vitest global setup: make sure the shared Kafka broker and Redis are up before any test file runs.
// Reuses what already answers; stops on teardown only what it started itself.
// CHURNWATCH_SKIP_INFRA=1 skips it all (for runs that only contain pure unit tests).
import type { TestProject } from "vitest/node";
import { DEFAULT_KAFKA_BROKERS, ensureKafka, stopKafka } from "../../../infra/dev/kafka.ts";
import { DEFAULT_REDIS_URL, ensureRedis, stopRedis } from "../../../infra/dev/redis.ts";

declare module "vitest" {
  export interface ProvidedContext {
    KAFKA_BROKERS: string;
    REDIS_URL: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const brokers = process.env.KAFKA_BROKERS ?? DEFAULT_KAFKA_BROKERS;
  const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  // Test workers inherit this process's env; `inject()` is the vitest-native way to read the same values.
  process.env.KAFKA_BROKERS = brokers;
  process.env.REDIS_URL = redisUrl;
  project.provide("KAFKA_BROKERS", brokers);
  project.provide("REDIS_URL", redisUrl);
  if (process.env.CHURNWATCH_SKIP_INFRA === "1") return async () => undefined;

  const kafka = await ensureKafka({ brokers });
  let redisStarted = false;
  try {
    redisStarted = (await ensureRedis(redisUrl)).started;
  } catch (error) {
    if (kafka.started) await stopKafka();
    throw error;
  }

  return async () => {
    // Each step on its own, so a failing Redis stop never leaves the broker running.
    const errors: unknown[] = [];
    if (redisStarted) await stopRedis().catch((e: unknown) => errors.push(e));
    if (kafka.started) await stopKafka().catch((e: unknown) => errors.push(e));
    if (errors.length > 0) throw new AggregateError(errors, "stopping test infrastructure failed");
  };
}
