// `npm run -s cosell -- <command> …`: operator commands against the program's database
// (DATABASE_URL, or the embedded PGlite database under COSELL_DATA_DIR), migrated first.
// No Slack token is needed. A small router: add a command to COMMANDS.

import { writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { configSchema } from "./config";
import { openDatabase, type Database } from "./db/client";
import { migrate } from "./db/migrate";
import { describePeriod, PERIOD_EXAMPLES } from "./domain/export";
import { UserError } from "./errors";
import { auditExport, buildAttributionExport } from "./store/export";

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  now: () => Date;
}

export interface CliCommand {
  /** the words that select it, e.g. ["export", "attribution"] */
  path: string[];
  usage: string;
  summary: string;
  /** returns the exit code */
  run(args: string[], io: CliIO): Promise<number>;
}

/** Bad arguments: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** Splits `--name value`, `--name=value` and `--flag` from the positional words. */
export function parseFlags(args: readonly string[], known: Record<string, "value" | "flag">): { positional: string[]; flags: Record<string, string | true> } {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const [name = "", inline] = a.slice(2).split(/=(.*)/s, 2);
    const kind = known[name];
    if (!kind) throw new UsageError(`Unknown option --${name}.`);
    if (kind === "flag") {
      flags[name] = true;
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || value === "") throw new UsageError(`--${name} needs a value.`);
    flags[name] = value;
  }
  return { positional, flags };
}

/** Opens the configured database, applies pending migrations, runs fn, closes it. */
export async function withDatabase<T>(env: NodeJS.ProcessEnv, fn: (db: Database) => Promise<T>): Promise<T> {
  const parsed = configSchema.pick({ DATABASE_URL: true, COSELL_DATA_DIR: true }).safeParse(env);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  const db = await openDatabase({ databaseUrl: parsed.data.DATABASE_URL, dataDir: parsed.data.COSELL_DATA_DIR, poolSize: 2 });
  try {
    await migrate(db.sql);
    return await fn(db);
  } finally {
    await db.close();
  }
}

function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return "cli";
  }
}

const exportAttribution: CliCommand = {
  path: ["export", "attribution"],
  usage: "export attribution <period> [--out file.csv]",
  summary: `the finance CSV (as /cosell export attribution); period ${PERIOD_EXAMPLES.replace(/`/g, "")}, in the program's timezone; to stdout unless --out`,
  async run(args, io) {
    const { positional, flags } = parseFlags(args, { out: "value" });
    if (positional.length === 0) throw new UsageError("Which period?");
    const out = typeof flags.out === "string" ? flags.out : undefined;
    const now = io.now();
    const env = parseEnvTimezone(io.env);
    const exp = await withDatabase(io.env, async (db) => {
      const e = await buildAttributionExport(db.prisma, { period: positional.join(" "), now, fallbackTimezone: env });
      await auditExport(db.prisma, { actor: cliActor(), period: e.period, rows: e.rows.length, deals: e.deals, via: "cli", now });
      return e;
    });
    if (out) writeFileSync(path.resolve(out), exp.csv);
    else io.stdout(exp.csv);
    io.stderr(`${exp.rows.length} rows, ${exp.deals} ${exp.deals === 1 ? "deal" : "deals"} for ${describePeriod(exp.period)}${out ? ` → ${out}` : ""}\n`);
    return 0;
  },
};

function parseEnvTimezone(env: NodeJS.ProcessEnv): string {
  return env.COSELL_TIMEZONE?.trim() || "UTC";
}

export const COMMANDS: CliCommand[] = [exportAttribution];

function usageText(): string {
  return ["Usage: npm run -s cosell -- <command>", "", ...COMMANDS.map((c) => `  ${c.usage}\n      ${c.summary}`)].join("\n") + "\n";
}

/** Finds the command whose path the arguments start with, runs it; returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const words = argv.map((w) => w);
  if (words.length === 0 || words[0] === "help" || words[0] === "--help" || words[0] === "-h") {
    io.stdout(usageText());
    return words.length === 0 ? 2 : 0;
  }
  const cmd = COMMANDS.find((c) => c.path.every((p, i) => words[i]?.toLowerCase() === p));
  if (!cmd) {
    io.stderr(`Unknown command: ${words.join(" ")}\n\n${usageText()}`);
    return 2;
  }
  try {
    return await cmd.run(words.slice(cmd.path.length), io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`${err.message}\nUsage: npm run -s cosell -- ${cmd.usage}\n`);
      return 2;
    }
    if (err instanceof UserError) {
      io.stderr(`${err.message.replace(/`/g, "")}\n`);
      return 2;
    }
    io.stderr(`cosell ${cmd.path.join(" ")} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  const code = await runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    now: () => new Date(),
  });
  // Let stdout drain before exiting (a large CSV piped into another program).
  process.stdout.write("", () => process.exit(code));
}
