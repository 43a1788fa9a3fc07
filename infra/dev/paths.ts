// Where dev infrastructure keeps its state. Everything lives under the repo root so that
// `.run/` (pids, logs, broker data) and `.cache/` (jars) stay gitignored and disposable.
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

function findUp(start: string, marker: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, marker))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

let cachedRoot: string | undefined;

/** The monorepo root (the folder holding pnpm-workspace.yaml), whatever the cwd. */
export function repoRoot(): string {
  cachedRoot ??=
    findUp(dirname(fileURLToPath(import.meta.url)), "pnpm-workspace.yaml") ??
    findUp(process.cwd(), "pnpm-workspace.yaml");
  if (!cachedRoot) throw new Error("Cannot find the repo root: no pnpm-workspace.yaml above this file or the cwd");
  return cachedRoot;
}

/** A path under the repo root; the parent folder is created so callers can write straight away. */
export function runPath(...parts: string[]): string {
  const path = join(repoRoot(), ...parts);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

/** A folder under the repo root, created if missing. */
export function runDir(...parts: string[]): string {
  const path = join(repoRoot(), ...parts);
  mkdirSync(path, { recursive: true });
  return path;
}

export const pidFile = (name: string): string => runPath(".run", "pids", `${name}.pid`);
export const logFile = (name: string): string => runPath(".run", "logs", `${name}.log`);

/** Relative to the repo root, for messages a developer can paste. */
export function shown(path: string): string {
  const root = repoRoot();
  return path.startsWith(root + "/") ? path.slice(root.length + 1) : path;
}
