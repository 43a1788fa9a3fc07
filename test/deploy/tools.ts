// Debian tools the deployment checks run (.ci/run installs them). Locally a missing one skips its checks with
// a message; in CI (CI=true) a missing one fails, so the checks cannot quietly stop running.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { describe, it } from "vitest";
import { repoRoot } from "../support/processes.ts";

export function run(bin: string, args: readonly string[]): SpawnSyncReturns<string> {
  return spawnSync(bin, args, { cwd: repoRoot, encoding: "utf8", timeout: 30_000 });
}

const present = (bin: string) => run(bin, ["--version"]).error === undefined;

/** `describe`, when `bin` is installed (the Debian package `pkg` has it). */
export function describeWithTool(bin: string, pkg: string, name: string, body: () => void): void {
  if (present(bin)) {
    describe(name, body);
    return;
  }
  const install = `${bin} is missing: apt-get install ${pkg} (.ci/run does)`;
  if (process.env.CI === "true") {
    describe(name, () => it(`needs ${bin}`, () => {
      throw new Error(install);
    }));
    return;
  }
  process.stderr.write(`[deploy checks] skipping "${name}": ${install}\n`);
  describe.skip(name, body);
}
