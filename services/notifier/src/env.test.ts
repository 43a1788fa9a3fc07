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

  it("takes an optional console URL without its trailing slash, and refuses one that is not http(s)", () => {
    expect(loadConfig(minimal).consoleBaseUrl).toBeUndefined();
    expect(loadConfig({ ...minimal, CONSOLE_BASE_URL: "https://console.example.com/" }).consoleBaseUrl).toBe("https://console.example.com");
    expect(() => loadConfig({ ...minimal, CONSOLE_BASE_URL: "javascript:alert(1)" })).toThrow(/CONSOLE_BASE_URL/);
  });

  it("rejects a MAIL_FROM with a line break", () => {
    expect(() => loadConfig({ ...minimal, MAIL_FROM: "a@b.c\r\nBcc: x@y.z" })).toThrow(/MAIL_FROM/);
  });
});

describe("link keys", () => {
  const current = "c".repeat(32);
  const message = (env: Record<string, string>) => {
    try {
      loadConfig({ ...minimal, ...env });
    } catch (err) {
      return (err as Error).message;
    }
    return "";
  };

  it("names LINK_SECRET k1 by default, with no previous keys", () => {
    expect(loadConfig(minimal).linkKeys).toEqual({ current: { kid: "k1", secret: "x".repeat(32) }, previous: [] });
  });

  it("reads a rotation: the current key under its id, the previous ones as kid=secret pairs (a secret may hold '=')", () => {
    const c = loadConfig({ ...minimal, LINK_SECRET: current, LINK_KEY_ID: "2026-12", LINK_SECRETS_PREVIOUS: ` k1=${"a".repeat(32)} , 2026-06=${"b".repeat(30)}== ` });
    expect(c.linkKeys).toEqual({
      current: { kid: "2026-12", secret: current },
      previous: [
        { kid: "k1", secret: "a".repeat(32) },
        { kid: "2026-06", secret: `${"b".repeat(30)}==` },
      ],
    });
  });

  it("refuses a bad key id, a short or missing secret, a repeated id, and reusing the current id or secret, without echoing secrets", () => {
    expect(message({ LINK_KEY_ID: "k 1" })).toContain("LINK_KEY_ID");
    const bad = message({ LINK_SECRETS_PREVIOUS: `k1=short-secret,${"d".repeat(40)},k2=${"e".repeat(32)},k2=${"f".repeat(32)}` });
    expect(bad).toContain("LINK_SECRETS_PREVIOUS (set): key k1: the secret must have at least 32 characters");
    expect(bad).toContain("LINK_SECRETS_PREVIOUS (set): entry 2: expected kid=secret");
    expect(bad).toContain("LINK_SECRETS_PREVIOUS (set): key k2: listed twice");
    expect(bad).not.toMatch(/short-secret|ddd|eee|fff/);
    expect(message({ LINK_SECRETS_PREVIOUS: `k1=${"a".repeat(32)}` })).toContain("key k1: is LINK_KEY_ID, the current key");
    expect(message({ LINK_KEY_ID: "k2", LINK_SECRETS_PREVIOUS: `k1=${"x".repeat(32)}` })).toContain("key k1: has the same secret as LINK_SECRET");
  });
});
