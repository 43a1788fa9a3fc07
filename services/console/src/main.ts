import { createLogger, installShutdown, runMain } from "@churnwatch/platform";
import { parseConsoleEnv } from "./env.ts";
import { createConsole } from "./service.ts";

await runMain(async () => {
  const config = parseConsoleEnv();
  const logger = createLogger("console", config.LOG_LEVEL);
  const app = createConsole(config, { logger });
  installShutdown(app, logger);
  await app.start();
});
