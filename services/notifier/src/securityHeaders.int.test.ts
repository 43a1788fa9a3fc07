// The security headers (@fastify/helmet) on each kind of route of a real notifier, over real HTTP: the pages
// behind links in emails, the API, refusals and unknown paths, and the queue dashboard, whose page must load
// nothing from outside the notifier.
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { actionUrl } from "./actionLinks.ts";
import { signAccountLink } from "./links.ts";
import { unsubscribeUrl } from "./digest/unsubscribeLinks.ts";
import { cleanupHarnesses, OPS_TOKEN, startHarness, type Harness } from "./testSupport/harness.ts";

afterEach(cleanupHarnesses);

/** A Content-Security-Policy header as directive → sources. */
function csp(res: Response): Map<string, string[]> {
  const header = res.headers.get("content-security-policy");
  expect(header, `no CSP on ${res.url}`).toBeTruthy();
  const directives = new Map<string, string[]>();
  for (const part of (header ?? "").split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name, sources);
  }
  return directives;
}

/** What every response carries, whatever the route. */
function expectCommonHeaders(res: Response) {
  const policy = csp(res);
  expect(policy.get("frame-ancestors"), res.url).toEqual(["'none'"]);
  expect(res.headers.get("x-frame-options"), res.url).toBe("DENY");
  expect(res.headers.get("x-content-type-options"), res.url).toBe("nosniff");
  expect(res.headers.get("referrer-policy"), res.url).toBe("no-referrer");
  // No source anywhere names another origin: nothing loads from outside, whatever a page links.
  for (const [name, sources] of policy) {
    for (const source of sources) expect(source, `${name} on ${res.url}`).toMatch(/^('[a-z-]+'|'sha256-[A-Za-z0-9+/=]+'|data:)$/);
  }
  return policy;
}

/** A page behind a link: no script at all, its stylesheet by hash, no inline style attribute to need more. */
async function expectPageHeaders(res: Response) {
  const policy = expectCommonHeaders(res);
  expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  expect(policy.get("default-src")).toEqual(["'none'"]);
  expect(policy.has("script-src")).toBe(false); // falls back to default-src 'none'
  expect(policy.get("form-action")).toEqual(["'self'"]);
  const html = await res.text();
  const styles = [...html.matchAll(/<style>([^<]*)<\/style>/g)].map((m) => m[1] ?? "");
  expect(styles).toHaveLength(1);
  const hash = `'sha256-${createHash("sha256").update(styles[0] ?? "").digest("base64")}'`;
  expect(policy.get("style-src")).toEqual([hash]);
  expect(html).not.toMatch(/\sstyle=/i);
  expect(html).not.toMatch(/<script/i);
  return html;
}

async function seeded(h: Harness) {
  const n = h.notification({ level: "high" });
  await h.enqueue(n);
  await h.decided(n);
  return n;
}

describe("security headers on every kind of route", () => {
  it("the pages behind links: action, account, unsubscribe, and a refused link", async () => {
    const h = await startHarness();
    const n = await seeded(h);
    const base = `http://127.0.0.1:${h.notifier.apiPort()}`;
    const exp = Math.floor(h.clock.ms / 1000) + 3_600;
    const keys = h.config.linkKeys;

    const action = await fetch(actionUrl(base, { accountId: n.accountId, rule: n.rule, action: "dismiss", recipient: h.owner, exp, alertId: n.alertId }, keys));
    expect(action.status).toBe(200);
    expect(await expectPageHeaders(action)).toContain("<textarea");

    const account = await fetch(signAccountLink({ baseUrl: base, accountId: n.accountId, keys, exp }));
    expect(account.status).toBe(200);
    expect(await expectPageHeaders(account)).toContain('class="alert"');

    const created = await h.api("/api/digests", {
      method: "POST",
      body: JSON.stringify({
        recipient: { name: "Wang Fang", email: `ceo-${h.id}@example.com`, locale: "zh-CN" },
        schedule: { cadence: "daily", time: "08:00", timezone: "Asia/Shanghai" },
      }),
    });
    const { subscription } = (await created.json()) as { subscription: { id: string } };
    const unsubscribe = await fetch(unsubscribeUrl(base, { subscriptionId: subscription.id, recipient: `ceo-${h.id}@example.com` }, keys));
    expect(unsubscribe.status).toBe(200);
    expect(await expectPageHeaders(unsubscribe)).toContain("<form");

    const refused = await fetch(`${base}/actions/not-a-token`);
    expect(refused.status).toBe(403);
    await expectPageHeaders(refused);
  });

  it("the API, its refusals and unknown paths", async () => {
    const h = await startHarness();
    await seeded(h);
    const ok = await h.api("/api/alerts");
    expect(ok.status).toBe(200);
    const refused = await h.api("/api/alerts", { token: "" });
    expect(refused.status).toBe(401);
    const forbidden = await h.api("/api/labels.csv", { token: h.ownerToken });
    expect(forbidden.status).toBe(403);
    const unknown = await h.api("/nothing/here");
    expect(unknown.status).toBe(404);
    for (const res of [ok, refused, forbidden, unknown]) {
      expect(expectCommonHeaders(res).get("default-src"), res.url).toEqual(["'none'"]);
    }
  });

  it("the queue dashboard: its own bundle only, never an inline script", async () => {
    const h = await startHarness();
    const page = await h.api("/ops/queues");
    expect(page.status).toBe(200);
    const policy = expectCommonHeaders(page);
    expect(policy.get("default-src")).toEqual(["'self'"]);
    expect(policy.get("script-src")).toEqual(["'self'"]);
    expect(policy.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    expect(policy.get("connect-src")).toEqual(["'self'"]);
    expect(policy.get("base-uri")).toEqual(["'self'"]);
    // A refusal on the dashboard, and its JSON API, carry the dashboard's headers too.
    const refused = await h.api("/ops/queues", { token: "" });
    expect(refused.status).toBe(401);
    expect(expectCommonHeaders(refused).get("script-src")).toEqual(["'self'"]);
    const api = await h.api("/ops/queues/api/queues");
    expect(api.status).toBe(200);
    expect(expectCommonHeaders(api).get("script-src")).toEqual(["'self'"]);
  });

  it("the queue dashboard's page references nothing outside the notifier, and its assets are served by it", async () => {
    const h = await startHarness();
    const origin = `http://127.0.0.1:${h.notifier.apiPort()}`;
    const page = await h.api("/ops/queues");
    const html = await page.text();
    // Every absolute URL in the page (links, scripts, the embedded config) would be one of ours.
    const absolute = [...html.matchAll(/(?:https?:)?\/\/[^\s"'<>)]+/gi)].map((m) => m[0]);
    expect(absolute.filter((url) => !url.startsWith(origin))).toEqual([]);
    // The bundle it does load: scripts, stylesheets and icons, relative to its <base>, all from the notifier.
    const baseHref = /<base href="([^"]+)"/.exec(html)?.[1];
    expect(baseHref).toBe("/ops/queues/");
    const assets = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(assets.some((a) => a.endsWith(".js"))).toBe(true);
    expect(assets.some((a) => a.endsWith(".css"))).toBe(true);
    for (const asset of assets) {
      const url = new URL(asset, `${origin}${baseHref}`);
      expect(url.origin).toBe(origin);
      const res = await fetch(url, { headers: { authorization: `Bearer ${OPS_TOKEN}` } });
      expect(res.status, url.pathname).toBe(200);
      // Read to the end (an unread body holds the connection open); nor does a stylesheet pull fonts or
      // images from elsewhere.
      const body = await res.text();
      if (url.pathname.endsWith(".css")) expect(body).not.toMatch(/url\(\s*["']?(?:https?:)?\/\/|@import/i);
    }
  });
});
