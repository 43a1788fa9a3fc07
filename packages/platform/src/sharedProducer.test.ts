import type { Producer } from "kafkajs";
import { describe, expect, it } from "vitest";
import { sharedProducer } from "./kafka.ts";
import { createLogger } from "./logger.ts";

const logger = createLogger("shared-producer-test", "silent");

/** A stand-in producer that records calls and lets the test decide when each send ends, and how. */
function fakeProducers() {
  const log: string[] = [];
  const pending: Array<{ topic: string; resolve: () => void; reject: (e: Error) => void }> = [];
  let made = 0;
  const create = (): Producer => {
    const n = ++made;
    return {
      connect: async () => void log.push(`connect #${n}`),
      disconnect: async () => void log.push(`disconnect #${n}`),
      send: (record: { topic: string }) =>
        new Promise((resolve, reject) => {
          log.push(`start ${record.topic} on #${n}`);
          pending.push({ topic: record.topic, resolve: () => resolve([]), reject });
        }),
    } as unknown as Producer;
  };
  const settle = async (how: "ok" | Error) => {
    const next = pending.shift();
    if (!next) throw new Error("no send in flight");
    if (how === "ok") next.resolve();
    else next.reject(how);
    await new Promise((r) => setImmediate(r));
  };
  return { create, log, settle, pending };
}

const refusal = () => Object.assign(new Error("The request included a message larger than the max message size"), { name: "KafkaJSProtocolError", retriable: false });

describe("sharedProducer", () => {
  it("starts a send only when the previous one has ended, in call order", async () => {
    const f = fakeProducers();
    const producer = sharedProducer(f.create, logger);
    await producer.connect();
    const a = producer.send({ topic: "a", messages: [] });
    const b = producer.send({ topic: "b", messages: [] });
    await new Promise((r) => setImmediate(r));
    expect(f.log).toEqual(["connect #1", "start a on #1"]); // b waits
    await f.settle("ok");
    await a;
    expect(f.log).toEqual(["connect #1", "start a on #1", "start b on #1"]);
    await f.settle("ok");
    await b;
  });

  it("replaces the producer after a request refused for good, so the next send starts a fresh sequence", async () => {
    const f = fakeProducers();
    const producer = sharedProducer(f.create, logger);
    await producer.connect();
    const big = producer.send({ topic: "big", messages: [] });
    const next = producer.send({ topic: "next", messages: [] });
    await new Promise((r) => setImmediate(r));
    await f.settle(refusal());
    await expect(big).rejects.toThrow("max message size");
    await new Promise((r) => setImmediate(r));
    expect(f.log).toEqual(["connect #1", "start big on #1", "disconnect #1", "connect #2", "start next on #2"]);
    await f.settle("ok");
    await next;
  });

  it("keeps the producer after a retriable error", async () => {
    const f = fakeProducers();
    const producer = sharedProducer(f.create, logger);
    await producer.connect();
    const a = producer.send({ topic: "a", messages: [] });
    await new Promise((r) => setImmediate(r));
    await f.settle(Object.assign(new Error("leader not available"), { name: "KafkaJSProtocolError", retriable: true }));
    await expect(a).rejects.toThrow("leader not available");
    const b = producer.send({ topic: "b", messages: [] });
    await new Promise((r) => setImmediate(r));
    expect(f.log.at(-1)).toBe("start b on #1");
    await f.settle("ok");
    await b;
  });
});
