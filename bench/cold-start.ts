// Cold start: `node --import tsx src/main.ts` (what `npm start` runs with Slack configured) on a
// new embedded PGlite data directory, then again on the same one (a restart), each in its own
// process: the time until /readyz answers 200 (database migrated, Slack's auth.test passed, against
// the fake Slack) and the process's RSS after 2 s idle.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RemoteFake } from "./ack";
import { fmtMs, type Row } from "./lib";

const READY_GOAL_MS = 5000;
const IDLE_GOAL_MB = 300;

function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
}

function withoutDatabaseUrl(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, ...rest } = env;
  return rest;
}

async function startOnce(dataDir: string, fake: RemoteFake, port: number): Promise<{ readyMs: number; idleMb: number }> {
  const t0 = performance.now();
  const root = path.resolve(import.meta.dirname, "..");
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "src/main.ts")], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...withoutDatabaseUrl(process.env),
      COSELL_DATA_DIR: dataDir,
      PORT: String(port),
      SLACK_BOT_TOKEN: "xoxb-bench",
      SLACK_SIGNING_SECRET: "bench-secret",
      SLACK_API_URL: fake.apiUrl,
      LOG_LEVEL: "warn",
    },
  });
  try {
    for (;;) {
      if (performance.now() - t0 > 60_000) throw new Error("cosell did not become ready within 60 s");
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const readyMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 2000));
    return { readyMs, idleMb: rssMb(child.pid!) };
  } finally {
    await new Promise<void>((r) => {
      child.once("exit", () => r());
      child.kill("SIGTERM");
    });
  }
}

export async function benchColdStart(fake: RemoteFake): Promise<Row[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "cosell-cold-"));
  const port = 39_000 + (process.pid % 1000);
  try {
    const fresh = await startOnce(dataDir, fake, port);
    const again = await startOnce(dataDir, fake, port);
    const row = (what: string, r: { readyMs: number; idleMb: number }, goal: boolean): Row => ({
      benchmark: `cold start, ${what}: npm start → /readyz 200, then idle 2 s`,
      db: "PGlite",
      size: "—",
      result: `${fmtMs(r.readyMs)} · idle RSS ${r.idleMb} MB`,
      target: goal ? `≤ ${fmtMs(READY_GOAL_MS)}, ≤ ${IDLE_GOAL_MB} MB` : "—",
      verdict: goal ? (r.readyMs <= READY_GOAL_MS && r.idleMb <= IDLE_GOAL_MB ? "ok" : "SLOW") : "",
    });
    return [row("a new data directory", fresh, true), row("a restart on it", again, false)];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
