import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import formbody from "@fastify/formbody";
import { DateTime } from "luxon";
import { z } from "zod";
import { dedupeTransitions, ruleIdSchema, type AlertTransition, type Locale, type RuleId } from "@churnwatch/contracts";
import type { ActionInput } from "@churnwatch/policy";
import type { Logger } from "@churnwatch/platform";
import { verifyActionToken, type ActionClaims } from "../actionLinks.ts";
import type { Lifecycle } from "../lifecycle/lifecycle.ts";
import type { InboxEntry } from "../lifecycle/inbox.ts";
import type { LabelStore } from "./labels.ts";
import { accountPage, alertChangedPage, consoleOnward, formPage, resultPage } from "./pages.ts";
import { signAccountLink, verifyAccountLink } from "../links.ts";
import type { LinkKeys } from "../linkKeys.ts";
import { linkRefusal, type LinkRefusal } from "./linkScope.ts";
import { catalogs } from "../render/catalog.ts";
import { explainEvidence } from "@churnwatch/explain";
import type { ApiToken } from "./tokens.ts";
import { access, installAccessControl, tokenOf } from "./access.ts";
import type { Queue } from "bullmq";
import { registerDashboard } from "./dashboard.ts";
import { installSecurityHeaders } from "./securityHeaders.ts";
import { alertHistory, listAlerts, summarise, visibleTo } from "./views.ts";
import { registerDigestRoutes, type DigestRouteDeps } from "./digestRoutes.ts";

export interface ApiDeps {
  lifecycle: Lifecycle;
  history: (accountId: string) => Promise<AlertTransition[]>;
  labels: LabelStore;
  tokens: readonly ApiToken[];
  /** Verify the links in emails (current and previous keys); the current key signs the account link offered. */
  linkKeys: LinkKeys;
  /** CONSOLE_BASE_URL: where a refused link sends its reader instead (the account's console page). */
  consoleBaseUrl?: string | undefined;
  /** LINK_TTL_DAYS in seconds: when a link without an episode was issued (exp minus this). */
  linkTtlSeconds: number;
  now: () => number;
  logger: Logger;
  /** Moves what a commit decided (history, emails) on promptly; the relay loop would get there anyway. */
  afterCommit: () => Promise<unknown>;
  /** Queues shown on the operations dashboard (/ops/queues, operations tokens only). */
  queues?: Queue[];
  /** Executive digest subscriptions (/api/digests) and their unsubscribe pages. */
  digests?: Pick<DigestRouteDeps, "subscriptions" | "preview">;
}

/** What a correctly signed link said, even though it was refused (it expired). */
interface SignedFacts {
  accountId: string;
  rule?: RuleId;
  recipient?: string;
}

const listQuery = z.object({
  state: z.enum(["pending", "firing", "resolved"]).optional(),
  level: z.enum(["low", "medium", "high", "critical"]).optional(),
  owner: z.string().max(320).optional(),
  tier: z.enum(["strategic", "partner", "ordinary"]).optional(),
  region: z.string().max(100).optional(),
});
const alertParams = z.object({ accountId: z.string().min(1).max(200), rule: ruleIdSchema });
const snoozeBody = z.union([
  z.object({ until: z.iso.datetime({ offset: true }) }).strict(),
  z.object({ untilWorse: z.literal(true) }).strict(),
]);
const dismissBody = z.object({ reason: z.string().trim().min(1, "a reason is required").max(1_000) }).strict();
const defectionBody = z.object({ churnedAt: z.iso.datetime({ offset: true }), note: z.string().max(1_000).optional() }).strict();

/** zod's message for a refused request: which field, and what it should be. */
function refusal(reply: FastifyReply, error: z.ZodError) {
  return reply.code(400).send({ error: "invalid request", detail: z.prettifyError(error) });
}

/**
 * The alerts API (bearer token; an account manager's token sees only the accounts they own) and the pages
 * behind the signed links in emails (no login: the link is the credential, for one account, alert and action).
 */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  // Action tokens carry their claims (account, rule, recipient), so they are longer than the default 100.
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, routerOptions: { maxParamLength: 2_000 } });
  await app.register(formbody);
  const store = deps.lifecycle.store;

  await installSecurityHeaders(app);
  installAccessControl(app, deps.tokens, deps.logger);
  // Fastify's own 404 echoes the method and path back; say nothing about what was asked.
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: "not found" }));

  /** The entry when the caller may see it; otherwise a 404 that does not reveal whether the alert exists. */
  async function visibleEntry(req: FastifyRequest, reply: FastifyReply): Promise<{ accountId: string; rule: RuleId; entry: InboxEntry } | undefined> {
    const params = alertParams.safeParse(req.params);
    if (!params.success) return void refusal(reply, params.error);
    const inbox = await store.load(params.data.accountId);
    const entry = inbox.alerts[params.data.rule];
    if (!entry || !visibleTo(tokenOf(req).scope, entry)) return void reply.code(404).send({ error: "no such alert" });
    return { ...params.data, entry };
  }

  app.get("/api/alerts", access("accountManager"), async (req, reply) => {
    const q = listQuery.safeParse(req.query);
    if (!q.success) return refusal(reply, q.error);
    const inboxes = await store.loadMany(await store.allAccounts());
    return { alerts: listAlerts(inboxes, tokenOf(req).scope, q.data) };
  });

  app.get("/api/alerts/:accountId/:rule", access("accountManager"), async (req, reply) => {
    const found = await visibleEntry(req, reply);
    if (!found) return reply;
    return {
      alert: summarise(found.accountId, found.entry),
      evidence: found.entry.snapshot.evidence,
      eventIds: found.entry.snapshot.eventIds,
      configVersion: found.entry.snapshot.configVersion,
      delivery: found.entry.record,
      history: alertHistory(await deps.history(found.accountId), found.rule),
    };
  });

  async function act(req: FastifyRequest, reply: FastifyReply, input: (actor: string) => ActionInput) {
    const found = await visibleEntry(req, reply);
    if (!found) return reply;
    const actor = tokenOf(req).actor;
    const result = await deps.lifecycle.act(found.accountId, found.rule, input(actor));
    await afterAction(found.accountId, found.rule, result.accepted, input(actor), result.inbox.alerts[found.rule]);
    if (!result.accepted) return reply.code(409).send({ error: "not applied", detail: result.note });
    const entry = result.inbox.alerts[found.rule];
    return { alert: entry ? summarise(found.accountId, entry) : undefined };
  }

  /** Keeps "not a risk" as a label the backtest can read, and moves the history on. */
  async function afterAction(accountId: string, rule: RuleId, accepted: boolean, input: ActionInput, entry: InboxEntry | undefined) {
    if (accepted && input.type === "dismiss" && entry) {
      await deps.labels.notARisk({ accountId, rule, alertId: entry.snapshot.alertId, reason: input.reason, by: input.actor, at: new Date(deps.now()).toISOString() });
    }
    await deps.afterCommit().catch((err: unknown) => deps.logger.warn({ err }, "relay after an action failed; the loop retries"));
  }

  app.post("/api/alerts/:accountId/:rule/acknowledge", access("accountManager"), (req, reply) => act(req, reply, (actor) => ({ type: "acknowledge", actor })));
  app.post("/api/alerts/:accountId/:rule/snooze", access("accountManager"), async (req, reply) => {
    const body = snoozeBody.safeParse(req.body ?? {});
    if (!body.success) return refusal(reply, body.error);
    const b = body.data;
    return act(req, reply, (actor) => ("until" in b ? { type: "snooze", actor, until: b.until } : { type: "snoozeUntilWorse", actor }));
  });
  app.post("/api/alerts/:accountId/:rule/dismiss", access("accountManager"), async (req, reply) => {
    const body = dismissBody.safeParse(req.body ?? {});
    if (!body.success) return refusal(reply, body.error);
    return act(req, reply, (actor) => ({ type: "dismiss", actor, reason: body.data.reason }));
  });

  app.get("/api/accounts/:accountId/history", access("accountManager"), async (req, reply) => {
    const { accountId } = req.params as { accountId: string };
    const inbox = await store.load(accountId);
    const scope = tokenOf(req).scope;
    const any = Object.values(inbox.alerts).some((e) => e && visibleTo(scope, e));
    if (!any) return reply.code(404).send({ error: "no such account" });
    return { history: dedupeTransitions(await deps.history(accountId)) };
  });

  /** Operations (scope *) confirm a defection; together with "not a risk" answers it feeds the backtest. */
  app.post("/api/accounts/:accountId/defection", access("operations"), async (req, reply) => {
    const token = tokenOf(req);
    const body = defectionBody.safeParse(req.body ?? {});
    if (!body.success) return refusal(reply, body.error);
    const { accountId } = req.params as { accountId: string };
    await deps.labels.defected({ accountId, churnedAt: body.data.churnedAt, by: token.actor, at: new Date(deps.now()).toISOString(), note: body.data.note });
    return { ok: true };
  });

  /** The replay's labels file (`replay --labels`): confirmed defections, and accounts marked not a risk. */
  app.get("/api/labels.csv", access("operations"), async (_req, reply) => {
    return reply.type("text/csv; charset=utf-8").send(await deps.labels.csv());
  });

  if (deps.digests) {
    registerDigestRoutes(app, { ...deps.digests, linkKeys: deps.linkKeys, now: deps.now, logger: deps.logger });
  }

  if (deps.queues && deps.queues.length > 0) await registerDashboard(app, deps.queues);

  // --- the pages behind the links in emails ---
  /** A link that told nothing true: the browser's language, and the console's front page at most. */
  const askedLocale = (req: FastifyRequest): Locale => (/^\s*zh\b/i.test(req.headers["accept-language"] ?? "") ? "zh-CN" : "en");
  const localeOf = (entry: InboxEntry, recipient: string) => {
    const a = entry.snapshot.account;
    const who = [a.owner, a.manager, a.sponsor].find((p) => p?.email === recipient);
    return who?.locale ?? a.locale;
  };
  /** The language of the link's recipient on the account (the alert's own entry when it is still there). */
  const accountLocale = async ({ accountId, rule, recipient }: SignedFacts): Promise<Locale | undefined> => {
    const alerts = (await store.load(accountId)).alerts;
    const entry = (rule && alerts[rule]) || Object.values(alerts).find((x) => x !== undefined);
    if (!entry) return undefined;
    return recipient === undefined ? entry.snapshot.account.locale : localeOf(entry, recipient);
  };
  /**
   * A refused link. An expired one still had a good signature, so the account it names is true: its reader
   * is sent to that account in the console, in the account's (or the recipient's) language. Anything else
   * gets the console's front page, which names no account.
   */
  const refusedLink = async (req: FastifyRequest, reply: FastifyReply, reason: string, signed?: SignedFacts) => {
    const locale = (signed && (await accountLocale(signed))) ?? askedLocale(req);
    return reply
      .code(reason === "expired" ? 410 : 403)
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .send(resultPage(locale, false, reason, consoleOnward(deps.consoleBaseUrl, signed?.accountId)));
  };

  app.get("/accounts/:accountId", access("signedLink"), async (req, reply) => {
    const { accountId } = req.params as { accountId: string };
    const { exp, sig, kid } = req.query as { exp?: string; sig?: string; kid?: string };
    const check = verifyAccountLink({ accountId, exp, sig, kid }, deps.linkKeys, deps.now());
    // "expired" is only ever said after the MAC over this accountId held.
    if (!check.ok) return refusedLink(req, reply, check.reason, check.reason === "expired" ? { accountId } : undefined);
    const inbox = await store.load(accountId);
    const all = Object.values(inbox.alerts).filter((x): x is InboxEntry => x !== undefined);
    const first = all[0];
    const locale = first?.snapshot.account.locale ?? "en";
    const m = catalogs[locale];
    const alerts = all.map((entry) => ({
      title: m.rules[entry.snapshot.rule].title,
      level: m.levels[entry.record.level],
      state: entry.record.state,
      sentences: entry.snapshot.evidence.map((ev) => explainEvidence(ev, locale, entry.snapshot.account.currency).sentence),
      answer: entry.record.acknowledgedBy ? `✓ ${entry.record.acknowledgedBy}` : entry.record.dismissedReason,
    }));
    const history = dedupeTransitions(await deps.history(accountId))
      .slice(-50)
      .map((t) => `${t.at} · ${t.rule} · ${t.type} · ${t.level}${t.note ? ` · ${t.note}` : ""} (${t.actor})`);
    return reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .send(accountPage(locale, first?.snapshot.account.name ?? accountId, alerts, history));
  });

  /**
   * A link that no longer applies: a former recipient learns only why (403); the current one, holding a
   * link from an earlier episode, is offered the account page instead (signed until the link's own expiry,
   * so it opens nothing the email did not). Relative, so it works under any APP_BASE_URL path.
   */
  const refuseLink = (reply: FastifyReply, claims: ActionClaims, entry: InboxEntry, why: LinkRefusal) => {
    deps.logger.warn({ reason: why, accountId: claims.accountId, rule: claims.rule }, "action link refused");
    const locale = localeOf(entry, claims.recipient);
    const inConsole = consoleOnward(deps.consoleBaseUrl, claims.accountId);
    const html =
      why === "alert-changed"
        ? alertChangedPage(locale, inConsole?.href ?? `.${signAccountLink({ baseUrl: ".", accountId: claims.accountId, keys: deps.linkKeys, exp: claims.exp })}`)
        : resultPage(locale, false, why, inConsole);
    return reply.code(why === "alert-changed" ? 410 : 403).type("text/html; charset=utf-8").header("cache-control", "no-store").send(html);
  };
  const refusalFor = (claims: ActionClaims) => (entry: InboxEntry) => linkRefusal(claims, entry, deps.linkTtlSeconds);

  const checked = async (req: FastifyRequest, reply: FastifyReply) => {
    const { token } = req.params as { token: string };
    const check = verifyActionToken(token, deps.linkKeys, deps.now());
    if (!check.ok) {
      deps.logger.warn({ reason: check.reason }, "action link refused");
      return void (await refusedLink(req, reply, check.reason, check.reason === "expired" ? check.expired : undefined));
    }
    const inbox = await store.load(check.claims.accountId);
    const entry = inbox.alerts[check.claims.rule];
    if (!entry) {
      const html = resultPage(askedLocale(req), false, "no-alert", consoleOnward(deps.consoleBaseUrl, check.claims.accountId));
      return void reply.code(404).type("text/html; charset=utf-8").send(html);
    }
    const why = refusalFor(check.claims)(entry);
    if (why) return void refuseLink(reply, check.claims, entry, why);
    return { claims: check.claims, entry, token };
  };

  app.get("/actions/:token", access("signedLink"), async (req, reply) => {
    const ok = await checked(req, reply);
    if (!ok) return reply;
    const html = formPage(localeOf(ok.entry, ok.claims.recipient), ok.claims.action, ok.entry.snapshot.account.name, ok.claims.rule, `./${ok.token}`);
    return reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(html);
  });

  app.post("/actions/:token", access("signedLink"), async (req, reply) => {
    const ok = await checked(req, reply);
    if (!ok) return reply;
    const { claims, entry } = ok;
    const locale = localeOf(entry, claims.recipient);
    const form = (req.body ?? {}) as Record<string, string | undefined>;
    const actor = `link:${claims.recipient}`;
    let input: ActionInput;
    if (claims.action === "acknowledge") input = { type: "acknowledge", actor };
    else if (claims.action === "dismiss") {
      const reason = (form.reason ?? "").trim().slice(0, 1_000);
      if (!reason) return reply.code(400).type("text/html; charset=utf-8").send(resultPage(locale, false, "a reason is required"));
      input = { type: "dismiss", actor, reason };
    } else if (form.untilWorse === "1" || !form.until) input = { type: "snoozeUntilWorse", actor };
    else {
      // A date means the start of that day where the recipient works.
      const zone = entry.snapshot.account.timezone ?? "UTC";
      const day = DateTime.fromISO(form.until, { zone });
      if (!day.isValid) return reply.code(400).type("text/html; charset=utf-8").send(resultPage(locale, false, "the date is not valid"));
      input = { type: "snooze", actor, until: day.startOf("day").toUTC().toISO() ?? "" };
    }
    // Checked again inside the commit: a new episode may have fired since the check above.
    const result = await deps.lifecycle.act(claims.accountId, claims.rule, input, refusalFor(claims));
    const now = result.inbox.alerts[claims.rule];
    if (result.refused && now) return refuseLink(reply, claims, now, result.refused as LinkRefusal);
    await afterAction(claims.accountId, claims.rule, result.accepted, input, result.inbox.alerts[claims.rule]);
    return reply
      .code(result.accepted ? 200 : 409)
      .type("text/html; charset=utf-8")
      .send(resultPage(locale, result.accepted, result.accepted ? undefined : result.note));
  });

  return app;
}
