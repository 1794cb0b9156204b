import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The Slack listener layer is parse → call → render: every query lives in a feature's use
// cases or repositories (src/platform/repos), which take the store (`dbOf(deps)`) as an
// argument. No listener file reaches into Prisma, a transaction or the database handle.

const FEATURES = path.resolve(import.meta.dirname, "../../src/features");

/** Listener-layer files: those that register or handle Slack interactions. */
const listenerFiles = readdirSync(FEATURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(path.join(FEATURES, d.name))
      .filter((f) => /(?:listener|commands?)\.ts$/.test(f))
      .map((f) => path.join(d.name, f)),
  );

const QUERY = /prisma\.|\btx\.|\bdb\.|\$transaction|\$queryRaw|\$executeRaw|dbOf\([^)]*\)\./;

describe("listener layer", () => {
  it("finds the listener files", () => {
    expect(listenerFiles).toEqual(
      expect.arrayContaining([
        path.join("deals", "commands.ts"),
        path.join("digests", "command.ts"),
        path.join("attribution", "admin-commands.ts"),
        path.join("program", "setup-commands.ts"),
        path.join("program", "panel-listener.ts"),
        path.join("program", "setup-listener.ts"),
        path.join("home", "listener.ts"),
        path.join("account-map", "listener.ts"),
        path.join("registration", "listener.ts"),
      ]),
    );
  });

  it("makes no database calls: queries live in use cases and repositories", () => {
    const offenders = listenerFiles.flatMap((f) =>
      readFileSync(path.join(FEATURES, f), "utf8")
        .split("\n")
        .flatMap((line, i) => (QUERY.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });
});
