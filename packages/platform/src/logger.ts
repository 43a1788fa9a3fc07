import { pino, stdSerializers, stdTimeFunctions, type Logger } from "pino";

export type { Logger };

/**
 * Paths redacted in every log line: secrets and personal data (emails, names of people) must never reach
 * log storage. Connection URLs are redacted whole because they may carry passwords.
 */
export const REDACT_PATHS = [
  "password",
  "*.password",
  "secret",
  "*.secret",
  "token",
  "*.token",
  "smtpUrl",
  "*.smtpUrl",
  "redisUrl",
  "*.redisUrl",
  "email",
  "*.email",
  "*.*.email",
  "to",
  "*.to",
  "owner",
  "*.owner",
  "manager",
  "*.manager",
  "text",
  "*.text",
];

const EMAIL_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** Masks email addresses inside free text, e.g. an error message from an SMTP server. */
export function maskEmails(text: string): string {
  return text.replace(EMAIL_PATTERN, "[email]");
}

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    formatters: { level: (label) => ({ level: label }) },
    timestamp: stdTimeFunctions.isoTime,
    hooks: {
      // Error messages from clients (SMTP rejections, connection strings) can embed addresses.
      logMethod(args, method) {
        const masked = args.map((a) => (typeof a === "string" ? maskEmails(a) : a)) as typeof args;
        method.apply(this, masked);
      },
    },
    serializers: {
      err: (err: unknown) => {
        const s = stdSerializers.err(err as Error);
        return { ...s, message: maskEmails(s.message), stack: s.stack ? maskEmails(s.stack) : s.stack };
      },
    },
  });
}
