import { createHash } from "node:crypto";
import type { AlertNotification } from "@churnwatch/contracts";
import { headerSafe } from "./escape.ts";
import { renderHtml } from "./html.ts";
import { renderText } from "./text.ts";
import { buildView } from "./view.ts";

export { escapeHtml, headerSafe } from "./escape.ts";
export { suggestedActions, type ActionKey } from "./actions.ts";

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  /** Header values are single-line; Message-ID is derived from the notificationId. */
  headers: Record<string, string>;
}

export interface RenderOptions {
  /** The signed deep link to the account page (links.ts). */
  accountUrl: string;
  /** When that link expires, ISO 8601. */
  linkExpiresAt: string;
}

/** Deterministic per notification, so a duplicate delivery carries the same id and clients can collapse it. */
export function messageIdFor(notificationId: string): string {
  return `<${createHash("sha256").update(notificationId).digest("hex")}@churnwatch>`;
}

/** Pure: the same notification and options always give the same email. */
export function renderAlertEmail(n: AlertNotification, opts: RenderOptions): RenderedEmail {
  const view = buildView(n, opts.accountUrl, opts.linkExpiresAt);
  return {
    subject: view.subject,
    html: renderHtml(view),
    text: renderText(view),
    headers: {
      "Message-ID": messageIdFor(n.notificationId),
      // RFC 3834: tells auto-responders (out-of-office) not to reply to an automated alert.
      "Auto-Submitted": "auto-generated",
      "X-Auto-Response-Suppress": "All",
      "X-Churnwatch-Notification-Id": headerSafe(n.notificationId),
      "X-Churnwatch-Alert-Id": headerSafe(n.alertId),
      "X-Churnwatch-Account-Id": headerSafe(n.accountId),
      "X-Churnwatch-Rule": n.rule,
      "X-Churnwatch-Level": n.level,
    },
  };
}
