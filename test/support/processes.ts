import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface RunningService {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

/**
 * Starts a service exactly as an operator would (its documented entry point, config from env only),
 * logging to .run/test-logs so a failing test can point at what the service said.
 */
export function startService(service: "signal-worker" | "notifier", env: Record<string, string>, tag: string): RunningService {
  const logDir = join(repoRoot, ".run/test-logs");
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${tag}-${service}.log`);
  const out = openSync(logFile, "a");
  const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, `services/${service}/src/main.ts`)], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", out, out],
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return { name: service, child, logFile, exited };
}

/** Ends a service we started, by its PID: SIGTERM for a clean stop, SIGKILL to simulate a crash. */
export async function stopService(s: RunningService, signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<number | null> {
  if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill(signal);
  return s.exited;
}
