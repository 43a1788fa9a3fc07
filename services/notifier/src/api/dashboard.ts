import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { Queue } from "bullmq";
import type { FastifyInstance, FastifyReply } from "fastify";
import { registerWithAccess } from "./access.ts";
import { DASHBOARD_HELMET } from "./securityHeaders.ts";

export const DASHBOARD_PATH = "/ops/queues";

/**
 * A <link> to a stylesheet, font or icon on another origin: `http://`, `https://` or protocol-relative.
 * bull-board's page (@bull-board/ui dist/index.ejs) links Google Fonts' IBM Plex stylesheet, and it has no
 * option to leave it out (uiConfig sets the title, logo, favicon and theme colours, not the page's <head>).
 * The dashboard must load nothing from outside (operations networks may have no internet, and a font request
 * tells a third party when someone opens it), so the link is cut from the page here; its CSS falls back to
 * system fonts. The CSP (securityHeaders.ts) would block it anyway; cutting it also spares the refused request.
 */
const EXTERNAL_LINK = /<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?\/\/[^>]*>\s*/gi;

export const withoutExternalLinks = (html: string): string => html.replace(EXTERNAL_LINK, "");

/** Only the dashboard's HTML page: its scripts, styles and JSON pass untouched. */
const isHtml = (reply: FastifyReply) => String(reply.getHeader("content-type") ?? "").startsWith("text/html");

/**
 * The queue dashboard (bull-board over the notifier's queues) at /ops/queues. Every route of it (the page,
 * its static bundle and its API: retry, pause, clean, obliterate, add, edit) is `operationsDashboard`: an
 * operations token, by Bearer or Basic auth; any other token or none gets 401. No other access path exists,
 * so its queues are not read-only: retrying a failed email is what operations open it for. A view for anyone
 * else would have to be a second board with `readOnlyMode: true` adapters, never this one with looser access.
 */
export async function registerDashboard(app: FastifyInstance, queues: readonly Queue[]): Promise<void> {
  const board = new FastifyAdapter();
  board.setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: false })), serverAdapter: board });
  await registerWithAccess(app, "operationsDashboard", async (scope) => {
    scope.addHook("onRoute", (route) => {
      // registerWithAccess lets a route keep an access it declares itself; no dashboard route may.
      if (route.config?.access !== "operationsDashboard") throw new Error(`dashboard route ${route.url} would not be operations-only`);
      route.config = { ...route.config, helmet: DASHBOARD_HELMET };
    });
    scope.addHook("onSend", async (_req, reply, payload) => (typeof payload === "string" && isHtml(reply) ? withoutExternalLinks(payload) : payload));
    await scope.register(board.registerPlugin(), { prefix: DASHBOARD_PATH });
  });
}
