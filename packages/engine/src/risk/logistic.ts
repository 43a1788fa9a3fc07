/**
 * Logistic regression by Newton's method (iteratively reweighted least squares) with a ridge penalty.
 * A handful of standardised inputs and a few thousand accounts: each step solves a small linear system,
 * converging in a few iterations where gradient descent would need thousands and a learning rate.
 * The penalty keeps weights finite when the classes separate, and leaves the intercept unpenalised.
 */
export interface LogisticFit {
  intercept: number;
  weights: number[];
  iterations: number;
  converged: boolean;
  logLikelihood: number;
}

export function fitLogistic(
  rows: readonly (readonly number[])[],
  labels: readonly boolean[],
  options: { ridge?: number; maxIterations?: number; /** Inputs left unpenalised besides the intercept. */ free?: readonly number[] } = {},
): LogisticFit {
  const n = rows.length;
  if (n === 0 || n !== labels.length) throw new RangeError(`need as many labels as rows, and at least one (rows ${n}, labels ${labels.length})`);
  const d = (rows[0] as readonly number[]).length + 1;
  const ridge = options.ridge ?? 1;
  const maxIterations = options.maxIterations ?? 50;
  const beta = new Array<number>(d).fill(0);
  const penalised = Array.from({ length: d }, (_, j) => j > 0 && !(options.free ?? []).includes(j - 1));
  let converged = false;
  let iterations = 0;
  for (; iterations < maxIterations && !converged; iterations++) {
    const grad = new Array<number>(d).fill(0);
    const hess = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < n; i++) {
      const x = withBias(rows[i] as readonly number[]);
      const p = sigmoid(dot(beta, x));
      const y = labels[i] ? 1 : 0;
      const w = Math.max(p * (1 - p), 1e-12);
      for (let j = 0; j < d; j++) {
        grad[j] = (grad[j] as number) + ((y - p) * (x[j] as number));
        const row = hess[j] as number[];
        for (let k = 0; k < d; k++) row[k] = (row[k] as number) + w * (x[j] as number) * (x[k] as number);
      }
    }
    for (let j = 1; j < d; j++) {
      if (!penalised[j]) continue;
      grad[j] = (grad[j] as number) - ridge * (beta[j] as number);
      const row = hess[j] as number[];
      row[j] = (row[j] as number) + ridge;
    }
    const delta = solve(hess, grad);
    let largest = 0;
    for (let j = 0; j < d; j++) {
      beta[j] = (beta[j] as number) + (delta[j] as number);
      largest = Math.max(largest, Math.abs(delta[j] as number));
    }
    converged = largest < 1e-8;
  }
  let logLikelihood = 0;
  for (let i = 0; i < n; i++) {
    const p = sigmoid(dot(beta, withBias(rows[i] as readonly number[])));
    logLikelihood += labels[i] ? Math.log(Math.max(p, 1e-300)) : Math.log(Math.max(1 - p, 1e-300));
  }
  return { intercept: beta[0] as number, weights: beta.slice(1), iterations, converged, logLikelihood };
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function withBias(row: readonly number[]): number[] {
  return [1, ...row];
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Gaussian elimination with partial pivoting: the system is small, symmetric and positive definite. */
function solve(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i] as number]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs((a[r] as number[])[col] as number) > Math.abs((a[pivot] as number[])[col] as number)) pivot = r;
    [a[col], a[pivot]] = [a[pivot] as number[], a[col] as number[]];
    const p = (a[col] as number[])[col] as number;
    if (Math.abs(p) < 1e-300) throw new RangeError("singular system: an input is constant or duplicates another");
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = ((a[r] as number[])[col] as number) / p;
      if (f === 0) continue;
      const row = a[r] as number[];
      const pr = a[col] as number[];
      for (let c = col; c <= n; c++) row[c] = (row[c] as number) - f * (pr[c] as number);
    }
  }
  return a.map((row, i) => (row[n] as number) / ((row[i] as number)));
}
