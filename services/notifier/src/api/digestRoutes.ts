import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Locale } from "@churnwatch/contracts";
import type { Logger } from "@churnwatch/platform";
import type { DigestPreview } from "../digest/digests.ts";
import { described, type Subscriptions } from "../digest/subscriptions.ts";
import { verifyUnsubscribeToken } from "../digest/unsubscribeLinks.ts";
import type { LinkKeys } from "../linkKeys.ts";
import { digestCatalogs } from "../render/digestCatalog.ts";
import { escapeHtml as e } from "../render/index.ts";
import { page, resultPage } from "./pages.ts";
import { access } from "./access.ts";

export interface DigestRouteDeps {
  subscriptions: Subscriptions;
  preview: (id: string) => Promise<DigestPreview | undefined>;
  linkKeys: LinkKeys;
  now: () => number;
  logger: Logger;
}

const html = (reply: FastifyReply, code: number, body: string) => reply.code(code).type("text/html; charset=utf-8").header("cache-control", "no-store").send(body);

/**
 * Executive digests: subscriptions under /api/digests (operations tokens only: an account manager's token
 * cannot subscribe anyone to the whole portfolio), and the unsubscribe pages behind the link in each digest.
 */
export function registerDigestRoutes(app: FastifyInstance, deps: DigestRouteDeps): void {
  const subs = deps.subscriptions;
  const operations = access("operations");
  const idOf = (req: FastifyRequest) => (req.params as { id: string }).id;

  app.get("/api/digests", operations, async () => ({
    subscriptions: (await subs.list()).map((s) => described(s, deps.now())),
  }));
  app.post("/api/digests", operations, async (req, reply) => {
    const r = await subs.create(req.body ?? {});
    if ("error" in r) return reply.code(400).send({ error: "invalid subscription", detail: r.error });
    return reply.code(201).send(r);
  });
  app.get("/api/digests/:id", operations, async (req, reply) => {
    const s = await subs.get(idOf(req));
    return s ? described(s, deps.now()) : reply.code(404).send({ error: "no such subscription" });
  });
  /** What the subscriber would get now: to check a new subscription's filters before its first run. */
  app.get("/api/digests/:id/preview", operations, async (req, reply) => {
    const p = await deps.preview(idOf(req));
    return p ?? reply.code(404).send({ error: "no such subscription" });
  });
  app.put("/api/digests/:id", operations, async (req, reply) => {
    const r = await subs.replace(idOf(req), req.body ?? {});
    if (!r) return reply.code(404).send({ error: "no such subscription" });
    if ("error" in r) return reply.code(400).send({ error: "invalid subscription", detail: r.error });
    return r;
  });
  app.delete("/api/digests/:id", operations, async (req, reply) => {
    const removed = await subs.remove(idOf(req), "operations");
    return removed ? reply.code(204).send() : reply.code(404).send({ error: "no such subscription" });
  });

  // --- the link in every digest: GET shows a form (mail scanners open links), POST unsubscribes ---
  const checked = async (req: FastifyRequest, reply: FastifyReply) => {
    const check = verifyUnsubscribeToken((req.params as { token: string }).token, deps.linkKeys);
    if (!check.ok) {
      deps.logger.warn({ reason: check.reason }, "unsubscribe link refused");
      return void html(reply, 403, resultPage("en", false, check.reason));
    }
    const s = await subs.get(check.claims.subscriptionId);
    const locale: Locale = s?.recipient.locale ?? "en";
    // The link binds the address it was sent to: once a subscription is moved to another address, an old
    // (perhaps forwarded) link no longer unsubscribes its new reader.
    if (!s || s.recipient.email !== check.claims.recipient) return void html(reply, 410, page(locale, digestCatalogs[locale].pages.title, `<p>${e(digestCatalogs[locale].pages.gone)}</p>`));
    return { subscription: s, locale, claims: check.claims };
  };
  app.get("/digests/unsubscribe/:token", access("signedLink"), async (req, reply) => {
    const ok = await checked(req, reply);
    if (!ok) return reply;
    const t = digestCatalogs[ok.locale];
    return html(
      reply,
      200,
      page(ok.locale, t.pages.title, `<p>${e(t.pages.confirm(t.name[ok.subscription.schedule.cadence]))}</p><form method="post"><p><button type="submit">${e(t.pages.button)}</button></p></form>`),
    );
  });
  // Also the target of mail clients' one-click button (RFC 8058: a POST with List-Unsubscribe=One-Click).
  app.post("/digests/unsubscribe/:token", access("signedLink"), async (req, reply) => {
    const ok = await checked(req, reply);
    if (!ok) return reply;
    await subs.remove(ok.subscription.id, "unsubscribe-link"); // no address in the logs
    const t = digestCatalogs[ok.locale];
    return html(reply, 200, page(ok.locale, t.pages.title, `<p>${e(t.pages.done)}</p>`));
  });
}
