// Every route the running notifier registers, walked without credentials under every spelling of its
// path a router might fold onto it: each is refused (401/403/404) and names no account, person or queue.
// A route added later without an access declaration, or a check moved back onto the raw URL, fails here.
import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { cleanupHarnesses, OPS_TOKEN, startHarness, type Harness } from "./testSupport/harness.ts";

afterEach(cleanupHarnesses);

/** Sends the path byte for byte: fetch() would resolve dot segments before they reach the server. */
function raw(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = method === "POST" || method === "PUT" || method === "PATCH" ? "{}" : undefined;
    const req = request({ host: "127.0.0.1", port, method, path, headers: body ? { ...headers, "content-type": "application/json" } : headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

const encodeFirst = (segment: string, upper: boolean) => {
  const hex = segment.charCodeAt(0).toString(16);
  return `%${upper ? hex.toUpperCase() : hex}${segment.slice(1)}`;
};

/** The path as written, and the spellings that decode, fold or normalise to it somewhere. */
export function spellings(path: string): string[] {
  const segments = path.split("/").slice(1);
  const at = (i: number, f: (s: string) => string) => `/${segments.map((s, j) => (j === i && s ? f(s) : s)).join("/")}`;
  const out = new Set<string>([path]);
  segments.forEach((_, i) => {
    out.add(at(i, (s) => encodeFirst(s, false)));
    out.add(at(i, (s) => encodeFirst(s, true)));
    out.add(at(i, (s) => s.toUpperCase()));
    out.add(at(i, (s) => s[0]?.toUpperCase() + s.slice(1)));
  });
  out.add(`/${segments.map((s) => encodeFirst(s || "x", true)).join("/")}`);
  out.add(`/${path}`);
  out.add(path.replace(/\/(?=[^/]*$)/, "//"));
  out.add(`/.${path}`);
  out.add(`/x/..${path}`);
  out.add(`/%2e${path}`);
  out.add(`/x/%2e%2e${path}`);
  out.add(`${path}/`);
  out.add(`${path}/.`);
  out.add(`${path}?`);
  return [...out];
}

async function seeded(h: Harness) {
  const n = h.notification({ level: "high" });
  await h.enqueue(n);
  await h.decided(n);
  const created = await h.api("/api/digests", {
    method: "POST",
    body: JSON.stringify({
      recipient: { name: "Wang Fang", email: `ceo-${h.id}@example.com`, locale: "en" },
      schedule: { cadence: "daily", time: "08:00", timezone: "Asia/Shanghai" },
    }),
  });
  expect(created.status).toBe(201);
  const { subscription } = (await created.json()) as { subscription: { id: string } };
  return { n, subscriptionId: subscription.id };
}

describe("every route refuses a caller without credentials", () => {
  it("under every spelling of its path", async () => {
    const h = await startHarness();
    const { n, subscriptionId } = await seeded(h);
    const port = h.notifier.apiPort() ?? 0;
    const routes = h.notifier.apiRoutes();
    // The walk must cover the routes a bypass would open: the API, the dashboard, the link pages.
    expect(routes.length).toBeGreaterThan(15);
    for (const url of ["/api/alerts", "/api/labels.csv", "/ops/queues", "/ops/queues/api/queues", "/actions/:token", "/accounts/:accountId", "/api/digests/:id"]) {
      expect(routes.map((r) => r.url)).toContain(url);
    }

    // What a leak would show: the account, its people, its alert, the queues and the subscriber.
    const secrets = [n.accountId, n.account.name, h.owner, h.manager, n.alertId, h.config.queueName, h.config.emailQueueName, `ceo-${h.id}`];
    const fill = (url: string) =>
      url
        .replaceAll(":accountId", encodeURIComponent(n.accountId))
        .replaceAll(":rule", n.rule)
        .replaceAll(":token", "v1.not-a-signed-token")
        .replaceAll(":id", subscriptionId)
        .replace(/:[A-Za-z]+/g, "x")
        .replace(/\*$/, "index.js");

    const opened: string[] = [];
    let requests = 0;
    for (const route of routes) {
      if (route.method === "OPTIONS") continue;
      for (const path of spellings(fill(route.url))) {
        const res = await raw(port, route.method, path).catch((err: unknown) => {
          throw new Error(`${route.method} ${path}: ${String(err)}`);
        });
        requests++;
        const leaked = secrets.filter((s) => res.body.includes(s));
        if (![401, 403, 404].includes(res.status) || leaked.length > 0) opened.push(`${route.method} ${path} -> ${res.status}${leaked.length ? ` leaks ${leaked.join(", ")}` : ""}`);
      }
    }
    expect(opened).toEqual([]);
    expect(requests).toBeGreaterThan(routes.length * 10);

    // The same walk with credentials reaches data, so the refusals above are the check's, not a broken route.
    const ops = { authorization: `Bearer ${OPS_TOKEN}` };
    expect((await raw(port, "GET", "/%61pi/alerts", ops)).body).toContain(n.accountId);
    expect((await raw(port, "GET", "/%6Fps/queues/api/queues", ops)).body).toContain(h.config.queueName);
  });
});
