import type { Producer } from "kafkajs";
import { describe, expect, it } from "vitest";
import { serializeSends } from "./kafka.ts";

describe("serializeSends", () => {
  it("starts a send only when the previous one has ended, in call order, past a failure", async () => {
    const log: string[] = [];
    const releases: Array<() => void> = [];
    const fake = {
      connect: async () => undefined,
      send: (record: { topic: string }) =>
        new Promise((resolve, reject) => {
          log.push(`start ${record.topic}`);
          releases.push(() => {
            log.push(`end ${record.topic}`);
            if (record.topic === "b") reject(new Error("broker said no"));
            else resolve([]);
          });
        }),
    } as unknown as Producer;
    const producer = serializeSends(fake);
    const a = producer.send({ topic: "a", messages: [] });
    const b = producer.send({ topic: "b", messages: [] });
    const c = producer.send({ topic: "c", messages: [] });
    await Promise.resolve();
    expect(log).toEqual(["start a"]); // b and c wait
    releases.shift()?.();
    await a;
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(["start a", "end a", "start b"]);
    releases.shift()?.();
    await expect(b).rejects.toThrow("broker said no");
    await new Promise((r) => setImmediate(r));
    releases.shift()?.();
    await c;
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
    expect(typeof producer.connect).toBe("function"); // the rest of the producer is still there
  });
});
