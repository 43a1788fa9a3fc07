import { describe, expect, it } from "vitest";
import type { ChurnEvent } from "@churnwatch/contracts";
import { defaultConfig, emptyState, record, step, type AccountState } from "@churnwatch/engine";
import { simulate } from "@churnwatch/simulator";
import { createStateSerializer } from "./stateJson.ts";

describe("state serializer", () => {
  it("writes every state of a simulated history exactly as JSON.stringify does, reusing records between steps", () => {
    const serialize = createStateSerializer();
    const states = new Map<string, AccountState>();
    let checked = 0;
    const events: ChurnEvent[] = [...simulate({ seed: 7, accounts: 16, months: 6, end: "2026-11-01T00:00:00Z" })];
    for (const [i, event] of events.entries()) {
      const before = states.get(event.accountId) ?? emptyState(event.accountId);
      // Half recorded as history, half evaluated live, so alerts and their evidence change too.
      const after = i % 2 === 0 ? record(before, event, defaultConfig) : step(before, { kind: "event", event }, defaultConfig).state;
      states.set(event.accountId, after);
      expect(serialize(after)).toBe(JSON.stringify(after));
      checked++;
    }
    expect(checked).toBeGreaterThan(500);
    expect([...states.values()].some((s) => Object.keys(s.alerts).length > 0)).toBe(true);
  });

  it("writes a state read back from JSON, and what JSON.stringify drops or nulls, the same way", () => {
    const serialize = createStateSerializer();
    const state = { ...emptyState("acc-1"), clock: undefined, orders: [undefined, null, 1, "x", { a: undefined, b: [1, undefined] }] };
    const odd = state as unknown as AccountState;
    expect(serialize(odd)).toBe(JSON.stringify(odd));
    const parsed = JSON.parse(JSON.stringify(odd)) as AccountState;
    expect(serialize(parsed)).toBe(JSON.stringify(parsed));
    expect(serialize(parsed)).toBe(serialize(odd));
  });
});
