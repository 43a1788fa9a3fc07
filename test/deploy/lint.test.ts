import { expect, it } from "vitest";
import { filesUnder } from "./files.ts";
import { describeWithTool, run } from "./tools.ts";

const yamlFiles = filesUnder("infra").filter((f) => /\.ya?ml$/.test(f));

describeWithTool("yamllint", "yamllint", "yamllint over infra/", () => {
  it("finds nothing in any YAML file under infra/ (rules in .yamllint.yml)", () => {
    expect(yamlFiles.length).toBeGreaterThanOrEqual(10);
    const result = run("yamllint", ["--strict", "-f", "parsable", "-c", ".yamllint.yml", ...yamlFiles]);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
