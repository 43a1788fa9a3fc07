import { DateTime } from "luxon";
import { CliUsageError, digestsUsage, parseDigestsArgs } from "./cliArgs.ts";
import type { DigestPreview } from "./digests.ts";
import type { Subscription } from "./subscription.ts";
import type { Described } from "./subscriptions.ts";

export interface CliIo {
  baseUrl: string;
  token: string;
  fetch: typeof fetch;
  out: (line: string) => void;
  err: (line: string) => void;
}

const WEEKDAYS = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** "weekly Mon 08:00 Asia/Shanghai": the schedule as people say it. */
export function scheduleLine(s: Subscription["schedule"]): string {
  const day = s.cadence === "weekly" ? ` ${WEEKDAYS[s.weekday ?? 1]}` : s.cadence === "monthly" ? ` day ${s.dayOfMonth}` : "";
  return `${s.cadence}${day} ${s.time} ${s.timezone}`;
}

function filtersLine(f: Subscription["filters"]): string {
  const parts = [
    f.regions?.length ? `region ${f.regions.join("/")}` : "",
    f.tiers?.length ? `tier ${f.tiers.join("/")}` : "",
    f.minLevel ? `level>=${f.minLevel}` : "",
    f.owners?.length ? `owners ${f.owners.join("/")}` : "",
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(", ") : "all key accounts";
}

/** A run instant in the subscriber's zone, with UTC beside it: what operations checks after a DST change. */
const runLine = (iso: string, zone: string) =>
  `${DateTime.fromISO(iso, { zone }).toFormat("ccc d LLL yyyy HH:mm ZZZZ")} (${iso.replace(".000Z", "Z")})`;

function describe(d: Described, out: CliIo["out"]): void {
  const s = d.subscription;
  out(`${s.id}  ${s.recipient.name} <${s.recipient.email}> (${s.recipient.locale})`);
  out(`  ${scheduleLine(s.schedule)} · ${filtersLine(s.filters)} · top ${s.top} · ${s.whenEmpty === "skip" ? "skipped when nothing is at risk" : "sent even when nothing is at risk"}`);
  for (const r of d.nextRuns) out(`  next: ${runLine(r, s.schedule.timezone)}`);
}

/** Runs one command against the notifier's API; returns the process exit code. */
export async function runDigestsCli(argv: readonly string[], io: CliIo): Promise<number> {
  let cmd;
  try {
    cmd = parseDigestsArgs(argv);
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    io.err(`error: ${err.message}\n\n${digestsUsage}`);
    return 2;
  }
  if (cmd.kind === "help") {
    io.out(digestsUsage);
    return 0;
  }
  const call = (path: string, init: RequestInit = {}) =>
    io.fetch(`${io.baseUrl.replace(/\/+$/, "")}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${io.token}`, ...(init.body ? { "content-type": "application/json" } : {}) },
    });
  const failed = async (res: Response) => {
    const body = (await res.json().catch(() => ({}))) as { error?: string; detail?: string };
    io.err(`error (${res.status}): ${body.error ?? res.statusText}${body.detail ? `\n${body.detail}` : ""}`);
    return 1;
  };
  if (cmd.kind === "list") {
    const res = await call("/api/digests");
    if (!res.ok) return failed(res);
    const { subscriptions } = (await res.json()) as { subscriptions: Described[] };
    if (subscriptions.length === 0) io.out("No digest subscriptions.");
    for (const d of subscriptions) describe(d, io.out);
    return 0;
  }
  if (cmd.kind === "show") {
    const res = await call(`/api/digests/${encodeURIComponent(cmd.id)}`);
    if (!res.ok) return failed(res);
    io.out(JSON.stringify(await res.json(), null, 2));
    return 0;
  }
  if (cmd.kind === "preview") {
    const res = await call(`/api/digests/${encodeURIComponent(cmd.id)}/preview`);
    if (!res.ok) return failed(res);
    const p = (await res.json()) as DigestPreview;
    io.out(`Period ${p.period}: ${p.matching} account(s) at risk; ${p.wouldSend ? "it would be sent" : "it would be skipped (nothing at risk)"}.`);
    io.out(`Subject: ${p.subject}`);
    io.out("");
    io.out(p.text);
    return 0;
  }
  if (cmd.kind === "remove") {
    const res = await call(`/api/digests/${encodeURIComponent(cmd.id)}`, { method: "DELETE" });
    if (!res.ok) return failed(res);
    io.out(`Removed subscription ${cmd.id}: no more digests will be sent for it.`);
    return 0;
  }
  const res = await call("/api/digests", { method: "POST", body: JSON.stringify(cmd.body) });
  if (!res.ok) return failed(res);
  const d = (await res.json()) as Described;
  io.out(`Subscribed ${d.subscription.recipient.email} to the ${scheduleLine(d.subscription.schedule)} digest.`);
  describe(d, io.out);
  return 0;
}
