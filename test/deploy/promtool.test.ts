import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { filesUnder, readYaml, repoPath } from "./files.ts";
import { describeWithTool, run } from "./tools.ts";

interface RuleTests {
  rule_files: string[];
  tests: Array<{ name: string; alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
}

const RULES = "infra/prometheus/alerts.yml";
const testFiles = filesUnder("infra/prometheus/tests").filter((f) => f.endsWith(".yml"));
const alertNames = readYaml<{ groups: Array<{ rules: Array<{ alert: string }> }> }>(RULES).groups.flatMap((g) => g.rules.map((r) => r.alert));

describeWithTool("promtool", "prometheus", "alert rules under promtool", () => {
  it("checks the rules and the Prometheus config", () => {
    const rules = run("promtool", ["check", "rules", RULES]);
    expect(rules.stdout + rules.stderr).toContain(`SUCCESS: ${alertNames.length} rules found`);
    expect(rules.status).toBe(0);
    // The token file only exists in the container (a compose secret): syntax, not files.
    const config = run("promtool", ["check", "config", "--syntax-only", "infra/prometheus/prometheus.yml"]);
    expect(config.status, config.stdout + config.stderr).toBe(0);
  });

  it("passes the rules' unit tests: each alert fires on synthetic series and stays quiet on healthy ones", () => {
    expect(testFiles.length).toBeGreaterThanOrEqual(1);
    const result = run("promtool", ["test", "rules", ...testFiles]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });

  it("has, for every alert, a test where it fires and one where it does not", () => {
    const cases = testFiles.flatMap((f) => readYaml<RuleTests>(f).tests.flatMap((t) => t.alert_rule_test ?? []));
    for (const alert of alertNames) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(mine.some((c) => c.exp_alerts.length > 0), `${alert} never fires in infra/prometheus/tests`).toBe(true);
      expect(mine.some((c) => c.exp_alerts.length === 0), `${alert} is never shown quiet in infra/prometheus/tests`).toBe(true);
    }
    for (const file of testFiles) expect(readYaml<RuleTests>(file).rule_files, file).toEqual(["../alerts.yml"]);
  });

  it("fails a rules test whose expectation is wrong (the runner can fail)", () => {
    const dir = mkdtempSync(join(tmpdir(), "cw-promtool-"));
    try {
      const file = join(dir, "wrong.yml");
      writeFileSync(
        file,
        JSON.stringify({
          rule_files: [repoPath(RULES)],
          tests: [{ interval: "1m", input_series: [{ series: 'up{job="churnwatch-notifier"}', values: "1x10" }], alert_rule_test: [{ alertname: "ChurnwatchWorkerDown", eval_time: "5m", exp_alerts: [{ exp_labels: { severity: "page" } }] }] }],
        }),
      );
      const result = run("promtool", ["test", "rules", file]);
      expect(result.status).not.toBe(0);
      expect(result.stdout + result.stderr).toContain("ChurnwatchWorkerDown");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
