import type { IHeaders, KafkaMessage, Message, Producer } from "kafkajs";
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
 *
 * A letter the dead-letter topic refuses as too large (its `max.message.bytes` below the source topic's)
 * would fail its batch forever and stall the partition. So the batch is retried one letter at a time, and a
 * refused letter is written again with its value cut to ever fewer bytes (none at last) and only our
 * headers, marked `dlq.truncated` with the original size: where it came from (topic, partition, offset) is
 * always kept, so the original can still be read from its own topic while that retains it.
 */
const TRUNCATED_VALUE_BYTES = [64 * 1024, 8 * 1024, 1024, 0];

export function createDeadLetterWriter(producer: Producer, deadLetterTopic: string, now: () => Date = () => new Date()) {
  const send = (messages: Message[]) => producer.send({ topic: deadLetterTopic, messages });
  return async function writeDeadLetters(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const at = now().toISOString();
    try {
      await send(letters.map((l) => whole(l, at)));
      return;
    } catch (err) {
      if (!tooLarge(err)) throw err;
    }
    for (const letter of letters) await writeOne(letter, at);
  };

  async function writeOne(letter: DeadLetter, at: string): Promise<void> {
    try {
      return void (await send([whole(letter, at)]));
    } catch (err) {
      if (!tooLarge(err)) throw err;
    }
    const size = letter.message.value?.length ?? 0;
    let last: unknown;
    for (const bytes of TRUNCATED_VALUE_BYTES.filter((b) => b < size || b === 0)) {
      try {
        return void (await send([truncated(letter, at, bytes)]));
      } catch (err) {
        if (!tooLarge(err)) throw err;
        last = err;
      }
    }
    throw last; // even without a value: the topic's limit is below the headers; nothing left to cut
  }
}

function whole(l: DeadLetter, at: string): Message {
  return { key: l.message.key, value: l.message.value, headers: { ...copyHeaders(l.message.headers), ...ours(l, at, 4_000) } };
}

function truncated(l: DeadLetter, at: string, bytes: number): Message {
  const value = l.message.value;
  const size = value?.length ?? 0;
  return {
    key: l.message.key,
    value: value && bytes > 0 ? value.subarray(0, bytes) : null,
    headers: { ...ours(l, at, 500), "dlq.truncated": `${size} bytes, first ${Math.min(bytes, size)} kept: too large for the dead-letter topic` },
  };
}

function ours(l: DeadLetter, at: string, detailChars: number): IHeaders {
  return {
    "dlq.reason": l.reason,
    "dlq.detail": l.detail.slice(0, detailChars),
    "dlq.topic": l.topic,
    "dlq.partition": String(l.partition),
    "dlq.offset": l.message.offset,
    "dlq.at": at,
  };
}

/** Kafka's refusal of a message or batch over the topic's or broker's size limit, however kafkajs wraps it. */
function tooLarge(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 5; depth++) {
    const { type, cause, originalError } = e as Error & { type?: unknown; cause?: unknown; originalError?: unknown };
    if (type === "MESSAGE_TOO_LARGE" || type === "RECORD_LIST_TOO_LARGE") return true;
    e = cause ?? originalError;
  }
  return false;
}

function copyHeaders(headers: IHeaders | undefined): IHeaders {
  const out: IHeaders = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (!k.startsWith("dlq.") && v !== undefined) out[k] = v;
  return out;
}
