// Local until the notifier depends on @churnwatch/testing (which has the same helper): poll with a deadline.
import { setTimeout as sleep } from "node:timers/promises";

export async function waitFor<T>(
  read: () => T | Promise<T>,
  until: (value: T) => boolean,
  { timeoutMs = 15_000, intervalMs = 50, what = "condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await read();
      if (until(value)) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 500)}`);
    }
    await sleep(intervalMs);
  }
}
