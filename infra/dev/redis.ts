// Reuse the Redis at REDIS_URL, or start a throwaway local redis-server (no persistence) for dev and tests.
import { logFile, pidFile, runDir, shown } from "./paths.ts";
import { commandExists, livePid, pollUntil, runLogged, status, stopByPidFile, tail } from "./proc.ts";
import { redisPing } from "./probe.ts";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
const PID_NAME = "redis";
const PROCESS_MARKER = "redis-server";
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export interface RedisHandle {
  url: string;
  /** True only when this call launched redis-server, i.e. the caller owns stopping it. */
  started: boolean;
  pid: number | undefined;
}

export async function ensureRedis(
  url: string = process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
  opts: { readyTimeoutMs?: number } = {},
): Promise<RedisHandle> {
  if (await pingable(url)) {
    status(`Redis already answers at ${redact(url)}; reusing it`);
    return { url, started: false, pid: undefined };
  }
  const u = new URL(url);
  if (!LOCAL_HOSTS.has(u.hostname)) throw new Error(`Redis at ${redact(url)} does not answer, and it is not local, so it is not started here`);
  if (!commandExists("redis-server")) {
    throw new Error("redis-server not found: install Redis 7 (e.g. apt-get install redis-server) or point REDIS_URL at a running one");
  }

  const port = u.port || "6379";
  const log = logFile("redis");
  const args = ["--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  // Daemonized: redis-server forks, writes its own pid file and log, and the launcher exits at once.
  args.push("--daemonize", "yes", "--pidfile", pidFile(PID_NAME), "--logfile", log, "--dir", runDir(".run", "redis"));
  if (u.password) args.push("--requirepass", decodeURIComponent(u.password));
  status(`starting redis-server on port ${port} (log: ${shown(log)})`);
  const code = await runLogged("redis-server", args, log);
  if (code !== 0) throw new Error(`redis-server exited with ${code}: see ${shown(log)}\n${tail(log)}`);

  const timeoutMs = opts.readyTimeoutMs ?? 15_000;
  if (!(await pollUntil(() => pingable(url), { timeoutMs, intervalMs: 100 }))) {
    throw new Error(`Redis did not answer PING within ${timeoutMs / 1000}s: see ${shown(log)}\n${tail(log)}`);
  }
  const pid = livePid(PID_NAME, PROCESS_MARKER);
  status(`Redis ready at ${redact(url)} (pid ${pid ?? "?"})`);
  return { url, started: true, pid };
}

/** Stop the redis-server recorded in .run/pids/redis.pid, if any. Returns whether one was running. */
export async function stopRedis(opts: { timeoutMs?: number } = {}): Promise<boolean> {
  const stopped = await stopByPidFile(PID_NAME, PROCESS_MARKER, opts.timeoutMs ?? 10_000);
  if (stopped) status("Redis stopped");
  return stopped;
}

/** False only for "nobody listens"; anything else (wrong password, not Redis) is a real error to report. */
async function pingable(url: string): Promise<boolean> {
  try {
    await redisPing(url);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ECONNREFUSED") return false;
    throw new Error(`Redis at ${redact(url)} is not usable: ${(error as Error).message}`);
  }
}

const redact = (url: string): string => url.replace(/\/\/[^@/]*@/, "//***@");
