import { randomUUID } from "node:crypto";
import type { Producer } from "kafkajs";
import type pg from "pg";
import { churnEventSchema, consoleAnswerSchema, SCHEMA_VERSION, type ChurnEvent, type ConsoleAnswer } from "@churnwatch/contracts";
import { insertAnswer, insertInteraction } from "./readModel/pgProjections.ts";

/** An answer before it has its id (Omit over each member of the union, not the union's common keys). */
export type NewAnswer = ConsoleAnswer extends infer A ? (A extends ConsoleAnswer ? Omit<A, "answerId"> : never) : never;

/** A visit or call logged in the console, before it becomes an event. */
export interface LoggedContact {
  accountId: string;
  kind: "visit" | "call";
  answered: boolean;
  note?: string | undefined;
  by: string;
  at: string;
}

/**
 * What the console writes goes to Kafka first, as events (the durable record the read model and a rebuilt
 * Redis come back from), then straight into the read model too, so the person sees it at once. The
 * projector reads the same event later and, keyed by its id, changes nothing.
 */
export function createAnswerLog(deps: { producer: Producer; pool: pg.Pool; topics: { answers: string; interactions: string } }) {
  return {
    async answer(answer: NewAnswer): Promise<ConsoleAnswer> {
      const a = consoleAnswerSchema.parse({ ...answer, answerId: randomUUID() });
      await deps.producer.send({ topic: deps.topics.answers, messages: [{ key: a.accountId, value: JSON.stringify(a) }] });
      await insertAnswer(deps.pool, a);
      return a;
    },
    /** An outbound visit or call: an `interaction.logged` event on the interactions topic, for the engine too. */
    async contact(c: LoggedContact): Promise<ChurnEvent> {
      const interactionId = `console-${randomUUID()}`;
      const event = churnEventSchema.parse({
        eventId: interactionId,
        type: "interaction.logged",
        accountId: c.accountId,
        occurredAt: c.at,
        schemaVersion: SCHEMA_VERSION,
        data: { interactionId, kind: c.kind, direction: "outbound", answered: c.answered, ...(c.note ? { note: c.note } : {}) },
      });
      await deps.producer.send({ topic: deps.topics.interactions, messages: [{ key: c.accountId, value: JSON.stringify(event) }] });
      await insertInteraction(
        deps.pool,
        { accountId: c.accountId, interactionId, kind: c.kind, direction: "outbound", answered: c.answered, occurredAt: c.at, note: c.note ?? null },
        c.by,
      );
      return event;
    },
  };
}
export type AnswerLog = ReturnType<typeof createAnswerLog>;
