import { readFileSync } from "node:fs";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import formbody from "@fastify/formbody";
import helmet from "@fastify/helmet";
import secureSession from "@fastify/secure-session";
import csrf from "@fastify/csrf-protection";
import { installRouteAccess } from "@churnwatch/route-access";
import { viewerFor } from "../auth/roles.ts";
import { directoryFacts } from "../readModel/queries.ts";
import { messagePage, type PageContext } from "../pages/layout.ts";
import { consoleMessages } from "../pages/messages.ts";
import { localeOf } from "./session.ts";
import { access, type Access, type ConsoleDeps, type RouteKit } from "./routeKit.ts";
import { registerSigninRoutes } from "./signinRoutes.ts";
import { registerPageRoutes } from "./pageRoutes.ts";
import { registerActionRoutes } from "./actionRoutes.ts";

const STYLESHEET = readFileSync(new URL("../../assets/console.css", import.meta.url));

/** No script at all; styles only from the console's own stylesheet; nothing may frame a page. */
const CSP = {
  defaultSrc: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

export async function buildConsole(deps: ConsoleDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  const secure = new URL(deps.baseUrl).protocol === "https:";
  await app.register(helmet, { contentSecurityPolicy: { useDefaults: false, directives: CSP }, frameguard: { action: "deny" }, hsts: secure });
  await app.register(formbody);
  await app.register(secureSession, {
    key: deps.sessionKey,
    cookieName: "churnwatch_console",
    expiry: deps.sessionHours * 3600,
    // Lax, not Strict: the sign-in link arrives from a mail client, a cross-site navigation.
    cookie: { path: "/", httpOnly: true, sameSite: "lax", secure, maxAge: deps.sessionHours * 3600 },
  });
  await app.register(csrf, { sessionPlugin: "@fastify/secure-session" });
  app.decorateRequest("viewer", undefined);

  const context = (req: FastifyRequest, reply: FastifyReply, notice?: string): PageContext => ({
    locale: localeOf(req),
    viewer: req.viewer,
    csrf: reply.generateCsrf(),
    queuesUrl: deps.queuesUrl,
    path: req.url,
    notice,
  });
  const html = (reply: FastifyReply, code: number, body: string) =>
    reply.code(code).type("text/html; charset=utf-8").header("cache-control", "no-store").send(body);
  const refuse = (req: FastifyRequest, reply: FastifyReply, code: 400 | 401 | 403 | 404, text: string) =>
    html(reply, code, messagePage(context(req, reply), text, text));

  const signedIn = async (req: FastifyRequest, reply: FastifyReply) => {
    const email = req.session.get("email");
    const viewer = email ? viewerFor(email, await directoryFacts(deps.pool, email), deps.policy) : undefined;
    if (!viewer) {
      if (req.method === "GET") {
        req.session.set("next", req.url);
        return reply.redirect("/signin", 303);
      }
      return refuse(req, reply, 401, consoleMessages[localeOf(req)].errors.signInFirst);
    }
    req.viewer = viewer;
    return undefined;
  };
  installRouteAccess<Access>(app, {
    checks: {
      public: () => undefined,
      signedIn,
      actor: async (req, reply) => {
        const refused = await signedIn(req, reply);
        if (refused) return refused;
        if (!req.viewer?.canAct) return refuse(req, reply, 403, consoleMessages[localeOf(req)].errors.readOnly);
        return undefined;
      },
    },
    undeclared: (req, reply) => {
      deps.logger.error({ route: req.routeOptions.url }, "route declares no access; refused");
      return refuse(req, reply, 404, consoleMessages[localeOf(req)].errors.notFound);
    },
  });
  // Every form posts its CSRF token; checked after the body is parsed, before any handler.
  app.addHook("preHandler", (req, reply, done) => (req.method === "POST" ? app.csrfProtection(req, reply, done) : done()));
  app.setNotFoundHandler((req, reply) => refuse(req, reply, 404, consoleMessages[localeOf(req)].errors.notFound));
  app.setErrorHandler((err: { statusCode?: number }, req, reply) => {
    const code = err.statusCode ?? 500;
    if (code >= 500) deps.logger.error({ err, route: req.routeOptions.url }, "console request failed");
    const m = consoleMessages[localeOf(req)].errors;
    const text = code === 403 ? m.forbidden : code === 404 ? m.notFound : code < 500 ? m.badRequest : "Churnwatch could not do this just now; please try again. / 暂时无法完成，请稍后重试。";
    return html(reply, code < 400 ? 500 : code, messagePage(context(req, reply), text, text));
  });

  app.get("/healthz", access("public"), async () => ({ ok: true }));
  app.get("/assets/console.css", access("public"), async (_req, reply) =>
    reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=3600").send(STYLESHEET),
  );
  const shared: RouteKit = { deps, context, html, refuse };
  registerSigninRoutes(app, shared);
  registerPageRoutes(app, shared);
  registerActionRoutes(app, shared);
  return app;
}
