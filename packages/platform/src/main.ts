import { ConfigError } from "./env.ts";
import { DependencyError } from "./dependencies.ts";

/**
 * Runs a service's start-up. Configuration and unreachable-dependency errors print one clear message
 * (what is wrong and what to do) instead of a stack trace, and exit with status 78 (EX_CONFIG) or 69.
 */
export async function runMain(start: () => Promise<void>): Promise<void> {
  try {
    await start();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    if (err instanceof DependencyError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(69);
    }
    throw err;
  }
}
