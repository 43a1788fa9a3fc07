import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { defaultConfig, record, step, emptyState, type AccountState } from "@churnwatch/engine";
import { explainEvidence } from "@churnwatch/explain";
import { deleteKeysByPrefix, redisUrl, uniqueName } from "@churnwatch/testing";
import { decliningHistory } from "../../../test/support/events.ts";
import { runInspect } from "./inspectCommand.ts";
import type { AccountReport } from "./accountReport.ts";

const redis = new Redis(redisUrl());
let prefixes: string[] = [];
afterEach(async () => {
  for (const p of prefixes) await deleteKeysByPrefix(redis, p);
  prefixes = [];
});

/** A declining account's state, built by the engine exactly as the worker does: history recorded, the live event stepped. */
function decliningState(accountId: string): { state: AccountState; events: number } {
  const events = decliningHistory(accountId, Date.now());
  let state = emptyState(accountId);
  for (const e of events.slice(0, -1)) state = record(state, e, defaultConfig);
  state = step(state, { kind: "event", event: events.at(-1)! }, defaultConfig).state;
  return { state, events: events.length };
}

/** Writes the hash the signal worker's store writes: v (version), s (state JSON), n (events applied). */
async function storeAccount(prefix: string, state: AccountState, applied: number) {
  await redis.hset(`${prefix}account:${state.accountId}`, "v", "1", "s", JSON.stringify(state), "n", String(applied));
  await redis.sadd(`${prefix}accounts`, state.accountId);
}

async function inspect(prefix: string, ...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runInspect(argv, {
    env: { REDIS_URL: redisUrl(), KEY_PREFIX: prefix },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

function newPrefix() {
  const prefix = `${uniqueName("ops-inspect")}:`;
  prefixes.push(prefix);
  return prefix;
}

describe("inspect on real Redis", () => {
  it("prints the firing alert with one sentence per evidence row, and masks the owner's email", async () => {
    const prefix = newPrefix();
    const { state, events } = decliningState("acc-ops-1");
    const alert = state.alerts["purchases.decline"];
    expect(alert?.pendingSince).toBeUndefined(); // the fixture must really fire, or this test proves nothing
    await storeAccount(prefix, state, events);
    // Its history, as the relays write it: an engine transition, then an answer from an email link, twice.
    const at = "2026-03-02T01:15:00.000Z";
    const base = { alertId: "acc-ops-1:purchases.decline:1", accountId: "acc-ops-1", rule: "purchases.decline", level: "high", score: 80, configVersion: "c1" };
    const fired = JSON.stringify({ ...base, transitionId: "t1", type: "fired", at, cause: "event e-1", actor: "engine" });
    const acked = JSON.stringify({ ...base, transitionId: "t2", type: "acknowledged", at: "2026-03-02T02:00:00.000Z", cause: "acknowledge", actor: "link:li.wei@seller.example" });
    await redis.zadd(`${prefix}history:acc-ops-1`, Date.parse(at), fired, Date.parse(at) + 1, acked, Date.parse(at) + 2, `${acked} `);

    const { code, stdout } = await inspect(prefix, "acc-ops-1");
    expect(code).toBe(0);
    expect(stdout).toContain("l***@seller.example");
    expect(stdout).not.toContain("li.wei@seller.example");
    expect(stdout).toMatch(/purchases\.decline (high|critical) score \d+/);
    expect(stdout).toContain(`events:      ${events} applied`);
    expect(stdout).toMatch(/Order value in the last 90 days: CN¥[\d,.]+ vs CN¥[\d,.]+ baseline/);
    for (const e of alert?.evidence ?? []) expect(stdout).toContain(explainEvidence(e, "en", "CNY").sentence);
    expect(stdout).toMatch(/T12M orders: CN¥[\d,.]+ in \d+ order\(s\)/);
    expect(stdout).toContain("History (last 2):");
    expect(stdout).toContain("2026-03-02T01:15:00.000Z  purchases.decline fired high by engine");
    expect(stdout).toContain("purchases.decline acknowledged high by link:l***@seller.example");
  });

  it("prints the same facts as JSON, in the chosen locale", async () => {
    const prefix = newPrefix();
    const { state, events } = decliningState("acc-ops-2");
    await storeAccount(prefix, state, events);

    const { code, stdout } = await inspect(prefix, "acc-ops-2", "--json", "--locale", "zh-CN");
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as AccountReport;
    expect(report.profile?.ownerEmail).toBe("l***@seller.example");
    expect(stdout).not.toContain("li.wei@");
    expect(report.eventsApplied).toBe(events);
    expect(report.alerts.map((a) => a.rule)).toEqual(["purchases.decline"]);
    const decline = report.alerts[0];
    expect(decline?.explanations).toHaveLength(state.alerts["purchases.decline"]?.evidence.length ?? -1);
    expect(decline?.explanations[0]).toMatch(/近90天/);
    expect(report.risk.score).toBeGreaterThan(0);
    expect(report.t12m.orders).toBe(events - 1);
  });

  it("says so and exits 1 for an unknown account, through the real entry point", async () => {
    const prefix = newPrefix();
    const entry = fileURLToPath(new URL("./inspect.ts", import.meta.url));
    const run = promisify(execFile)("pnpm", ["exec", "tsx", entry, "acc-nobody"], {
      env: { ...process.env, REDIS_URL: redisUrl(), KEY_PREFIX: prefix },
    });
    await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('No account "acc-nobody"') });
  });
});

afterAll(async () => {
  await redis.quit();
});
