/**
 * Draws customers from a BG/NBD population, with a seeded PRNG so tests and experiments are reproducible.
 * Used to check that the fit recovers known parameters and that the predictions match what the model's own
 * process produces.
 */
import type { BgNbdParams } from "./bgnbd.ts";

/** mulberry32: a small, fast 32-bit PRNG with good enough statistics for simulation tests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniformOpen(random: () => number): number {
  let u = random();
  while (u === 0) u = random();
  return u;
}

function standardNormal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(uniformOpen(random))) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, scale 1) by Marsaglia & Tsang (2000); shape < 1 through the U^(1/shape) boost. */
export function sampleGamma(shape: number, random: () => number): number {
  if (shape < 1) return sampleGamma(shape + 1, random) * Math.pow(uniformOpen(random), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = standardNormal(random);
    const v = Math.pow(1 + c * z, 3);
    if (v <= 0) continue;
    if (Math.log(uniformOpen(random)) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

export interface SimulatedBuyer {
  /** Times of the repeat occasions after the first one (which is at time 0), ascending. */
  repeats: number[];
  lambda: number;
  p: number;
}

/**
 * One customer's repeat occasions in (0, until]: λ ~ Gamma(r, rate α), p ~ Beta(a, b); while alive, occasions
 * come as a Poisson process of rate λ, and after each repeat occasion the customer drops out with probability p.
 */
export function simulateBuyer(params: BgNbdParams, until: number, random: () => number): SimulatedBuyer {
  const lambda = sampleGamma(params.r, random) / params.alpha;
  const ga = sampleGamma(params.a, random);
  const p = ga / (ga + sampleGamma(params.b, random));
  const repeats: number[] = [];
  let t = 0;
  for (;;) {
    t += -Math.log(uniformOpen(random)) / lambda;
    if (!(t <= until)) break;
    repeats.push(t);
    if (random() < p) break;
  }
  return { repeats, lambda, p };
}
