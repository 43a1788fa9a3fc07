import type { IHeaders, KafkaMessage, Producer } from "kafkajs";
import type { InvalidReason } from "@churnwatch/contracts";

export interface DeadLetter {
  topic: string;
  partition: number;
  message: KafkaMessage;
  reason: InvalidReason | "processing";
  detail: string;
}

/**
 * Keeps a rejected message: the original bytes unchanged as the value, the original key, and why it was
 * rejected and where it came from in headers, so it can be inspected and replayed after a fix.
 */
export function createDeadLetterWriter(producer: Producer, deadLetterTopic: string, now: () => Date = () => new Date()) {
  return async function writeDeadLetters(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await producer.send({
      topic: deadLetterTopic,
      messages: letters.map((l) => ({
        key: l.message.key,
        value: l.message.value,
        headers: {
          ...copyHeaders(l.message.headers),
          "dlq.reason": l.reason,
          "dlq.detail": l.detail.slice(0, 4_000),
          "dlq.topic": l.topic,
          "dlq.partition": String(l.partition),
          "dlq.offset": l.message.offset,
          "dlq.at": now().toISOString(),
        },
      })),
    });
  };
}

function copyHeaders(headers: IHeaders | undefined): IHeaders {
  const out: IHeaders = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (!k.startsWith("dlq.") && v !== undefined) out[k] = v;
  return out;
}
