/**
 * The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting your customers the easy way").
 * While alive a customer buys as a Poisson process of rate λ ~ Gamma(r, α); after each repeat occasion they
 * drop out for good with probability p ~ Beta(a, b). Everything here is pure arithmetic on one customer's
 * summary (x, tx, T) in whatever time unit the caller fitted in (the engine uses days).
 *
 * Special functions come from stdlib (ln Γ and Gauss's 2F1, both checked against mpmath to ~1e-15): a
 * hand-rolled 2F1 is easy to get subtly wrong near z → 1, which is where long horizons put it.
 */
import gammaln from "@stdlib/math-base-special-gammaln";
import hyp2f1 from "@stdlib/math-base-special-hyp2f1";

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** One customer's summary, in a time unit of the caller's (days in the engine): x = repeat buying occasions
 *  (occasions after the first), tx = time from first to last occasion, T = time from first occasion to now. */
export interface BuyerSummary {
  x: number;
  tx: number;
  T: number;
}

export function assertParams(p: BgNbdParams): void {
  for (const key of ["r", "alpha", "a", "b"] as const) {
    const v = p[key];
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`BG/NBD parameter ${key} must be a positive number, got ${v}`);
  }
}

export function assertSummary(c: BuyerSummary): void {
  const { x, tx, T } = c;
  if (!(Number.isInteger(x) && x >= 0)) throw new RangeError(`x must be a non-negative integer, got ${x}`);
  if (!(Number.isFinite(T) && T >= 0)) throw new RangeError(`T must be a non-negative number, got ${T}`);
  // tx means nothing without a repeat occasion; it is ignored then, so any value in [0, T] is accepted.
  if (!(Number.isFinite(tx) && tx >= 0 && tx <= T)) throw new RangeError(`tx must be in [0, T], got tx=${tx}, T=${T}`);
}

function logSumExp(u: number, v: number): number {
  const m = Math.max(u, v);
  if (m === Number.NEGATIVE_INFINITY) return m;
  return m + Math.log(Math.exp(u - m) + Math.exp(v - m));
}

/**
 * The part of the log-likelihood that depends on x alone (ln Γ terms). The fit evaluates it once per distinct
 * x instead of once per customer, which is most of its cost.
 */
export function logLikelihoodXTerm(p: BgNbdParams, x: number): number {
  const { r, alpha, a, b } = p;
  return (
    gammaln(r + x) - gammaln(r) + r * Math.log(alpha) +
    gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
  );
}

/** The rest of the log-likelihood: ln of [alive-at-T term + dropped-after-tx term], by log-sum-exp. */
export function logLikelihoodTimeTerm(p: BgNbdParams, c: BuyerSummary): number {
  const { r, alpha, a, b } = p;
  const { x, tx, T } = c;
  const alive = -(r + x) * Math.log(alpha + T);
  // With x = 0 there was no repeat occasion to drop out after: only the alive term exists (not log(0) maths).
  if (x === 0) return alive;
  const dropped = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  return logSumExp(alive, dropped);
}

/** ln L(r, α, a, b | x, tx, T), eq. 6 of the paper in log form. */
export function bgNbdLogLikelihood(p: BgNbdParams, c: BuyerSummary): number {
  assertParams(p);
  assertSummary(c);
  return logLikelihoodXTerm(p, c.x) + logLikelihoodTimeTerm(p, c);
}

/**
 * ln of the odds that the customer dropped out after their last occasion rather than being alive at T:
 * a/(b+x-1) · ((α+T)/(α+tx))^(r+x). -Infinity when x = 0 (nobody drops out before a repeat occasion).
 */
function logDeadOdds(p: BgNbdParams, c: BuyerSummary): number {
  if (c.x === 0) return Number.NEGATIVE_INFINITY;
  const { r, alpha, a, b } = p;
  return Math.log(a) - Math.log(b + c.x - 1) + (r + c.x) * (Math.log(alpha + c.T) - Math.log(alpha + c.tx));
}

/** P(alive at T | x, tx, T). Exactly 1 when x = 0. */
export function pAlive(p: BgNbdParams, c: BuyerSummary): number {
  assertParams(p);
  assertSummary(c);
  // 1 / (1 + e^u) written so that a large u underflows to 0 instead of overflowing.
  const u = logDeadOdds(p, c);
  return u > 0 ? Math.exp(-u) / (1 + Math.exp(-u)) : 1 / (1 + Math.exp(u));
}

/**
 * P(no occasion in (T, T + horizon] | history). Seeing no occasion up to T + horizon is the history
 * (x, tx, T + horizon), so the probability is L(x, tx, T + horizon) / L(x, tx, T): one ratio of likelihoods,
 * equal to 1 - P(alive) + P(alive)·((α+T)/(α+T+horizon))^(r+x).
 */
export function probNoPurchase(p: BgNbdParams, c: BuyerSummary, horizon: number): number {
  assertParams(p);
  assertSummary(c);
  if (!(Number.isFinite(horizon) && horizon >= 0)) throw new RangeError(`horizon must be a non-negative number, got ${horizon}`);
  const later = { x: c.x, tx: c.tx, T: c.T + horizon };
  const ratio = Math.exp(logLikelihoodTimeTerm(p, later) - logLikelihoodTimeTerm(p, c));
  return Math.min(1, Math.max(0, ratio));
}

// (a+b+x-1)/(a-1) · [1 - …] is 0/0 at a = 1 (the limit is finite). Within this distance of 1 the value is
// interpolated linearly between a = 1 ± A_NEAR_ONE, where the cancellation costs only ~1e-12 relative.
const A_NEAR_ONE = 1e-4;

/**
 * (a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x-1; z)], z = t/(α+T+t): the numerator of
 * eq. 10 (with x = 0, T = 0 it is eq. 7). Euler's transformation 2F1(A,B;C;z) = (1-z)^(C-A-B) 2F1(C-A,C-B;C;z)
 * turns the bracket into 1 - (1-z)^(a-1) · 2F1(a+b-1-r, a-1; a+b+x-1; z): parameters that do not grow with x,
 * so a frequent buyer's 2F1 cannot overflow (the untransformed one grows like (1-z)^-(r+x)), and with
 * C-A-B = r+x+1-a it stays finite as z → 1 whenever a < r+x+1 (a fitted a is usually below 1).
 */
function expectedIfAlive(p: BgNbdParams, x: number, T: number, t: number): number {
  if (t === 0) return 0;
  if (Math.abs(p.a - 1) >= A_NEAR_ONE) return expectedIfAliveClosedForm(p, x, T, t);
  const lo = expectedIfAliveClosedForm({ ...p, a: 1 - A_NEAR_ONE }, x, T, t);
  const hi = expectedIfAliveClosedForm({ ...p, a: 1 + A_NEAR_ONE }, x, T, t);
  return lo + ((p.a - (1 - A_NEAR_ONE)) / (2 * A_NEAR_ONE)) * (hi - lo);
}

function expectedIfAliveClosedForm(p: BgNbdParams, x: number, T: number, t: number): number {
  const { r, alpha, a, b } = p;
  const z = t / (alpha + T + t);
  const oneMinusZ = (alpha + T) / (alpha + T + t); // not 1 - z: exact even when z is close to 1
  const c = a + b + x - 1;
  const bracket = 1 - Math.pow(oneMinusZ, a - 1) * hyp2f1(a + b - 1 - r, a - 1, c, z);
  return (c / (a - 1)) * bracket;
}

/** E[occasions in (T, T+horizon] | x, tx, T] (Fader, Hardie & Lee 2005, eq. 10). */
export function expectedPurchases(p: BgNbdParams, c: BuyerSummary, horizon: number): number {
  assertParams(p);
  assertSummary(c);
  if (!(Number.isFinite(horizon) && horizon >= 0)) throw new RangeError(`horizon must be a non-negative number, got ${horizon}`);
  const u = logDeadOdds(p, c);
  const alive = u > 0 ? Math.exp(-u) / (1 + Math.exp(-u)) : 1 / (1 + Math.exp(u));
  return alive * expectedIfAlive(p, c.x, c.T, horizon);
}

/** E[X(t)]: expected repeat occasions by age t of a customer with no history yet (eq. 7). */
export function expectedPurchasesUnconditional(p: BgNbdParams, t: number): number {
  assertParams(p);
  if (!(Number.isFinite(t) && t >= 0)) throw new RangeError(`t must be a non-negative number, got ${t}`);
  return expectedIfAlive(p, 0, 0, t);
}
