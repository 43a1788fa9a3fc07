import { pino, stdSerializers, stdTimeFunctions, type DestinationStream, type Logger, type LoggerOptions } from "pino";

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
  "sponsor",
  "*.sponsor",
  "text",
  "*.text",
];

const EMAIL_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** Masks email addresses inside free text, e.g. an error message from an SMTP server. */
export function maskEmails(text: string): string {
  return text.replace(EMAIL_PATTERN, "[email]");
}

/**
 * Masks addresses in every string of a log line's fields, however they got there (an id that embeds an
 * address, a field nobody thought to redact): the backstop behind the named paths above.
 */
function maskFields(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return maskEmails(value);
  if (depth >= 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => maskFields(v, depth + 1));
  if (value instanceof Error) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskFields(v, depth + 1)]));
}

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? "info", destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name: service,
    level,
    base: { service },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    formatters: { level: (label) => ({ level: label }), log: (fields) => maskFields(fields) as Record<string, unknown> },
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
  };
  return destination ? pino(options, destination) : pino(options);
}
