import { createServer, type IncomingMessage, type Server } from "node:http";
import { timingSafeEqual } from "node:crypto";
import type { Logger } from "pino";
import type { Registry } from "prom-client";

export interface OpsServerOptions {
  port: number;
  /** Without a token the server only listens on loopback: metrics reveal business volumes. */
  host?: string;
  token?: string | undefined;
  registry: Registry;
  /** Each check resolves when its dependency is reachable as this service needs it. */
  readiness: Record<string, () => Promise<unknown>>;
  logger: Logger;
}

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * /healthz (the process answers), /readyz (its dependencies answer) and /metrics (Prometheus text). /metrics
 * needs `Authorization: Bearer <OPS_TOKEN>` when a token is configured.
 */
export async function startOpsServer(opts: OpsServerOptions): Promise<OpsServer> {
  const host = opts.host ?? (opts.token ? "0.0.0.0" : "127.0.0.1");
  if (!opts.token) opts.logger.warn({ host }, "OPS_TOKEN unset: the ops endpoints listen on loopback only");
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? "/").split("?")[0];
      if (path === "/healthz") return send(200, "ok\n");
      if (path === "/readyz") {
        const failed: string[] = [];
        await Promise.all(
          Object.entries(opts.readiness).map(([name, check]) =>
            withTimeout(check(), 3_000).catch((err: unknown) => failed.push(`${name}: ${(err as Error).message}`)),
          ),
        );
        return failed.length === 0 ? send(200, "ready\n") : send(503, `not ready\n${failed.join("\n")}\n`);
      }
      if (path === "/metrics") {
        if (opts.token && !authorised(req, opts.token)) return send(401, "missing or wrong bearer token\n", { "www-authenticate": "Bearer" });
        return send(200, await opts.registry.metrics(), { "content-type": opts.registry.contentType });
      }
      return send(404, "not found: try /healthz, /readyz or /metrics\n");
    })().catch((err: unknown) => {
      opts.logger.error({ err }, "ops endpoint failed");
      send(500, "internal error\n");
    });

    function send(status: number, body: string, headers: Record<string, string> = {}) {
      if (res.headersSent) return;
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
      res.end(body);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  opts.logger.info({ port, host }, "ops endpoints: /healthz /readyz /metrics");
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function authorised(req: IncomingMessage, token: string): boolean {
  const given = Buffer.from((req.headers.authorization ?? "").replace(/^Bearer\s+/i, ""));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);
}
