// `pnpm demo`: infrastructure, both workers and a simulated year of key-account events, then live events;
// waits for the alert emails and prints where to look. Everything keeps running; `pnpm demo:stop` ends it.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import cliProgress from "cli-progress";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { Kafka, logLevel, type Admin } from "kafkajs";
import { demo, serviceEnv, services, startDemoService, stopDemoServices } from "./demoServices.ts";
import { ensureKafka } from "./kafka.ts";
import { logFile, shown } from "./paths.ts";
import { pollUntil, status } from "./proc.ts";
import { ensureRedis } from "./redis.ts";
import { deleteAllEmails, ensureMaildev, listEmails, type MaildevEmail } from "./smtp.ts";
import { recordStartedByDemo } from "./startedBy.ts";

interface Manifest {
  historyEvents: number;
  historyDone: boolean;
  accounts: number;
  defectors: { accountId: string; pattern: string; churnedAt: string }[];
}

const eventTopics = [demo.topics.accounts, demo.topics.orders, demo.topics.payments, demo.topics.complaints, demo.topics.interactions];

async function main(): Promise<void> {
  console.log("Churnwatch demo: key-account defection early warnings on real Kafka, Redis and SMTP\n");
  // Recorded one by one: if a later step fails, demo:stop still stops what the earlier ones started.
  const kafka = await ensureKafka();
  recordStartedByDemo({ kafka: kafka.started });
  const redisHandle = await ensureRedis();
  recordStartedByDemo({ redis: redisHandle.started });
  const mail = await ensureMaildev({ smtpPort: 1025, webPort: 1080 });
  recordStartedByDemo({ maildev: mail.started });
  const admin = new Kafka({ clientId: "churnwatch-demo", brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const redis = new Redis(redisHandle.url);
  // The email queue: what the policy decided to send (the alert queue also holds the policy's clock ticks).
  const queue = new Queue(`${demo.queue}-emails`, { connection: redis.duplicate() });
  const alertQueue = new Queue(demo.queue, { connection: redis.duplicate() });
  const digestQueue = new Queue(`${demo.queue}-digests`, { connection: redis.duplicate() });
  try {
    await reset(admin, redis, [queue, alertQueue, digestQueue], mail.webUrl);
    const env = serviceEnv({ brokers: kafka.brokers.join(","), redisUrl: redisHandle.url, smtpUrl: mail.smtpUrl });
    for (const s of services) status(`started ${s} (pid ${startDemoService(s, env[s])}, log ${shown(logFile(s))})`);
    const manifest = await followProgress(admin, queue, mail.webUrl);
    const digest = await subscribeExecutive().catch((error: unknown) => {
      status(`could not subscribe the demo executive to a digest: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    summarise(manifest, await listEmails(mail.webUrl), mail.webUrl, digest);
  } finally {
    await queue.close();
    await alertQueue.close();
    await digestQueue.close();
    redis.disconnect();
    await admin.disconnect();
  }
}

/** A fresh demo world each run: the previous run's services, topics, offsets, state, jobs and emails go. */
async function reset(admin: Admin, redis: Redis, queues: Queue[], webUrl: string): Promise<void> {
  const stopped = await stopDemoServices();
  if (stopped.length > 0) status(`stopped the previous demo's ${stopped.join(", ")}`);
  const existing = new Set(await admin.listTopics());
  const old = Object.values(demo.topics).filter((t) => existing.has(t));
  if (old.length > 0) await admin.deleteTopics({ topics: old, timeout: 30_000 });
  await admin.deleteGroups([demo.group]).catch(() => undefined); // absent on a first run
  await admin.deleteGroups([demo.consoleGroup]).catch(() => undefined);
  resetConsoleDatabase();
  await pollUntil(async () => !(await admin.listTopics()).some((t) => old.includes(t)), { timeoutMs: 30_000 });
  for (const queue of queues) await queue.obliterate({ force: true });
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${demo.keyPrefix}*`, "COUNT", 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
  await deleteAllEmails(webUrl);
  rmSync(demo.manifest, { force: true });
  for (const s of services) writeFileSync(logFile(s), ""); // each run's logs tell only about that run
}

/** The console's read model starts empty with the topics it is projected from (psql on the local socket). */
function resetConsoleDatabase(): void {
  for (const sql of [`DROP DATABASE IF EXISTS "${demo.consoleDatabase}" WITH (FORCE)`, `CREATE DATABASE "${demo.consoleDatabase}"`]) {
    execFileSync("psql", ["-h", "/var/run/postgresql", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql], { stdio: ["ignore", "ignore", "inherit"] });
  }
}

async function sumOffsets(admin: Admin): Promise<{ produced: number; consumed: number }> {
  const existing = new Set(await admin.listTopics());
  const topics = eventTopics.filter((t) => existing.has(t));
  if (topics.length === 0) return { produced: 0, consumed: 0 };
  let produced = 0;
  for (const t of topics) for (const p of await admin.fetchTopicOffsets(t)) produced += Number(p.high);
  let consumed = 0;
  for (const t of await admin.fetchOffsets({ groupId: demo.group, topics })) {
    for (const p of t.partitions) consumed += Math.max(0, Number(p.offset));
  }
  return { produced, consumed };
}

function readManifest(): Manifest | undefined {
  if (!existsSync(demo.manifest)) return undefined;
  try {
    return JSON.parse(readFileSync(demo.manifest, "utf8")) as Manifest;
  } catch {
    return undefined; // being written
  }
}

/** Progress bars for the three long phases: producing history, catching up, sending the alert emails. */
async function followProgress(admin: Admin, queue: Queue, webUrl: string): Promise<Manifest> {
  const bars = new cliProgress.MultiBar(
    { format: " {phase} |{bar}| {value}/{total} {unit}", hideCursor: true, clearOnComplete: false, noTTYOutput: true, notTTYSchedule: 5_000 },
    cliProgress.Presets.shades_classic,
  );
  const produceBar = bars.create(1, 0, { phase: "history produced  ", unit: "events" });
  const consumeBar = bars.create(1, 0, { phase: "signal worker     ", unit: "events" });
  const mailBar = bars.create(1, 0, { phase: "alert emails      ", unit: "sent" });
  let manifest: Manifest | undefined;
  let lastChange = Date.now();
  let lastCount = -1;
  const ok = await pollUntil(
    async () => {
      for (const s of services) assertRunning(s);
      return observe().catch((error: unknown) => {
        // Topics are being created and leaders elected while the services start: try again next tick.
        if (/leader|does not host|unknown topic/i.test(String(error))) return false;
        throw error;
      });
    },
    { timeoutMs: 240_000, intervalMs: 500 },
  ).finally(() => bars.stop());
  if (!manifest) throw new Error(`the demo feed wrote no manifest: see ${shown(logFile("demo-feed"))}`);
  if (!ok) status("still working after 4 minutes; the services keep running, check the inbox and logs below");
  return manifest;

  async function observe(): Promise<boolean> {
    manifest = readManifest() ?? manifest;
    const total = manifest?.historyEvents ?? 1;
    const { produced, consumed } = await sumOffsets(admin);
    produceBar.setTotal(total);
    produceBar.update(Math.min(produced, total));
    consumeBar.setTotal(Math.max(total, produced));
    consumeBar.update(consumed);
    const counts = await queue.getJobCounts("waiting", "active", "delayed", "completed", "failed");
    const enqueued = Object.values(counts).reduce((a, b) => a + b, 0);
    const sent = (await listEmails(webUrl)).length;
    mailBar.setTotal(Math.max(1, enqueued));
    mailBar.update(sent);
    if (sent !== lastCount) [lastCount, lastChange] = [sent, Date.now()];
    const caughtUp = manifest?.historyDone === true && consumed >= produced;
    const pending = (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0);
    // Done once caught up, the queue is empty, and no new email for two sweep periods.
    return caughtUp && pending === 0 && sent > 0 && Date.now() - lastChange > 12_000;
  }
}

function assertRunning(s: string): void {
  const file = logFile(s);
  const log = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (/"level":"(fatal)"|Invalid configuration|Cannot reach/.test(log)) {
    throw new Error(`${s} failed to start: see ${shown(file)}`);
  }
}

interface DemoDigest {
  id: string;
  at: string;
}

/**
 * Subscribes the demo's executive to a daily digest due three minutes from now (UTC), sent even when
 * nothing is at risk, so the demo shows one arriving.
 */
async function subscribeExecutive(): Promise<DemoDigest> {
  const at = new Date(Date.now() + 3 * 60_000);
  const time = `${String(at.getUTCHours()).padStart(2, "0")}:${String(at.getUTCMinutes()).padStart(2, "0")}`;
  const res = await fetch("http://localhost:8080/api/digests", {
    method: "POST",
    headers: { authorization: `Bearer ${demo.apiToken}`, "content-type": "application/json" },
    body: JSON.stringify({
      recipient: { name: "Zhou Min (CEO)", email: "ceo@seller.example", locale: "en" },
      schedule: { cadence: "daily", time, timezone: "UTC" },
      whenEmpty: "send",
    }),
  });
  if (res.status !== 201) throw new Error(`the notifier answered ${res.status}: ${await res.text()}`);
  const { subscription } = (await res.json()) as { subscription: { id: string } };
  return { id: subscription.id, at: `${time} UTC` };
}

function summarise(manifest: Manifest, emails: MaildevEmail[], webUrl: string, digest?: DemoDigest): void {
  const accountOf = (m: MaildevEmail) => String(m.headers["x-churnwatch-account-id"] ?? "");
  const emailed = new Set(emails.map(accountOf));
  const defectors = new Set(manifest.defectors.map((d) => d.accountId));
  console.log(`\n${manifest.historyEvents} events of ${manifest.accounts} simulated key accounts over a year; ${manifest.defectors.length} are drifting towards defection.`);
  console.log(`\nDrifting accounts (the simulator's ground truth):`);
  for (const d of manifest.defectors) {
    console.log(`  ${emailed.has(d.accountId) ? "✉ emailed " : "  no email"}  ${d.accountId}  ${d.pattern}`);
  }
  const healthyEmailed = [...emailed].filter((a) => a && !defectors.has(a));
  console.log(`Healthy accounts emailed: ${healthyEmailed.length === 0 ? "none" : healthyEmailed.join(", ")}`);
  console.log(`\nAlert emails (${emails.length}):`);
  // An owner who got an alert has an account at risk to look at in the console.
  const owner = emails.flatMap((m) => m.to.map((t) => t.address)).find((a) => a !== demo.executive);
  for (const m of emails) console.log(`  → ${m.to.map((t) => t.address).join(", ")}: ${m.subject}`);
  console.log(`
Where to look
  Inbox (maildev)   ${webUrl}  (each email's buttons acknowledge, snooze or dismiss through the notifier)
  Alerts API        curl -H 'Authorization: Bearer ${demo.apiToken}' http://localhost:8080/api/alerts
  Queue dashboard   http://localhost:8080/ops/queues  (any user name, the token above as password)
  Console           ${demo.consoleUrl}  sign in with an account manager's address${owner ? ` (e.g. ${owner})` : ""}, or ${demo.executive}
                    (executive, read-only) or ${demo.operator} (operations); the sign-in link arrives in the inbox above${
    digest
      ? `
  Executive digest  to ceo@seller.example daily at ${digest.at}, the first in about three minutes; see it now with
                    curl -H 'Authorization: Bearer ${demo.apiToken}' http://localhost:8080/api/digests/${digest.id}/preview`
      : ""
  }
  Logs              ${services.map((s) => shown(logFile(s))).join("  ")}
  Kafka log         ${shown(logFile("kafka"))}
The live feed keeps sending events as their time comes. Stop everything with: npm run demo:stop`);
}

// Exit explicitly: client libraries may keep timers alive, and the services run on without us.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
    console.error("Stop whatever was started with: npm run demo:stop");
    process.exit(1);
  },
);
