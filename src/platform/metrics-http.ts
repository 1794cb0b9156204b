import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AppDeps } from "./deps";
import type { Metrics } from "./metrics";

// GET /metrics, protected: on the app's port it needs `Authorization: Bearer $COSELL_METRICS_TOKEN`;
// with COSELL_METRICS_PORT it is served on that port (bound to COSELL_METRICS_HOST, default
// 127.0.0.1) without a token, and not on the app's port. Neither set: off, and it says how.

const OFF = "metrics are off: set COSELL_METRICS_TOKEN (GET /metrics with Authorization: Bearer <token>) or COSELL_METRICS_PORT (a separate port, no token)\n";

async function serve(metrics: Metrics, res: ServerResponse): Promise<void> {
  try {
    const text = await metrics.registry.metrics();
    res.writeHead(200, { "content-type": metrics.registry.contentType });
    res.end(text);
  } catch (err) {
    res.writeHead(500, { "content-type": "text/plain" });
    res.end(`metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const got = Buffer.from(header?.startsWith("Bearer ") ? header.slice(7) : "", "utf8");
  const want = Buffer.from(token, "utf8");
  return got.length === want.length && timingSafeEqual(got, want);
}

/** The /metrics route of the app's own port. */
export function metricsHandler(deps: Pick<AppDeps, "config" | "metrics">) {
  return async (req: IncomingMessage, res: ServerResponse, _where: { onMainPort: true }): Promise<void> => {
    const { metrics } = deps;
    const token = deps.config.metrics?.token;
    if (!metrics || deps.config.metrics?.port !== undefined || !token) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end(deps.config.metrics?.port !== undefined ? `metrics are served on port ${deps.config.metrics.port}\n` : OFF);
      return;
    }
    if (!bearerMatches(req.headers.authorization, token)) {
      res.writeHead(401, { "content-type": "text/plain", "www-authenticate": "Bearer" });
      res.end("GET /metrics needs Authorization: Bearer <COSELL_METRICS_TOKEN>\n");
      return;
    }
    await serve(metrics, res);
  };
}

/** /metrics on its own port (COSELL_METRICS_PORT), for a scraper on a private network. */
export async function startMetricsServer(metrics: Metrics, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method === "GET" && new URL(req.url ?? "/", "http://localhost").pathname === "/metrics") void serve(metrics, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return server;
}
