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

/** Deep enough for an error's own fields (err.command.args[i], err.cause's fields) under a field or two. */
const MAX_DEPTH = 8;

/**
 * Masks addresses in every string of a log line's fields, however they got there (an id that embeds an
 * address, a field nobody thought to redact): the backstop behind the named paths above. Errors included:
 * their own fields travel too (ioredis puts the command, key names and all, in `err.command.args`), so an
 * Error is serialized here and masked like any other object; `err` itself is left to its serializer below,
 * which does the same.
 */
function maskFields(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return maskEmails(value);
  if (depth >= MAX_DEPTH || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => maskFields(v, depth + 1));
  if (value instanceof Error) return maskError(value, depth);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskFields(v, depth + 1)]));
}

/** pino's own error serialization (type, message and stack with causes, own fields), every string masked. */
function maskError(err: Error, depth = 0): unknown {
  return maskFields({ ...stdSerializers.err(err) }, depth);
}

/** The line's fields: masked, except the top-level `err`, which the `err` serializer masks once it is one. */
function maskLine(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, k === "err" && v instanceof Error ? v : maskFields(v, 1)]));
}

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? "info", destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name: service,
    level,
    base: { service },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    formatters: { level: (label) => ({ level: label }), log: maskLine },
    timestamp: stdTimeFunctions.isoTime,
    hooks: {
      // Error messages from clients (SMTP rejections, connection strings) can embed addresses.
      logMethod(args, method) {
        const masked = args.map((a) => (typeof a === "string" ? maskEmails(a) : a)) as typeof args;
        method.apply(this, masked);
      },
    },
    serializers: {
      err: (err: unknown) => (err instanceof Error ? maskError(err) : maskFields(err)),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
