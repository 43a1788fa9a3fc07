import { createHash } from "node:crypto";
import { churnEventSchema, type ChurnEvent, type EventOf } from "@churnwatch/contracts";
import { describe, expect, it } from "vitest";
import { simulate, type SimulateOptions } from "./simulate.ts";

const base: SimulateOptions = { seed: 42, accounts: 60, months: 18, end: "2026-11-01T00:00:00Z" };
const hash = (events: Iterable<ChurnEvent>) => createHash("sha256").update([...events].map((e) => JSON.stringify(e)).join("\n")).digest("hex");
/** An event without its eventId: ids are numbered per account in emission order, which contacts shift. */
const content = ({ eventId: _id, ...rest }: ChurnEvent) => JSON.stringify(rest);

describe("simulate: contacts (interactions option)", () => {
  const off = [...simulate(base)];
  const on = [...simulate({ ...base, interactions: true })];
  const contacts = on.filter((e): e is EventOf<"interaction.logged"> => e.type === "interaction.logged");

  it("is off by default: no interactions, the same events as asking for none", () => {
    expect(off.some((e) => e.type === "interaction.logged")).toBe(false);
    expect(hash(simulate({ ...base, interactions: false }))).toBe(hash(off));
  });

  it("adds valid contacts and leaves every other event as it was", () => {
    expect(contacts.length).toBeGreaterThan(500);
    for (const e of contacts) expect(churnEventSchema.safeParse(e).success, e.eventId).toBe(true);
    expect(on.filter((e) => e.type !== "interaction.logged").map(content)).toEqual(off.map(content));
  });

  it("has storm and abrupt-stop defectors leave calls unanswered before they are lost, and healthy accounts answer", () => {
    const sim = simulate({ ...base, interactions: true });
    const quiet = sim.labels.filter((l) => l.pattern === "complaint-storm" || l.pattern === "abrupt-stop");
    expect(quiet.length).toBeGreaterThan(0);
    for (const l of quiet) {
      const before = contacts.filter((e) => e.accountId === l.accountId && Date.parse(e.occurredAt) < Date.parse(l.churnedAt));
      const unanswered = before.filter((e) => e.data.answered === false).length;
      if (Date.parse(l.driftStartedAt) < Date.parse(base.end) - 30 * 86_400_000) expect(unanswered, l.accountId).toBeGreaterThanOrEqual(3);
    }
    const defectors = new Set(sim.labels.map((l) => l.accountId));
    const healthyUnanswered = contacts.filter((e) => !defectors.has(e.accountId) && e.data.answered === false);
    expect(healthyUnanswered).toEqual([]);
  });
});
