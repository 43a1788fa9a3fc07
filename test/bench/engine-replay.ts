/**
 * Replay throughput of the pure engine, and of the replay command's own loop, against a bare read +
 * JSON.parse loop over the same NDJSON file.
 *   pnpm exec tsx test/bench/engine-replay.ts [--accounts 2000] [--months 24] [--seed 42] [--reps 3] [--threads n]
 *   [--phase all|bare|engine|tool] (engine or tool alone, once, is what to run under `node --import tsx --cpu-prof`)
 * Writes the simulator's history to a temp dir, deletes it at the end.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { once } from "node:events";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { decodeEvent } from "@churnwatch/contracts";
import { defaultConfig, emptyState, step, type AccountState } from "@churnwatch/engine";
import { simulate } from "@churnwatch/simulator";
import { openInput, readEvents } from "../../services/replay/src/ndjson.ts";
import { replay as replayTool } from "../../services/replay/src/replayer.ts";
import { replayInThreads } from "../../services/replay/src/threadedReplay.ts";
import { benchArgs, describeSummary, fmt, log, machineLine, progress, runBench, summarize, type Progress } from "./support.ts";

const DAY_MS = 86_400_000;

const args = benchArgs(
  import.meta.url,
  {
    accounts: { type: "string", default: "2000" },
    months: { type: "string", default: "24" },
    seed: { type: "string", default: "42" },
    reps: { type: "string", default: "3" },
    end: { type: "string", default: "2026-11-01T00:00:00Z" },
    phase: { type: "string", default: "all" },
    // (f)'s threads; the replay command's default is the cores, at most 4.
    threads: { type: "string", default: String(Math.min(availableParallelism(), 4)) },
  },
  { phase: ["all", "bare", "engine", "tool"] },
);

async function writeHistory(file: string): Promise<number> {
  const sim = simulate({ seed: Number(args.seed), accounts: Number(args.accounts), months: Number(args.months), end: args.end });
  const out = createWriteStream(file, { encoding: "utf8" });
  const bar = progress("simulating", Math.round((sim.endMs - sim.startMs) / DAY_MS), "days");
  let buffer = "";
  let n = 0;
  for (const event of sim) {
    buffer += JSON.stringify(event) + "\n";
    n++;
    if (buffer.length >= 256 * 1024) {
      bar.update(Math.round((Date.parse(event.occurredAt) - sim.startMs) / DAY_MS));
      if (!out.write(buffer)) await once(out, "drain");
      buffer = "";
    }
  }
  out.end(buffer);
  await once(out, "finish");
  bar.stop();
  return n;
}

function lines(file: string) {
  return createInterface({ input: createReadStream(file, { encoding: "utf8", highWaterMark: 256 * 1024 }), crlfDelay: Infinity });
}

/** (a) The floor: read every line and JSON.parse it, nothing else. */
async function bare(file: string, total: number, bar: Progress): Promise<{ events: number; ms: number }> {
  const t0 = performance.now();
  let n = 0;
  let sink = 0;
  for await (const line of lines(file)) {
    if (line === "") continue;
    const value = JSON.parse(line) as { eventId?: string };
    sink += value.eventId?.length ?? 0; // keeps the parse from being optimised away
    if (++n % 10_000 === 0) bar.update(n);
  }
  bar.update(total);
  if (sink < 0) log("impossible");
  return { events: n, ms: performance.now() - t0 };
}

export interface ReplayStats {
  events: number;
  ticks: number;
  invalid: number;
  changes: number;
  ms: number;
}

/**
 * (b) What a replay does: read, validate with the wire contract, step the engine per event into per-account
 * states in a Map, and tick every known account at each UTC midnight of event time (silence has no event).
 */
async function replay(file: string, total: number, bar: Progress, daily: boolean): Promise<ReplayStats> {
  const t0 = performance.now();
  const states = new Map<string, AccountState>();
  let nextTickMs: number | undefined;
  const stats = { events: 0, ticks: 0, invalid: 0, changes: 0 };
  for await (const line of lines(file)) {
    if (line === "") continue;
    const decoded = decodeEvent(Buffer.from(line, "utf8"));
    if (!decoded.ok) {
      stats.invalid++;
      continue;
    }
    const event = decoded.event;
    if (daily) {
      const atMs = Date.parse(event.occurredAt);
      nextTickMs ??= Math.floor(atMs / DAY_MS) * DAY_MS + DAY_MS;
      while (atMs >= nextTickMs) {
        const at = new Date(nextTickMs).toISOString();
        for (const [id, state] of states) {
          const r = step(state, { kind: "tick", at }, defaultConfig);
          states.set(id, r.state);
          stats.ticks++;
          stats.changes += r.changes.length;
        }
        nextTickMs += DAY_MS;
      }
    }
    const r = step(states.get(event.accountId) ?? emptyState(event.accountId), { kind: "event", event }, defaultConfig);
    states.set(event.accountId, r.state);
    stats.changes += r.changes.length;
    if (++stats.events % 5_000 === 0) bar.update(stats.events);
  }
  bar.update(total);
  return { ...stats, ms: performance.now() - t0 };
}

/**
 * (d) The replay command's own path, as `replay events.ndjson --order sorted` runs it: its byte-level line
 * splitter and decoder, then its replayer (dedup window, ticks that skip an account already at that instant,
 * alert episodes). Report, HTML and output writing are left out: they come after the loop.
 */
async function tool(file: string, total: number, bar: Progress, threads = 1): Promise<{ events: number; ticks: number; episodes: number; ms: number }> {
  const t0 = performance.now();
  const opts = { config: defaultConfig, onProgress: (p: { events: number }) => bar.update(p.events), progressEvery: 5_000 };
  const events = readEvents(openInput(file));
  const result = threads > 1 ? await replayInThreads(events, opts, threads) : await replayTool(events, opts);
  bar.update(total);
  return { events: result.stats.events, ticks: result.stats.ticks, episodes: result.episodes.length, ms: performance.now() - t0 };
}

/* (f) is (d) with the accounts split over worker threads, as the command runs by default (`tool` with threads). */

/**
 * (e) The replay command's reader alone: its line splitter and the wire contract's validation, no engine.
 * The ceiling of (d): however fast the engine, the replay cannot outrun reading and validating its input.
 */
async function reader(file: string, total: number, bar: Progress): Promise<{ events: number; ms: number }> {
  const t0 = performance.now();
  let n = 0;
  for await (const event of readEvents(openInput(file))) {
    if (event.eventId === "") log("impossible"); // keeps the loop from being optimised away
    if (++n % 10_000 === 0) bar.update(n);
  }
  bar.update(total);
  return { events: n, ms: performance.now() - t0 };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "churnwatch-bench-replay-"));
  try {
    const file = join(dir, "events.ndjson");
    log(`simulating ${args.accounts} accounts × ${args.months} months (seed ${args.seed}) into ${file}`);
    const total = await writeHistory(file);
    const bytes = (await stat(file)).size;
    log(`${fmt(total)} events, ${fmt(bytes / 1e6, 1)} MB`);
    const reps = Number(args.reps);

    if (args.phase === "engine") {
      const bar = progress("engine (b)", total);
      const r = await replay(file, total, bar, true);
      bar.stop();
      console.log(`engine replay (b), once: ${fmt((r.events / r.ms) * 1000)} events/s, ${fmt(r.ticks)} ticks, ${fmt(r.changes)} alert changes, ${fmt(r.ms)} ms`);
      return;
    }
    if (args.phase === "tool") {
      const bar = progress("replay tool (d)", total);
      const r = await tool(file, total, bar);
      bar.stop();
      console.log(`replay tool (d), once: ${fmt((r.events / r.ms) * 1000)} events/s, ${fmt(r.ticks)} ticks, ${fmt(r.episodes)} alert episodes, ${fmt(r.ms)} ms`);
      return;
    }

    const bareRates: number[] = [];
    const replayRates: number[] = [];
    const noTickRates: number[] = [];
    const toolRates: number[] = [];
    const ratios: number[] = [];
    const toolRatios: number[] = [];
    const readerRates: number[] = [];
    const readerRatios: number[] = [];
    const threads = Number(args.threads);
    const threadRates: number[] = [];
    const threadRatios: number[] = [];
    const threadGains: number[] = [];
    let last: ReplayStats | undefined;
    let lastTool: Awaited<ReturnType<typeof tool>> | undefined;
    // Interleaved, so a burst of noise from the other tenants of this machine hits both sides alike.
    for (let i = 1; i <= reps; i++) {
      const barA = progress(`rep ${i}/${reps} bare (a)  `, total);
      const a = await bare(file, total, barA);
      barA.stop();
      bareRates.push((a.events / a.ms) * 1000);
      if (args.phase === "bare") continue;
      const barB = progress(`rep ${i}/${reps} engine (b)`, total);
      const b = await replay(file, total, barB, true);
      barB.stop();
      last = b;
      replayRates.push((b.events / b.ms) * 1000);
      ratios.push(a.ms / b.ms);
      const barC = progress(`rep ${i}/${reps} no ticks  `, total);
      const c = await replay(file, total, barC, false);
      barC.stop();
      noTickRates.push((c.events / c.ms) * 1000);
      const barD = progress(`rep ${i}/${reps} tool (d)  `, total);
      const d = await tool(file, total, barD);
      barD.stop();
      lastTool = d;
      toolRates.push((d.events / d.ms) * 1000);
      toolRatios.push(a.ms / d.ms);
      const barF = progress(`rep ${i}/${reps} threads (f)`, total);
      const f = await tool(file, total, barF, threads);
      barF.stop();
      threadRates.push((f.events / f.ms) * 1000);
      threadRatios.push(a.ms / f.ms);
      threadGains.push(d.ms / f.ms);
      const barE = progress(`rep ${i}/${reps} reader (e)`, total);
      const e = await reader(file, total, barE);
      barE.stop();
      readerRates.push((e.events / e.ms) * 1000);
      readerRatios.push(a.ms / e.ms);
      log(`rep ${i}: bare ${fmt(a.ms)} ms, replay ${fmt(b.ms)} ms (${fmt(b.ticks)} ticks), replay without ticks ${fmt(c.ms)} ms, replay tool ${fmt(d.ms)} ms, on ${threads} threads ${fmt(f.ms)} ms, its reader alone ${fmt(e.ms)} ms`);
    }

    console.log(`engine-replay · ${machineLine()}`);
    console.log(`input: ${fmt(total)} events (${args.accounts} accounts × ${args.months} months, seed ${args.seed}), ${fmt(bytes / 1e6, 1)} MB NDJSON; ${reps} repetition(s)`);
    console.log(`(a) bare read + JSON.parse:            ${describeSummary(summarize(bareRates), "events/s")}`);
    if (replayRates.length > 0 && last) {
      console.log(`(b) read + decodeEvent + step + daily tick: ${describeSummary(summarize(replayRates), "events/s")}`);
      console.log(`    per run: ${fmt(last.ticks)} ticks, ${fmt(last.changes)} alert changes, ${last.invalid} invalid`);
      console.log(`(c) as (b) without daily ticks:        ${describeSummary(summarize(noTickRates), "events/s")}`);
      console.log(`(d) replay command's loop (readEvents + replay()): ${describeSummary(summarize(toolRates), "events/s")}`);
      if (lastTool) console.log(`    per run: ${fmt(lastTool.ticks)} ticks, ${fmt(lastTool.episodes)} alert episodes`);
      console.log(`(f) as (d), the accounts split over ${threads} worker threads (the command's default here): ${describeSummary(summarize(threadRates), "events/s")}`);
      console.log(`(e) the replay command's reader alone (readEvents: split + validate, no engine): ${describeSummary(summarize(readerRates), "events/s")}`);
      const ratio = summarize(ratios);
      console.log(`ratio b/a: ${describeSummary(ratio, "", 3)} — goal ≥ 0.5: ${ratio.median >= 0.5 ? "met" : "NOT met"}`);
      const toolRatio = summarize(toolRatios);
      console.log(`ratio d/a: ${describeSummary(toolRatio, "", 3)} — goal ≥ 0.5: ${toolRatio.median >= 0.5 ? "met" : "NOT met"}`);
      const threadRatio = summarize(threadRatios);
      console.log(`ratio f/a: ${describeSummary(threadRatio, "", 3)} — goal ≥ 0.5: ${threadRatio.median >= 0.5 ? "met" : "NOT met"}; f is ${describeSummary(summarize(threadGains), "× d", 2)}`);
      console.log(`ratio e/a: ${describeSummary(summarize(readerRatios), "", 3)} — the ceiling of d/a with an engine that cost nothing`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

runBench(main);
