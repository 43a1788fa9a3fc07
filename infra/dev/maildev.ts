// Foreground maildev for the demo and local dev: `tsx infra/dev/maildev.ts [--smtp 1025] [--web 1080]`.
// Ports also come from MAILDEV_SMTP_PORT / MAILDEV_WEB_PORT. Stops cleanly on SIGTERM/SIGINT.
import { parseArgs } from "node:util";
import { startMaildev } from "./smtp.ts";

const { values } = parseArgs({
  options: { smtp: { type: "string" }, web: { type: "string" }, host: { type: "string" } },
});

function port(value: string | undefined, flag: string, envName: string, fallback: number): number {
  const raw = value ?? process.env[envName];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0 || n > 65_535) throw new Error(`--${flag} / ${envName} must be a TCP port, got ${JSON.stringify(raw)}`);
  return n;
}

const maildev = await startMaildev({
  smtpPort: port(values.smtp, "smtp", "MAILDEV_SMTP_PORT", 1025),
  webPort: port(values.web, "web", "MAILDEV_WEB_PORT", 1080),
  host: values.host ?? "127.0.0.1",
  silent: false,
});
console.log(`maildev ready: SMTP ${maildev.smtpUrl}, web ${maildev.webUrl} (pid ${process.pid})`);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    maildev.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("maildev did not close cleanly:", error);
        process.exit(1);
      },
    );
  });
}
