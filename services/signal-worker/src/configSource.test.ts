import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "@churnwatch/platform";
import { waitFor } from "@churnwatch/testing";
import { createConfigSource, type ConfigSource } from "./configSource.ts";

const logger = createLogger("config-test", "silent");
let source: ConfigSource | undefined;
afterEach(() => source?.stop());

function rulesFile(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), "cw-rules-")), "rules.json");
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

describe("rules file", () => {
  it("refuses to start on a bad file, naming the problem", () => {
    const path = rulesFile({ version: "v1", rules: { "purchases.decline": { medium: 400 } } });
    expect(() => createConfigSource(path, logger)).toThrow(/rules.purchases.decline.medium: Too big/);
  });

  it("takes an edited file without a restart, and keeps the running version when an edit is broken", async () => {
    const path = rulesFile({ version: "v1" });
    source = createConfigSource(path, logger, 50);
    expect(source.current().version).toBe("v1");

    writeFileSync(path, '{ "version": "v2", "rules": { "purchases.decline": { "medium": "forty" } } }');
    expect(source.reload()).toBe(false);
    expect(source.current().version).toBe("v1");

    writeFileSync(path, JSON.stringify({ version: "v3", rules: { "purchases.decline": { medium: 45 } } }));
    const live = source;
    await waitFor(() => live.current().version === "v3", { timeoutMs: 5_000, description: "v3 picked up by the watcher" });
    expect(live.current().rules["purchases.decline"].medium).toBe(45);
  });
});
