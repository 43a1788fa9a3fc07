import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import type { EventType } from "./events.ts";
import { eventJsonSchemas } from "./jsonSchema.ts";

/**
 * Validators compiled by ajv from the JSON Schemas the zod contract generates, for the hot path: validating
 * an order costs a fraction of zod's safeParse, which capped the replay and the live worker below the speed
 * goals. zod stays the source of truth and the only voice of a refusal: ajv only answers "certainly valid".
 * Anything it does not accept goes to zod, which explains the refusal (or accepts it: zod strips unknown
 * keys that the generated schema forbids). The differential test (fastValidators.test.ts) proves that what
 * ajv accepts, zod accepts and returns unchanged.
 *
 * Only the types whose zod schemas have no refinement JSON Schema cannot state are compiled: an account's
 * timezone is checked through Intl, and an interaction's `answered` only on outbound contacts. Those events
 * are few next to orders, invoices and complaints, and keep zod.
 */
export const FAST_TYPES = ["order.placed", "order.cancelled", "invoice.issued", "payment.received", "complaint.opened", "complaint.resolved"] as const satisfies readonly EventType[];

function compile(): Partial<Record<EventType, ValidateFunction>> {
  const ajv = new Ajv2020({
    // zod runs its patterns without the u flag, so ajv must too. (Lengths already agree: both count code
    // points, so an emoji is one character in each; the differential test holds them to it.)
    unicodeRegExp: false,
    // Formats ride along as patterns (zod writes both), so the format keyword itself is left unchecked.
    validateFormats: false,
    allErrors: false,
    strict: true,
  });
  const schemas = eventJsonSchemas();
  return Object.fromEntries(FAST_TYPES.map((t) => [t, ajv.compile(schemas[t] as object)]));
}

let compiled: Partial<Record<EventType, ValidateFunction>> | undefined;

/** The compiled validator for a type, or undefined when that type is zod's alone. Compiled once, on first use. */
export function fastValidator(type: EventType): ValidateFunction | undefined {
  compiled ??= compile();
  return compiled[type];
}
