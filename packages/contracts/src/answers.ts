import { z } from "zod";
import { ruleIdSchema } from "./alerts.ts";

const id = z.string().min(1).max(200);
const at = z.iso.datetime({ offset: true });
const actor = z.email().describe("The signed-in person who answered, as the audit names them");

/**
 * What a person answers in the console, as an event on the console-answers topic (keyed by account): the
 * durable record, so notes and answers survive a Redis loss and a read model can be rebuilt from it.
 * answerId is the idempotency key: the same answer read twice is kept once.
 */
export const consoleAnswerSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("acknowledge"), answerId: id, accountId: id, alertId: id, rule: ruleIdSchema, actor, at }),
  z.object({ type: z.literal("snooze"), answerId: id, accountId: id, alertId: id, rule: ruleIdSchema, actor, at, until: at }),
  z.object({
    type: z.literal("dismiss"),
    answerId: id,
    accountId: id,
    alertId: id,
    rule: ruleIdSchema,
    actor,
    at,
    reason: z.string().trim().min(1).max(1_000),
  }),
  z.object({ type: z.literal("note"), answerId: id, accountId: id, actor, at, text: z.string().trim().min(1).max(4_000) }),
]);
export type ConsoleAnswer = z.infer<typeof consoleAnswerSchema>;
export type ConsoleAnswerType = ConsoleAnswer["type"];
