/** What to do with one dead letter: pure, so every branch is testable without Kafka. */
import type { IHeaders, Message } from "kafkajs";

export interface Letter {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders | undefined;
}

export type Decision =
  | { kind: "filtered"; reason: string | undefined }
  | { kind: "unreplayable"; id: string; why: string }
  | { kind: "send"; id: string; topic: string; reason: string | undefined; message: Message };

/** Where a letter sits in the dead-letter topic: the ledger member and the dlq.replayedFrom header. */
export const letterId = (deadLetterTopic: string, partition: number, offset: string) => `${deadLetterTopic}:${partition}:${offset}`;

export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? undefined : first.toString();
}

export function planLetter(deadLetterTopic: string, letter: Letter, onlyReason?: string): Decision {
  const reason = headerText(letter.headers, "dlq.reason");
  if (onlyReason !== undefined && reason !== onlyReason) return { kind: "filtered", reason };
  const id = letterId(deadLetterTopic, letter.partition, letter.offset);
  const topic = headerText(letter.headers, "dlq.topic");
  if (!topic) return { kind: "unreplayable", id, why: "no dlq.topic header" };
  // Sending a letter back into the dead-letter topic would only copy it; refuse rather than loop.
  if (topic === deadLetterTopic) return { kind: "unreplayable", id, why: "dlq.topic is the dead-letter topic itself" };
  const headers: IHeaders = {};
  for (const [name, v] of Object.entries(letter.headers ?? {})) if (!name.startsWith("dlq.") && v !== undefined) headers[name] = v;
  headers["dlq.replayedFrom"] = id;
  return { kind: "send", id, topic, reason, message: { key: letter.key, value: letter.value, headers } };
}
