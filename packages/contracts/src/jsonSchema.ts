import { z } from "zod";
import { eventSchemas, type EventType } from "./events.ts";

/** JSON Schema (draft 2020-12) of each event type, for producers in other languages. */
export function eventJsonSchemas(): Record<EventType, unknown> {
  const out = {} as Record<EventType, unknown>;
  for (const [type, schema] of Object.entries(eventSchemas) as [EventType, z.ZodType][]) {
    out[type] = z.toJSONSchema(schema, { target: "draft-2020-12" });
  }
  return out;
}
