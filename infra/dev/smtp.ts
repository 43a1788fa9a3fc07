// MailDev as the SMTP sink for dev and tests: in-process (startMaildev), as a detached background
// process (ensureMaildev, used by up.ts), plus a small client for its REST API.
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { logFile, repoRoot, shown } from "./paths.ts";
import { assertPortFree, livePid, pollUntil, spawnDetached, status, stopByPidFile, tail } from "./proc.ts";

export interface MaildevOptions {
  smtpPort?: number; // default 1025
  webPort?: number; // default 1080
  host?: string; // default 127.0.0.1
  silent?: boolean; // default true
}

export interface MaildevHandle {
  smtpUrl: string;
  webUrl: string;
  close(): Promise<void>;
}

export interface MaildevAddress {
  address: string;
  name: string;
}

/** The fields of maildev's stored message that tests look at (GET /email returns more). */
export interface MaildevEmail {
  id: string;
  subject: string;
  from: MaildevAddress[];
  to: MaildevAddress[];
  text?: string;
  html?: string;
  date?: string;
  headers: Record<string, string | string[]>;
}

// maildev 2.x ships no types; this is the slice of its documented API (`new MailDev(cfg).listen()`) we use.
interface MaildevServer {
  listen(): Promise<void>;
  close(callback: (err?: Error) => void): void;
}
type MaildevCtor = new (config: Record<string, unknown>) => MaildevServer;

const require = createRequire(import.meta.url);
let inProcess: MaildevHandle | undefined;

/**
 * Start maildev inside this process. Its mail store is a module singleton, so only one instance per
 * process is possible; a second call gets a clear error instead of two servers sharing one store.
 */
export async function startMaildev(opts: MaildevOptions = {}): Promise<MaildevHandle> {
  if (inProcess) throw new Error(`maildev already runs in this process at ${inProcess.webUrl}`);
  const host = opts.host ?? "127.0.0.1";
  const smtpPort = opts.smtpPort ?? 1025;
  const webPort = opts.webPort ?? 1080;
  // maildev throws from an event handler (crashing the process) when a port is taken; check first.
  await assertPortFree(host, smtpPort, "maildev SMTP");
  await assertPortFree(host, webPort, "maildev web");

  const MailDev = require("maildev") as MaildevCtor;
  const signalsBefore = { SIGTERM: process.listeners("SIGTERM"), SIGINT: process.listeners("SIGINT") };
  const server = new MailDev({ smtp: smtpPort, web: webPort, ip: host, webIp: host, silent: opts.silent ?? true });
  // maildev installs SIGTERM/SIGINT handlers that call process.exit; the host process owns shutdown.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    for (const l of process.listeners(signal)) if (!signalsBefore[signal].includes(l)) process.off(signal, l);
  }
  await server.listen();

  const webUrl = `http://${host}:${webPort}`;
  if (!(await pollUntil(() => maildevAnswers(webUrl), { timeoutMs: 10_000, intervalMs: 100 }))) {
    throw new Error(`maildev web API did not answer at ${webUrl} within 10s`);
  }
  let closing: Promise<void> | undefined;
  const handle: MaildevHandle = {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    webUrl,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))).finally(
        () => (inProcess = undefined),
      )),
  };
  inProcess = handle;
  return handle;
}

/** Reuse a maildev whose web API answers, or start infra/dev/maildev.ts detached (pid/log under .run). */
export async function ensureMaildev(opts: MaildevOptions = {}): Promise<{ smtpUrl: string; webUrl: string; started: boolean }> {
  const host = opts.host ?? "127.0.0.1";
  const smtpPort = opts.smtpPort ?? 1025;
  const webPort = opts.webPort ?? 1080;
  const urls = { smtpUrl: `smtp://${host}:${smtpPort}`, webUrl: `http://${host}:${webPort}` };
  if (await maildevAnswers(urls.webUrl)) {
    status(`maildev already answers at ${urls.webUrl}; reusing it`);
    return { ...urls, started: false };
  }
  const log = logFile("maildev");
  const tsx = pathToFileURL(require.resolve("tsx")).href; // tsx's ESM loader, so `node` runs .ts directly
  const entry = join(repoRoot(), "infra", "dev", "maildev.ts");
  const args = ["--import", tsx, entry, "--smtp", String(smtpPort), "--web", String(webPort), "--host", host];
  status(`starting maildev (SMTP ${smtpPort}, web ${webPort}; log: ${shown(log)})`);
  const child = spawnDetached("maildev", process.execPath, args, log, repoRoot());
  const up = await pollUntil(
    () => {
      if (child.exitCode !== null) throw new Error(`maildev exited (${child.exitCode}): see ${shown(log)}\n${tail(log)}`);
      return maildevAnswers(urls.webUrl);
    },
    { timeoutMs: 20_000, intervalMs: 200 },
  );
  if (!up) throw new Error(`maildev did not answer at ${urls.webUrl} within 20s: see ${shown(log)}\n${tail(log)}`);
  return { ...urls, started: true };
}

export async function stopMaildev(): Promise<boolean> {
  const stopped = await stopByPidFile("maildev", "infra/dev/maildev.ts", 10_000);
  if (stopped) status("maildev stopped");
  return stopped;
}

export const maildevPid = (): number | undefined => livePid("maildev", "infra/dev/maildev.ts");

export async function maildevAnswers(webUrl: string): Promise<boolean> {
  try {
    return (await fetch(`${base(webUrl)}/healthz`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

/** GET /email: every message maildev holds, oldest first. */
export async function listEmails(webUrl: string): Promise<MaildevEmail[]> {
  const res = await fetch(`${base(webUrl)}/email`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`GET ${base(webUrl)}/email answered ${res.status}`);
  return (await res.json()) as MaildevEmail[];
}

/** DELETE /email/all: start a test from an empty inbox. */
export async function deleteAllEmails(webUrl: string): Promise<void> {
  const res = await fetch(`${base(webUrl)}/email/all`, { method: "DELETE", signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`DELETE ${base(webUrl)}/email/all answered ${res.status}`);
}

const base = (webUrl: string): string => webUrl.replace(/\/+$/, "");
