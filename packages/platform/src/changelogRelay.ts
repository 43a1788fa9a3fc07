import type { Redis } from "ioredis";
import type { Producer } from "kafkajs";
import { drainUntilEmpty } from "./loop.ts";
import type { Logger } from "./logger.ts";

/** One entry of a changelog: the latest value of a key, at a version. */
export interface ChangelogEntry {
  key: string;
  version: number;
  /** The stored value as is (JSON): a rebuild writes it back byte for byte. */
  value: string;
}

/**
 * Clears a dirty mark only if no newer commit marked it again meanwhile (its version is not above the one
 * just written), so a change made while the relay was producing is never forgotten.
 * KEYS[1]: dirty hash; ARGV: key, version, key, version...
 */
const CLEAR_SCRIPT = `
for i = 1, #ARGV, 2 do
  local v = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '-1')
  if v <= tonumber(ARGV[i + 1]) then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return 1
`;

/**
 * Copies the latest value of every changed key to a compacted Kafka topic, keyed by that key: the changelog
 * from which a lost Redis is rebuilt exactly (ops `rebuild-redis`). Commits mark a key dirty with their
 * version in a hash (inside the commit script); the relay produces the current value of a batch of dirty
 * keys, then clears the marks it covered. Many commits of one key between two relay runs cost one message.
 */
export function createChangelogRelay(deps: {
  redis: Redis;
  producer: Producer;
  topic: string;
  dirtyKey: string;
  load: (keys: string[]) => Promise<Array<ChangelogEntry | undefined>>;
  logger: Logger;
  batchSize?: number;
  /**
   * Values per produce request, in bytes. States are tens of KB each, so 200 of them would pass the broker's
   * 1 MB message.max.bytes; a refused request also leaves kafkajs's idempotent producer out of sequence.
   */
  maxRequestBytes?: number;
}) {
  const batchSize = deps.batchSize ?? 200;
  const maxRequestBytes = deps.maxRequestBytes ?? 512 * 1024;
  async function drainOnce(): Promise<number> {
    const [, flat] = await deps.redis.hscan(deps.dirtyKey, "0", "COUNT", batchSize);
    const keys = flat.filter((_, i) => i % 2 === 0).slice(0, batchSize);
    if (keys.length === 0) return 0;
    const entries = (await deps.load(keys)).filter((e): e is ChangelogEntry => e !== undefined);
    for (const chunk of byBytes(entries, maxRequestBytes)) {
      await deps.producer.send({
        topic: deps.topic,
        messages: chunk.map((e) => ({ key: e.key, value: e.value, headers: { version: String(e.version) } })),
      });
    }
    // A key whose value vanished has nothing to log; its mark goes with the others.
    const covered = new Map(keys.map((k) => [k, Number.MAX_SAFE_INTEGER] as const));
    for (const e of entries) covered.set(e.key, e.version);
    await deps.redis.eval(CLEAR_SCRIPT, 1, deps.dirtyKey, ...[...covered].flatMap(([k, v]) => [k, String(v)]));
    return keys.length;
  }
  return { drain: () => drainUntilEmpty(drainOnce) };
}

/** Splits entries into runs whose values add up to at most `max` bytes (a larger single entry goes alone). */
export function byBytes(entries: readonly ChangelogEntry[], max: number): ChangelogEntry[][] {
  const chunks: ChangelogEntry[][] = [];
  let current: ChangelogEntry[] = [];
  let bytes = 0;
  for (const e of entries) {
    const size = Buffer.byteLength(e.value) + Buffer.byteLength(e.key);
    if (current.length > 0 && bytes + size > max) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Loads changelog entries from Redis hashes whose field `v` is the version: the value is a JSON object of
 * the listed fields, exactly as stored, so a rebuild can HSET them back. A hash without `v` is gone.
 */
export function hashChangelogLoader(redis: Redis, hashKey: (key: string) => string, fields: readonly string[]) {
  return async (keys: string[]): Promise<Array<ChangelogEntry | undefined>> => {
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.hmget(hashKey(key), "v", ...fields);
    const results = (await pipeline.exec()) ?? [];
    return keys.map((key, i) => {
      const [err, raw] = results[i] ?? [null, null];
      if (err) throw err;
      const [v, ...values] = (raw ?? []) as Array<string | null>;
      if (v === null || v === undefined) return undefined;
      const stored: Record<string, string> = { v };
      fields.forEach((f, j) => {
        const value = values[j];
        if (value !== null && value !== undefined) stored[f] = value;
      });
      return { key, version: Number(v), value: JSON.stringify(stored) };
    });
  };
}
