import { describe, expect, it } from "vitest";
import { divRound } from "../money.ts";
import { rng } from "../testkit/history.ts";
import { capOf, capped, compareSizes } from "./orderSize.ts";
import type { OrderView } from "../view.ts";

// The definition: the upper middle of the positive amounts, compared as bigints, times the multiple.
function reference(micros: readonly bigint[], multiple: number): bigint {
  const sorted = micros.filter((m) => m > 0n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = sorted[sorted.length >> 1];
  return mid === undefined ? 0n : divRound(mid * BigInt(Math.round(multiple * 100)), 100n);
}

describe("capOf", () => {
  it("is the multiple of the exact median order, for ordinary amounts and for amounts beyond 2^53 micros", () => {
    const rand = rng(11);
    for (let run = 0; run < 500; run++) {
      const huge = run % 5 === 0;
      const micros = Array.from({ length: Math.floor(rand() * 30) }, () => {
        if (rand() < 0.1) return 0n; // another currency
        const m = BigInt(Math.floor(rand() * 1e9));
        // Neighbours above 2^53 differ by less than a double can tell apart.
        return huge && rand() < 0.5 ? 2n ** 60n + m : m;
      });
      const orders = micros.map((m) => ({ micros: m }));
      expect(capOf(orders, 3)).toBe(reference(micros, 3));
      expect(capOf(orders, 1)).toBe(reference(micros, 1));
    }
  });

  it("averages capped amounts exactly, also where the sum passes 2^53 micros", () => {
    const rand = rng(12);
    const order = (micros: bigint, i: number): OrderView => ({ atMs: i, micros, categories: undefined, grossMargin: undefined, eventId: undefined });
    for (let run = 0; run < 300; run++) {
      const size = (): bigint => (run % 3 === 0 && rand() < 0.3 ? 2n ** 52n + BigInt(Math.floor(rand() * 1e6)) : BigInt(Math.floor(rand() * 1e9)));
      const base = Array.from({ length: 1 + Math.floor(rand() * 20) }, (_, i) => order(size(), i));
      const recent = Array.from({ length: 1 + Math.floor(rand() * 5) }, (_, i) => order(size(), i));
      const cap = capOf(base, 3);
      const avg = (orders: readonly OrderView[]): bigint => orders.reduce((a, o) => a + (cap > 0n ? capped(o.micros, cap) : o.micros), 0n) / BigInt(orders.length);
      const sizes = compareSizes({ recent, base }, 3);
      expect(sizes.recentAvg).toBe(avg(recent));
      expect(sizes.baseAvg).toBe(avg(base));
    }
  });
});
