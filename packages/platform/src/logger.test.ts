import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  return { lines, logger: createLogger("logger-test", "info", stream) };
}

describe("log redaction", () => {
  it("masks an address wherever it sits in a line's fields, and redacts the named personal fields", () => {
    const { lines, logger } = capture();
    logger.info(
      { groupId: "li.wei@seller.example|acc-1:purchases.decline:high:1:owner", nested: { list: ["x", "ceo@corp.example"] }, owner: { name: "Li Wei" }, accountId: "acc-1" },
      "email to wang.fang@seller.example scheduled",
    );
    const line = lines.join("");
    expect(line).not.toMatch(/@seller\.example|@corp\.example/);
    expect(line).not.toContain("Li Wei");
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(parsed.groupId).toBe("[email]|acc-1:purchases.decline:high:1:owner");
    expect(parsed.nested).toEqual({ list: ["x", "[email]"] });
    expect(parsed.msg).toBe("email to [email] scheduled");
    expect(parsed.accountId).toBe("acc-1");
  });
});

describe("log redaction of errors", () => {
  it("masks addresses inside a real ioredis error: its message, stack and command args, wherever the error sits", async () => {
    const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
    const key = `test:logger:${randomUUID()}:budget:li.wei@seller.example:2026-03-04`;
    try {
      await redis.set(key, "1", "EX", 60);
      // HGET on a string: a ReplyError (WRONGTYPE) carrying `command: { name, args: [key, field] }`.
      const err = await redis.hget(key, "ceo@corp.example").then(
        () => undefined,
        (e: unknown) => e as Error & { command?: { name: string; args: unknown[] } },
      );
      expect(err?.command?.args).toEqual([key, "ceo@corp.example"]); // the shape this test is about
      const { lines, logger } = capture();
      logger.warn({ err }, "redis command failed");
      logger.warn({ error: err, nested: { list: [err] } }, "redis command failed elsewhere");
      for (const line of lines) {
        expect(line).not.toMatch(/@seller\.example|@corp\.example/);
        expect(line).toContain("WRONGTYPE");
      }
      const first = JSON.parse(lines[0] ?? "{}") as { err: { type: string; command: { name: string; args: string[] } } };
      expect(first.err.type).toBe("ReplyError");
      expect(first.err.command).toEqual({ name: "hget", args: [key.replace("li.wei@seller.example", "[email]"), "[email]"] });
      const second = JSON.parse(lines[1] ?? "{}") as { error: { command: { args: string[] } }; nested: { list: Array<{ message: string }> } };
      expect(second.error.command.args[1]).toBe("[email]");
      expect(second.nested.list[0]?.message).toContain("WRONGTYPE");
    } finally {
      await redis.del(key);
      redis.disconnect();
    }
  });

  it("masks an address an error's message, cause or own fields embed", () => {
    const { lines, logger } = capture();
    const cause = new Error("no mailbox li.wei@seller.example");
    const err = Object.assign(new Error("SMTP 550 for ceo@corp.example", { cause }), { response: "550 5.1.1 <ceo@corp.example>: unknown", recipients: ["ceo@corp.example"] });
    logger.error({ err }, "send failed");
    logger.error(err, "send failed, error first");
    expect(lines.join("")).not.toMatch(/@seller\.example|@corp\.example/);
    const parsed = JSON.parse(lines[0] ?? "{}") as { err: { message: string; response: string; recipients: string[] } };
    expect(parsed.err.message).toBe("SMTP 550 for [email]: no mailbox [email]");
    expect(parsed.err.response).toBe("550 5.1.1 <[email]>: unknown");
    expect(parsed.err.recipients).toEqual(["[email]"]);
  });
});
