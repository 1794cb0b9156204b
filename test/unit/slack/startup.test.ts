import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/platform/logger";
import { SlackUnreachableError, waitForSlack, type SlackStartupStatus } from "../../../src/platform/slack/startup";

// A tiny Slack API: answers auth.test with `status`/`body` as told, counting calls.
async function fakeApi(answer: (n: number) => { status: number; body: unknown }): Promise<{ url: string; calls: () => number; server: Server }> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    const a = answer(++n);
    res.writeHead(a.status, { "content-type": "application/json" }).end(JSON.stringify(a.body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/api/`, calls: () => n, server };
}

function captureLogger() {
  const lines: string[] = [];
  const logger = createLogger({ level: "debug" });
  for (const level of ["debug", "info", "warn", "error"] as const) logger[level] = (...args: unknown[]) => void lines.push(`${level} ${args.join(" ")}`);
  return { logger, lines };
}

describe("waitForSlack", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  it("retries while Slack answers 5xx, says so once with the URL, and returns when auth.test answers", async () => {
    const api = await fakeApi((n) => (n < 3 ? { status: 503, body: {} } : { status: 200, body: { ok: true, user_id: "UBOT", bot_id: "BBOT" } }));
    servers.push(api.server);
    const { logger, lines } = captureLogger();
    const seen: SlackStartupStatus["state"][] = [];
    await waitForSlack({ token: "xoxb-1", apiUrl: api.url, timeoutMs: 10_000, logger, onStatus: (s) => seen.push(s.state) });
    expect(api.calls()).toBe(3);
    expect(lines.filter((l) => l.startsWith("warn"))).toEqual([expect.stringContaining(`Slack's API cannot be reached at ${api.url} (auth.test: HTTP 503)`)]);
    expect(lines.some((l) => l.startsWith("info") && l.includes("answers now"))).toBe(true);
    expect(seen).toEqual(["connecting", "unreachable", "unreachable", "connected"]);
  });

  it("does not retry an answer from Slack such as invalid_auth", async () => {
    const api = await fakeApi(() => ({ status: 200, body: { ok: false, error: "invalid_auth" } }));
    servers.push(api.server);
    await expect(waitForSlack({ token: "xoxb-1", apiUrl: api.url, timeoutMs: 10_000, logger: captureLogger().logger })).rejects.toThrow(/invalid_auth/);
    expect(api.calls()).toBe(1);
  });

  it("gives up at the deadline with the URL and the last error", async () => {
    const closed = await fakeApi(() => ({ status: 200, body: {} }));
    await new Promise((r) => closed.server.close(r));
    const started = Date.now();
    const err = await waitForSlack({ token: "xoxb-1", apiUrl: closed.url, timeoutMs: 1500, logger: captureLogger().logger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlackUnreachableError);
    expect((err as Error).message).toContain(
      `Slack's API cannot be reached at ${closed.url}: gave up after 1.5 s (COSELL_SLACK_STARTUP_TIMEOUT_MS); last error: fetch failed (ECONNREFUSED)`,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
