import { z } from "zod";
import { defaultTopicNames } from "@churnwatch/contracts";
import { envFields, parseEnv } from "@churnwatch/platform";

const emails = z
  .string()
  .default("")
  .transform((s) => s.split(",").map((x) => x.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(z.email("a comma-separated list of email addresses")));

export const consoleEnvSchema = z.object({
  PORT: envFields.port.default(8090),
  HOST: z.string().default("127.0.0.1"),
  /** Where people reach the console: the sign-in links point here; https turns on Secure cookies. */
  CONSOLE_BASE_URL: z.url({ protocol: /^https?$/, error: "an http:// or https:// URL" }).default("http://127.0.0.1:8090"),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: "a postgresql:// URL, e.g. postgresql://user@localhost/churnwatch?host=/var/run/postgresql" }),
  KAFKA_BROKERS: envFields.kafkaBrokers,
  CONSUMER_GROUP: envFields.name.default("churnwatch-console-projector"),
  TOPIC_ACCOUNT_STATE: envFields.name.default(defaultTopicNames.accountState),
  TOPIC_ALERT_HISTORY: envFields.name.default(defaultTopicNames.alertHistory),
  TOPIC_CONSOLE_ANSWERS: envFields.name.default(defaultTopicNames.consoleAnswers),
  TOPIC_INTERACTIONS: envFields.name.default(defaultTopicNames.interactions),
  SMTP_URL: envFields.smtpUrl.default("smtp://127.0.0.1:1025"),
  MAIL_FROM: z.string().min(3).default("Churnwatch <churnwatch@example.com>"),
  /** 64 hex digits (32 bytes): the key that seals the session cookie. */
  SESSION_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, "64 hex digits (openssl rand -hex 32)"),
  SESSION_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  SIGNIN_LINK_MINUTES: z.coerce.number().int().min(1).max(60).default(15),
  /** Executives beyond the sponsors the account profiles name; they read everything. */
  CONSOLE_EXECUTIVES: emails,
  /** Operations: read everything and reach the queue dashboard. */
  CONSOLE_OPERATORS: emails,
  QUEUE_DASHBOARD_URL: z.url().optional(),
  ENGINE_CONFIG_PATH: z.string().optional(),
  /** The reporting currency and its rates (JSON), the same file the notifier's digests read. */
  FX_RATES_PATH: z.string().min(1).optional(),
  /** The replay's backtest report (JSON) the overview shows: precision, recall and lead time on the company's own history. */
  BACKTEST_REPORT_PATH: z.string().min(1).optional(),
  LOG_LEVEL: envFields.logLevel,
});
export type ConsoleConfig = z.infer<typeof consoleEnvSchema>;

export const parseConsoleEnv = (env: NodeJS.ProcessEnv = process.env) => parseEnv(consoleEnvSchema, env);
