import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { churnEventSchema } from "@churnwatch/contracts";
import { ONLINE_RETAIL_FILE } from "../datasetFiles.ts";

// The two commands as a user runs them, on a small made-up Online Retail file: what convert.ts and cutEval.ts
// wire together is checked nowhere else.
const here = dirname(fileURLToPath(import.meta.url));
const convert = resolve(here, "convert.ts");
const cutEval = resolve(here, "../cutEval.ts");
const tsx = import.meta.resolve("tsx");

function run(script: string, args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", tsx, script, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.once("error", fail);
    child.once("close", (code) => done({ code, stdout, stderr }));
  });
}

/** Monthly buyers from 2010-01: 20001 keeps buying, 20002 stops after 2011-03, 20003 buys twice only. */
function retailCsv(): string {
  const lines = ["ts,customer_id,event_type,invoice_no,amount,lines,units,country"];
  let invoice = 500_000;
  for (let m = 0; m < 23; m++) {
    const month = `${2010 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`;
    lines.push(`${month}-15 10:00:00,20001,order_placed,${invoice++},120.5,3,10,United Kingdom`);
    if (m <= 14) lines.push(`${month}-16 11:00:00,20002,order_placed,${invoice++},80,2,5,"Korea, Republic of"`);
    if (m < 2) lines.push(`${month}-17 12:00:00,20003,order_placed,${invoice++},10,1,1,France`);
  }
  lines.push(`2010-05-15 10:30:00,20001,credit_note_return,C${invoice++},-20.299999999999997,1,-2,United Kingdom`);
  return lines.join("\n") + "\n";
}

describe("convert.ts and cutEval.ts", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cw-realdata-"));
    await mkdir(join(dir, dirname(ONLINE_RETAIL_FILE)), { recursive: true });
    await writeFile(join(dir, ONLINE_RETAIL_FILE), gzipSync(retailCsv()));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("converts, summarises, and evaluates at a cut", async () => {
    const out = join(dir, "events.ndjson");
    const c = await run(convert, ["online-retail", "--data", dir, "--out", out, "--tier-cut", "2011-01-01"]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stderr).toMatch(/^converted online-retail: 41 rows → 3 accounts, 40 orders .*1 credit notes skipped.*by revenue before 2011-01-01T00:00:00.000Z; 0 rejected rows; 43 events .* all valid/);
    const events = (await readFile(out, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as unknown);
    for (const e of events) expect(churnEventSchema.safeParse(e).success).toBe(true);

    const json = join(dir, "cut.json");
    const html = join(dir, "cut.html");
    const e = await run(cutEval, [out, "--cut", "2011-06-10", "--json", json, "--html", html]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toContain("**2 eligible, 1 defected** (base rate 0.500)");
    expect(e.stdout).toMatch(/\| recency \(days since last order\) \| 1\.000 \|/);
    expect(e.stderr).toMatch(/2011-06-10 2 eligible, 1 defected; .* wrote .*cut\.json, .*cut\.html/);
    const saved = JSON.parse(await readFile(json, "utf8")) as { cuts: Array<{ eligible: number; predictors: unknown[] }> };
    expect(saved.cuts[0]?.eligible).toBe(2);
    expect(saved.cuts[0]?.predictors).toHaveLength(5);
    const page = await readFile(html, "utf8");
    expect(page.match(/<svg /g)).toHaveLength(3); // one calibration plot per score
    expect(page).toContain("engine level ≥ medium at C");
  }, 60_000);

  it("refuses bad usage with exit 2", async () => {
    expect((await run(convert, ["cdnow", "--out", "-"])).code).toBe(2);
    expect((await run(convert, ["online-retail"])).code).toBe(2);
    expect((await run(cutEval, [join(dir, "none.ndjson")])).code).toBe(2);
    expect((await run(cutEval, ["x.ndjson", "--cut", "June"])).code).toBe(2);
  }, 60_000);
});
