import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Use cases queue outbox intents (plain data); rendering happens at delivery, in each
// feature's outbox.ts, wired in src/outbox-renderers.ts. These checks keep it that way.

const SRC = path.resolve(import.meta.dirname, "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : sourceFiles(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

interface Import {
  from: string;
  /** the module it resolves to, relative to src/ (for relative imports) */
  target: string | null;
  /** imports a value, not only types */
  value: boolean;
}

function importsOf(file: string, text: string): Import[] {
  const out: Import[] = [];
  for (const m of text.matchAll(/^import\s+(type\s+)?([\s\S]*?)\s+from\s+"([^"]+)";/gm)) {
    const typeOnly =
      Boolean(m[1]) ||
      (/^\{[\s\S]*\}$/.test(m[2]!.trim()) &&
        m[2]!
          .replace(/[{}]/g, "")
          .split(",")
          .every((s) => s.trim() === "" || /^type\s/.test(s.trim())));
    const from = m[3]!;
    const target = from.startsWith(".") ? path.relative(SRC, path.resolve(path.dirname(file), from)) : null;
    out.push({ from, target, value: !typeOnly });
  }
  return out;
}

const files = sourceFiles(SRC).map((p) => {
  const text = readFileSync(p, "utf8");
  return { rel: path.relative(SRC, p), imports: importsOf(p, text) };
});

/** Modules that build Slack messages, modals or views (Block Kit), and the delivery renderers. */
const RENDERER = /^features\/[^/]+\/(render|card|modal|[\w-]+-modal|receipt|list-view|panel|chart|preview|alerts|outbox)$/;
/** Jobs that render in bulk and queue the result as `message` intents. */
const PRE_RENDERING_JOBS = new Set(["features/asks/sla-sweep.ts", "features/account-map/refresh-job.ts", "features/digests/job.ts"]);

describe("outbox intents, by construction", () => {
  it("use cases that queue outbox intents import no Slack renderer and build no Slack text", () => {
    const useCases = files.filter(
      (f) => f.rel.startsWith("features/") && f.imports.some((i) => i.target === "platform/outbox/enqueue" && i.value) && !PRE_RENDERING_JOBS.has(f.rel),
    );
    expect(useCases.map((f) => f.rel)).toEqual(
      expect.arrayContaining([
        "features/stages/change-stage.ts",
        "features/asks/asks.ts",
        "features/disputes/disputes.ts",
        "features/registration/register-deal.ts",
        "features/account-map/account-map.ts",
      ]),
    );
    const offenders = useCases.flatMap((f) =>
      f.imports
        .filter((i) => i.value && i.target !== null && (RENDERER.test(i.target) || i.target === "platform/slack/mrkdwn"))
        .map((i) => `${f.rel} imports ${i.from}`),
    );
    expect(offenders).toEqual([]);
  });

  it("the outbox (src/platform/outbox) imports no feature: renderers are handed to it", () => {
    const offenders = files
      .filter((f) => f.rel.startsWith("platform/outbox/"))
      .flatMap((f) => f.imports.filter((i) => i.target?.startsWith("features/")).map((i) => `${f.rel} imports ${i.from}`));
    expect(offenders).toEqual([]);
  });
});
