import { readFileSync, unwatchFile, watchFile } from "node:fs";
import { defaultConfig, readEngineConfig, type EngineConfig } from "@churnwatch/engine";
import { ConfigError, type Logger } from "@churnwatch/platform";

export interface ConfigSource {
  current(): EngineConfig;
  /** Re-reads the file; a bad file is refused with its errors logged and the running version kept. */
  reload(): boolean;
  stop(): void;
}

/**
 * The rules in force. Read once at start-up (a bad file stops the service with the precise problems), then
 * watched: an edited file takes effect without a restart, and a broken edit never replaces working rules.
 */
export function createConfigSource(path: string | undefined, logger: Logger, pollMs = 5_000): ConfigSource {
  if (!path) {
    logger.info({ configVersion: defaultConfig.version }, "rules: built-in defaults");
    return { current: () => defaultConfig, reload: () => true, stop: () => undefined };
  }
  const read = () => readEngineConfig(path, (p) => readFileSync(p, "utf8"));
  const first = read();
  if (!first.ok) throw new ConfigError(`Invalid rules file ${path} (ENGINE_CONFIG_PATH):\n  ${first.errors.join("\n  ")}`);
  let config = first.config;
  logger.info({ configVersion: config.version, path }, "rules: file in force");

  const reload = () => {
    const next = read();
    if (!next.ok) {
      logger.error({ path, errors: next.errors, configVersion: config.version }, "rules file refused; the running version stays in force");
      return false;
    }
    if (next.config.version !== config.version) logger.info({ from: config.version, configVersion: next.config.version }, "rules: new version in force");
    config = next.config;
    return true;
  };
  watchFile(path, { interval: pollMs }, (now, before) => {
    if (now.mtimeMs !== before.mtimeMs || now.size !== before.size) reload();
  });
  return { current: () => config, reload, stop: () => unwatchFile(path) };
}
