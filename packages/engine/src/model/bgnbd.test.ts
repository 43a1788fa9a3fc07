import { describe, expect, it } from "vitest";
import {
  bgNbdLogLikelihood,
  expectedPurchases,
  expectedPurchasesUnconditional,
  pAlive,
  probNoPurchase,
  type BgNbdParams,
} from "./bgnbd.ts";

// The paper's CDNOW estimates (weeks), and a days-scale set with a > 1 so both signs of a - 1 are covered.
const PAPER: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const DAYS: BgNbdParams = { r: 1.5, alpha: 30, a: 2.5, b: 4 };

// Reference values computed with mpmath at 30 digits straight from eqs. 6, 10 and 7 of the paper (the
// untransformed 2F1, Beta and Gamma functions, no logs), independently of the code under test.
const CASES = [
  { p: PAPER, c: { x: 0, tx: 0, T: 38.86 }, t: 39, ll: -0.55471327643815845, alive: 1, expected: 0.19509805201126291 },
  // The paper's worked example: x = 2, tx = 30.43, T = 38.86 expects 1.226 repeat purchases in 39 weeks.
  { p: PAPER, c: { x: 2, tx: 30.43, T: 38.86 }, t: 39, ll: -9.4586063070662709, alive: 0.726578570080673, expected: 1.2260281747671405 },
  { p: PAPER, c: { x: 1, tx: 2, T: 38.86 }, t: 39, ll: -4.5141264513890574, alive: 0.22187090056481515, expected: 0.21254630065120074 },
  { p: PAPER, c: { x: 15, tx: 36.57, T: 38.86 }, t: 39, ll: -34.029285579800886, alive: 0.9004318225380185, expected: 9.6596750606027523 },
  { p: DAYS, c: { x: 0, tx: 0, T: 200 }, t: 90, ll: -3.05532289089156, alive: 1, expected: 0.49566053403299345 },
  { p: DAYS, c: { x: 7, tx: 150, T: 365 }, t: 90, ll: -33.034434458311984, alive: 0.004996038560578917, expected: 0.0080502394655704261 },
  { p: DAYS, c: { x: 40, tx: 300, T: 310 }, t: 90, ll: -129.95304721504204, alive: 0.8328568869341731, expected: 6.9962537869056162 },
];

describe("bgNbdLogLikelihood", () => {
  it.each(CASES)("matches the direct formula for x=$c.x tx=$c.tx T=$c.T", ({ p, c, ll }) => {
    expect(bgNbdLogLikelihood(p, c)).toBeCloseTo(ll, 10);
  });

  it("ignores tx when there is no repeat occasion (the alive term alone)", () => {
    expect(bgNbdLogLikelihood(PAPER, { x: 0, tx: 20, T: 38.86 })).toBe(bgNbdLogLikelihood(PAPER, { x: 0, tx: 0, T: 38.86 }));
  });

  it("stays finite for a very frequent buyer over a long history (no overflow of Γ or powers)", () => {
    const v = bgNbdLogLikelihood(DAYS, { x: 2000, tx: 3000, T: 3650 });
    expect(Number.isFinite(v)).toBe(true);
  });

  it("rejects impossible inputs instead of returning NaN", () => {
    expect(() => bgNbdLogLikelihood({ ...PAPER, r: 0 }, { x: 1, tx: 1, T: 2 })).toThrow(RangeError);
    expect(() => bgNbdLogLikelihood(PAPER, { x: 1.5, tx: 1, T: 2 })).toThrow(RangeError);
    expect(() => bgNbdLogLikelihood(PAPER, { x: 1, tx: 3, T: 2 })).toThrow(RangeError);
  });
});

describe("pAlive", () => {
  it.each(CASES)("matches the direct formula for x=$c.x tx=$c.tx T=$c.T", ({ p, c, alive }) => {
    expect(pAlive(p, c)).toBeCloseTo(alive, 12);
  });

  it("is exactly 1 with no repeat occasion, however long ago the first", () => {
    for (const T of [0, 1, 39, 1e4]) expect(pAlive(PAPER, { x: 0, tx: 0, T })).toBe(1);
  });

  it("falls as the last occasion recedes, and is 1 when the last occasion is now", () => {
    expect(pAlive(PAPER, { x: 3, tx: 38.86, T: 38.86 })).toBeGreaterThan(pAlive(PAPER, { x: 3, tx: 30, T: 38.86 }));
    expect(pAlive(PAPER, { x: 3, tx: 30, T: 38.86 })).toBeGreaterThan(pAlive(PAPER, { x: 3, tx: 5, T: 38.86 }));
    // Dropout happens only after an occasion, and one that is "now" leaves the odds at a/(b+x-1).
    expect(pAlive(PAPER, { x: 3, tx: 10, T: 10 })).toBeCloseTo(1 / (1 + PAPER.a / (PAPER.b + 2)), 12);
  });
});

describe("probNoPurchase", () => {
  const c = { x: 2, tx: 30.43, T: 38.86 };

  it("is 1 over an empty horizon and decreases in the horizon, staying in [0, 1]", () => {
    expect(probNoPurchase(PAPER, c, 0)).toBe(1);
    let previous = 1;
    for (const h of [0.5, 1, 5, 13, 39, 78, 520, 1e5]) {
      const v = probNoPurchase(PAPER, c, h);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(previous);
      previous = v;
    }
  });

  it("tends to P(dead) for a long horizon: only the dropped-out are sure to buy nothing", () => {
    expect(probNoPurchase(PAPER, c, 1e9)).toBeCloseTo(1 - pAlive(PAPER, c), 3);
  });

  it.each(CASES)("equals 1 - P(alive) + P(alive)·((α+T)/(α+T+h))^(r+x) for x=$c.x", ({ p, c: s, t }) => {
    const alive = pAlive(p, s);
    const direct = 1 - alive + alive * Math.pow((p.alpha + s.T) / (p.alpha + s.T + t), p.r + s.x);
    expect(probNoPurchase(p, s, t)).toBeCloseTo(direct, 12);
  });
});

describe("expectedPurchases", () => {
  it.each(CASES)("matches eq. 10 computed directly for x=$c.x tx=$c.tx T=$c.T", ({ p, c, t, expected }) => {
    expect(expectedPurchases(p, c, t)).toBeCloseTo(expected, 10);
  });

  it("starts at rate P(alive)·E[λ | alive] = P(alive)·(r+x)/(α+T)", () => {
    const c = { x: 4, tx: 20, T: 38.86 };
    const h = 1e-5;
    expect(expectedPurchases(PAPER, c, h) / h).toBeCloseTo((pAlive(PAPER, c) * (PAPER.r + c.x)) / (PAPER.alpha + c.T), 5);
  });

  it("is increasing and concave in the horizon", () => {
    const c = { x: 1, tx: 10, T: 38.86 };
    const v = [13, 26, 39, 52].map((h) => expectedPurchases(PAPER, c, h));
    for (let i = 1; i < v.length; i++) expect(v[i] as number).toBeGreaterThan(v[i - 1] as number);
    expect((v[3] as number) - (v[2] as number)).toBeLessThan((v[1] as number) - (v[0] as number));
  });

  it("is smooth through a = 1, where the closed form is 0/0", () => {
    // mpmath at a = 1.00003 (inside the interpolated band): 0.46576915225838085.
    const p = { r: 0.5, alpha: 10, a: 1.00003, b: 3 };
    expect(expectedPurchases(p, { x: 3, tx: 20, T: 50 }, 30)).toBeCloseTo(0.46576915225838085, 8);
    const at1 = expectedPurchases({ ...p, a: 1 }, { x: 3, tx: 20, T: 50 }, 30);
    expect(Number.isFinite(at1)).toBe(true);
    expect(at1).toBeCloseTo(0.46576915225838085, 4);
  });
});

describe("expectedPurchasesUnconditional", () => {
  it("matches eq. 7 computed directly", () => {
    expect(expectedPurchasesUnconditional(PAPER, 39)).toBeCloseTo(1.1967231933208139, 10);
    expect(expectedPurchasesUnconditional(PAPER, 78)).toBeCloseTo(1.8605190579427653, 10);
    expect(expectedPurchasesUnconditional(DAYS, 365)).toBeCloseTo(2.9867507927360216, 10);
    // mpmath at a = 1.00003.
    expect(expectedPurchasesUnconditional({ r: 0.5, alpha: 10, a: 1.00003, b: 3 }, 30)).toBeCloseTo(1.0438937321942655, 8);
  });

  it("is the conditional expectation of a customer whose first occasion is now", () => {
    expect(expectedPurchases(PAPER, { x: 0, tx: 0, T: 0 }, 39)).toBeCloseTo(expectedPurchasesUnconditional(PAPER, 39), 12);
    expect(expectedPurchasesUnconditional(PAPER, 0)).toBe(0);
  });
});
