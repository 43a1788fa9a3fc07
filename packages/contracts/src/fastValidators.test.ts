// The differential test of the fast path: on valid events, near misses and arbitrary JSON, decodeEvent (ajv
// first) must give exactly zod's verdict: the same acceptance, the same reason and detail on a refusal, and an
// accepted event equal to zod's output.
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChurnEvent } from "./events.ts";
import { FAST_TYPES, fastValidator } from "./fastValidators.ts";
import { decodeEvent, decodeWithZod } from "./validate.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const at = "2026-03-02T09:15:00+08:00";
const envelope = { accountId: "acc-1", occurredAt: at, schemaVersion: 1 as const };
const valid: ChurnEvent[] = [
  { ...envelope, eventId: "o-1", type: "order.placed", data: { orderId: "o-1", amount: "1250.50", currency: "CNY", grossMargin: 0.2, categories: ["bearings"] } },
  { ...envelope, eventId: "o-2", type: "order.placed", data: { orderId: "o-2", amount: 99, currency: "USD" } },
  { ...envelope, eventId: "x-1", type: "order.cancelled", data: { orderId: "o-1" } },
  { ...envelope, eventId: "i-1", type: "invoice.issued", data: { invoiceId: "i-1", amount: "10.00", currency: "EUR", dueAt: "2026-04-01T00:00:00Z" } },
  { ...envelope, eventId: "p-1", type: "payment.received", data: { invoiceId: "i-1", amount: "10.00" } },
  { ...envelope, eventId: "c-1", type: "complaint.opened", data: { complaintId: "c-1", severity: "high", category: "delivery", text: "late again" } },
  { ...envelope, eventId: "c-2", type: "complaint.resolved", data: { complaintId: "c-1", satisfaction: 4 } },
];

/** Strings that sit on the edges where two validators could disagree: lengths, astral characters, dates, decimals. */
const edgeString = fc.oneof(
  fc.string({ maxLength: 210 }),
  fc.string({ unit: "grapheme", maxLength: 120 }),
  fc.constantFrom("", "a".repeat(200), "a".repeat(201), "😀".repeat(100), "😀".repeat(101), "😀".repeat(200), "😀".repeat(201), "a\u0301".repeat(100), "CNY", "cny", "CN", "EURO"),
  fc.constantFrom("2026-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "2026-03-02T09:15:00", "2026-03-02T09:15:00.123456+08:00", "2026-13-01T00:00:00Z", "2026-03-02T24:00:00Z", "2026-03-02 09:15:00Z"),
  fc.constantFrom("0", "1.", ".5", "1.1234567", "1000000000000000", "1e3", "-1", "0012.50", " 1"),
);
const edgeNumber = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constantFrom(0, -0, -1, 1, 5, 6, 1.5, 1e15, 1e15 + 2, -1.0000001));
const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), edgeString, edgeNumber, fc.constant(undefined));

/** A valid event with up to three fields replaced (undefined removes), possibly an extra key added. */
const candidate = fc
  .tuple(fc.constantFrom(...valid), fc.array(fc.tuple(fc.boolean(), fc.nat(), value), { maxLength: 3 }), fc.option(fc.tuple(fc.boolean(), fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })), { nil: undefined }))
  .map(([event, edits, extra]) => {
    const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown> & { data: Record<string, unknown> };
    for (const [inData, pick, v] of edits) {
      const target: Record<string, unknown> = inData && typeof copy.data === "object" && copy.data !== null ? copy.data : copy;
      const keys = [...Object.keys(target), "categories", "satisfaction"];
      const key = keys[pick % keys.length] ?? "eventId";
      if (key === "type") continue; // the type decides which validator runs; unknown types are refused before either
      if (v === undefined) delete target[key];
      else target[key] = v;
    }
    if (extra) (extra[0] && typeof copy.data === "object" && copy.data !== null ? copy.data : copy)[extra[1]] = extra[2];
    return JSON.stringify(copy);
  });

describe("the fast event validator (ajv) against zod", () => {
  it(`gives zod's verdict on every near miss: same acceptance, reason and detail, an equal event (${RUNS} cases)`, () => {
    let fast = 0;
    fc.assert(
      fc.property(candidate, (text) => {
        const raw = JSON.parse(text) as { type: (typeof FAST_TYPES)[number] };
        const reference = decodeWithZod(JSON.parse(text));
        const decoded = decodeEvent(Buffer.from(text));
        expect(decoded).toEqual(reference);
        const unchanged = reference.ok && isDeepStrictEqual(reference.event, JSON.parse(text));
        // Exactly: ajv accepts what zod accepts unchanged (no key stripped, nothing coerced), and nothing else.
        const validate = fastValidator(raw.type);
        const fastOk = validate?.(JSON.parse(text)) === true;
        expect(fastOk, `${text} ajv: ${JSON.stringify(validate?.errors)}`).toBe(unchanged);
        if (unchanged) fast++;
      }),
      { numRuns: RUNS },
    );
    // Not vacuous: a good share of the cases are valid events that take the fast path.
    expect(fast).toBeGreaterThan(RUNS / 20);
  });

  it("takes the fast path for each compiled type's valid events, and leaves accounts and interactions to zod", () => {
    for (const e of valid) expect(fastValidator(e.type)?.(JSON.parse(JSON.stringify(e))), e.type).toBe(true);
    expect(fastValidator("account.upserted")).toBeUndefined();
    // Lengths in code points, as zod counts them: 200 emoji (400 UTF-16 units) are at the limit, 201 over it.
    const astral = (n: number) => ({ ...valid[2], eventId: "😀".repeat(n) });
    expect(fastValidator("order.cancelled")?.(astral(200))).toBe(true);
    expect(decodeWithZod(astral(200)).ok).toBe(true);
    expect(fastValidator("order.cancelled")?.(astral(201))).toBe(false);
    expect(decodeWithZod(astral(201)).ok).toBe(false);
    expect(fastValidator("interaction.logged")).toBeUndefined();
    // An unknown key: zod strips it and accepts, the generated schema forbids it, so zod decides.
    const extra = { ...valid[0], data: { ...(valid[0]?.data ?? {}), note: "x" } };
    expect(fastValidator("order.placed")?.(extra)).toBe(false);
    const decoded = decodeEvent(Buffer.from(JSON.stringify(extra)));
    expect(decoded.ok && "note" in decoded.event.data).toBe(false);
  });
});
