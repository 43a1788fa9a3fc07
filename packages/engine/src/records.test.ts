import { describe, expect, it } from "vitest";
import { compareKey, upsertSorted } from "./records.ts";

interface Rec {
  ms: number;
  id: string;
}
const key = (r: Rec): [number, string] => [r.ms, r.id];

// The plain definition the one-copy version must match: drop `old`, insert after every key ≤ the record's.
function reference(items: readonly Rec[], old: Rec | undefined, record: Rec): Rec[] {
  const base = items.filter((r) => r !== old);
  const at = base.findIndex((r) => compareKey(r.ms, r.id, record.ms, record.id) > 0);
  return at < 0 ? [...base, record] : [...base.slice(0, at), record, ...base.slice(at)];
}

// A small deterministic generator (mulberry32), so a failure replays.
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("upsertSorted", () => {
  it("matches filter-then-insert for appends, out-of-order and same-instant records, and replacements", () => {
    const rand = rng(7);
    for (let run = 0; run < 200; run++) {
      let items: Rec[] = [];
      for (let i = 0; i < 40; i++) {
        // Few distinct instants and ids, so ties and equal keys are common.
        const record = { ms: Math.floor(rand() * 8), id: String.fromCharCode(97 + Math.floor(rand() * 4)) };
        const old = items.length > 0 && rand() < 0.3 ? items[Math.floor(rand() * items.length)] : undefined;
        const before = items.slice();
        const next = upsertSorted(items, old, record, key);
        expect(next).toEqual(reference(before, old, record));
        for (let j = 0; j < next.length; j++) expect(next[j]).toBe(reference(before, old, record)[j]);
        expect(items).toEqual(before); // the input is never mutated
        items = next;
      }
    }
  });

  it("leaves the list as it was, plus the record, when `old` is not in it", () => {
    const a = { ms: 1, id: "a" };
    const b = { ms: 2, id: "b" };
    expect(upsertSorted([a, b], { ms: 1, id: "a" }, { ms: 0, id: "z" }, key)).toEqual([{ ms: 0, id: "z" }, a, b]);
  });
});
