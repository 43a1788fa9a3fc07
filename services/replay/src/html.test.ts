import { describe, expect, it } from "vitest";
import { renderHtml } from "./html.ts";
import { buildReport } from "./report.ts";
import { markFrontier } from "./sweep.ts";

describe("renderHtml", () => {
  it("is self-contained: no external src/href, no scripts, inline SVG charts, escaped text", () => {
    const T0 = Date.parse("2025-01-01T00:00:00Z");
    const report = buildReport({
      episodes: [],
      labels: [{ accountId: "a", churnedAt: "2025-06-01T00:00:00Z", churnedMs: Date.parse("2025-06-01T00:00:00Z"), pattern: "<script>x</script>" }],
      accounts: [{ accountId: "a", tier: "strategic", firstEventMs: T0 }],
      periodStartMs: T0,
      periodEndMs: T0 + 200 * 86_400_000,
    });
    const sweep = markFrontier([
      { name: "default", declineMedium: 40, declineMinDeviations: 2, complaintsMediumFloor: 10, overdueMedium: 30, complaintsSigns: true, precision: 0.5, recall: 0.5, medianLeadDays: 40, alertsPerAccountMonth: 0.1 },
    ]);
    const html = renderHtml(report, { sweep });
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<script|<link|@import|url\(/i);
    expect(html.match(/<svg /g)?.length).toBe(4); // lead time, per rule, per tier, the sweep
    expect(html).toContain("&#60;script&#62;x&#60;/script&#62;");
    expect(html).toContain("Threshold sweep");
  });

  it("states the period as dates and keeps every wide table in a box of its own that scrolls", () => {
    const T0 = Date.parse("2025-01-01T08:30:00Z");
    const report = buildReport({
      episodes: [],
      labels: [],
      accounts: [{ accountId: "a", tier: "partner", firstEventMs: T0 }],
      periodStartMs: T0,
      periodEndMs: Date.parse("2025-07-20T23:59:59Z"),
    });
    const sweep = markFrontier([
      { name: "default", declineMedium: 40, declineMinDeviations: 2, complaintsMediumFloor: 10, overdueMedium: 30, complaintsSigns: true, precision: 0.5, recall: 0.5, medianLeadDays: 40, alertsPerAccountMonth: 0.1 },
    ]);
    const html = renderHtml(report, { sweep });
    expect(html).toContain("Events from 2025-01-01 to 2025-07-20 (UTC)");
    const wide = html.match(/<table><tr><th><\/th><th>accounts|<table><tr><th>#<\/th><th class="name">point/g) ?? [];
    const boxed = html.match(/<div class="wide"><table><tr><th><\/th><th>accounts|<div class="wide"><table><tr><th>#<\/th><th class="name">point/g) ?? [];
    expect(wide.length).toBe(3); // per rule, per tier, the sweep
    expect(boxed.length).toBe(wide.length);
    expect(html).toMatch(/\.wide\{overflow-x:auto\}/);
  });

  it("plots the sweep: one dot per distinct precision and recall, frontier filled, the default ringed, numbered as the table", () => {
    const T0 = Date.parse("2025-01-01T00:00:00Z");
    const report = buildReport({ episodes: [], labels: [], accounts: [], periodStartMs: T0, periodEndMs: T0 + 86_400_000 });
    const point = { declineMedium: 40, declineMinDeviations: 2, complaintsMediumFloor: 10, overdueMedium: 30, complaintsSigns: true, alertsPerAccountMonth: 0.1 };
    const sweep = markFrontier([
      { ...point, name: "default", precision: 0.8, recall: 0.9, medianLeadDays: 40 },
      { ...point, name: "a", precision: 0.8, recall: 0.9, medianLeadDays: 40 },
      { ...point, name: "b", precision: 0.9, recall: 0.7, medianLeadDays: 30 },
      { ...point, name: "c", precision: 0.5, recall: 0.6, medianLeadDays: 20 },
    ]);
    const svg = /<svg[^>]*aria-label="Sweep points[^"]*">.*?<\/svg>/s.exec(renderHtml(report, { sweep }))?.[0] ?? "";
    const dots = svg.match(/<circle [^>]*r="5"[^>]*>/g) ?? [];
    expect(dots.length).toBe(3); // default and a share one
    expect(sweep.map((r) => r.frontier)).toEqual([true, true, true, false]);
    expect(dots.filter((d) => d.includes('fill="#2e8b57"')).length).toBe(2); // the shared dot and b; c is not on the frontier
    expect(svg.match(/r="9"/g)?.length).toBe(1);
    expect(svg).toContain(">1,2</text>");
    expect(svg).toContain("4. c: precision 50.0%, recall 60.0%");
  });
});
