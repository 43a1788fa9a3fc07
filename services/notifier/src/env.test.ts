import { describe, expect, it } from "vitest";
import { ALERT_QUEUE } from "@churnwatch/contracts";
import { ConfigError } from "@churnwatch/platform";
import { loadConfig } from "./env.ts";

const minimal = { SMTP_URL: "smtp://127.0.0.1:1025", LINK_SECRET: "x".repeat(32) };

describe("loadConfig", () => {
  it("applies defaults", () => {
    const c = loadConfig(minimal);
    expect(c.queueName).toBe(ALERT_QUEUE);
    expect(c.mailFrom).toBe("Churnwatch <alerts@churnwatch.local>");
    expect(c.appBaseUrl).toBe("http://localhost:8080");
    expect(c.redisUrl).toBe("redis://127.0.0.1:6379");
    expect(c.retry).toEqual({ baseMs: 5_000, maxMs: 1_800_000 });
  });

  it("names each bad variable without echoing secrets", () => {
    const run = () => loadConfig({ SMTP_URL: "http://x", LINK_SECRET: "short-secret", CONCURRENCY: "0" });
    expect(run).toThrow(ConfigError);
    const message = (() => {
      try {
        run();
      } catch (err) {
        return (err as Error).message;
      }
      return "";
    })();
    expect(message).toContain("SMTP_URL");
    expect(message).toContain("LINK_SECRET (set): at least 32 characters");
    expect(message).toContain("CONCURRENCY");
    expect(message).not.toContain("short-secret");
  });

  it("rejects a MAIL_FROM with a line break", () => {
    expect(() => loadConfig({ ...minimal, MAIL_FROM: "a@b.c\r\nBcc: x@y.z" })).toThrow(/MAIL_FROM/);
  });
});
