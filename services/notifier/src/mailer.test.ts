import { describe, expect, it } from "vitest";
import { classifySmtpError } from "./mailer.ts";

const smtpError = (props: Record<string, unknown>) => Object.assign(new Error(String(props.message ?? "failed")), props);

describe("classifySmtpError", () => {
  it("retries connection failures and timeouts", () => {
    expect(classifySmtpError(smtpError({ code: "ECONNECTION", message: "connect ECONNREFUSED 127.0.0.1:1025" })).retriable).toBe(true);
    expect(classifySmtpError(smtpError({ code: "ETIMEDOUT", command: "CONN" })).retriable).toBe(true);
    expect(classifySmtpError(smtpError({ code: "ESOCKET" })).retriable).toBe(true);
    expect(classifySmtpError("weird").retriable).toBe(true);
  });

  it("retries 4xx replies", () => {
    const f = classifySmtpError(smtpError({ code: "EENVELOPE", responseCode: 451, command: "RCPT TO", message: "451 try later" }));
    expect(f.retriable).toBe(true);
    expect(classifySmtpError(smtpError({ responseCode: 421, command: "DATA" })).retriable).toBe(true);
  });

  it("does not retry 5xx replies to the envelope or data, and masks addresses in the reason", () => {
    const f = classifySmtpError(
      smtpError({ code: "EENVELOPE", responseCode: 550, command: "RCPT TO", message: "550 5.1.1 <bob@example.com>: mailbox unavailable" }),
    );
    expect(f.retriable).toBe(false);
    expect(f.reason).toContain("550");
    expect(f.reason).not.toContain("bob@example.com");
    expect(classifySmtpError(smtpError({ responseCode: 553, command: "MAIL FROM" })).retriable).toBe(false);
    expect(classifySmtpError(smtpError({ responseCode: 552, command: "DATA" })).retriable).toBe(false);
    expect(classifySmtpError(smtpError({ code: "EENVELOPE", message: "Invalid recipient" })).retriable).toBe(false);
  });

  it("retries server-level 5xx (bad credentials, refused greeting) so an operator can fix the configuration", () => {
    expect(classifySmtpError(smtpError({ code: "EAUTH", responseCode: 535, command: "AUTH PLAIN" })).retriable).toBe(true);
    expect(classifySmtpError(smtpError({ code: "EPROTOCOL", responseCode: 554, command: "CONN" })).retriable).toBe(true);
  });
});
