import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/platform/config";

// docs/configuration.md is the list of settings: every variable config.ts reads is in its table,
// every row of the table is one config.ts reads, and no other page names a setting that does not
// exist (a renamed variable must not live on in the docs).

const ROOT = path.resolve(import.meta.dirname, "../..");
const read = (p: string) => readFileSync(path.join(ROOT, p), "utf8");

/** Variables of the tooling, not of the app: the tests' database and the benchmarks' knobs. */
const NOT_APP_SETTINGS = new Set(["TEST_DATABASE_URL"]);

const appVariables = Object.keys(configSchema.shape).sort();

function tableVariables(markdown: string): string[] {
  return markdown
    .split("\n")
    .filter((l) => /^\| `[A-Z]/.test(l))
    .flatMap((l) => [...(l.split("|")[1] ?? "").matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!))
    .sort();
}

const pages = [
  "README.md",
  "bench/README.md",
  ...readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

describe("the configuration docs", () => {
  it("list exactly the variables config.ts reads", () => {
    expect(appVariables.length).toBeGreaterThan(10);
    expect(tableVariables(read("docs/configuration.md"))).toEqual(appVariables);
  });

  it("name no setting that config.ts does not read, on any page", () => {
    const unknown: string[] = [];
    for (const page of pages) {
      for (const m of read(page).matchAll(/\b((?:COSELL|SLACK)_[A-Z0-9_]+|DATABASE_URL|TEST_DATABASE_URL|LOG_LEVEL)\b/g)) {
        const name = m[1]!;
        if (!appVariables.includes(name) && !NOT_APP_SETTINGS.has(name)) unknown.push(`${page}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it("the README's short table is a subset of the full one, with the same names", () => {
    const readmeRows = tableVariables(read("README.md"));
    expect(readmeRows.length).toBeGreaterThan(0);
    for (const v of readmeRows) expect(appVariables).toContain(v);
  });
});
