import nodemailer from "nodemailer";
import type { FastifyInstance } from "fastify";
import { createKafka, closeAll, DependencyError, ensureTopics, loadEngineConfig, loadExchangeRates, once, partitioner, sharedProducer, type Logger } from "@churnwatch/platform";
import { CONSOLE_ANSWERS_PARTITIONS } from "@churnwatch/contracts";
import type { ConsoleConfig } from "./env.ts";
import { createPool, migrate } from "./readModel/database.ts";
import { createSigninLinks } from "./auth/signinLinks.ts";
import { createAnswerLog } from "./answerLog.ts";
import { backtestReader } from "./backtestSummary.ts";
import { createProjector } from "./projector/kafkaProjector.ts";
import { buildConsole } from "./http/server.ts";

/**
 * The topics the console reads belong to the services that write them (the signal worker creates them):
 * started first, the console waits for them rather than creating them with a partitioning of its own.
 */
async function waitForUpstreamTopics(list: () => Promise<string[]>, needed: string[], logger: Logger, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let said = false; ; said = true) {
    const existing = new Set(await list());
    const missing = needed.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new DependencyError(`Kafka topics ${missing.join(", ")} do not exist: start the signal worker (it creates them) or create them.`);
    if (!said) logger.warn({ missing }, "waiting for the topics the console reads");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/**
 * The console's composition root: the read model (PostgreSQL, migrated at start), the projector that
 * feeds it, and the web UI. start() migrates, starts the projector, then listens; stop() closes the HTTP
 * intake first, then the projector, the producer and the pool.
 */
export function createConsole(config: ConsoleConfig, deps: { logger: Logger; now?: () => number }) {
  const { logger } = deps;
  const now = deps.now ?? Date.now;
  const engineConfig = loadEngineConfig(config.ENGINE_CONFIG_PATH);
  // Read before anything connects: a bad rates file stops start-up with its reason.
  const fx = loadExchangeRates(config.FX_RATES_PATH);
  const pool = createPool(config.DATABASE_URL);
  pool.on("error", (err) => logger.error({ err }, "postgres pool error"));
  const kafka = createKafka({ clientId: "churnwatch-console", brokers: config.KAFKA_BROKERS, logger });
  const producer = sharedProducer(() => kafka.producer({ createPartitioner: partitioner, idempotent: true, maxInFlightRequests: 1 }), logger);
  const topics = {
    accountState: config.TOPIC_ACCOUNT_STATE,
    alertHistory: config.TOPIC_ALERT_HISTORY,
    consoleAnswers: config.TOPIC_CONSOLE_ANSWERS,
    interactions: config.TOPIC_INTERACTIONS,
  };
  const projector = createProjector({ kafka, groupId: config.CONSUMER_GROUP, topics, pool, config: () => engineConfig, logger });
  const transport = nodemailer.createTransport({ url: config.SMTP_URL, disableFileAccess: true, disableUrlAccess: true } as Parameters<typeof nodemailer.createTransport>[0]);
  let app: FastifyInstance | undefined;

  async function start(): Promise<{ url: string }> {
    await migrate(config.DATABASE_URL, logger);
    const admin = kafka.admin();
    await admin.connect();
    try {
      // The console owns its answers topic; the others belong to the services that write them.
      await ensureTopics(admin, [{ topic: topics.consoleAnswers, partitions: CONSOLE_ANSWERS_PARTITIONS, retainForever: true }]);
      await waitForUpstreamTopics(() => admin.listTopics(), [topics.accountState, topics.alertHistory, topics.interactions], logger);
    } finally {
      await admin.disconnect();
    }
    await producer.connect();
    await projector.start();
    app = await buildConsole({
      pool,
      signin: createSigninLinks(pool, config.SIGNIN_LINK_MINUTES * 60_000, now),
      sendMail: async (to, subject, text) => void (await transport.sendMail({ from: config.MAIL_FROM, to, subject, text })),
      answers: createAnswerLog({ producer, pool, topics: { answers: topics.consoleAnswers, interactions: topics.interactions } }),
      policy: { executives: new Set(config.CONSOLE_EXECUTIVES), operators: new Set(config.CONSOLE_OPERATORS) },
      baseUrl: config.CONSOLE_BASE_URL,
      sessionKey: Buffer.from(config.SESSION_KEY, "hex"),
      sessionHours: config.SESSION_HOURS,
      signinMinutes: config.SIGNIN_LINK_MINUTES,
      queuesUrl: config.QUEUE_DASHBOARD_URL,
      levelFloors: engineConfig.model.levels,
      fx,
      backtest: backtestReader(config.BACKTEST_REPORT_PATH, logger),
      now,
      logger,
    });
    const url = await app.listen({ port: config.PORT, host: config.HOST });
    logger.info({ url }, "console listening");
    return { url };
  }

  const stop = once(() =>
    closeAll(
      [
        ["http", async () => app?.close()],
        ["projector", () => projector.stop()],
        ["producer", () => producer.disconnect()],
        ["smtp", async () => transport.close()],
        ["postgres", () => pool.end()],
      ],
      logger,
    ),
  );
  return { start, stop, pool };
}
