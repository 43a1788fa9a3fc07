import { checkKafka, checkRedis, createLogger, installShutdown, runMain } from "@churnwatch/platform";
import { loadConfig } from "./env.ts";
import { createSignalWorker } from "./service.ts";

await runMain(async () => {
  const config = loadConfig();
  const logger = createLogger("signal-worker", config.LOG_LEVEL);
  await checkRedis(config.REDIS_URL);
  await checkKafka(config.KAFKA_BROKERS);
  const worker = createSignalWorker(config, { logger });
  installShutdown(worker, logger);
  await worker.start();
});
