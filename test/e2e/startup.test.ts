import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { until } from "../support/settle";
import { commandBody, postSigned } from "../support/signing";

// The real entry point (src/main.ts) as a child process, with Slack's API unreachable.

/** A port nothing listens on (taken from the OS, then released). */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe("start-up with Slack's API unreachable", () => {
  it("says which URL cannot be reached, is alive (/healthz 200) but not ready (/readyz 503) meanwhile, and exits 1 after COSELL_SLACK_STARTUP_TIMEOUT_MS", async () => {
    const [slackPort, port] = [await unusedPort(), await unusedPort()];
    const apiUrl = `http://127.0.0.1:${slackPort}/api/`;
    const timeoutMs = 4000;
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        SLACK_BOT_TOKEN: "xoxb-unreachable",
        SLACK_SIGNING_SECRET: "startup-secret",
        SLACK_API_URL: apiUrl,
        PORT: String(port),
        COSELL_DATA_DIR: mkdtempSync(path.join(tmpdir(), "cosell-startup-")),
        COSELL_JOBS: "false",
        COSELL_SLACK_STARTUP_TIMEOUT_MS: String(timeoutMs),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    let exitedAt = 0;
    const exited = new Promise<number | null>((r) =>
      child.on("exit", (code) => {
        exitedAt = Date.now();
        r(code);
      }),
    );
    try {
      const noLine = () => `no "cannot be reached" line; output:\n${out}`;
      await until(
        () => {
          if (exitedAt) throw new Error(noLine());
          return out.includes("Slack's API cannot be reached");
        },
        noLine,
        60_000,
      );
      const waitStarted = Date.now();
      expect(out).toContain(`Slack's API cannot be reached at ${apiUrl}`);
      expect(out).toMatch(/ECONNREFUSED/);

      // Meanwhile the process is alive, not ready, saying why; Slack requests are turned away.
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, slack: "unreachable" });
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ ok: false, slack: "unreachable", slackApiUrl: apiUrl, database: "ok" });
      const body = commandBody({ text: "help", user_id: "U1", team_id: "T1", channel_id: "C1", response_url: "http://127.0.0.1:9/r" });
      const early = await postSigned(`http://127.0.0.1:${port}/slack/events`, "startup-secret", body, "application/x-www-form-urlencoded");
      expect(early.status).toBe(503);

      expect(await exited).toBe(1);
      // The wait is bounded: the time out, plus a little to stop.
      expect(exitedAt - waitStarted).toBeLessThan(timeoutMs + 2500);
      expect(out).toMatch(
        new RegExp(
          `cosell failed to start: Slack's API cannot be reached at ${apiUrl.replace(/[./]/g, "\\$&")}: gave up after 4 s \\(COSELL_SLACK_STARTUP_TIMEOUT_MS\\)`,
        ),
      );
      expect(out).toMatch(/Check SLACK_API_URL/);
      expect(out).not.toMatch(/listening on :/);
      expect(out).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    } finally {
      if (!exitedAt) child.kill("SIGKILL");
    }
  });
});
