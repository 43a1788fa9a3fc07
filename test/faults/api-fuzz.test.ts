// Property-based fuzzing of the notifier's HTTP inputs on a real notifier (Redis, Kafka, an SMTP sink): random
// paths, path segments, query strings and bodies (JSON, form, garbage) on every route, with an operations token,
// an account manager's token, a bad token or none. Every answer must be a 2xx/3xx/4xx, never a 5xx.
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { ruleIds } from "@churnwatch/contracts";
import { cleanupHarnesses, OPS_TOKEN, startHarness } from "../../services/notifier/src/testSupport/harness.ts";

afterEach(cleanupHarnesses);

const RUNS = Number(process.env.FUZZ_API_RUNS ?? 500);

const segment = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.constantFrom("..", "%", "%00", "%zz", "a%2Fb", "<script>", "' OR 1=1 --", "\u0000", "x".repeat(300), ...ruleIds),
);
const scalar = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("firing", "high", "strategic", "2026-03-04T02:00:00Z", "1e309", "-1", "", "true"));
const query = fc.dictionary(fc.oneof(fc.constantFrom("state", "level", "owner", "tier", "region", "exp", "sig", "kid", "action", "until"), fc.string({ maxLength: 10 })), fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })), { maxKeys: 5 });
const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ until: scalar, untilWorse: fc.oneof(fc.boolean(), scalar), reason: scalar, churnedAt: scalar, note: scalar }, { requiredKeys: [] }),
  fc.record({ email: scalar, name: scalar, locale: scalar, cadence: scalar, time: scalar, timezone: scalar, weekday: scalar, filters: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }),
);
type Body = { kind: "none" } | { kind: "json"; value: unknown } | { kind: "form"; value: Record<string, string> } | { kind: "raw"; text: string; type: string };
const body: fc.Arbitrary<Body> = fc.oneof(
  fc.constant<Body>({ kind: "none" }),
  jsonBody.map<Body>((value) => ({ kind: "json", value })),
  fc.dictionary(fc.constantFrom("action", "until", "reason", "untilWorse", "confirm"), fc.string({ maxLength: 20 }), { maxKeys: 3 }).map<Body>((value) => ({ kind: "form", value })),
  fc.tuple(fc.string({ maxLength: 200 }), fc.constantFrom("application/json", "application/x-www-form-urlencoded", "text/plain", "application/xml", "multipart/form-data")).map<Body>(([text, type]) => ({ kind: "raw", text, type })),
);
const enc = (s: string) => (s === "%" || s.startsWith("%") ? s : encodeURIComponent(s));

describe("fuzz: the notifier's API inputs", () => {
  it(`answers random paths, queries and bodies with a 4xx, never a 5xx (${RUNS} requests)`, async () => {
    const h = await startHarness();
    const n = h.notification({ level: "high", notificationId: `acc-${h.id}:purchases.decline:1772414100000:high` });
    await h.enqueue(n);
    await h.decided(n);
    const account = fc.oneof(fc.constant(n.accountId), segment);
    const rule = fc.oneof(fc.constant(n.rule), fc.constantFrom(...ruleIds), segment);
    const m = (...methods: string[]) => fc.constantFrom(...methods);
    // Each route with the methods it serves, so most requests get past routing to validation; one in six is
    // any path with any method.
    const route = fc.oneof(
      fc.tuple(m("GET"), fc.constant("/api/alerts")),
      fc.tuple(m("GET"), fc.constant("/api/alerts"), account, rule),
      fc.tuple(m("POST"), fc.constant("/api/alerts"), account, rule, fc.constantFrom("acknowledge", "snooze", "dismiss")),
      fc.tuple(m("GET"), fc.constant("/api/accounts"), account, fc.constant("history")),
      fc.tuple(m("POST"), fc.constant("/api/accounts"), account, fc.constant("defection")),
      fc.tuple(m("GET"), fc.constant("/api/labels.csv")),
      fc.tuple(m("GET", "POST"), fc.constant("/api/digests")),
      fc.tuple(m("GET", "PUT", "DELETE"), fc.constant("/api/digests"), segment),
      fc.tuple(m("GET"), fc.constant("/api/digests"), segment, fc.constant("preview")),
      fc.tuple(m("GET"), fc.constant("/accounts"), account),
      fc.tuple(m("GET", "POST"), fc.constant("/actions"), segment),
      fc.tuple(m("GET", "POST"), fc.constant("/digests/unsubscribe"), segment),
      fc.tuple(m("GET", "POST", "PUT", "DELETE", "PATCH"), fc.constant(""), fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.map(enc).join("/"))),
    );
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        route,
        query,
        body,
        fc.oneof({ arbitrary: fc.constant(OPS_TOKEN), weight: 4 }, { arbitrary: fc.constant(h.ownerToken), weight: 2 }, fc.constant(""), fc.constant("not-a-token-but-long-enough-0000")),
        async ([method, head, ...rest], q, b, token) => {
          const params = new URLSearchParams();
          for (const [k, v] of Object.entries(q)) for (const one of [v].flat()) params.append(k, one);
          const path = `${[head, ...(head === "" ? rest : rest.map(enc))].join("/")}${params.size > 0 ? `?${params}` : ""}`;
          const init: RequestInit & { token?: string } = { method, token };
          if (method !== "GET" && b.kind !== "none") {
            if (b.kind === "json") init.body = JSON.stringify(b.value) ?? "null";
            else if (b.kind === "form") Object.assign(init, { body: new URLSearchParams(b.value).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
            else Object.assign(init, { body: b.text, headers: { "content-type": b.type } });
          }
          const res = await h.api(path, init);
          await res.arrayBuffer();
          seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
          expect(res.status, `${method} ${path} ${JSON.stringify(b)}`).toBeLessThan(500);
        },
      ),
      { numRuns: RUNS },
    );
    // The fuzz reached past authentication and validation, not only 401s.
    console.log(`api fuzz: ${RUNS} requests, statuses ${JSON.stringify(Object.fromEntries([...seen].sort((a, b) => a[0] - b[0])))}`);
    expect([...seen.keys()].some((s) => s === 400)).toBe(true);
    expect([...seen.keys()].some((s) => s >= 200 && s < 300)).toBe(true);
  });
});
