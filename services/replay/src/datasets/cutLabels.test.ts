import { describe, expect, it } from "vitest";
import { labelAt, parseCut } from "./cutLabels.ts";

const at = (iso: string) => Date.parse(iso);
const C = at("2011-06-10T00:00:00Z");

describe("labelAt: the README's defection label", () => {
  // Four distinct months before C, the last within the 6 months before it.
  const history = ["2010-09-03", "2010-10-04", "2010-10-20", "2011-01-05", "2011-03-01"].map((d) => at(`${d}T10:00:00Z`));

  it("is eligible with 4 distinct months and a recent order; defected with nothing in (C, C + 6 months]", () => {
    expect(labelAt(history, C)).toEqual({ eligible: true, defected: true, monthsBefore: 4, recent: true, ordersAfter: 0 });
    expect(labelAt([...history, at("2011-12-09T12:00:00Z")], C)).toMatchObject({ eligible: true, defected: false, ordersAfter: 1 });
  });

  it("needs 4 months, not 4 orders", () => {
    const three = [at("2010-10-01T10:00:00Z"), at("2010-10-02T10:00:00Z"), at("2011-01-05T10:00:00Z"), at("2011-03-01T10:00:00Z")];
    expect(labelAt(three, C)).toMatchObject({ eligible: false, defected: false, monthsBefore: 3 });
  });

  it("needs an order in the 6 months before C", () => {
    const old = ["2010-06-01", "2010-07-01", "2010-08-01", "2010-12-09"].map((d) => at(`${d}T10:00:00Z`));
    expect(labelAt(old, C)).toMatchObject({ eligible: false, recent: false, monthsBefore: 4 });
    // 2010-12-10 is exactly C − 6 months: inside.
    expect(labelAt([...old, at("2010-12-10T00:00:00Z")], C)).toMatchObject({ eligible: true, recent: true });
  });

  it("bounds the outcome window as (C, C + H]", () => {
    expect(labelAt([...history, at("2011-12-10T00:00:00Z")], C).defected).toBe(false); // C + 6 months: in
    expect(labelAt([...history, at("2011-12-10T00:00:01Z")], C).defected).toBe(true); // just after: out
    expect(labelAt([...history, C], C)).toMatchObject({ defected: true, ordersAfter: 0 }); // at C: neither before nor after
    expect(labelAt([...history, at("2011-09-01T00:00:00Z")], C, { horizonMonths: 2 }).defected).toBe(true);
  });

  it("counts months in the account's zone", () => {
    // 23:30 UTC on 30 November 2010 is already 1 December in Shanghai, a month with another order.
    const edge = [at("2010-11-30T23:30:00Z"), at("2010-12-05T10:00:00Z"), at("2011-01-01T10:00:00Z"), at("2011-03-01T10:00:00Z")];
    expect(labelAt(edge, C).monthsBefore).toBe(4);
    expect(labelAt(edge, C, { zone: "Asia/Shanghai" }).monthsBefore).toBe(3);
  });
});

describe("parseCut", () => {
  it("takes a date as 00:00 UTC or an instant with an offset", () => {
    expect(parseCut("2011-06-10")).toBe(C);
    expect(parseCut("2011-06-10T01:00:00+01:00")).toBe(C);
    expect(() => parseCut("2011-06-10T00:00:00")).toThrow(RangeError);
    expect(() => parseCut("June 10")).toThrow(RangeError);
  });
});
