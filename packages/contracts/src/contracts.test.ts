import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { alertNotificationSchema, decodeEvent, eventTypes, groupNotifications } from "./index.ts";
import { renderSchemaFiles, schemasDir } from "./writeSchemas.ts";

const example = {
  eventId: "e-81f3",
  type: "order.placed",
  accountId: "acc-042",
  occurredAt: "2026-03-02T09:15:00+08:00",
  schemaVersion: 1,
  data: { orderId: "o-9921", amount: 125000.5, currency: "CNY", grossMargin: 0.23, categories: ["packaging"] },
};
const bytes = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v));

describe("decodeEvent", () => {
  it("accepts the documented example line", () => {
    const r = decodeEvent(bytes(example));
    expect(r.ok && r.event.type === "order.placed" && r.event.data.amount).toBe(125000.5);
  });

  it("accepts decimal strings and keeps optional fields optional", () => {
    const r = decodeEvent(bytes({ ...example, data: { orderId: "o-1", amount: "99.95", currency: "USD" } }));
    expect(r.ok).toBe(true);
  });

  it.each([
    ["bad-json", "{not json"],
    ["bad-json", null],
    ["unknown-type", { ...example, type: "order.exploded" }],
    ["schema", { ...example, occurredAt: "2026-03-02 09:15" }],
    ["schema", { ...example, occurredAt: "2026-03-02T09:15:00" }],
    ["schema", { ...example, data: { ...example.data, amount: -5 } }],
    ["schema", { ...example, data: { ...example.data, amount: "1e5" } }],
    ["schema", { ...example, schemaVersion: 2 }],
  ])("rejects with reason %s: %j", (reason, input) => {
    const r = decodeEvent(input === null ? null : bytes(input));
    expect(r.ok ? "accepted" : r.reason).toBe(reason);
  });

  it("rejects an oversize message before parsing it", () => {
    const r = decodeEvent(Buffer.alloc(2_000, 32), 1_000);
    expect(r.ok ? "accepted" : r.reason).toBe("oversize");
  });

  it("rejects an invalid timezone on account.upserted with a readable message", () => {
    const r = decodeEvent(
      bytes({
        ...example,
        type: "account.upserted",
        data: { name: "A", tier: "strategic", owner: { name: "Li", email: "li@x.example" }, region: "East", timezone: "Mars/Olympus", currency: "CNY", locale: "zh-CN" },
      }),
    );
    expect(r.ok ? "" : r.detail).toContain("IANA timezone");
  });
});

describe("interaction.logged", () => {
  const call = {
    eventId: "crm-1",
    type: "interaction.logged",
    accountId: "acc-042",
    occurredAt: "2026-04-02T15:05:00+08:00",
    schemaVersion: 1,
    data: { interactionId: "call-1", kind: "call", direction: "outbound", answered: false },
  };
  const withData = (data: Record<string, unknown>) => ({ ...call, data: { ...call.data, ...data } });

  it("accepts a bare contact, and one with its person, answer and note", () => {
    expect(decodeEvent(bytes({ ...call, data: { interactionId: "v-1", kind: "visit", direction: "inbound" } })).ok).toBe(true);
    const r = decodeEvent(bytes(withData({ kind: "meeting", answered: true, contact: { name: "Chen Jing", role: "buyer" }, note: "x".repeat(2000) })));
    expect(r.ok && r.event.type === "interaction.logged" && r.event.data.contact?.role).toBe("buyer");
  });

  it.each([
    ["an unknown kind", withData({ kind: "fax" }), "data.kind"],
    ["an unknown direction", withData({ direction: "sideways" }), "data.direction"],
    ["no interactionId", { ...call, data: { kind: "call", direction: "outbound" } }, "data.interactionId"],
    ["a contact without a name", withData({ contact: { role: "buyer" } }), "data.contact.name"],
    ["a note over 2,000 chars", withData({ note: "x".repeat(2001) }), "data.note"],
    ["an answer flag on an inbound contact", withData({ direction: "inbound", answered: true }), "data.answered"],
  ])("refuses %s, saying where", (_what, input, where) => {
    const r = decodeEvent(bytes(input));
    expect(r.ok ? "accepted" : r.reason).toBe("schema");
    expect(r.ok ? "" : r.detail).toContain(where);
  });

  it("drops unknown fields, as for every event (the JSON Schemas forbid them)", () => {
    const r = decodeEvent(bytes(withData({ mood: "grumpy", contact: { name: "Chen Jing", phone: "138" } })));
    expect(r.ok && r.event.data).toEqual({ interactionId: "call-1", kind: "call", direction: "outbound", answered: false, contact: { name: "Chen Jing" } });
  });

  it("never repeats the contact person's name in a refusal (personal data reaches the dead-letter headers)", () => {
    const r = decodeEvent(bytes(withData({ contact: { name: "Chen Jing", role: "" } })));
    expect(r.ok ? "accepted" : r.reason).toBe("schema");
    expect(r.ok ? "" : r.detail).not.toContain("Chen Jing");
  });
});

describe("published JSON Schemas", () => {
  it("docs/schemas matches the zod contract (run `pnpm schemas` after changing it)", () => {
    const files = renderSchemaFiles();
    expect(Object.keys(files)).toHaveLength(eventTypes.length);
    for (const [name, text] of Object.entries(files)) {
      expect(readFileSync(join(schemasDir, name), "utf8"), name).toBe(text);
    }
  });
});

describe("groupNotifications", () => {
  const base = {
    kind: "firing" as const,
    accountId: "acc-1",
    firedAt: "2026-03-02T01:15:00.000Z",
    evaluatedAt: "2026-03-02T01:15:00.000Z",
    configVersion: "v",
    evidence: [{ signal: "orders.value" as const, unit: "money" as const, value: "1" }],
    eventIds: [],
    account: { name: "A", locale: "en" as const },
  };
  const n = (rule: "purchases.decline" | "complaints.spike" | "payments.overdue", level: "medium" | "high", score: number) => ({
    ...base,
    notificationId: `acc-1:${rule}:1:${level}`,
    alertId: `acc-1:${rule}:1`,
    rule,
    level,
    score,
  });

  it("sends one email per account: the most serious alert leads, the others ride along", () => {
    const grouped = groupNotifications([n("purchases.decline", "medium", 45), n("complaints.spike", "high", 70), n("payments.overdue", "medium", 50)]);
    expect(grouped).toHaveLength(1);
    expect(grouped[0]?.notificationId).toBe("acc-1:complaints.spike:1:high");
    expect(grouped[0]?.related?.map((r) => r.rule)).toEqual(["payments.overdue", "purchases.decline"]);
    expect(alertNotificationSchema.safeParse(grouped[0]).success).toBe(true);
  });

  it("leaves a single notification as it is", () => {
    const one = n("purchases.decline", "medium", 45);
    expect(groupNotifications([one])).toEqual([one]);
  });
});
