import type { FastifyReply, FastifyRequest } from "fastify";
import type pg from "pg";
import { accessFor } from "@churnwatch/route-access";
import type { ExchangeRates } from "@churnwatch/engine";
import type { Logger } from "@churnwatch/platform";
import type { RolePolicy, Viewer } from "../auth/roles.ts";
import type { SigninLinks } from "../auth/signinLinks.ts";
import type { AnswerLog } from "../answerLog.ts";
import type { BacktestRead } from "../backtestSummary.ts";
import type { PageContext } from "../pages/layout.ts";

// What every route module needs from the server, kept apart from the server so that the route modules do
// not import the module that registers them.

/**
 * - `public`: anyone; nothing that names an account or a person.
 * - `signedIn`: a session whose address the directory knows; pages show only that person's scope.
 * - `actor`: signed in with a role that answers alerts (account managers and managers).
 */
export type Access = "public" | "signedIn" | "actor";
export const access = accessFor<Access>();

declare module "fastify" {
  interface FastifyRequest {
    viewer?: Viewer;
  }
}

export interface ConsoleDeps {
  pool: pg.Pool;
  signin: SigninLinks;
  sendMail: (to: string, subject: string, text: string) => Promise<void>;
  answers: AnswerLog;
  policy: RolePolicy;
  baseUrl: string;
  sessionKey: Buffer;
  sessionHours: number;
  signinMinutes: number;
  queuesUrl?: string | undefined;
  levelFloors: Record<string, number>;
  /** The reporting currency (FX_RATES_PATH): the portfolio ranks converted amounts. */
  fx?: ExchangeRates | undefined;
  /** The latest backtest report (BACKTEST_REPORT_PATH), read when it changes; undefined when none is configured. */
  backtest?: () => BacktestRead;
  now: () => number;
  logger: Logger;
}

export interface RouteKit {
  deps: ConsoleDeps;
  context: (req: FastifyRequest, reply: FastifyReply, notice?: string) => PageContext;
  html: (reply: FastifyReply, code: number, body: string) => FastifyReply;
  refuse: (req: FastifyRequest, reply: FastifyReply, code: 400 | 401 | 403 | 404, text: string) => FastifyReply;
}

/** The signed-in viewer, set by the access check on every route whose access needs one. */
export function viewerOf(req: FastifyRequest): Viewer {
  if (!req.viewer) throw new Error(`route ${req.routeOptions.url ?? "?"} reads a viewer but its access needs none`);
  return req.viewer;
}
