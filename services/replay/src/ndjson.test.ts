import { describe, expect, it } from "vitest";
import { newReadStats, readEvents, splitLines, type InvalidLine } from "./ndjson.ts";

const good = (id: string, at = "2026-01-01T00:00:00Z") =>
  JSON.stringify({ eventId: id, type: "order.cancelled", accountId: "acme", occurredAt: at, schemaVersion: 1, data: { orderId: "o1" } });

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("readEvents", () => {
  it("counts and reports invalid lines with their numbers and goes on", async () => {
    const text = [good("e1"), "{not json", "", JSON.stringify({ type: "order.shipped" }), good("e2").replace('"o1"', "42"), good("e3")].join("\n");
    const bad: InvalidLine[] = [];
    const stats = newReadStats();
    const events = await collect(readEvents([Buffer.from(text)], { stats, onInvalid: (b) => bad.push(b) }));
    expect(events.map((e) => e.eventId)).toEqual(["e1", "e3"]);
    expect(stats.invalid).toBe(3);
    expect(bad.map((b) => [b.line, b.reason])).toEqual([
      [2, "bad-json"],
      [4, "unknown-type"],
      [5, "schema"],
    ]);
  });

  it("splits lines across chunk boundaries and CRLF", async () => {
    const text = `${good("e1")}\r\n${good("e2")}`;
    const cut = 37;
    const chunks = [Buffer.from(text.slice(0, cut)), Buffer.from(text.slice(cut))];
    const events = await collect(readEvents(chunks));
    expect(events.map((e) => e.eventId)).toEqual(["e1", "e2"]);
    const lines = await collect(splitLines([Buffer.from("a\nb"), Buffer.from("c\n\nd")]));
    expect(lines.map((l) => l.toString())).toEqual(["a", "bc", "", "d"]);
  });
});
