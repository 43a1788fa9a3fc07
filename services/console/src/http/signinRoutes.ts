import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { localeSchema } from "@churnwatch/contracts";
import { viewerFor } from "../auth/roles.ts";
import { directoryFacts } from "../readModel/queries.ts";
import { confirmSigninPage, signinPage } from "../pages/signinPages.ts";
import { messagePage } from "../pages/layout.ts";
import { consoleMessages } from "../pages/messages.ts";
import { localeOf, safePath } from "./session.ts";
import { access, type RouteKit } from "./routeKit.ts";

const signinBody = z.object({ email: z.email().max(320) });
const localeBody = z.object({ locale: localeSchema, back: z.string().max(2_000).optional() });

export function registerSigninRoutes(app: FastifyInstance, { deps, context, html }: RouteKit): void {
  app.get("/signin", access("public"), async (req, reply) => html(reply, 200, signinPage(context(req, reply), false)));

  // The same answer whoever asks, so the form tells nobody which addresses Churnwatch knows.
  app.post("/signin", access("public"), async (req, reply) => {
    const body = signinBody.safeParse(req.body ?? {});
    const locale = localeOf(req);
    if (!body.success) return html(reply, 400, messagePage(context(req, reply), consoleMessages[locale].signin.title, consoleMessages[locale].errors.badRequest));
    const email = body.data.email.toLowerCase();
    if (viewerFor(email, await directoryFacts(deps.pool, email), deps.policy)) {
      const token = await deps.signin.issue(email);
      const m = consoleMessages[locale].signin;
      const link = new URL(`signin/${token}`, deps.baseUrl.endsWith("/") ? deps.baseUrl : `${deps.baseUrl}/`).toString();
      await deps.sendMail(email, m.mailSubject, m.mailBody({ link, minutes: deps.signinMinutes }));
      deps.logger.info("sign-in link sent");
    } else {
      deps.logger.info("sign-in asked for an address the directory does not know");
    }
    return html(reply, 200, signinPage(context(req, reply), true));
  });

  app.get("/signin/:token", access("public"), async (req, reply) => {
    const { token } = req.params as { token: string };
    return html(reply, 200, confirmSigninPage(context(req, reply), token));
  });

  app.post("/signin/:token", access("public"), async (req, reply) => {
    const { token } = req.params as { token: string };
    const email = await deps.signin.consume(token);
    const m = consoleMessages[localeOf(req)].signin;
    if (!email) return html(reply, 410, messagePage(context(req, reply), m.title, m.invalid));
    // Back to the page asked for (an expired email link's account, say) when this browser asked for one.
    const next = safePath(req.session.get("next"));
    // A fresh session: nothing set before sign-in (but the chosen language) carries over.
    req.session.regenerate(["locale"]);
    req.session.set("email", email);
    deps.logger.info("signed in");
    return reply.redirect(next, 303);
  });

  app.post("/signout", access("signedIn"), async (req, reply) => {
    req.session.delete();
    return reply.redirect("/signin", 303);
  });

  app.post("/locale", access("public"), async (req, reply) => {
    const body = localeBody.safeParse(req.body ?? {});
    if (body.success) req.session.set("locale", body.data.locale);
    return reply.redirect(safePath(body.success ? body.data.back : undefined), 303);
  });
}
