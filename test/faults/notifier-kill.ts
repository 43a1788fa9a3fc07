// The notifier SIGKILLed while it sends: how many emails arrive twice, and whether any is lost. A real
// notifier process sends alert emails (one account and owner per alert, enqueued at --rate as the signal
// worker enqueues them) to a real SMTP server in this process, and is SIGKILLed --kills times, restarted at
// once after each kill:
//   random: at a random moment, uniform in [0, 2 × --mean-ms] after it has started;
//   window: right after the SMTP server's 250 for a message (--mean-ms of warm-up at most first), before the
//           notifier can write that email's sent marker: every kill inside the window.
// Then the enqueuing stops, the last notifier finishes the queues, and each owner's mailbox is counted:
// duplicates = emails beyond the first per Message-ID; lost = owners who received nothing.
//
//   pnpm exec tsx test/faults/notifier-kill.ts [--mode both|random|window] [--kills 20] [--rate 5] [--mean-ms 1500]
import { setTimeout as sleep } from "node:timers/promises";
import { uniqueName } from "@churnwatch/testing";
import { benchArgs, fmt, log, machineLine, runBench } from "../bench/support.ts";
import { notifierKillRig, type DeliveryCount } from "./notifierKill.ts";

const args = benchArgs(
  import.meta.filename,
  {
    mode: { type: "string", default: "both" },
    kills: { type: "string", default: "20" },
    rate: { type: "string", default: "5" },
    "mean-ms": { type: "string", default: "1500" },
  },
  { mode: ["both", "random", "window"] },
);

type Mode = "random" | "window";

async function run(mode: Mode): Promise<DeliveryCount & { failed: string[]; kills: number; unsettled: string; seconds: number }> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const started = Date.now();
  let enqueuing = true;
  let feeder: Promise<void> | undefined;
  try {
    const rig = await notifierKillRig(uniqueName(`nk-${mode}`), cleanups);
    await rig.start();
    feeder = (async () => {
      const every = 1_000 / Number(args.rate);
      for (let next = Date.now(); enqueuing; next += every) {
        await rig.enqueue();
        const wait = next + every - Date.now();
        if (wait > 0) await sleep(wait);
      }
    })();
    const mean = Number(args["mean-ms"]);
    const kills = Number(args.kills);
    for (let k = 1; k <= kills; k++) {
      if (mode === "random") {
        await sleep(Math.random() * 2 * mean);
        await rig.kill();
      } else {
        await sleep(Math.random() * mean);
        await rig.killAtNext("accepted", { failFast: false }); // a failed job is counted at the end, not a reason to stop
      }
      log(`${mode}: kill ${k}/${kills}`);
      await rig.start();
    }
    enqueuing = false;
    await feeder;
    // A queue that never settles is a finding too: counted as it stands (its emails count as lost).
    const unsettled = await rig.settled(300_000).then(
      () => "",
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
    const counted = await rig.count();
    const failed = await rig.failedJobs();
    await rig.stop();
    return { ...counted, failed, kills, unsettled, seconds: (Date.now() - started) / 1000 };
  } finally {
    enqueuing = false; // before the queues it feeds are closed, also when the run failed
    await feeder?.catch(() => undefined);
    while (cleanups.length > 0) await cleanups.pop()?.().catch((err: unknown) => log(`cleanup failed: ${String(err)}`));
  }
}

runBench(async () => {
  const modes: Mode[] = args.mode === "both" ? ["random", "window"] : [args.mode as Mode];
  const results = [];
  for (const mode of modes) results.push({ mode, ...(await run(mode)) });
  console.log(`notifier-kill · ${machineLine()} · alerts at ${args.rate}/s, one owner each; JOB_LOCK_MS 2000`);
  for (const r of results) {
    console.log(
      `${r.mode}: ${r.kills} kills in ${fmt(r.seconds)} s; ${r.alerts} alerts, ${r.emails} emails, ${r.distinctMessageIds} distinct Message-IDs; ` +
        `duplicates ${r.duplicates} (${fmt((r.duplicates / r.alerts) * 100, 2)}% of alerts, ${r.duplicatedRecipients} owners, every copy with the same Message-ID: ${r.sameMessageId}); ` +
        `lost ${r.lost}; failed jobs ${r.failed.length}${r.failed.length > 0 ? ` (${[...new Set(r.failed)].join("; ")})` : ""}${r.unsettled ? `; NOT SETTLED: ${r.unsettled}` : ""}`,
    );
  }
});
