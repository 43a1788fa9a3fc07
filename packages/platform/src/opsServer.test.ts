import { afterEach, describe, expect, it } from "vitest";
import { Counter, Registry } from "prom-client";
import { createLogger } from "./logger.ts";
import { startOpsServer, type OpsServer } from "./opsServer.ts";

let server: OpsServer | undefined;
afterEach(async () => server?.close());

async function start(token: string | undefined, readiness: Record<string, () => Promise<unknown>>) {
  const registry = new Registry();
  new Counter({ name: "demo_total", help: "a counter", registers: [registry] }).inc(3);
  server = await startOpsServer({ port: 0, token, registry, readiness, logger: createLogger("ops-test", "silent") });
  return `http://127.0.0.1:${server.port}`;
}

describe("ops server", () => {
  it("answers /healthz, and /readyz only when every dependency answers, naming the one that does not", async () => {
    const base = await start(undefined, { kafka: async () => undefined, redis: async () => Promise.reject(new Error("ECONNREFUSED")) });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).toContain("redis: ECONNREFUSED");
  });

  it("refuses /metrics without the bearer token and serves Prometheus text with it", async () => {
    const base = await start("a-token-of-sixteen-chars", {});
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: "Bearer wrong-token-of-sixteen" } })).status).toBe(401);
    const ok = await fetch(`${base}/metrics`, { headers: { authorization: "Bearer a-token-of-sixteen-chars" } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^# HELP demo_total a counter\n# TYPE demo_total counter\ndemo_total 3$/m);
  });
});
