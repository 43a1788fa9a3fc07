// The demo's own namespace (topics, group, queue, Redis keys) and its three detached services.
import { createRequire } from "node:module";
import { userInfo } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { logFile, repoRoot } from "./paths.ts";
import { spawnDetached, stopByPidFile } from "./proc.ts";

const require = createRequire(import.meta.url);

export const demo = {
  topics: {
    accounts: "demo.accounts",
    orders: "demo.orders",
    payments: "demo.payments",
    complaints: "demo.complaints",
    interactions: "demo.interactions",
    deadLetter: "demo.dead-letter",
    alertHistory: "demo.alert-history",
    accountState: "demo.account-state",
    alertInbox: "demo.alert-inbox",
    digestSubscriptions: "demo.digest-subscriptions",
    consoleAnswers: "demo.console-answers",
  },
  group: "churnwatch-demo",
  queue: "churnwatch-demo-alerts",
  keyPrefix: "cwdemo:",
  /** Operations token of the demo's alerts API (http://localhost:8080/api/alerts). */
  apiToken: "demo-only-api-token-0123456789abcdef",
  manifest: join(repoRoot(), ".run", "demo-manifest.json"),
  /** The console's read model: a database of the demo's own in the local PostgreSQL, made afresh each run. */
  consoleDatabase: "churnwatch_demo_console",
  consoleGroup: "churnwatch-demo-console",
  consoleUrl: "http://localhost:8090",
  /** Who signs in to the console as the demo's executive (read-only) and operations. */
  executive: "ceo@seller.example",
  operator: "ops@seller.example",
};

export const services = ["signal-worker", "notifier", "demo-feed", "console"] as const;
export type DemoService = (typeof services)[number];

const pidName = (s: DemoService) => `demo-${s}`;
const entry = (s: DemoService) => join(repoRoot(), "services", s, "src", "main.ts");
// Illustrative rates (the file says so): the demo feed has CNY, USD and EUR accounts.
const demoRatesPath = join(repoRoot(), "infra", "config", "fx.demo.json");

export function serviceEnv(urls: { brokers: string; redisUrl: string; smtpUrl: string }): Record<DemoService, Record<string, string>> {
  const topics = {
    TOPIC_ACCOUNTS: demo.topics.accounts,
    TOPIC_ORDERS: demo.topics.orders,
    TOPIC_PAYMENTS: demo.topics.payments,
    TOPIC_COMPLAINTS: demo.topics.complaints,
    TOPIC_INTERACTIONS: demo.topics.interactions,
  };
  return {
    "signal-worker": {
      KAFKA_BROKERS: urls.brokers,
      REDIS_URL: urls.redisUrl,
      ...topics,
      TOPIC_DEAD_LETTER: demo.topics.deadLetter,
      TOPIC_ALERT_HISTORY: demo.topics.alertHistory,
      TOPIC_ACCOUNT_STATE: demo.topics.accountState,
      CONSUMER_GROUP: demo.group,
      ALERT_QUEUE: demo.queue,
      KEY_PREFIX: demo.keyPrefix,
      SWEEP_INTERVAL_MS: "5000",
      LAG_CHECK_INTERVAL_MS: "1000",
      CAUGHT_UP_MAX_LAG: "0",
    },
    notifier: {
      REDIS_URL: urls.redisUrl,
      SMTP_URL: urls.smtpUrl,
      KAFKA_BROKERS: urls.brokers,
      ALERT_QUEUE: demo.queue,
      EMAIL_QUEUE: `${demo.queue}-emails`,
      DIGEST_QUEUE: `${demo.queue}-digests`,
      TOPIC_ALERT_HISTORY: demo.topics.alertHistory,
      TOPIC_ALERT_INBOX: demo.topics.alertInbox,
      TOPIC_DIGEST_SUBSCRIPTIONS: demo.topics.digestSubscriptions,
      // Answers given in the console stop escalation as those through email links do.
      TOPIC_CONSOLE_ANSWERS: demo.topics.consoleAnswers,
      ANSWERS_CONSUMER_GROUP: `${demo.consoleGroup}-notifier-answers`,
      KEY_PREFIX: `${demo.keyPrefix}notifier:`,
      SIGNAL_KEY_PREFIX: demo.keyPrefix,
      // A demo-only key and token: real deployments set their own (see docs/operations.md).
      LINK_SECRET: "demo-only-link-secret-0123456789abcdef",
      API_TOKENS: `${demo.apiToken}=*`,
      API_PORT: "8080",
      APP_BASE_URL: "http://localhost:8080",
      // An expired email link sends its reader to the account in the demo's console.
      CONSOLE_BASE_URL: demo.consoleUrl,
      // The demo runs at whatever hour you start it: no quiet hours, every day a business day.
      POLICY_CONFIG_PATH: join(repoRoot(), "infra", "config", "policy.demo.json"),
      TICK_INTERVAL_MS: "10000",
      // Digests and the console rank and total money converted into one reporting currency.
      FX_RATES_PATH: demoRatesPath,
    },
    "demo-feed": { KAFKA_BROKERS: urls.brokers, ...topics, DEMO_MANIFEST: demo.manifest },
    console: {
      KAFKA_BROKERS: urls.brokers,
      SMTP_URL: urls.smtpUrl,
      DATABASE_URL: `postgresql://${encodeURIComponent(process.env.PGUSER ?? userInfo().username)}@localhost/${demo.consoleDatabase}?host=/var/run/postgresql`,
      CONSUMER_GROUP: demo.consoleGroup,
      TOPIC_ACCOUNT_STATE: demo.topics.accountState,
      TOPIC_ALERT_HISTORY: demo.topics.alertHistory,
      TOPIC_CONSOLE_ANSWERS: demo.topics.consoleAnswers,
      TOPIC_INTERACTIONS: demo.topics.interactions,
      PORT: "8090",
      CONSOLE_BASE_URL: demo.consoleUrl,
      // A demo-only key: real deployments set their own (openssl rand -hex 32).
      SESSION_KEY: "de".repeat(32),
      CONSOLE_EXECUTIVES: demo.executive,
      CONSOLE_OPERATORS: demo.operator,
      QUEUE_DASHBOARD_URL: "http://localhost:8080/ops/queues",
      FX_RATES_PATH: demoRatesPath,
    },
  };
}

/** Starts a service detached, as an operator would: its documented entry point, config from env only. */
export function startDemoService(s: DemoService, env: Record<string, string>): number | undefined {
  const tsx = pathToFileURL(require.resolve("tsx")).href;
  const saved = { ...process.env };
  Object.assign(process.env, env); // spawnDetached inherits this process's environment
  try {
    return spawnDetached(pidName(s), process.execPath, ["--import", tsx, entry(s)], logFile(s), repoRoot()).pid;
  } finally {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

/** Stops the demo services recorded in .run/pids (never anything else). */
export async function stopDemoServices(): Promise<string[]> {
  const stopped: string[] = [];
  for (const s of services) if (await stopByPidFile(pidName(s), `services/${s}/src/main.ts`, 20_000)) stopped.push(s);
  return stopped;
}
