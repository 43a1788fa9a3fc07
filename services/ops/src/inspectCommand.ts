import { Redis } from "ioredis";
import { dedupeTransitions, type AlertTransition } from "@churnwatch/contracts";
import type { AccountState } from "@churnwatch/engine";
import { DependencyError, loadEngineConfig, redactUrl } from "@churnwatch/platform";
import { CliUsageError, inspectUsage, parseInspectArgs } from "./args.ts";
import { buildAccountReport, type StoredAccountRecord } from "./accountReport.ts";
import { loadInspectConfig, opsKeys } from "./env.ts";
import { renderAccountReport } from "./renderReport.ts";

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** `inspect <accountId>`: returns the exit code (1 for an unknown account, 2 for bad usage). */
export async function runInspect(argv: readonly string[], io: CliIo): Promise<number> {
  let command;
  try {
    command = parseInspectArgs(argv);
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    io.stderr(`${err.message}\n\n${inspectUsage}`);
    return 2;
  }
  if (command.kind === "help") {
    io.stdout(inspectUsage);
    return 0;
  }
  const config = loadInspectConfig(io.env);
  const redis = await connectRedis(config.REDIS_URL);
  try {
    const keys = opsKeys(config.KEY_PREFIX);
    const stored = await loadAccount(redis, keys.account(command.accountId), keys.history(command.accountId));
    if (!stored) {
      io.stderr(`No account ${JSON.stringify(command.accountId)} under key prefix ${JSON.stringify(config.KEY_PREFIX)}: check the id and KEY_PREFIX.\n`);
      return 1;
    }
    const report = buildAccountReport(stored, command.locale, loadEngineConfig(config.ENGINE_CONFIG_PATH));
    io.stdout(command.json ? `${JSON.stringify(report, null, 2)}\n` : renderAccountReport(report));
    return 0;
  } finally {
    redis.disconnect();
  }
}

async function loadAccount(redis: Redis, key: string, historyKey: string): Promise<StoredAccountRecord | undefined> {
  const [s, n] = await redis.hmget(key, "s", "n");
  if (!s) return undefined;
  const history = (await redis.zrange(historyKey, 0, -1)).map((raw) => JSON.parse(raw) as AlertTransition);
  return { state: JSON.parse(s) as AccountState, applied: n ? Number(n) : 0, history: dedupeTransitions(history) };
}


/** A CLI fails fast with a clear message rather than retrying an unreachable Redis forever. */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 5_000 });
  // connect() only says "Connection is closed"; the error event carries the cause (ECONNREFUSED, auth).
  let cause: Error | undefined;
  redis.on("error", (err: Error) => (cause ??= err));
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new DependencyError(`Cannot reach Redis at ${redactUrl(url)} (${(cause ?? (err as Error)).message}). Start it or set REDIS_URL.`);
  }
  return redis;
}
