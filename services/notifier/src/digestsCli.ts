// Entry point: `pnpm --filter @churnwatch/notifier digests <command>`. All logic lives in digest/cli.ts.
import { ConfigError, runMain } from "@churnwatch/platform";
import { runDigestsCli } from "./digest/cli.ts";

await runMain(async () => {
  const argv = process.argv.slice(2);
  const token = process.env.NOTIFIER_TOKEN ?? "";
  const help = argv.length === 0 || argv.some((a) => a === "-h" || a === "--help" || a === "help");
  if (!token && !help) throw new ConfigError("NOTIFIER_TOKEN is required: an operations token from the notifier's API_TOKENS (token=*)");
  process.exitCode = await runDigestsCli(argv, {
    baseUrl: process.env.NOTIFIER_URL ?? "http://127.0.0.1:8080",
    token,
    fetch,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  }).catch((err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)} (is the notifier at NOTIFIER_URL running?)\n`);
    return 1;
  });
});
