// A whole console on real infrastructure for a test: its own database, topics, consumer group and SMTP
// sink, seeded with account states through the changelog topic the signal worker writes.
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { createLogger } from "@churnwatch/platform";
import { createTestDatabase, createTopics, deleteTopics, freePort, kafkaBrokers, produce, startMaildev, uniqueName, waitFor, type MaildevHandle } from "@churnwatch/testing";
import { consoleEnvSchema } from "../env.ts";
import { createConsole } from "../service.ts";
import { changelogValue, firedTransitions, fixtureState, grown, type FixtureAccount } from "./fixtures.ts";

const WEEK_MS = 7 * 86_400_000;
const WEEKS = [5, 4, 3, 2, 1, 0];

export interface ConsoleHarness {
  url: string;
  maildev: MaildevHandle;
  pool: pg.Pool;
  topics: { accountState: string; alertHistory: string; consoleAnswers: string; interactions: string };
  close: () => Promise<void>;
}

export async function startConsoleHarness(opts: {
  accounts: FixtureAccount[];
  nowMs: number;
  executives?: string[];
  operators?: string[];
  /** More of the console's environment (FX_RATES_PATH, BACKTEST_REPORT_PATH…). */
  env?: Record<string, string>;
}): Promise<ConsoleHarness> {
  const db = await createTestDatabase("cw_console");
  const topics = {
    accountState: uniqueName("cw-console-state"),
    alertHistory: uniqueName("cw-console-history"),
    consoleAnswers: uniqueName("cw-console-answers"),
    interactions: uniqueName("cw-console-interactions"),
  };
  await createTopics(kafkaBrokers(), [topics.accountState, topics.alertHistory, topics.interactions]);
  const maildev = await startMaildev({ smtpPort: await freePort(), webPort: await freePort() });
  const port = await freePort();
  const config = consoleEnvSchema.parse({
    PORT: String(port),
    CONSOLE_BASE_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: db.url,
    KAFKA_BROKERS: kafkaBrokers().join(","),
    CONSUMER_GROUP: uniqueName("cw-console-projector"),
    TOPIC_ACCOUNT_STATE: topics.accountState,
    TOPIC_ALERT_HISTORY: topics.alertHistory,
    TOPIC_CONSOLE_ANSWERS: topics.consoleAnswers,
    TOPIC_INTERACTIONS: topics.interactions,
    SMTP_URL: maildev.smtpUrl,
    SESSION_KEY: randomBytes(32).toString("hex"),
    CONSOLE_EXECUTIVES: (opts.executives ?? []).join(","),
    CONSOLE_OPERATORS: (opts.operators ?? []).join(","),
    LOG_LEVEL: "silent",
    ...opts.env,
  });
  const app = createConsole(config, { logger: createLogger("console-test", "silent") });
  await app.start();
  // A few weeks of versions per account (its alerts growing), so the charts have a history to draw.
  await produce(topics.accountState, opts.accounts.flatMap((a) => WEEKS.map((w, i) => ({ key: a.accountId, value: changelogValue(fixtureState(grown(a, i, WEEKS.length), opts.nowMs - w * WEEK_MS), i + 1) }))));
  await produce(topics.alertHistory, opts.accounts.flatMap((a) => firedTransitions(a, opts.nowMs).map((t) => ({ key: a.accountId, value: JSON.stringify(t) }))));
  const transitions = opts.accounts.reduce((n, a) => n + 2 * (a.alerts?.length ?? 0), 0);
  await waitFor(
    async () => {
      const r = await app.pool.query<{ points: number; transitions: number }>("SELECT (SELECT count(*)::int FROM risk_points) AS points, (SELECT count(*)::int FROM alert_transitions) AS transitions");
      return r.rows[0]?.points === opts.accounts.length * WEEKS.length && r.rows[0].transitions === transitions;
    },
    { timeoutMs: 30_000, description: "the projector has every seeded version and transition" },
  );
  return {
    url: config.CONSOLE_BASE_URL,
    maildev,
    pool: app.pool,
    topics,
    close: async () => {
      await app.stop();
      await maildev.close();
      await db.drop();
      await deleteTopics(kafkaBrokers(), Object.values(topics));
    },
  };
}
