// The signal worker as a process of its own, started the way `pnpm --filter @churnwatch/signal-worker start`
// starts it (its real main under tsx), so that its resident memory is the worker's alone: the benchmark's
// producer, simulator and Redis scans live in another process.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { repoRoot } from "../../infra/dev/paths.ts";
import { tail } from "../../infra/dev/proc.ts";
import { fmt, log } from "./support.ts";

export interface ProcessMemory {
  /** resident set size now, bytes */
  rss: number;
  /** the kernel's high-water mark of the resident set since the process started (VmHWM), bytes */
  peakRss: number;
}

export interface WorkerProcess {
  pid: number;
  /** Resolves once the worker has joined its topics ("signal worker started"), with its ops port. */
  ready: Promise<{ opsPort: number }>;
  memory(): Promise<ProcessMemory>;
  /** The worker's own Prometheus figures (a sample per series name, labels summed). */
  metrics(): Promise<Map<string, number>>;
  /** Throws, with the end of its log, if the worker has exited without being asked to. */
  assertRunning(): void;
  /** SIGTERM (the worker finishes its batch and commits), then waits for the exit. */
  stop(timeoutMs?: number): Promise<void>;
  /** SIGKILL (a crash: nothing is finished, committed or said to the group), then waits for the exit. */
  kill(): Promise<void>;
}

/** Reads VmRSS and VmHWM from /proc (Linux): from outside, so sampling costs the worker nothing. */
export async function processMemory(pid: number): Promise<ProcessMemory> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(match[1]) * 1024;
  };
  return { rss: kb("VmRSS"), peakRss: kb("VmHWM") };
}

/** Sums a Prometheus text exposition by series name (over labels); comments and histograms' parts skipped. */
export function parsePrometheus(text: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const value = Number(match[3]);
    if (Number.isFinite(value)) totals.set(match[1] as string, (totals.get(match[1] as string) ?? 0) + value);
  }
  return totals;
}

/**
 * Starts the worker with `env` on top of this process's environment. Its pino lines go to `logFile`; they are
 * also read here for the ops port (the worker is given port 0, so the system picks a free one) and the
 * start-up line, which is why the worker must log at info.
 */
export function spawnWorker(env: Record<string, string>, logFile: string): WorkerProcess {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", join("services", "signal-worker", "src", "main.ts")], {
    cwd: repoRoot(),
    env: { ...process.env, ...env, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("the signal worker did not start");
  const log = createWriteStream(logFile);
  child.stderr?.pipe(log, { end: false });
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let stopping = false;
  let stopped: Promise<void> | undefined; // stop() is called again by cleanup after a normal stop
  const exited = new Promise<void>((resolve) =>
    // "close", not "exit": the worker's last lines are read and logged by then.
    child.once("close", (code, signal) => {
      exit = { code, signal };
      resolve();
    }),
  );
  const ready = new Promise<{ opsPort: number }>((resolve, reject) => {
    let opsPort: number | undefined;
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on("line", (line) => {
      log.write(`${line}\n`);
      if (!line.startsWith("{")) return;
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg?.startsWith("ops endpoints") && typeof entry.port === "number") opsPort = entry.port;
      if (entry.msg === "signal worker started" && opsPort !== undefined) resolve({ opsPort });
    });
    void exited.then(() => reject(new Error(`the signal worker exited during start-up (${JSON.stringify(exit)}); its log ends:\n${tail(logFile)}`)));
  });
  // A rejection nobody awaits yet (the worker died before anyone asked) must not crash the benchmark.
  ready.catch(() => undefined);

  return {
    pid,
    ready,
    memory: () => processMemory(pid),
    async metrics() {
      const { opsPort } = await ready;
      const response = await fetch(`http://127.0.0.1:${opsPort}/metrics`);
      if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
      return parsePrometheus(await response.text());
    },
    assertRunning() {
      if (exit && !stopping) throw new Error(`the signal worker exited (${JSON.stringify(exit)}); its log ends:\n${tail(logFile)}`);
    },
    kill() {
      stopping = true;
      if (!exit) child.kill("SIGKILL");
      return this.stop();
    },
    stop(timeoutMs = 60_000) {
      stopped ??= (async () => {
        stopping = true;
        if (!exit) child.kill("SIGTERM");
        const timer = setTimeout(() => {
          if (!exit) child.kill("SIGKILL");
        }, timeoutMs);
        await exited;
        clearTimeout(timer);
        await new Promise((resolve) => log.end(resolve));
      })();
      return stopped;
    },
  };
}

/** Sweeps the worker has completed, from its own metrics. */
export async function sweepsDone(worker: WorkerProcess): Promise<number> {
  return (await worker.metrics()).get("churnwatch_sweeps_total") ?? 0;
}

/**
 * Polls `done` every 500 ms until it holds, and returns how long that took. Gives up at once, with the
 * worker's log, if the worker exits, and says every 15 s what it is still waiting for.
 */
export async function waitWhileRunning(worker: WorkerProcess, description: string, done: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = performance.now();
  let lastLog = start;
  for (;;) {
    worker.assertRunning();
    if (await done()) return performance.now() - start;
    const now = performance.now();
    if (now - start > timeoutMs) throw new Error(`timed out after ${fmt(timeoutMs / 1000)} s waiting for ${description}`);
    if (now - lastLog > 15_000) {
      log(`still waiting for ${description} (${fmt((now - start) / 1000)} s)`);
      lastLog = now;
    }
    await sleep(500);
  }
}
