import { describe, expect, it } from "vitest";
import { planLetter, type Letter } from "./letters.ts";

const letter = (headers: Letter["headers"]): Letter => ({ partition: 1, offset: "42", key: Buffer.from("acc-1"), value: Buffer.from("{}"), headers });

describe("planLetter", () => {
  it("sends to the original topic with the original headers, without dlq.*, plus where it was replayed from", () => {
    const d = planLetter("dlq", letter({ "dlq.reason": "schema", "dlq.topic": Buffer.from("orders"), "dlq.offset": "9", traceparent: "t" }));
    expect(d).toMatchObject({ kind: "send", id: "dlq:1:42", topic: "orders", reason: "schema" });
    if (d.kind === "send") expect(d.message.headers).toEqual({ traceparent: "t", "dlq.replayedFrom": "dlq:1:42" });
  });

  it("filters by reason, and refuses letters it cannot route", () => {
    expect(planLetter("dlq", letter({ "dlq.reason": "bad-json", "dlq.topic": "orders" }), "schema").kind).toBe("filtered");
    expect(planLetter("dlq", letter({ "dlq.reason": "schema" }))).toMatchObject({ kind: "unreplayable", why: "no dlq.topic header" });
    expect(planLetter("dlq", letter({ "dlq.topic": "dlq" })).kind).toBe("unreplayable");
  });
});
