import nodemailer from "nodemailer";
import { UnrecoverableError } from "bullmq";
import { maskEmails } from "@churnwatch/platform";
import type { RenderedEmail } from "./render/index.ts";

export interface OutgoingMail extends RenderedEmail {
  to: { name: string; address: string };
}

/** Port: sends one email; throws MailSendError, which says whether a retry can help. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  verify(): Promise<void>;
  close(): void;
}

export interface SmtpFailure {
  retriable: boolean;
  /** Safe to log and to store as a job's failedReason: email addresses are masked. */
  reason: string;
}

export class MailSendError extends Error {
  override readonly name = "MailSendError";
  constructor(readonly failure: SmtpFailure, options?: { cause?: unknown }) {
    super(failure.reason, options);
  }
  get retriable(): boolean {
    return this.failure.retriable;
  }
}

interface SmtpErrorLike {
  message?: unknown;
  code?: unknown;
  responseCode?: unknown;
  command?: unknown;
}

/** Commands whose 5xx reply is about this message (sender, recipient, content), not about the server. */
const MESSAGE_COMMANDS = /^(MAIL FROM|RCPT TO|DATA|BDAT)/i;
/** Client-side refusals of this message by nodemailer (invalid address, empty or oversize message). */
const MESSAGE_CODES = new Set(["EENVELOPE", "EMESSAGE"]);

/**
 * Retriable: connection refused or dropped, timeouts, DNS/TLS failures, any 4xx, and server-level refusals
 * (a 5xx at connect or AUTH is our configuration or the relay's state, which an operator can fix while the
 * job waits). Permanent: a 5xx to the envelope or the data (550 mailbox unavailable, 553 bad address, 552
 * too big) and messages nodemailer refuses to send; retrying those only repeats the rejection.
 */
export function classifySmtpError(err: unknown): SmtpFailure {
  const e = (typeof err === "object" && err !== null ? err : { message: String(err) }) as SmtpErrorLike;
  const code = typeof e.code === "string" ? e.code : undefined;
  const responseCode = typeof e.responseCode === "number" ? e.responseCode : undefined;
  const command = typeof e.command === "string" ? e.command : undefined;
  const message = typeof e.message === "string" ? e.message : "unknown error";
  const reason = maskEmails(
    ["SMTP", responseCode, command ? `(${command})` : undefined, code, "-", message].filter((p) => p !== undefined).join(" "),
  );
  const permanent =
    (responseCode !== undefined && responseCode >= 500 && responseCode < 600 && (!command || MESSAGE_COMMANDS.test(command))) ||
    (responseCode === undefined && code !== undefined && MESSAGE_CODES.has(code));
  return { retriable: !permanent, reason };
}

export interface SmtpMailerOptions {
  smtpUrl: string;
  from: string;
  timeoutMs: number;
}

/** Adapter: nodemailer over SMTP, one connection per message (alerts are few; no pool to go stale). */
export function createSmtpMailer({ smtpUrl, from, timeoutMs }: SmtpMailerOptions): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // The content is ours, but never let a field be read from disk or fetched from a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async send(mail) {
      const { "Message-ID": messageId, ...headers } = mail.headers;
      // nodemailer's socketTimeout does not end a session whose server stops answering mid-transaction (a
      // server silent after RCPT TO kept a send pending for good: services/notifier/src/smtpTimeout.int.test.ts),
      // which held the job's delivery slot until the process stopped. So the whole send has a deadline of its own;
      // past it the send fails as a timeout (retriable). The abandoned session is left to the server to close:
      // if the server still accepted that message, the retry's copy carries the same Message-ID.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`SMTP send did not finish within ${2 * timeoutMs} ms`), { code: "ETIMEDOUT" })), 2 * timeoutMs);
      });
      try {
        const sending = transport.sendMail({
          from,
          to: { name: mail.to.name, address: mail.to.address },
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers,
          ...(messageId ? { messageId } : {}),
        });
        sending.catch(() => undefined); // an abandoned send's late failure is no one's to handle
        const info = (await Promise.race([sending, deadline])) as { messageId?: string };
        return { messageId: info.messageId ?? messageId ?? "" };
      } catch (err) {
        throw new MailSendError(classifySmtpError(err), { cause: err });
      } finally {
        clearTimeout(timer);
      }
    },
    async verify() {
      try {
        await transport.verify();
      } catch (err) {
        throw new MailSendError(classifySmtpError(err), { cause: err });
      }
    },
    close() {
      transport.close();
    },
  };
}

/**
 * Sends from a queue job: a permanent refusal (5xx on this message) becomes BullMQ's UnrecoverableError,
 * so the job goes to the failed set with the reason instead of retrying; anything else retries.
 */
export async function sendFromJob(mailer: Mailer, mail: OutgoingMail): Promise<{ messageId: string }> {
  try {
    return await mailer.send(mail);
  } catch (err) {
    if (err instanceof MailSendError && !err.retriable) throw new UnrecoverableError(err.message);
    throw new Error(err instanceof Error ? maskEmails(err.message) : "send failed", { cause: err });
  }
}
