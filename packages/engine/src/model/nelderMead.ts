/**
 * Nelder–Mead simplex minimisation (the textbook variant, coefficients 1, 2, ½, ½; stopping rule as SciPy's:
 * every vertex within xTolerance of the best in each coordinate and within fTolerance of it in value).
 *
 * Hand-written on purpose: the npm `fmin` package (the usual choice) ships no types and has had no release
 * in years, and a 4-parameter smooth likelihood needs nothing more than these ~80 lines. Derivative-free, so
 * the likelihood needs no gradient code that could drift from it.
 */
export interface NelderMeadOptions {
  maxIterations?: number;
  xTolerance?: number;
  fTolerance?: number;
  /** Initial simplex: x0 plus this step along each axis. */
  initialStep?: number;
}

export interface NelderMeadResult {
  x: number[];
  fx: number;
  iterations: number;
  converged: boolean;
}

interface Vertex {
  x: number[];
  fx: number;
}

export function nelderMead(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const maxIterations = options.maxIterations ?? 2000 * x0.length;
  const xTol = options.xTolerance ?? 1e-8;
  const fTol = options.fTolerance ?? 1e-10;
  const step = options.initialStep ?? 0.5;
  const n = x0.length;
  // A non-finite value (an overflow, a parameter out of range) counts as the worst possible: the simplex
  // then walks away from that region instead of being poisoned by NaN comparisons.
  const evaluate = (x: number[]): Vertex => {
    const fx = f(x);
    return { x, fx: Number.isFinite(fx) ? fx : Number.POSITIVE_INFINITY };
  };
  const along = (from: readonly number[], to: readonly number[], t: number): number[] =>
    from.map((v, i) => v + t * ((to[i] as number) - v));

  const simplex: Vertex[] = [evaluate([...x0])];
  for (let i = 0; i < n; i++) {
    const x = [...x0];
    x[i] = (x[i] as number) + step;
    simplex.push(evaluate(x));
  }

  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    simplex.sort((u, v) => u.fx - v.fx);
    const best = simplex[0] as Vertex;
    const worst = simplex[n] as Vertex;
    const secondWorst = simplex[n - 1] as Vertex;
    const spread = Math.max(...simplex.map((v) => Math.max(...v.x.map((c, i) => Math.abs(c - (best.x[i] as number))))));
    if (spread <= xTol && worst.fx - best.fx <= fTol) {
      converged = true;
      break;
    }
    iterations++;

    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i] = (centroid[i] as number) + ((simplex[k] as Vertex).x[i] as number) / n;

    const reflected = evaluate(along(centroid, worst.x, -1));
    if (reflected.fx < best.fx) {
      const expanded = evaluate(along(centroid, worst.x, -2));
      simplex[n] = expanded.fx < reflected.fx ? expanded : reflected;
    } else if (reflected.fx < secondWorst.fx) {
      simplex[n] = reflected;
    } else {
      // Contract towards the better of the worst point and its reflection; shrink if that does not help.
      const outside = reflected.fx < worst.fx;
      const contracted = evaluate(along(centroid, worst.x, outside ? -0.5 : 0.5));
      if (contracted.fx < (outside ? reflected.fx : worst.fx)) {
        simplex[n] = contracted;
      } else {
        for (let k = 1; k <= n; k++) simplex[k] = evaluate(along(best.x, (simplex[k] as Vertex).x, 0.5));
      }
    }
  }
  simplex.sort((u, v) => u.fx - v.fx);
  const best = simplex[0] as Vertex;
  return { x: best.x, fx: best.fx, iterations, converged };
}
