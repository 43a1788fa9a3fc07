// A real SMTP server for tests: maildev in-process, created without listening (to test "SMTP down first")
// and with a hook to answer RCPT TO with an error code (to test 4xx/5xx classification).
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ReceivedEmail {
  id: string;
  subject: string;
  messageId?: string;
  html?: string;
  text?: string;
  to: { address: string; name: string }[];
  headers: Record<string, string | string[]>;
  envelope: { to: { address: string }[] };
}

type Callback = (err?: Error | null) => void;
type RcptHandler = (address: { address: string }, session: unknown, callback: Callback) => void;
type DataHandler = (stream: NodeJS.ReadableStream, session: unknown, callback: (err?: Error | null, message?: string) => void) => void;

// maildev 2.x ships no types; this is the slice of its programmatic API used here.
interface MaildevServer {
  listen(): Promise<void>;
  close(callback: (err?: Error) => void): void;
  getAllEmail(done: (err: Error | null, emails: ReceivedEmail[]) => void): void;
  smtp: { onRcptTo: RcptHandler; onData: DataHandler };
}
type MaildevCtor = new (config: Record<string, unknown>) => MaildevServer;

export type RcptDecision = { code: number; message: string } | undefined | Promise<{ code: number; message: string } | undefined>;

export interface MailSink {
  smtpUrl: string;
  listen(): Promise<void>;
  /** Emails received for one recipient (maildev's store is shared by every sink in the process). */
  emailsTo(address: string): Promise<ReceivedEmail[]>;
  onRecipient(decide: (address: string) => RcptDecision): void;
  /**
   * Called twice for each message the server takes: "received", once it holds the whole message (stored, as an
   * MTA has queued it) and before it answers, and "answered", right after it has written its 250. Between the two
   * and a moment after, the client holds an email the server took and has not yet recorded it: faults strike
   * there.
   */
  onAccepted(hook: (when: "received" | "answered") => void): void;
  close(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/** Creates maildev on a free port; it accepts connections only after listen(). */
export async function createMailSink(): Promise<MailSink> {
  const MailDev = createRequire(import.meta.url)("maildev") as MaildevCtor;
  const port = await freePort();
  const before = { SIGTERM: process.listeners("SIGTERM"), SIGINT: process.listeners("SIGINT") };
  // Its own folder for the .eml files (maildev's default is one per pid, never removed).
  const mailDirectory = mkdtempSync(join(tmpdir(), "notifier-maildev-"));
  const server = new MailDev({ smtp: port, ip: "127.0.0.1", disableWeb: true, silent: true, mailDirectory });
  // maildev installs SIGTERM/SIGINT handlers that exit the process; the test runner owns signals.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    for (const l of process.listeners(signal)) if (!before[signal].includes(l)) process.off(signal, l);
  }
  let listening = false;
  const accept = server.smtp.onRcptTo;
  const store = server.smtp.onData;
  return {
    smtpUrl: `smtp://127.0.0.1:${port}`,
    async listen() {
      await server.listen();
      listening = true;
    },
    emailsTo: (address) =>
      new Promise((resolve, reject) =>
        server.getAllEmail((err, emails) =>
          err ? reject(err) : resolve(emails.filter((e) => e.envelope.to.some((t) => t.address === address))),
        ),
      ),
    onRecipient(decide) {
      server.smtp.onRcptTo = function (this: unknown, address, session, callback) {
        Promise.resolve(decide(address.address)).then(
          (d) => {
            if (!d) return accept.call(this, address, session, callback);
            callback(Object.assign(new Error(d.message), { responseCode: d.code }));
          },
          (err: Error) => callback(err),
        );
      };
    },
    onAccepted(hook) {
      server.smtp.onData = function (this: unknown, stream, session, callback) {
        store.call(this, stream, session, (err, message) => {
          if (!err) hook("received");
          callback(err, message); // smtp-server writes the 250 here, synchronously once the stream has ended
          if (!err) hook("answered");
        });
      };
    },
    async close() {
      if (listening) await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      // Empty maildev's process-wide store in place, so no mail outlives its test, then drop the folder.
      server.getAllEmail((_err, store) => store.splice(0));
      rmSync(mailDirectory, { recursive: true, force: true });
    },
  };
}
