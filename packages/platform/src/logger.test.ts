import { Writable } from "node:stream";
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
