import { createKafka, createLogger } from "@churnwatch/platform";
import { loadRebuildConfig } from "./env.ts";
import { connectRedis, type CliIo } from "./inspectCommand.ts";
import { createProgress, type Progress } from "./progress.ts";
import { rebuildRedis } from "./rebuild.ts";
import { durableKeys } from "./redisLayout.ts";

export const rebuildUsage = `Usage: rebuild-redis [--force]

Restores Churnwatch's durable Redis state from Kafka after a Redis loss: account states and alert inboxes
from their compacted changelog topics, alert histories and complaint texts from their topics.
Stop the signal worker and the notifier first; start them again when it is done.

  --force   write even though Redis already holds account state (the changelog values win)
`;

/** `rebuild-redis`: returns the exit code (1 when Redis is not empty and --force is missing, 2 for bad usage). */
export async function runRebuild(argv: readonly string[], io: CliIo & { progress?: Progress }): Promise<number> {
  const unknown = argv.filter((a) => a !== "--force" && a !== "--help");
  if (unknown.length > 0) {
    io.stderr(`Unknown argument ${JSON.stringify(unknown[0])}.\n\n${rebuildUsage}`);
    return 2;
  }
  if (argv.includes("--help")) {
    io.stdout(rebuildUsage);
    return 0;
  }
  const config = loadRebuildConfig(io.env);
  const logger = createLogger("ops-rebuild", config.LOG_LEVEL);
  const redis = await connectRedis(config.REDIS_URL);
  try {
    const keys = durableKeys(config.KEY_PREFIX, config.NOTIFIER_KEY_PREFIX);
    const present = await redis.scard(keys.accounts);
    if (present > 0 && !argv.includes("--force")) {
      io.stderr(
        `Redis already holds ${present} account state(s) under ${keys.accounts}: a rebuild is for an empty Redis after a loss.\n` +
          `If you mean to overwrite them with the changelog's values, stop the services and run again with --force.\n`,
      );
      return 1;
    }
    const kafka = createKafka({ clientId: config.KAFKA_CLIENT_ID, brokers: config.KAFKA_BROKERS, logger });
    const started = Date.now();
    const s = await rebuildRedis({
      kafka,
      redis,
      signalPrefix: config.KEY_PREFIX,
      notifierPrefix: config.NOTIFIER_KEY_PREFIX,
      topics: {
        accountState: config.TOPIC_ACCOUNT_STATE,
        alertInbox: config.TOPIC_ALERT_INBOX,
        alertHistory: config.TOPIC_ALERT_HISTORY,
        complaints: config.TOPIC_COMPLAINTS,
      },
      logger,
      progress: io.progress ?? createProgress(process.stderr, "rebuilding"),
    });
    io.stdout(
      `rebuilt ${s.accounts} account state(s), ${s.inboxes} alert inbox(es), ${s.transitions} history transition(s), ` +
        `${s.complaintTexts} complaint text(s) in ${((Date.now() - started) / 1000).toFixed(1)} s` +
        `${s.unreadable > 0 ? `; ${s.unreadable} unreadable message(s) skipped (see warnings)` : ""}\n`,
    );
    return 0;
  } finally {
    redis.disconnect();
  }
}
