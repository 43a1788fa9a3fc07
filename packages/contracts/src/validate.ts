import { z } from "zod";
import { churnEventSchema, eventTypes, type ChurnEvent, type EventType } from "./events.ts";
import { fastValidator } from "./fastValidators.ts";

export const MAX_EVENT_BYTES = 64 * 1024;

export type InvalidReason = "oversize" | "bad-json" | "unknown-type" | "schema";

export type DecodeResult =
  | { ok: true; event: ChurnEvent }
  | { ok: false; reason: InvalidReason; detail: string };

/** Decodes one message value. Never throws: every failure is a reason a dead letter can carry. */
export function decodeEvent(value: Buffer | null, maxBytes = MAX_EVENT_BYTES): DecodeResult {
  if (value === null) return { ok: false, reason: "bad-json", detail: "empty message (null value)" };
  if (value.byteLength > maxBytes) {
    return { ok: false, reason: "oversize", detail: `${value.byteLength} bytes exceeds the ${maxBytes}-byte limit` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(value.toString("utf8"));
  } catch (err) {
    return { ok: false, reason: "bad-json", detail: (err as Error).message };
  }
  const type = typeof raw === "object" && raw !== null ? (raw as { type?: unknown }).type : undefined;
  if (typeof type !== "string" || !(eventTypes as string[]).includes(type)) {
    return {
      ok: false,
      reason: "unknown-type",
      detail: `type ${JSON.stringify(type)} is not one of ${eventTypes.join(", ")}`,
    };
  }
  // The fast path only ever accepts; every refusal, and every event it is unsure of, is zod's to judge.
  if (fastValidator(type as EventType)?.(raw) === true) return { ok: true, event: raw as ChurnEvent };
  return decodeWithZod(raw);
}

/** zod's verdict on a value already known to be JSON with a known type: the reference the fast path must match. */
export function decodeWithZod(raw: unknown): DecodeResult {
  const parsed = churnEventSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: "schema", detail: z.prettifyError(parsed.error) };
  return { ok: true, event: parsed.data };
}
