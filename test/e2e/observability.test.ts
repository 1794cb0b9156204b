import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { outboxDrained } from "../support/settle";
import { startTestApp, type TestApp } from "../support/app";
import { useTestApp } from "../support/fixtures";
import { postedDeal } from "../support/deals";
import { PEOPLE } from "../support/seed";

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

// What an operator scrapes and probes: /metrics behind its token (or off, saying how), ack
// latencies and outbox sends counted as Slack requests come in, /healthz and /readyz.

const TOKEN = "metrics-token-0123456789";
const { t, p } = useTestApp({ seed: true, metrics: true, config: { metrics: { token: TOKEN, port: undefined, host: "127.0.0.1" } } });
const metricsUrl = () => t.url.replace("/slack/events", "/metrics");
const scrape = async () => {
  const res = await fetch(metricsUrl(), { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
};
const value = (text: string, series: string) => {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
};

describe("/metrics", () => {
  it("refuses a missing or wrong token", async () => {
    expect((await fetch(metricsUrl())).status).toBe(401);
    expect((await fetch(metricsUrl(), { headers: { authorization: "Bearer nope" } })).status).toBe(401);
  });

  it("counts each acked command by subcommand, and never by what was typed", async () => {
    const before = value(await scrape(), 'cosell_slack_ack_seconds_count{kind="command",id="help"}');
    expect((await t.command("help", { user: PEOPLE.rep.user })).status).toBe(200);
    await t.command("<!channel> secret plans", { user: PEOPLE.rep.user });
    const text = await scrape();
    expect(value(text, 'cosell_slack_ack_seconds_count{kind="command",id="help"}')).toBe(before + 1);
    expect(value(text, 'cosell_slack_ack_seconds_count{kind="command",id="other"}')).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain("secret plans");
    expect(text).toContain("cosell_process_");
  });

  it("shows the outbox backlog and counts a sent post", async () => {
    const before = value(await scrape(), 'cosell_outbox_sends_total{result="sent"}');
    // A registration queues its card; once delivered the counter moves and nothing is pending.
    await postedDeal(t, p);
    await outboxDrained(t.db);
    const text = await scrape();
    expect(value(text, 'cosell_outbox_sends_total{result="sent"}')).toBeGreaterThan(before);
    expect(value(text, "cosell_outbox_pending")).toBe(0);
    expect(value(text, "cosell_outbox_oldest_pending_seconds")).toBe(0);
  });
});

describe("health", () => {
  it("/healthz says the process is alive; /readyz that it can serve Slack", async () => {
    const live = await fetch(t.url.replace("/slack/events", "/healthz"));
    expect(live.status).toBe(200);
    const ready = await fetch(t.url.replace("/slack/events", "/readyz"));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, database: "ok", slack: "connected" });
  });
});

describe("metrics configuration", () => {
  it("off unless configured, saying how to turn it on; or on a separate port without a token", async () => {
    let off: TestApp | undefined;
    let own: TestApp | undefined;
    try {
      off = await startTestApp({ metrics: true });
      const res = await fetch(off.url.replace("/slack/events", "/metrics"));
      expect(res.status).toBe(404);
      expect(await res.text()).toMatch(/COSELL_METRICS_TOKEN .* COSELL_METRICS_PORT/);

      const port = await unusedPort();
      own = await startTestApp({ metrics: true, config: { metrics: { token: undefined, port, host: "127.0.0.1" } } });
      const scraped = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain("cosell_slack_ack_seconds");
      expect((await fetch(own.url.replace("/slack/events", "/metrics"))).status).toBe(404);
    } finally {
      await off?.stop();
      await own?.stop();
    }
  });
});
