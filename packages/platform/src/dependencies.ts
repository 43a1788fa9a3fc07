import { Redis } from "ioredis";
import { Kafka, logLevel } from "kafkajs";

/** A dependency the service cannot reach at start-up; the message says what to check. */
export class DependencyError extends Error {
  override readonly name = "DependencyError";
}

export async function checkRedis(url: string, timeoutMs = 5_000): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
  redis.on("error", () => undefined); // reported below with an actionable message
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new DependencyError(
      `Cannot reach Redis at ${redactUrl(url)} (${(err as Error).message}). Start it (redis-server) or set REDIS_URL.`,
    );
  } finally {
    redis.disconnect();
  }
}

export async function checkKafka(brokers: string[], timeoutMs = 10_000): Promise<void> {
  const admin = new Kafka({
    clientId: "churnwatch-check",
    brokers,
    connectionTimeout: timeoutMs,
    retry: { retries: 2 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (err) {
    throw new DependencyError(
      `Cannot reach Kafka at ${brokers.join(",")} (${(err as Error).message}). Start it (pnpm infra:up) or set KAFKA_BROKERS.`,
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Drops the password from a URL before it is shown anywhere. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}
