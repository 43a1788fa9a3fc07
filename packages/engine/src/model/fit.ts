/**
 * Maximum-likelihood fit of the BG/NBD parameters to a population of buyer summaries.
 */
import {
  assertParams,
  assertSummary,
  logLikelihoodTimeTerm,
  logLikelihoodXTerm,
  type BgNbdParams,
  type BuyerSummary,
} from "./bgnbd.ts";
import { nelderMead } from "./nelderMead.ts";

export interface FitBgNbdOptions {
  /** Starting point; by default r = a = b = 1 and α matching the population's raw buying rate. */
  initial?: BgNbdParams;
  /** Cap on Nelder–Mead iterations, over all restarts (default 10,000). */
  maxIterations?: number;
  /** Convergence tolerance on the mean log-likelihood per customer (default 1e-10). */
  fTolerance?: number;
  /** Convergence tolerance on the log-parameters (default 1e-7). */
  xTolerance?: number;
}

export interface BgNbdFit {
  params: BgNbdParams;
  /** Total log-likelihood of all customers at params. */
  logLikelihood: number;
  iterations: number;
  /** The last Nelder–Mead run met its tolerances before the iteration cap. */
  converged: boolean;
}

interface Group {
  x: number;
  xWeight: number;
  cells: { c: BuyerSummary; weight: number }[];
}

/**
 * Customers with the same (x, tx, T) contribute the same term, and the ln Γ terms depend on x alone: with
 * times on a day grid a population of tens of thousands collapses to a few thousand cells and a few dozen x.
 */
function groupCustomers(customers: readonly BuyerSummary[]): Group[] {
  const byX = new Map<number, Map<string, { c: BuyerSummary; weight: number }>>();
  for (const c of customers) {
    assertSummary(c);
    // tx is ignored when x = 0, so it must not split those cells.
    const tx = c.x === 0 ? 0 : c.tx;
    let cells = byX.get(c.x);
    if (cells === undefined) {
      cells = new Map();
      byX.set(c.x, cells);
    }
    const key = `${tx}|${c.T}`;
    const cell = cells.get(key);
    if (cell === undefined) cells.set(key, { c: { x: c.x, tx, T: c.T }, weight: 1 });
    else cell.weight++;
  }
  return [...byX.entries()].map(([x, cells]) => {
    const list = [...cells.values()];
    return { x, xWeight: list.reduce((s, cell) => s + cell.weight, 0), cells: list };
  });
}

function totalLogLikelihood(p: BgNbdParams, groups: readonly Group[]): number {
  let sum = 0;
  for (const g of groups) {
    sum += g.xWeight * logLikelihoodXTerm(p, g.x);
    for (const cell of g.cells) sum += cell.weight * logLikelihoodTimeTerm(p, cell.c);
  }
  return sum;
}

function defaultInitial(customers: readonly BuyerSummary[]): BgNbdParams {
  let sumX = 0;
  let sumT = 0;
  for (const c of customers) {
    sumX += c.x;
    sumT += c.T;
  }
  // With r = 1 the mean buying rate is 1/α: start from the population's raw rate (repeat occasions per unit
  // of observed time), so the simplex starts on the right time scale whether times are days or weeks.
  const alpha = sumX > 0 && sumT > 0 ? sumT / sumX : 1;
  return { r: 1, alpha, a: 1, b: 1 };
}

const fromLog = (v: readonly number[]): BgNbdParams => ({
  r: Math.exp(v[0] as number),
  alpha: Math.exp(v[1] as number),
  a: Math.exp(v[2] as number),
  b: Math.exp(v[3] as number),
});

const MAX_RESTARTS = 5;

/**
 * Maximises the BG/NBD likelihood by Nelder–Mead on the log-parameters (so r, α, a, b stay positive with no
 * constraints), minimising the mean negative log-likelihood per customer (so tolerances do not depend on the
 * population's size). Nelder–Mead can stall on a degenerate simplex, so it is restarted from its best point
 * with a fresh simplex until a restart no longer improves the value.
 */
export function fitBgNbd(customers: readonly BuyerSummary[], options: FitBgNbdOptions = {}): BgNbdFit {
  if (customers.length === 0) throw new RangeError("fitBgNbd needs at least one customer");
  if (!customers.some((c) => c.x > 0)) throw new RangeError("fitBgNbd needs at least one customer with a repeat occasion");
  const initial = options.initial ?? defaultInitial(customers);
  assertParams(initial);
  const maxIterations = options.maxIterations ?? 10_000;
  const fTolerance = options.fTolerance ?? 1e-10;
  const xTolerance = options.xTolerance ?? 1e-7;

  const groups = groupCustomers(customers);
  const n = customers.length;
  const objective = (v: readonly number[]): number => -totalLogLikelihood(fromLog(v), groups) / n;

  let point = [Math.log(initial.r), Math.log(initial.alpha), Math.log(initial.a), Math.log(initial.b)];
  let value = objective(point);
  let iterations = 0;
  let converged = false;
  for (let run = 0; run <= MAX_RESTARTS && iterations < maxIterations; run++) {
    const result = nelderMead(objective, point, {
      maxIterations: maxIterations - iterations,
      fTolerance,
      xTolerance,
      // A wide first simplex finds the basin; restarts only need to unstick a flattened one.
      initialStep: run === 0 ? 0.5 : 0.05,
    });
    iterations += result.iterations;
    converged = result.converged;
    const improved = value - result.fx;
    if (result.fx <= value) {
      point = result.x;
      value = result.fx;
    }
    if (run > 0 && improved <= fTolerance) break;
  }
  const params = fromLog(point);
  return { params, logLikelihood: totalLogLikelihood(params, groups), iterations, converged };
}
