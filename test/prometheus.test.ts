import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./support/processes.ts";

describe("infra/prometheus", () => {
  it("alerts only on metrics the workers actually export", () => {
    const rules = readFileSync(join(repoRoot, "infra/prometheus/alerts.yml"), "utf8");
    const exported = ["services/signal-worker/src/metrics.ts", "services/notifier/src/metrics.ts"]
      .map((f) => readFileSync(join(repoRoot, f), "utf8"))
      .join("\n");
    const used = [...new Set(rules.match(/churnwatch_[a-z_]+/g) ?? [])];
    expect(used.length).toBeGreaterThanOrEqual(4);
    for (const metric of used) expect(exported, metric).toContain(`"${metric}"`);
  });
});
