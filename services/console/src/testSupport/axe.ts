// Accessibility checks with axe-core inside the real browser. Its source is evaluated through the DevTools
// protocol (page.evaluate), which the page's CSP does not govern: the console serves no script, and a
// <script> tag would be refused, which is the point of the CSP, so the check must not need one.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import type { AxeResults, ImpactValue } from "axe-core";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const BLOCKING: readonly ImpactValue[] = ["serious", "critical"];

/** The page's serious and critical violations, each as its rule id and the nodes it found, for a failure message. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  // A string, so the expression runs in the page (its `axe` and `document`), not in Node's types.
  const results = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as AxeResults;
  return results.violations
    .filter((v) => v.impact !== undefined && v.impact !== null && BLOCKING.includes(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(" ")}: ${n.failureSummary ?? ""}`.replaceAll("\n", " ")).join("\n")}`);
}
