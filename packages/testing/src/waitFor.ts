// Poll a condition with a deadline: the only way infra-backed tests wait (never a fixed sleep).
import { inspect } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";

export interface WaitForOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between attempts (default 100 ms). */
  intervalMs?: number;
  /** What we wait for, in words; it leads the timeout message. */
  description?: string;
}

export class WaitForTimeoutError extends Error {
  override name = "WaitForTimeoutError";
}

type Pending = undefined | null | false;

/**
 * Call `condition` until it returns something other than undefined/null/false, and return that.
 * With `until`, poll a value (say, the inbox) until the predicate holds instead; then the timeout
 * message shows the last value read. A throwing attempt counts as "not yet". On timeout the error
 * carries the last value or error seen, because "timed out" alone never explains a failing test.
 */
export function waitFor<T>(read: () => T | Promise<T>, opts: WaitForOptions & { until: (value: T) => boolean }): Promise<T>;
export function waitFor<T>(condition: () => T | Promise<T>, opts?: WaitForOptions): Promise<Exclude<T, Pending>>;
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  opts: WaitForOptions & { until?: (value: T) => boolean } = {},
): Promise<T> {
  const accept = opts.until ?? ((value: T) => value !== undefined && value !== null && value !== false);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let last: { value: unknown } | { error: unknown } | undefined;

  for (;;) {
    try {
      // An attempt that hangs must not outlive the deadline.
      const value = await withDeadline(Promise.resolve().then(condition), deadline);
      if (accept(value)) return value;
      last = { value };
    } catch (error) {
      if (error === DEADLINE) break;
      last = { error };
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    await sleep(Math.min(intervalMs, remaining)); // the attempt after this one may land on the deadline itself
  }

  const what = opts.description ?? "condition";
  const seen =
    last === undefined
      ? "the last attempt was still running at the deadline"
      : "error" in last
        ? `last error: ${describe(last.error)}`
        : `last value: ${inspect(last.value, { depth: 4, breakLength: Infinity }).slice(0, 1_000)}`;
  throw new WaitForTimeoutError(`Timed out after ${timeoutMs}ms waiting for ${what}; ${seen}`, {
    cause: last !== undefined && "error" in last ? last.error : undefined,
  });
}

const DEADLINE = Symbol("deadline");

function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(DEADLINE), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : inspect(error);
}
