import { describe, expect, it } from "vitest";
import { nelderMead } from "./nelderMead.ts";

describe("nelderMead", () => {
  it("finds the minimum of Rosenbrock's valley from the usual start", () => {
    const rosenbrock = (v: readonly number[]) => 100 * ((v[1] as number) - (v[0] as number) ** 2) ** 2 + (1 - (v[0] as number)) ** 2;
    const result = nelderMead(rosenbrock, [-1.2, 1], { xTolerance: 1e-10, fTolerance: 1e-14 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
  });

  it("minimises a shifted 4-D quadratic with unequal scales", () => {
    const target = [0.5, -2, 3, 1e-3];
    const scales = [1, 10, 0.1, 100];
    const f = (v: readonly number[]) => v.reduce((s, x, i) => s + (scales[i] as number) * (x - (target[i] as number)) ** 2, 0);
    const result = nelderMead(f, [0, 0, 0, 0], { xTolerance: 1e-9, fTolerance: 1e-16 });
    result.x.forEach((x, i) => expect(x).toBeCloseTo(target[i] as number, 6));
  });

  it("treats a non-finite value as the worst and walks away from it", () => {
    // Undefined (NaN) left of 0.2: the minimum at 1 is still found from a start whose simplex touches it.
    const f = (v: readonly number[]) => ((v[0] as number) < 0.2 ? Number.NaN : ((v[0] as number) - 1) ** 2);
    const result = nelderMead(f, [0.3], { initialStep: -0.5 });
    expect(result.x[0]).toBeCloseTo(1, 6);
  });

  it("stops at the iteration cap and says it did not converge", () => {
    const result = nelderMead((v) => (v[0] as number) ** 2 + (v[1] as number) ** 2, [5, 5], { maxIterations: 3 });
    expect(result.iterations).toBe(3);
    expect(result.converged).toBe(false);
  });
});
