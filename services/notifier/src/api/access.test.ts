// The access check on its own: every route says who may call it, a route that says nothing is closed,
// and the check follows the route the router matched, whatever the URL's spelling.
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { createLogger } from "@churnwatch/platform";
import { access, installAccessControl, registerWithAccess, tokenOf } from "./access.ts";
import { parseApiTokens } from "./tokens.ts";

const OPS = "ops-token-0123456789abcdef01234567";
const OWNER = "owner-token-0123456789abcdef012345";
const tokens = parseApiTokens(`${OPS}=*,${OWNER}=li.wei@example.com`);

async function app() {
  const a = Fastify({ logger: false });
  installAccessControl(a, tokens, createLogger("access-test", "silent"));
  a.get("/open", access("public"), async () => ({ ok: true }));
  a.get("/api/mine", access("accountManager"), async (req) => ({ actor: tokenOf(req).actor }));
  a.get("/api/ops", access("operations"), async () => ({ secret: "ops data" }));
  a.get("/forgot", async () => ({ secret: "undeclared" }));
  await registerWithAccess(a, "operationsDashboard", async (scope) => {
    scope.get("/ops/board", async () => ({ secret: "board" }));
    scope.get("/ops/board/health", access("public"), async () => ({ ok: true }));
  });
  await a.ready();
  return a;
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const basic = (t: string) => ({ authorization: `Basic ${Buffer.from(`any:${t}`).toString("base64")}` });

describe("route access", () => {
  it("lets each kind of caller reach only what its route declares", async () => {
    const a = await app();
    expect((await a.inject({ url: "/open" })).statusCode).toBe(200);
    expect((await a.inject({ url: "/api/mine" })).statusCode).toBe(401);
    expect((await a.inject({ url: "/api/mine", headers: bearer(OWNER) })).json()).toEqual({ actor: "li.wei@example.com" });
    expect((await a.inject({ url: "/api/ops", headers: bearer(OWNER) })).statusCode).toBe(403);
    expect((await a.inject({ url: "/api/ops", headers: bearer(OPS) })).statusCode).toBe(200);
    const board = await a.inject({ url: "/ops/board", headers: bearer(OWNER) });
    expect(board.statusCode).toBe(401);
    expect(board.headers["www-authenticate"]).toMatch(/^Basic /);
    expect((await a.inject({ url: "/ops/board", headers: basic(OPS) })).statusCode).toBe(200);
    expect((await a.inject({ url: "/ops/board/health" })).statusCode).toBe(200);
  });

  it("closes a route that declares nothing, as if it did not exist", async () => {
    const a = await app();
    for (const headers of [{}, bearer(OPS)]) {
      const res = await a.inject({ url: "/forgot", headers });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain("undeclared");
    }
  });

  it("checks the matched route, so an encoded path is no way round it", async () => {
    const a = await app();
    for (const url of ["/%6Fps/board", "/%6fps/%62oard", "/%61pi/ops", "/api/%6Fps"]) {
      const res = await a.inject({ url });
      expect([401, 404], url).toContain(res.statusCode);
      expect(res.body, url).not.toContain("secret");
    }
  });

  it("lists every route registered, the plugin's too", async () => {
    const a = await app();
    expect(a.declaredRoutes).toEqual(expect.arrayContaining([{ method: "GET", url: "/forgot" }, { method: "GET", url: "/ops/board" }]));
  });
});
