// `tsx infra/dev/up.ts`: Kafka + Redis + maildev for local dev, reusing whatever already runs.
// Everything this starts is recorded in .run/pids and stopped by `tsx infra/dev/down.ts`.
import { ensureKafka } from "./kafka.ts";
import { logFile, shown } from "./paths.ts";
import { ensureRedis } from "./redis.ts";
import { ensureMaildev } from "./smtp.ts";

function envPort(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n <= 0 || n > 65_535) throw new Error(`${name} must be a TCP port, got ${JSON.stringify(raw)}`);
  return n;
}

try {
  const kafka = await ensureKafka();
  const redis = await ensureRedis();
  const mail = await ensureMaildev({ smtpPort: envPort("MAILDEV_SMTP_PORT", 1025), webPort: envPort("MAILDEV_WEB_PORT", 1080) });
  const how = (started: boolean, log: string): string => (started ? `started, log ${shown(logFile(log))}` : "reused");

  console.log(`Churnwatch dev infrastructure
  Kafka    ${kafka.brokers.join(",")}  (${how(kafka.started, "kafka")})
  Redis    ${redis.url}  (${how(redis.started, "redis")})
  SMTP     ${mail.smtpUrl}  inbox ${mail.webUrl}  (${how(mail.started, "maildev")})

Environment for the services:
  export KAFKA_BROKERS=${kafka.brokers.join(",")} REDIS_URL=${redis.url} SMTP_URL=${mail.smtpUrl}

Stop what was started here: pnpm exec tsx infra/dev/down.ts`);
} catch (error) {
  console.error(`\n${error instanceof Error ? error.message : String(error)}`);
  console.error("Anything already started keeps running; stop it with: pnpm exec tsx infra/dev/down.ts");
  process.exitCode = 1;
}
