// Process plumbing shared by the dev launchers: pid files, detached children, polling with a deadline.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { pidFile, shown } from "./paths.ts";

/** One status line per step on stderr, so stdout stays free for whatever the caller prints. */
export function status(message: string): void {
  process.stderr.write(`[infra] ${message}\n`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** True when `cmd` can be spawned at all (ENOENT is the only thing we diagnose here). */
export function commandExists(cmd: string, versionArgs: string[] = ["--version"]): boolean {
  const result = spawnSync(cmd, versionArgs, { stdio: "ignore" });
  return (result.error as NodeJS.ErrnoException | undefined)?.code !== "ENOENT";
}

/**
 * The pid recorded for `name` if that process is still alive and (where /proc exists) its command
 * line contains `marker` — pids get reused, and we must never signal a stranger. Stale files are removed.
 */
export function livePid(name: string, marker: string): number | undefined {
  const file = pidFile(name);
  if (!existsSync(file)) return undefined;
  const pid = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
  const cmdline = Number.isInteger(pid) ? readCmdline(pid) : undefined;
  if (Number.isInteger(pid) && isAlive(pid) && (cmdline === undefined || cmdline.includes(marker))) return pid;
  rmSync(file, { force: true });
  return undefined;
}

function readCmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return undefined; // no procfs (macOS): fall back to trusting the pid file
  }
}

/** SIGTERM the process recorded under `name`, SIGKILL it after `timeoutMs`. Returns whether one was running. */
export async function stopByPidFile(name: string, marker: string, timeoutMs = 30_000): Promise<boolean> {
  const pid = livePid(name, marker);
  if (pid === undefined) return false;
  process.kill(pid, "SIGTERM");
  const exited = await pollUntil(() => !isAlive(pid), { timeoutMs, intervalMs: 200 });
  if (!exited) {
    status(`${name} (pid ${pid}) ignored SIGTERM for ${timeoutMs / 1000}s; sending SIGKILL`);
    process.kill(pid, "SIGKILL");
    await pollUntil(() => !isAlive(pid), { timeoutMs: 5_000, intervalMs: 100 });
  }
  rmSync(pidFile(name), { force: true });
  return true;
}

/** Run a command to completion with its output appended to `log`; resolves with the exit code. */
export function runLogged(cmd: string, args: string[], log: string, cwd?: string): Promise<number> {
  const fd = openSync(log, "a");
  return new Promise<number>((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", fd, fd], cwd });
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  }).finally(() => closeSync(fd));
}

/** Start a long-lived process that outlives us: own process group, output to `log`, pid recorded under `name`. */
export function spawnDetached(name: string, cmd: string, args: string[], log: string, cwd?: string): ChildProcess {
  const fd = openSync(log, "a");
  try {
    const child = spawn(cmd, args, { detached: true, stdio: ["ignore", fd, fd], cwd });
    // A failed spawn leaves pid undefined and emits 'error' later; we throw below, so don't crash on it too.
    child.once("error", () => undefined);
    if (child.pid === undefined) throw new Error(`could not start ${cmd}: see ${shown(log)}`);
    writeFileSync(pidFile(name), `${child.pid}\n`);
    child.unref();
    return child;
  } finally {
    closeSync(fd); // the child holds its own copy
  }
}

/** Poll `check` until it is true or the deadline passes (returns false). `check` may throw to fail fast. */
export async function pollUntil(
  check: () => boolean | Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; onTick?: (elapsedMs: number) => void },
): Promise<boolean> {
  const started = Date.now();
  for (;;) {
    if (await check()) return true;
    const elapsed = Date.now() - started;
    opts.onTick?.(elapsed);
    if (elapsed >= opts.timeoutMs) return false;
    await sleep(opts.intervalMs ?? 250);
  }
}

/** The last lines of a log, minus Java stack frames, to put the likely cause right into an error message. */
export function tail(path: string, lines = 15): string {
  if (!existsSync(path)) return "";
  const all = readFileSync(path, "utf8").trimEnd().split("\n");
  return all.filter((l) => !/^\s+at |^\s*\.\.\. \d+ more$/.test(l)).slice(-lines).join("\n");
}

/** Fail early with a plain message instead of a server's bind error buried in its log. */
export function assertPortFree(host: string, port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (err: NodeJS.ErrnoException) =>
      reject(new Error(`${what} port ${host}:${port} is unavailable (${err.code ?? err.message}); free it or choose another port`)),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
