import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/platform/db/client";
import { migrate } from "../../src/platform/db/migrate";
import { FakeSlack } from "../support/fake-slack";
import { until } from "../support/settle";
import { commandBody, postSigned } from "../support/signing";

// The real entry point (src/main.ts) as a child process, as a newcomer would run it.

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const waitFor = (re: RegExp, ms = 30_000) =>
    until(
      () => re.test(out),
      () => `timed out waiting for ${re}; output:\n${out}`,
      ms,
    );
  return { child, exited, waitFor, output: () => out };
}

describe("the app process", () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await new FakeSlack().start();
  });
  afterAll(async () => {
    await fake.stop();
  });

  it("without Slack credentials starts the playground: the page, the app behind it, seeded on first start", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "cosell-"));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const p = run({ COSELL_DATA_DIR: dataDir, PORT: String(port), COSELL_JOBS: "false" });
    // The first start seeds the demo program and delivers its Slack history.
    await p.waitFor(/open\s+http:\/\/localhost:\d+/, 240_000);
    expect(p.output()).toContain(`http://localhost:${port}`);
    expect(p.output()).toMatch(/SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET[\s\S]*Connect a Slack workspace/);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("local playground");
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    type State = { channels: { id: string; shared: boolean }[]; messages: Record<string, unknown[]> };
    const state = (await (await fetch(`http://127.0.0.1:${port}/pg/state`)).json()) as State;
    const shared = state.channels.find((c) => c.shared)!;
    expect(state.messages[shared.id]!.length).toBeGreaterThan(10); // the demo's deal cards
    // The app's endpoint checks signatures: an unsigned request is refused.
    const unsigned = await fetch(`http://127.0.0.1:${port}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "command=/cosell&text=help",
    });
    expect(unsigned.status).toBe(401);
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
    expect(p.output()).toContain("stopped");
    expect(p.output()).not.toMatch(/at .*\.ts:\d+/); // no stack trace

    // Started again on the same data: the program and the channels' history are still there.
    const again = run({ COSELL_DATA_DIR: dataDir, PORT: String(port), COSELL_JOBS: "false" });
    await again.waitFor(/open\s+http:\/\/localhost:\d+/, 120_000);
    expect(again.output()).not.toMatch(/seeded the demo program/);
    const after = (await (await fetch(`http://127.0.0.1:${port}/pg/state`)).json()) as State;
    expect(after.messages[shared.id]!.length).toBe(state.messages[shared.id]!.length);
    again.child.kill("SIGTERM");
    expect(await again.exited).toBe(0);
  }, 420_000);

  it("with only one of the Slack credentials exits non-zero with a clear message", async () => {
    const p = run({ COSELL_DATA_DIR: mkdtempSync(path.join(tmpdir(), "cosell-")), SLACK_BOT_TOKEN: "xoxb-only-the-token" });
    expect(await p.exited).not.toBe(0);
    expect(p.output()).toMatch(/Missing SLACK_SIGNING_SECRET/);
    expect(p.output()).toMatch(/Connect a Slack workspace/);
    expect(p.output()).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it("serves signed /cosell help, health, shuts down on SIGTERM, and keeps embedded data across restarts", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "cosell-data-"));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const env = {
      SLACK_BOT_TOKEN: "xoxb-e2e",
      SLACK_SIGNING_SECRET: "e2e-secret",
      SLACK_API_URL: fake.apiUrl,
      PORT: String(port),
      COSELL_DATA_DIR: dataDir,
      COSELL_JOBS: "false",
    };
    const p = run(env);
    await p.waitFor(/listening on :\d+/);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const body = commandBody({ text: "help", user_id: "U1", team_id: "T_OURS", channel_id: "C1", response_url: fake.responseUrl() });
    const res = await postSigned(`http://127.0.0.1:${port}/slack/events`, "e2e-secret", body, "application/x-www-form-urlencoded");
    expect(res.status).toBe(200);
    expect(res.text).toContain("/cosell help");
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
    expect(p.output()).toContain("stopped");

    // Write through the embedded database while the app is down, then restart on it.
    const db = await openDatabase({ dataDir });
    await migrate(db.sql);
    await db.prisma.organization.create({ data: { name: "Survivor Inc", kind: "PARTNER", partnerType: "SI" } });
    await db.close();
    const p2 = run(env);
    await p2.waitFor(/listening on :\d+/);
    p2.child.kill("SIGTERM");
    expect(await p2.exited).toBe(0);
    const again = await openDatabase({ dataDir });
    expect((await again.prisma.organization.findMany()).map((o) => o.name)).toContain("Survivor Inc");
    expect(await again.prisma.program.count()).toBe(1);
    await again.close();
  });
});
