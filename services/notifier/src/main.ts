import { checkRedis, createLogger, installShutdown, runMain } from "@churnwatch/platform";
import { loadConfig } from "./env.ts";
import { createSmtpMailer } from "./mailer.ts";
import { createNotifier } from "./service.ts";

// Host and port only: the URL's user part may itself be an email address.
const smtpHost = (url: string) => new URL(url).host;

await runMain(async () => {
  const config = loadConfig();
  const logger = createLogger("notifier", config.logLevel);
  await checkRedis(config.redisUrl);

  const mailer = createSmtpMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, timeoutMs: config.smtpTimeoutMs });
  const notifier = createNotifier(config, { logger, mailer });
  installShutdown(notifier, logger);
  await notifier.start();

  // SMTP down is not fatal: jobs wait in the queue and retry with backoff. Say so once, loudly.
  mailer.verify().then(
    () => logger.info("SMTP server reachable"),
    (err: unknown) =>
      logger.warn(
        { smtpHost: smtpHost(config.smtpUrl), reason: err instanceof Error ? err.message : String(err) },
        "SMTP server not reachable at start-up; notifications will be retried",
      ),
  );
});
