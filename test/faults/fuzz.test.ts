// Property-based fuzzing of the two pure input boundaries: the event decoder the signal worker runs on every
// Kafka message (decodeEvent, packages/contracts) and the alert email renderer (services/notifier/src/render).
// Runs × cases are printed per property and reported in docs/reliability.md.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  alertNotificationSchema,
  decodeEvent,
  eventTypes,
  levels,
  ruleIds,
  signalIds,
  unitSchema,
  type AlertNotification,
  type ChurnEvent,
  type Evidence,
} from "@churnwatch/contracts";
import { renderAlertEmail } from "../../services/notifier/src/render/index.ts";
import { sampleNotification } from "../../services/notifier/src/fixtures.ts";
import { accountUpserted, orderPlaced } from "../support/events.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const REASONS = new Set(["oversize", "bad-json", "unknown-type", "schema"]);

/** Asserts one decode result is either an event or a refusal with a known reason and a non-empty detail. */
function wellFormed(value: Buffer | null, maxBytes?: number) {
  const result = decodeEvent(value, maxBytes);
  if (result.ok) return result;
  expect(REASONS.has(result.reason), result.reason).toBe(true);
  expect(typeof result.detail).toBe("string");
  expect(result.detail.length).toBeGreaterThan(0);
  return result;
}

const now = Date.parse("2026-03-02T01:15:00Z");
const validEvents: ChurnEvent[] = [
  accountUpserted("acc-fuzz", now - 86_400_000),
  orderPlaced("acc-fuzz", now, "1234.50"),
  { eventId: "p-1", type: "payment.received", accountId: "acc-fuzz", occurredAt: "2026-03-02T09:15:00+08:00", schemaVersion: 1, data: { invoiceId: "inv-1", amount: "10.00", currency: "CNY" } } as ChurnEvent,
  { eventId: "c-1", type: "complaint.opened", accountId: "acc-fuzz", occurredAt: "2026-03-02T09:15:00+08:00", schemaVersion: 1, data: { complaintId: "c-1", severity: "high", category: "delivery", text: "late" } } as ChurnEvent,
];

/** Any JSON value, deep enough to reach nested schemas. */
const jsonValue = fc.jsonValue({ maxDepth: 4 });

/** A valid event with one field (top level or inside data) replaced by an arbitrary JSON value, or removed. */
const mutatedEvent = fc
  .tuple(fc.constantFrom(...validEvents), fc.boolean(), fc.nat(), fc.option(jsonValue, { nil: undefined }))
  .map(([event, inData, pick, replacement]) => {
    const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown> & { data: Record<string, unknown> };
    const target: Record<string, unknown> = inData ? copy.data : copy;
    const keys = Object.keys(target);
    const key = keys[pick % keys.length] ?? "eventId";
    if (replacement === undefined) delete target[key];
    else target[key] = replacement;
    return { text: JSON.stringify(copy), field: `${inData ? "data." : ""}${key}`, removed: replacement === undefined };
  });

describe("fuzz: the event decoder (the signal worker's validation path)", () => {
  it(`never throws on arbitrary bytes, and refuses each with a reason (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        wellFormed(Buffer.from(bytes));
      }),
      { numRuns: RUNS },
    );
    expect(wellFormed(null).ok).toBe(false);
  });

  it(`never throws on arbitrary JSON; a value without a known type is refused as unknown-type (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        const result = wellFormed(Buffer.from(JSON.stringify(value) ?? "null"));
        const type = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as { type?: unknown }).type : undefined;
        if (typeof type !== "string" || !(eventTypes as string[]).includes(type)) {
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.reason).toBe("unknown-type");
        }
      }),
      { numRuns: RUNS },
    );
  });

  it(`refuses a valid event missing a required field, and never throws on any field replaced (${RUNS} cases)`, () => {
    const required = new Set(["eventId", "type", "accountId", "occurredAt", "schemaVersion", "data"]);
    fc.assert(
      fc.property(mutatedEvent, ({ text, field, removed }) => {
        const result = wellFormed(Buffer.from(text));
        if (removed && required.has(field)) expect(result.ok, `${field} removed`).toBe(false);
        // Whatever is accepted is a well-formed event that survives a round trip unchanged.
        if (result.ok) expect(decodeEvent(Buffer.from(JSON.stringify(result.event)))).toEqual(result);
      }),
      { numRuns: RUNS },
    );
  });

  it(`refuses text that is not JSON as bad-json and anything over the limit as oversize (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 256, max: 4096 }), (s, limit) => {
        const notJson = wellFormed(Buffer.from(`{${s}`));
        expect(notJson.ok).toBe(false);
        if (!notJson.ok && notJson.reason !== "unknown-type") expect(notJson.reason).toBe("bad-json");
        const big = Buffer.from(JSON.stringify({ ...validEvents[1], pad: s.padEnd(limit + 1, "x") }));
        const over = wellFormed(big, limit);
        expect(over.ok).toBe(false);
        if (!over.ok) expect(over.reason).toBe("oversize");
      }),
      { numRuns: RUNS },
    );
  });
});

/** Strings that mix markup, quotes, control characters and any unicode. */
const hostile = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</td></tr></table><script>", "javascript:alert(1)", "&lt;script&gt;", "\r\nBcc: x@y.z", "<svg/onload=1>", "\u202e<scr\u0000ipt>"),
  fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom("<script", "<iframe", "<a href='x'>", "<style>", "<!--")).map(([a, b]) => a + b + a),
);
const numberish = fc.oneof(hostile, fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.integer().map(String));

const evidence: fc.Arbitrary<Evidence> = fc.record(
  {
    signal: fc.constantFrom(...signalIds),
    unit: fc.constantFrom(...unitSchema.options),
    value: numberish,
    baseline: numberish,
    threshold: numberish,
    windowDays: fc.integer({ min: 1, max: 3650 }),
    changePct: fc.double({ noNaN: true, noDefaultInfinity: true }),
  },
  { requiredKeys: ["signal", "unit", "value"] },
);

const notification: fc.Arbitrary<AlertNotification> = fc
  .record({
    name: hostile,
    owner: hostile,
    accountId: hostile.filter((s) => s.length > 0),
    region: hostile,
    currency: fc.oneof(fc.constantFrom("CNY", "USD", "EUR", "JPY"), hostile),
    locale: fc.constantFrom("en" as const, "zh-CN" as const),
    rule: fc.constantFrom(...ruleIds),
    level: fc.constantFrom(...levels),
    kind: fc.constantFrom("firing" as const, "escalated" as const, "resolved" as const),
    evidence: fc.array(evidence, { minLength: 1, maxLength: 4 }),
  })
  .map((r) =>
    sampleNotification({
      accountId: r.accountId,
      rule: r.rule,
      level: r.level,
      kind: r.kind,
      evidence: r.evidence,
      account: { name: r.name, region: r.region, currency: r.currency, locale: r.locale, owner: { name: r.owner, email: "li.wei@example.com" } },
    }),
  );

const tagsOf = (html: string) => new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => (m[1] ?? "").toLowerCase()));
const renderOpts = { accountUrl: "http://localhost:8080/accounts/acc-42?exp=1775000000&sig=ab", linkExpiresAt: "2026-03-16T01:15:00Z" };

describe("fuzz: the alert email renderer", () => {
  // The markup the renderer itself writes, whatever the inputs: every tag found in a fuzzed email must be one of these.
  const ownTags = new Set<string>();
  for (const locale of ["en", "zh-CN"] as const) {
    for (const n of [sampleNotification({ account: { locale } }), sampleNotification({ kind: "resolved", account: { locale } })]) {
      for (const t of tagsOf(renderAlertEmail(n, { ...renderOpts, complaints: [{ category: "delivery", severity: "high", text: "late", at: "2026-03-01T00:00:00Z" }] }).html)) ownTags.add(t);
    }
  }

  it(`never throws on arbitrary account names, owners, ids and evidence, and injects no markup (${RUNS} cases)`, () => {
    expect(ownTags.has("script")).toBe(false);
    fc.assert(
      fc.property(notification, fc.array(fc.record({ category: hostile, severity: hostile, text: hostile, at: fc.constant("2026-03-01T00:00:00Z") }), { maxLength: 3 }), (n, complaints) => {
        expect(alertNotificationSchema.safeParse(n).success).toBe(true); // only inputs the notifier would accept
        const mail = renderAlertEmail(n, { ...renderOpts, complaints, recipient: { name: n.account.name, locale: n.account.locale, role: "owner" } });
        expect(mail.html).not.toMatch(/<script/i);
        for (const tag of tagsOf(mail.html)) expect(ownTags.has(tag), `tag <${tag}> injected`).toBe(true);
        expect(mail.subject).not.toMatch(/[\r\n]/);
        for (const value of Object.values(mail.headers)) expect(value).not.toMatch(/[\r\n]/);
        expect(mail.text.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });
});
