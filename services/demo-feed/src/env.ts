import { z } from "zod";
import { defaultTopicNames } from "@churnwatch/contracts";
import { envFields, parseEnv } from "@churnwatch/platform";

const schema = z.object({
  KAFKA_BROKERS: envFields.kafkaBrokers,
  LOG_LEVEL: envFields.logLevel,
  TOPIC_ACCOUNTS: envFields.name.default(defaultTopicNames.accounts),
  TOPIC_ORDERS: envFields.name.default(defaultTopicNames.orders),
  TOPIC_PAYMENTS: envFields.name.default(defaultTopicNames.payments),
  TOPIC_COMPLAINTS: envFields.name.default(defaultTopicNames.complaints),
  TOPIC_INTERACTIONS: envFields.name.default(defaultTopicNames.interactions),
  DEMO_SEED: z.string().min(1).default("30"),
  DEMO_ACCOUNTS: z.coerce.number().int().min(1).max(100_000).default(40),
  DEMO_MONTHS: z.coerce.number().int().min(9).max(120).default(13),
  DEMO_DEFECTOR_SHARE: z.coerce.number().min(0).max(1).default(0.2),
  /** Also feed logged contacts (the simulator's interactions option); off keeps the demo's story as it was. */
  DEMO_INTERACTIONS: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
  /**
   * The present of the simulated world. Its events are shifted so that this instant becomes "now", which
   * makes the demo tell the same story whenever it runs.
   */
  DEMO_ANCHOR: z.iso.datetime({ offset: true }).default("2026-11-25T00:00:00Z"),
  /** How long the live stream keeps going after DEMO_END, in days of wall-clock time. */
  DEMO_LIVE_DAYS: z.coerce.number().min(0).max(3650).default(30),
  DEMO_ID_PREFIX: envFields.name.default("demo"),
  /** Where to write what was produced (counts, defectors), for the demo launcher's progress display. */
  DEMO_MANIFEST: z.string().optional(),
});

export type DemoFeedConfig = z.infer<typeof schema>;
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): DemoFeedConfig => parseEnv(schema, env);
