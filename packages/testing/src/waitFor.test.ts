import { describe, expect, it } from "vitest";
import { uniqueName } from "./names.ts";
import { waitFor, WaitForTimeoutError } from "./waitFor.ts";

describe("waitFor", () => {
  it("returns the first value that is not undefined, null or false", async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls < 3 ? undefined : { calls }), { intervalMs: 5 });
    expect(value).toEqual({ calls: 3 });
  });

  it("treats a throwing attempt as not yet", async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        if (++calls < 3) throw new Error("not yet");
        return "done";
      },
      { intervalMs: 5 },
    );
    expect(value).toBe("done");
  });

  it("with until, returns the polled value once the predicate holds", async () => {
    let lag = 3;
    const value = await waitFor(() => ({ lag: lag-- }), { until: (v) => v.lag === 0, intervalMs: 5 });
    expect(value).toEqual({ lag: 0 });
  });

  it("names what it waited for and the last value on timeout", async () => {
    const error = await waitFor(() => ({ lag: 7 }), {
      until: (v) => v.lag === 0,
      timeoutMs: 50,
      intervalMs: 10,
      description: "lag to drain",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitForTimeoutError);
    expect((error as Error).message).toBe("Timed out after 50ms waiting for lag to drain; last value: { lag: 7 }");
  });

  it("reports the last error on timeout, with it as the cause", async () => {
    const boom = new Error("connection refused");
    const error = (await waitFor(
      () => {
        throw boom;
      },
      { timeoutMs: 50, intervalMs: 10 },
    ).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("last error: Error: connection refused");
    expect(error.cause).toBe(boom);
  });

  it("does not let a hanging attempt outlive the deadline", async () => {
    const started = Date.now();
    const error = (await waitFor(() => new Promise<never>(() => undefined), { timeoutMs: 100 }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(WaitForTimeoutError);
    expect(error.message).toContain("still running at the deadline");
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe("uniqueName", () => {
  it("is unique and safe for topics, groups, queues and key prefixes", () => {
    const names = Array.from({ length: 100 }, () => uniqueName("dead letters:acct"));
    expect(new Set(names).size).toBe(100);
    for (const name of names) expect(name).toMatch(/^dead-letters-acct-[a-zA-Z0-9._-]+$/);
  });
});
