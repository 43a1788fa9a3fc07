// Entry point: `pnpm --filter @churnwatch/ops dump-redis > state.txt`: the canonical dump of the durable
// Redis state (sorted, TTL-free), to compare a rebuild with what was there before (`diff before.txt after.txt`).
import { runMain } from "@churnwatch/platform";
import { canonicalDump } from "./canonicalDump.ts";
import { loadRebuildConfig } from "./env.ts";
import { connectRedis } from "./inspectCommand.ts";
import { durableKeys } from "./redisLayout.ts";

await runMain(async () => {
  const config = loadRebuildConfig(process.env);
  const redis = await connectRedis(config.REDIS_URL);
  try {
    process.stdout.write(await canonicalDump(redis, durableKeys(config.KEY_PREFIX, config.NOTIFIER_KEY_PREFIX).patterns));
  } finally {
    redis.disconnect();
  }
});
