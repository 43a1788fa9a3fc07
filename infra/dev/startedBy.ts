// Which infrastructure the demo started itself, so `npm run demo:stop` stops that and leaves alone a Kafka
// or maildev that `npm run infra:up` (or a test run) started for other work: both share .run/pids.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { runPath } from "./paths.ts";

export type Infra = "kafka" | "redis" | "maildev";

const demoFile = (): string => runPath(".run", "started-by-demo.json");

/** The infrastructure a demo run started (kept across runs: a later demo reusing it still owns it). */
export function startedByDemo(): Set<Infra> {
  if (!existsSync(demoFile())) return new Set();
  try {
    const names = JSON.parse(readFileSync(demoFile(), "utf8")) as unknown;
    return new Set(Array.isArray(names) ? names.filter(isInfra) : []);
  } catch {
    return new Set(); // a torn file: stop only the demo's own services rather than guess
  }
}

export function recordStartedByDemo(started: Partial<Record<Infra, boolean>>): void {
  const names = startedByDemo();
  for (const [name, yes] of Object.entries(started)) if (yes && isInfra(name)) names.add(name);
  writeFileSync(demoFile(), `${JSON.stringify([...names].sort())}\n`);
}

export function forgetStartedByDemo(): void {
  rmSync(demoFile(), { force: true });
}

function isInfra(name: unknown): name is Infra {
  return name === "kafka" || name === "redis" || name === "maildev";
}
