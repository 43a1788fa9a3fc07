// Fitting the defection model at a cut: it learns from the events before C and the orders up to C + horizon,
// nothing later; the fit command writes a model file the rules can name, and refuses bad usage.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { ChurnEvent } from "@churnwatch/contracts";
import { defaultConfig, defectionModelSchema } from "@churnwatch/engine";
import { fitModelAtCut, horizonEndMs } from "./cutFit.ts";

const DAY = 86_400_000;
const CUT = Date.parse("2025-07-01T00:00:00Z");

/** 80 accounts ordering every 9–30 days from 2024-01; every third stops a month before the cut. */
function history(): ChurnEvent[] {
  const events: ChurnEvent[] = [];
  let seq = 0;
  for (let a = 0; a < 80; a++) {
    const id = `acc-${a}`;
    const gap = 9 + (a % 22);
    const stopsAt = a % 3 === 0 ? CUT - 30 * DAY : Number.POSITIVE_INFINITY;
    events.push({
      eventId: `e${++seq}`, type: "account.upserted", accountId: id, occurredAt: "2024-01-01T00:00:00Z", schemaVersion: 1,
      data: { name: id, tier: "ordinary", owner: { name: "O", email: "o@example.com" }, region: "R", timezone: "UTC", currency: "USD", locale: "en" },
    });
    for (let t = Date.parse("2024-01-02T10:00:00Z") + a * 3_600_000; t < Math.min(stopsAt, CUT + 400 * DAY); t += gap * DAY) {
      events.push({ eventId: `e${++seq}`, type: "order.placed", accountId: id, occurredAt: new Date(t).toISOString(), schemaVersion: 1, data: { orderId: `o${seq}`, amount: String(100 + (a % 7) * 50), currency: "USD" } });
    }
  }
  return events.sort((x, y) => Date.parse(x.occurredAt) - Date.parse(y.occurredAt));
}

const opts = { horizonMonths: 6, config: defaultConfig, version: "t1", source: "synthetic" };

describe("fitModelAtCut", () => {
  const events = history();

  it("labels the eligible accounts by the orders after the cut, and learns that the quiet ones left", () => {
    const fit = fitModelAtCut(events, CUT, opts);
    expect(fit.examples).toBe(80);
    expect(fit.defected).toBe(27); // every third of 80
    expect(defectionModelSchema.safeParse(fit.model).success).toBe(true);
    expect(fit.model.inputs.find((i) => i.name === "noOrderChance")?.weight).toBeGreaterThan(0);
    expect(fit.model.fittedOn).toMatch(/^synthetic: features of the 80 accounts with an order before 2025-07-01; labels of the 80 eligible/);
  });

  it("reads nothing after the horizon's end: later events change nothing", () => {
    const end = horizonEndMs(CUT, 6);
    const kept = events.filter((e) => Date.parse(e.occurredAt) <= end);
    const later: ChurnEvent[] = kept.slice(0, 200).map((e, i) => ({ ...e, eventId: `late-${i}`, occurredAt: new Date(end + (i + 1) * DAY).toISOString() }));
    expect(JSON.stringify(fitModelAtCut([...kept, ...later], CUT, opts).model)).toBe(JSON.stringify(fitModelAtCut(kept, CUT, opts).model));
  });

  it("labels by known defection dates when given them", () => {
    const churnedAt = new Map([...Array(80).keys()].filter((a) => a % 3 === 0).map((a) => [`acc-${a}`, CUT + 10 * DAY] as const));
    const fit = fitModelAtCut(events, CUT, { ...opts, churnedAt });
    expect(fit.defected).toBe(27);
    expect(fit.model.fittedOn).toMatch(/labels from their known defection dates: 27 of the 80/);
  });
});

describe("fitModel.ts", () => {
  const run = promisify(execFile);
  const cli = join(import.meta.dirname, "..", "fitModel.ts");
  const tsx = (args: string[]) => run(process.execPath, ["--import", "tsx", cli, ...args]).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

  it("writes the model file and says what it learned; refuses bad usage with exit 2", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fit-"));
    const input = join(dir, "events.ndjson");
    await writeFile(input, history().map((e) => JSON.stringify(e)).join("\n") + "\n");
    const out = join(dir, "model.json");
    const ok = await tsx([input, "--train-cut", "2025-07-01", "--out", out, "--version", "v9"]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toMatch(/fitted v9: 80 labelled accounts \(27 defected\), 80 in the population; inputs noOrderChance .*; wrote /);
    expect(defectionModelSchema.parse(JSON.parse(await readFile(out, "utf8"))).version).toBe("v9");
    const bad = await tsx([input, "--out", out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--train-cut is required");
    expect((await tsx([input, "--train-cut", "2025-07-01", "--out", out, "--inputs", "luck"])).stderr).toContain("--inputs: unknown luck");
  }, 60_000);
});
