import { z } from "zod";

/**
 * The wire contract: every event other systems produce to Churnwatch.
 * Amounts are decimal numbers or decimal strings in major units; they are never summed as floats
 * (the engine converts them to integer minor units).
 */
export const SCHEMA_VERSION = 1 as const;

const id = z.string().min(1).max(200);
const isoWithOffset = z.iso.datetime({ offset: true });
export const decimalAmount = z.union([
  z.number().finite().nonnegative().max(1e15),
  z.string().regex(/^\d{1,15}(\.\d{1,6})?$/, "a non-negative decimal string such as \"1250.50\""),
]);
const currency = z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as CNY");

export const tiers = ["strategic", "partner", "ordinary"] as const;
export const tierSchema = z.enum(tiers);
export type Tier = z.infer<typeof tierSchema>;
export const localeSchema = z.enum(["zh-CN", "en"]);
export type Locale = z.infer<typeof localeSchema>;
export const severities = ["low", "medium", "high", "critical"] as const;
export const interactionKinds = ["visit", "call", "meeting", "email"] as const;
export const interactionDirections = ["outbound", "inbound"] as const;
export const severitySchema = z.enum(severities);
export type Severity = z.infer<typeof severitySchema>;

/**
 * Zones Intl has accepted. Building a DateTimeFormat costs tens of microseconds, more than the rest of an
 * account event's validation, and a portfolio names a few dozen zones; so each is tried once. Bounded,
 * since a producer sending garbage must not grow it (refused names are never kept).
 */
const knownZones = new Set<string>();
const timezone = z.string().refine(
  (tz) => {
    if (knownZones.has(tz)) return true;
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
    } catch {
      return false;
    }
    if (knownZones.size < 1_000) knownZones.add(tz);
    return true;
  },
  { message: "an IANA timezone such as Asia/Shanghai" },
);

/**
 * Someone Churnwatch emails. Locale and timezone default to the account's: they decide the email's
 * language and when its quiet hours and business days fall.
 */
const person = z.object({
  name: z.string().min(1).max(200),
  email: z.email(),
  locale: localeSchema.optional(),
  timezone: timezone.optional(),
});

export const eventData = {
  "account.upserted": z.object({
    name: z.string().min(1).max(300),
    tier: tierSchema,
    owner: person,
    manager: person.optional(),
    /** The executive sponsor: the last rung of the escalation ladder for strategic accounts. */
    sponsor: person.optional(),
    region: z.string().min(1).max(100),
    timezone,
    currency,
    locale: localeSchema,
  }),
  "order.placed": z.object({
    orderId: id,
    amount: decimalAmount,
    currency,
    grossMargin: z.number().min(-1).max(1).optional(),
    categories: z.array(z.string().min(1).max(100)).max(100).optional(),
  }),
  "order.cancelled": z.object({ orderId: id }),
  "invoice.issued": z.object({ invoiceId: id, amount: decimalAmount, currency, dueAt: isoWithOffset }),
  "payment.received": z.object({ invoiceId: id, amount: decimalAmount }),
  "complaint.opened": z.object({
    complaintId: id,
    severity: severitySchema,
    category: z.string().min(1).max(100),
    text: z.string().max(10_000),
  }),
  "complaint.resolved": z.object({
    complaintId: id,
    satisfaction: z.number().int().min(1).max(5).optional(),
  }),
  /**
   * A contact with the account logged in the CRM: "no contact, no response" is a defection sign, regular
   * visits (走访制度) its remedy. The contact person's name is personal data: the engine keeps neither it nor
   * the note, and nothing logs them.
   */
  "interaction.logged": z.object({
    interactionId: id,
    kind: z.enum(interactionKinds),
    direction: z.enum(interactionDirections),
    contact: z.object({ name: z.string().min(1).max(200), role: z.string().min(1).max(200).optional() }).optional(),
    answered: z.boolean().optional().describe("Outbound only: whether the customer responded; left out, the contact counts as made"),
    note: z.string().max(2000).optional(),
  }).refine((d) => d.direction === "outbound" || d.answered === undefined, {
    // An inbound contact is the customer responding: an answer flag on it would be a producer's mix-up.
    message: "answered is for outbound contacts only (an inbound contact is the customer's own)",
    path: ["answered"],
  }),
} as const;

export type EventType = keyof typeof eventData;
export const eventTypes = Object.keys(eventData) as EventType[];

function envelope<T extends EventType>(type: T) {
  return z.object({
    eventId: id.describe("Idempotency key: the same eventId is counted once"),
    type: z.literal(type),
    accountId: id,
    occurredAt: isoWithOffset.describe("ISO 8601 with an offset, e.g. 2026-03-02T09:15:00+08:00"),
    schemaVersion: z.literal(SCHEMA_VERSION),
    data: eventData[type],
  });
}

export const eventSchemas = {
  "account.upserted": envelope("account.upserted"),
  "order.placed": envelope("order.placed"),
  "order.cancelled": envelope("order.cancelled"),
  "invoice.issued": envelope("invoice.issued"),
  "payment.received": envelope("payment.received"),
  "complaint.opened": envelope("complaint.opened"),
  "complaint.resolved": envelope("complaint.resolved"),
  "interaction.logged": envelope("interaction.logged"),
} as const;

export const churnEventSchema = z.discriminatedUnion("type", [
  eventSchemas["account.upserted"],
  eventSchemas["order.placed"],
  eventSchemas["order.cancelled"],
  eventSchemas["invoice.issued"],
  eventSchemas["payment.received"],
  eventSchemas["complaint.opened"],
  eventSchemas["complaint.resolved"],
  eventSchemas["interaction.logged"],
]);

export type ChurnEvent = z.infer<typeof churnEventSchema>;
export type EventOf<T extends EventType> = Extract<ChurnEvent, { type: T }>;
export type AccountProfile = EventOf<"account.upserted">["data"];
