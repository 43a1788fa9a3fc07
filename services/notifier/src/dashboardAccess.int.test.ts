// The queue dashboard can change queues (retry, pause, clean, obliterate, add, edit): only operations may
// reach it. Every mutating bull-board route of a real notifier, over real HTTP, without credentials and with
// an account manager's token (as Bearer and as the Basic login a browser sends): each refused, nothing changed.
import { afterEach, describe, expect, it } from "vitest";
import { alertJobId } from "@churnwatch/contracts";
import { cleanupHarnesses, OPS_TOKEN, startHarness } from "./testSupport/harness.ts";

afterEach(cleanupHarnesses);

const basic = (token: string) => `Basic ${Buffer.from(`anyone:${token}`).toString("base64")}`;

describe("the queue dashboard is operations-only", () => {
  it("refuses every mutating dashboard route to anyone but operations, and changes nothing", async () => {
    const h = await startHarness();
    const n = h.notification({ level: "high" });
    await h.enqueue(n);
    await h.decided(n);
    const jobId = alertJobId(n.notificationId);
    const counts = await h.alertQueue.getJobCounts();

    const mutating = h.notifier.apiRoutes().filter((r) => r.url.startsWith("/ops/queues") && !["GET", "HEAD", "OPTIONS"].includes(r.method));
    // bull-board's API: pause and resume, retry, clean, promote, empty, obliterate, add, edit, schedulers.
    expect(mutating.length).toBeGreaterThan(15);
    expect(mutating.map((r) => r.method)).toEqual(expect.arrayContaining(["PUT", "POST", "PATCH"]));
    const path = (url: string) =>
      url
        .replace(":queueName", encodeURIComponent(h.config.queueName))
        .replace(":jobId", encodeURIComponent(jobId))
        .replace(":queueStatus", "completed")
        .replace(":schedulerId", "any");
    const callers: Record<string, string | undefined> = {
      nobody: undefined,
      "an account manager's bearer token": `Bearer ${h.ownerToken}`,
      "an account manager's token as Basic login": basic(h.ownerToken),
      "a wrong Basic password": basic(`${OPS_TOKEN}x`),
    };
    const base = `http://127.0.0.1:${h.notifier.apiPort()}`;
    for (const route of mutating) {
      for (const [who, authorization] of Object.entries(callers)) {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (authorization) headers.authorization = authorization;
        const res = await fetch(`${base}${path(route.url)}`, { method: route.method, headers, body: "{}" });
        const body = await res.text();
        expect(res.status, `${route.method} ${route.url} by ${who}`).toBe(401);
        expect(body, `${route.method} ${route.url} by ${who}`).not.toContain(h.config.queueName);
      }
    }
    expect(await h.alertQueue.isPaused()).toBe(false);
    expect(await h.alertQueue.getJobState(jobId)).toBe("completed");
    expect(await h.alertQueue.getJobCounts()).toEqual(counts);

    // The same request with an operations token does change the queue: the routes above were real.
    const pause = await fetch(`${base}/ops/queues/api/queues/${encodeURIComponent(h.config.queueName)}/pause`, {
      method: "PUT",
      headers: { authorization: basic(OPS_TOKEN), "content-type": "application/json" },
      body: "{}",
    });
    await pause.text();
    expect(pause.status).toBeLessThan(300);
    expect(await h.alertQueue.isPaused()).toBe(true);
  });
});
