import { readFileSync } from "node:fs";
import { defaultConfig, readEngineConfig, type EngineConfig } from "@churnwatch/engine";
import { ConfigError } from "./env.ts";

/**
 * The rules and defection model in force for a reader of the signal worker's states (the notifier's digests,
 * `ops inspect`): the same file the worker reads (ENGINE_CONFIG_PATH), so every surface computes the same
 * risk score; the built-in rules without one. A bad file stops start-up with its problems.
 */
export function loadEngineConfig(path: string | undefined, variable = "ENGINE_CONFIG_PATH"): EngineConfig {
  if (!path) return defaultConfig;
  const parsed = readEngineConfig(path, (p) => readFileSync(p, "utf8"));
  if (!parsed.ok) throw new ConfigError(`Invalid rules file ${path} (${variable}):\n  ${parsed.errors.join("\n  ")}`);
  return parsed.config;
}
