import { z } from "zod";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/**
 * Parses process.env once at start-up. A bad value stops the service with a message naming each variable
 * and what it should be, never a stack trace.
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "(environment)";
    const got = typeof issue.path[0] === "string" ? env[issue.path[0]] : undefined;
    const shown = got === undefined ? "unset" : /URL|SECRET|TOKEN|PASSWORD/i.test(name) ? "set" : JSON.stringify(got);
    return `  ${name} (${shown}): ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
}

/** Reusable env fields, so every service spells and validates them the same way. */
export const envFields = {
  kafkaBrokers: z
    .string()
    .default("127.0.0.1:9092")
    .transform((s) => s.split(",").map((b) => b.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d{1,5}$/, "host:port, comma-separated")).min(1)),
  redisUrl: z.url({ protocol: /^rediss?$/, error: "a redis:// or rediss:// URL" }).default("redis://127.0.0.1:6379"),
  smtpUrl: z.url({ protocol: /^smtps?$/, error: "an smtp:// or smtps:// URL, e.g. smtp://user:pass@host:587" }),
  logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  port: z.coerce.number().int().min(0).max(65535),
  durationMs: z.coerce.number().int().positive(),
  /** Bearer token for /metrics; without it the ops server listens on loopback only. */
  opsToken: z.string().min(16, "at least 16 characters").optional(),
  name: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, "letters, digits, '.', '_' or '-'"),
};
