import { checkKafka, createKafka, createLogger, ensureTopics, installShutdown, partitioner, runMain } from "@churnwatch/platform";
import { loadConfig } from "./env.ts";
import { createFeed } from "./feed.ts";

await runMain(async () => {
  const config = loadConfig();
  const logger = createLogger("demo-feed", config.LOG_LEVEL);
  await checkKafka(config.KAFKA_BROKERS);
  const kafka = createKafka({ clientId: "churnwatch-demo-feed", brokers: config.KAFKA_BROKERS, logger });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [
    { topic: config.TOPIC_ACCOUNTS, partitions: 6, compacted: true },
    ...[config.TOPIC_ORDERS, config.TOPIC_PAYMENTS, config.TOPIC_COMPLAINTS, config.TOPIC_INTERACTIONS].map((topic) => ({ topic, partitions: 6 })),
  ]);
  await admin.disconnect();
  const producer = kafka.producer({ createPartitioner: partitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const aborter = new AbortController();
  let feeding: Promise<unknown> = Promise.resolve();
  installShutdown({ stop: async () => {
    aborter.abort();
    await feeding;
    await producer.disconnect();
  } }, logger);

  const feed = createFeed(config, { producer, logger });
  feeding = (async () => {
    let lastDecile = -1;
    const sent = await feed.history((n) => {
      const decile = Math.floor(n / 1000);
      if (decile !== lastDecile) logger.info({ sent: n }, "history produced so far");
      lastDecile = decile;
    });
    logger.info({ sent }, "history produced; now streaming live events as their time comes");
    const live = await feed.live(aborter.signal);
    logger.info({ live }, "live stream ended");
  })();
  await feeding;
  await producer.disconnect();
});
