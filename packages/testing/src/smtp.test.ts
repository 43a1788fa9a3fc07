// The maildev sink and its REST client (infra/dev/smtp.ts), driven by a minimal SMTP conversation.
import { once } from "node:events";
import { connect } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { deleteAllEmails, freePort, listEmails, startMaildev, type MaildevHandle } from "./index.ts";
import { waitFor } from "./waitFor.ts";

let maildev: MaildevHandle;

/** Just enough SMTP to hand one message over: each line goes out after the server's previous reply. */
async function sendMail(smtpUrl: string, to: string, subject: string): Promise<void> {
  const { hostname, port } = new URL(smtpUrl);
  const lines = ["EHLO test", "MAIL FROM:<alerts@churnwatch.test>", `RCPT TO:<${to}>`, "DATA"];
  lines.push(`From: alerts@churnwatch.test\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nhello\r\n.`, "QUIT");
  const socket = connect(Number(port), hostname);
  socket.setEncoding("utf8");
  socket.on("data", (reply: string) => {
    if (/^[45]\d\d /m.test(reply)) socket.destroy(new Error(`SMTP refused: ${reply.trim()}`));
    const next = lines.shift();
    if (next !== undefined) socket.write(`${next}\r\n`);
  });
  await once(socket, "close");
}

beforeAll(async () => {
  maildev = await startMaildev({ smtpPort: await freePort(), webPort: await freePort() });
});
afterAll(() => maildev.close());

it("receives mail and exposes it over the REST API until deleted", async () => {
  await deleteAllEmails(maildev.webUrl);
  await sendMail(maildev.smtpUrl, "owner@acme.test", "Churn risk: Acme");

  const emails = await waitFor(() => listEmails(maildev.webUrl), {
    until: (list) => list.length === 1,
    description: "one email in maildev",
  });
  expect(emails[0]).toMatchObject({ subject: "Churn risk: Acme", to: [{ address: "owner@acme.test" }] });

  await deleteAllEmails(maildev.webUrl);
  expect(await listEmails(maildev.webUrl)).toEqual([]);
});

it("refuses a second maildev in the same process (its store is a singleton)", async () => {
  await expect(startMaildev({ smtpPort: await freePort(), webPort: await freePort() })).rejects.toThrow(/already runs/);
});

it("can be started again in the same process once the previous one is closed", async () => {
  await maildev.close();
  maildev = await startMaildev({ smtpPort: await freePort(), webPort: await freePort() });
  await sendMail(maildev.smtpUrl, "second@acme.test", "after restart");
  const emails = await waitFor(() => listEmails(maildev.webUrl), {
    until: (list) => list.some((e) => e.subject === "after restart"),
    description: "the email sent after the restart",
  });
  expect(emails.at(-1)?.to).toEqual([{ address: "second@acme.test", name: "" }]);
});
