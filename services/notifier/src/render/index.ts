import { createHash } from "node:crypto";
import type { AlertNotification } from "@churnwatch/contracts";
import { headerSafe } from "./escape.ts";
import { renderHtml } from "./html.ts";
import { renderText } from "./text.ts";
import { buildView, type ViewOptions } from "./view.ts";

export { escapeHtml, headerSafe } from "./escape.ts";

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  /** Header values are single-line; Message-ID is derived from the notificationId. */
  headers: Record<string, string>;
}

/** The signed account link (links.ts) and its expiry, and who reads the email and why. */
export interface RenderOptions extends ViewOptions {
  /** Identity of this email for its Message-ID; defaults to the notification id. */
  messageKey?: string;
}

/** Deterministic per notification, so a duplicate delivery carries the same id and clients can collapse it. */
export function messageIdFor(notificationId: string): string {
  return `<${createHash("sha256").update(notificationId).digest("hex")}@churnwatch>`;
}

/**
 * Headers every automated email carries: its deterministic Message-ID, and RFC 3834's marks that tell
 * auto-responders (out-of-office) not to reply.
 */
export function automatedHeaders(messageKey: string): Record<string, string> {
  return { "Message-ID": messageIdFor(messageKey), "Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All" };
}

/** Pure: the same notification and options always give the same email. */
export function renderAlertEmail(n: AlertNotification, opts: RenderOptions): RenderedEmail {
  const view = buildView(n, opts);
  return {
    subject: view.subject,
    html: renderHtml(view),
    text: renderText(view),
    headers: {
      ...automatedHeaders(opts.messageKey ?? n.notificationId),
      "X-Churnwatch-Notification-Id": headerSafe(n.notificationId),
      "X-Churnwatch-Alert-Id": headerSafe(n.alertId),
      "X-Churnwatch-Account-Id": headerSafe(n.accountId),
      "X-Churnwatch-Rule": n.rule,
      "X-Churnwatch-Level": n.level,
    },
  };
}
