import helmet, { type FastifyHelmetOptions } from "@fastify/helmet";
import type { FastifyInstance } from "fastify";
import { PAGE_STYLE_SOURCE } from "./pages.ts";

/** Helmet's options for one route (`config.helmet`), merged over the API's own by @fastify/helmet. */
export type RouteHelmet = Omit<FastifyHelmetOptions, "global">;

declare module "fastify" {
  interface FastifyContextConfig {
    /** Read by @fastify/helmet: this route's headers, over the API's. Set for plugin routes (the dashboard). */
    helmet?: RouteHelmet;
  }
}

/*
 * Every directive is spelled out (useDefaults: false): helmet's defaults would add `https:` to style-src and
 * font-src (any stylesheet or font on the internet) and `upgrade-insecure-requests`, which breaks the demo's
 * plain-http notifier. No directive names a host, so nothing is loaded from outside the notifier's origin.
 */

/**
 * The API's JSON and the pages behind links in emails (action, account, unsubscribe): server-rendered HTML
 * with no script at all and one fixed stylesheet, allowed by its hash (pages.ts). Their forms post back to
 * the notifier; nothing may frame them (a framed "Not a risk" button could be clicked without being seen).
 */
const API_DIRECTIVES = {
  defaultSrc: ["'none'"],
  styleSrc: [PAGE_STYLE_SOURCE],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

/**
 * The queue dashboard (bull-board): its own script and CSS bundle, the JSON API it polls, its images. Scripts
 * only from the notifier, never inline. Styles need 'unsafe-inline': the page's loading placeholder uses style
 * attributes, and the bundle inserts <style> elements at run time (its theme, its dialogs and editors) without
 * a nonce to match, so neither a hash nor a nonce can cover them. Its <base href> points at /ops/queues/.
 */
const DASHBOARD_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", "data:"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
};

const API_HELMET: FastifyHelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: API_DIRECTIVES },
  // The same as frame-ancestors 'none', for browsers that predate it.
  frameguard: { action: "deny" },
};

/** The dashboard's routes get this over the API's headers (set per route by the dashboard's registration). */
export const DASHBOARD_HELMET: RouteHelmet = {
  contentSecurityPolicy: { useDefaults: false, directives: DASHBOARD_DIRECTIVES },
};

/**
 * Registers @fastify/helmet on the whole API. Before the access check, so a refusal (401/403) and the
 * not-found answer carry the same headers as a page.
 */
export async function installSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, API_HELMET);
}
