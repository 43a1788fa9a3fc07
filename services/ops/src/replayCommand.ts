import { createKafka, createLogger, maskEmails } from "@churnwatch/platform";
import { oneLine } from "@churnwatch/explain";
import { CliUsageError, parseReplayArgs, replayUsage } from "./args.ts";
import { loadReplayConfig, opsKeys } from "./env.ts";
import { connectRedis, type CliIo } from "./inspectCommand.ts";
import { createProgress, type Progress } from "./progress.ts";
import { createRedisReplayLedger } from "./replayLedger.ts";
import { replayDeadLetters, type PlannedSend } from "./replayer.ts";

/** A replay of a large topic can take a while; the lock outlives a slow run but not a crashed one for long. */
const LOCK_TTL_MS = 30 * 60_000;

/** `replay-dead-letters`: returns the exit code (2 for bad usage, 1 when another replay is running). */
export async function runReplay(argv: readonly string[], io: CliIo & { progress?: Progress }): Promise<number> {
  let command;
  try {
    command = parseReplayArgs(argv);
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    io.stderr(`${err.message}\n\n${replayUsage}`);
    return 2;
  }
  if (command.kind === "help") {
    io.stdout(replayUsage);
    return 0;
  }
  const config = loadReplayConfig(io.env);
  const logger = createLogger("ops-replay", config.LOG_LEVEL);
  const redis = await connectRedis(config.REDIS_URL);
  const ledger = createRedisReplayLedger(redis, config.KEY_PREFIX);
  try {
    // A dry run sends nothing, so it needs no lock and may run beside a real replay.
    if (!command.dryRun && !(await ledger.lock(LOCK_TTL_MS))) {
      const key = opsKeys(config.KEY_PREFIX).replayLock;
      io.stderr(`Another replay-dead-letters run holds the lock (${key}, expires within ${LOCK_TTL_MS / 60_000} min); wait for it, or delete the key if that run died.\n`);
      return 1;
    }
    try {
      const kafka = createKafka({ clientId: config.KAFKA_CLIENT_ID, brokers: config.KAFKA_BROKERS, logger });
      const summary = await replayDeadLetters(
        {
          kafka,
          ledger,
          deadLetterTopic: config.TOPIC_DEAD_LETTER,
          logger,
          progress: io.progress ?? createProgress(),
          onDryRun: (s) => io.stdout(describeSend(s)),
        },
        command,
      );
      const verb = command.dryRun ? "would replay" : "replayed";
      const extra = [summary.unreplayable > 0 ? `, ${summary.unreplayable} unreplayable (see warnings)` : "", summary.limited ? `, stopped at --limit ${command.limit}` : ""].join("");
      io.stdout(`${verb} ${summary.replayed}, skipped ${summary.skipped} already replayed, filtered ${summary.filtered}${extra}\n`);
      return 0;
    } finally {
      if (!command.dryRun) await ledger.unlock();
    }
  } finally {
    redis.disconnect();
  }
}

function describeSend(s: PlannedSend): string {
  const key = s.message.key?.toString() ?? "(no key)";
  const value = s.message.value?.toString() ?? "(null)";
  // Values are whatever a producer sent (bad JSON, huge payloads, owners' emails): a safe, short, masked preview.
  return `${s.id} -> ${s.topic} reason=${s.reason ?? "?"} key=${oneLine(key, 80)} value=${oneLine(maskEmails(value), 120)}\n`;
}
