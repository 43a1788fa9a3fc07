import type { ChurnEvent } from "@churnwatch/contracts";

/** Raised in streaming mode when an event is earlier than one already replayed. */
export class UnsortedInputError extends Error {
  override readonly name = "UnsortedInputError";
  constructor(
    readonly eventId: string,
    readonly occurredAt: string,
    readonly after: string,
  ) {
    super(`event ${eventId} at ${occurredAt} comes after an event at ${after}: the input is not sorted by occurredAt`);
  }
}

/**
 * Loads every event and sorts by instant (stable: ties keep input order). Memory is the whole input as
 * parsed objects, roughly 1–2 KB per event (a million events ≈ 1–2 GB): only for unsorted input or a sweep.
 */
export async function loadSorted(events: AsyncIterable<ChurnEvent> | Iterable<ChurnEvent>): Promise<ChurnEvent[]> {
  const all: ChurnEvent[] = [];
  const times: number[] = [];
  let sorted = true;
  let last = -Infinity;
  for await (const e of events) {
    const ms = Date.parse(e.occurredAt);
    if (ms < last) sorted = false;
    else last = ms;
    all.push(e);
    times.push(ms);
  }
  if (sorted) return all;
  const index = all.map((_, i) => i);
  index.sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
  return index.map((i) => all[i] as ChurnEvent);
}
