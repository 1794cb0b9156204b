// `npm run -s cosell -- <command> …`: operator commands against the program's database
// (DATABASE_URL, or the embedded PGlite database under COSELL_DATA_DIR), migrated first.
// No Slack token is needed. A small router: add a command to COMMANDS.

import { readFileSync, statSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { configSchema } from "./platform/config";
import { openDatabase, type Database } from "./platform/db/client";
import { migrate } from "./platform/db/migrate";
import { parseInstant } from "./kernel/calendar-date";
import { describePeriod, PERIOD_EXAMPLES } from "./features/attribution/export-rules";
import { IMPORT_LIMITS, parseListStatus } from "./features/account-map/rules";
import { UserError } from "./platform/errors";
import { findOrgByName, importAccountFile, loadAccountMap, tooBigMessage } from "./features/account-map/account-map";
import { accountMapText, importOutcomeText } from "./features/account-map/text";
import { auditExport, buildAttributionExport, readPeriod } from "./features/attribution/export";
import { programCurrency } from "./features/attribution/config";
import { previewDigests } from "./features/digests/preview";
import { deadLettersText, listDeadLetters, retryDeadLetters } from "./platform/outbox/dead-letters";
import { purgePartnerData } from "./features/program/purge-partner-data";
import { approvePayouts, listPayouts, markPayoutsPaid } from "./features/incentives/payouts";
import { buildPayoutsCsv, readPaidFile } from "./features/incentives/rules";
import { runQuarterClose } from "./features/incentives/quarter-close-job";

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
  /** the options it takes: `--name value` or a bare `--flag` */
  options: Record<string, "value" | "flag">;
  /** what to say when the command's words are missing (e.g. "Which period?"); none: it takes none or checks itself */
  needsWords?: string;
  /** the words after the command's path and its options, already split; returns the exit code */
  run(input: ParsedArgs, io: CliIO): Promise<number>;
}

interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | true>;
}

/** `--name N`: a whole number from 1 to `max`; `fallback` when absent. */
function wholeNumberOption(value: string | true | undefined, o: { name: string; fallback: number; max: number }): number {
  if (value === undefined) return o.fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > o.max) throw new UsageError(`--${o.name}: a whole number from 1 to ${o.max}.`);
  return n;
}

/** Bad arguments: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** Splits `--name value`, `--name=value` and `--flag` from the positional words. */
export function parseFlags(args: readonly string[], known: Record<string, "value" | "flag">): ParsedArgs {
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

/**
 * `--now <ISO time>`: a real calendar date (2027-02-30 is refused, not read as 2 March) within
 * ten years of the actual date, with a timezone when a time is given; `current` when absent.
 */
export function parseNowFlag(value: string | true | undefined, current: Date): Date {
  if (typeof value !== "string") return current;
  const r = parseInstant(value, { today: current.toISOString().slice(0, 10), label: "--now" });
  if (!r.ok) throw new UsageError(`--now: ${r.message}`);
  return r.at;
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

/** A CSV to `--out` when given, else to stdout (the summary goes to stderr, out of the pipe). */
function emitCsv(csv: string, out: string | undefined, io: CliIO): void {
  if (out) writeFileSync(path.resolve(out), csv);
  else io.stdout(csv);
}

const exportAttribution: CliCommand = {
  path: ["export", "attribution"],
  usage: "export attribution <period> [--out file.csv]",
  summary: `the finance CSV (as /cosell export attribution); period ${PERIOD_EXAMPLES.replace(/`/g, "")}, in the program's timezone; to stdout unless --out`,
  options: { out: "value" },
  needsWords: "Which period?",
  async run({ positional, flags }, io) {
    const out = typeof flags.out === "string" ? flags.out : undefined;
    const now = io.now();
    const env = parseEnvTimezone(io.env);
    const exp = await withDatabase(io.env, async (db) => {
      const e = await buildAttributionExport(db.prisma, { period: positional.join(" "), now, fallbackTimezone: env });
      await auditExport(db.prisma, { actor: cliActor(), period: e.period, rows: e.rows.length, deals: e.deals, via: "cli", now });
      return e;
    });
    emitCsv(exp.csv, out, io);
    io.stderr(`${exp.rows.length} rows, ${exp.deals} ${exp.deals === 1 ? "deal" : "deals"} for ${describePeriod(exp.period)}${out ? ` → ${out}` : ""}\n`);
    return 0;
  },
};

const exportPayouts: CliCommand = {
  path: ["export", "payouts"],
  usage: "export payouts <period> [--out file.csv]",
  summary:
    "the payouts CSV (as /cosell export payouts): one row per payout line earned in the period (commissions, uplifts, bonuses) with its status and reference; finance fills in `reference` and sends it back with payouts mark-paid",
  options: { out: "value" },
  needsWords: "Which period?",
  async run({ positional, flags }, io) {
    const out = typeof flags.out === "string" ? flags.out : undefined;
    const view = await withDatabase(io.env, async (db) => {
      const now = io.now();
      const period = await readPeriod(db.prisma, positional.join(" "), now, parseEnvTimezone(io.env));
      const v = await listPayouts(db.prisma, { period, scope: null });
      const deals = new Set(v.lines.map((l) => l.dealRef).filter((r) => r !== null)).size;
      await auditExport(db.prisma, { actor: cliActor(), period, rows: v.lines.length, deals, via: "cli", now, what: "payouts" });
      return v;
    });
    emitCsv(buildPayoutsCsv(view.lines), out, io);
    io.stderr(`${view.lines.length} payout lines earned in ${describePeriod(view.period)}${out ? ` → ${out}` : ""}\n`);
    return 0;
  },
};

const payoutsApprove: CliCommand = {
  path: ["payouts", "approve"],
  usage: "payouts approve <period>",
  summary: "approves every pending payout line earned in the period (as Approve all in /cosell payouts); running it again approves nothing new",
  options: {},
  needsWords: "Which period?",
  async run({ positional }, io) {
    const r = await withDatabase(io.env, async (db) => {
      const period = await readPeriod(db.prisma, positional.join(" "), io.now(), parseEnvTimezone(io.env));
      return { period, ...(await approvePayouts(db.prisma, { kind: "cli", userId: cliActor() }, [], { period, now: io.now() })) };
    });
    io.stdout(
      `${r.approved} payout ${r.approved === 1 ? "line" : "lines"} approved for ${describePeriod(r.period)}${r.skipped > 0 ? ` (${r.skipped} already approved, paid or void)` : ""}.\n`,
    );
    return 0;
  },
};

const payoutsMarkPaid: CliCommand = {
  path: ["payouts", "mark-paid"],
  usage: "payouts mark-paid --file paid.csv",
  summary:
    "marks approved lines paid from finance's file (the payouts CSV with `reference` filled in; rows without one are skipped); all or nothing, and the same file twice pays nothing twice",
  options: { file: "value" },
  async run({ positional, flags }, io) {
    if (positional.length > 0) throw new UsageError(`Unexpected "${positional.join(" ")}".`);
    if (typeof flags.file !== "string") throw new UsageError("Give the file: --file paid.csv");
    let text: string;
    try {
      text = readFileSync(path.resolve(flags.file), "utf8");
    } catch (err) {
      throw new UsageError(`Cannot read ${flags.file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const file = readPaidFile(text);
    const r = await withDatabase(io.env, (db) => markPayoutsPaid(db.prisma, { kind: "cli", userId: cliActor() }, [], { entries: file.entries, now: io.now() }));
    if (r.problems.length > 0) {
      io.stderr(
        `Nothing was marked paid: ${r.problems.length} ${r.problems.length === 1 ? "line has a problem" : "lines have problems"}.\n${r.problems.map((p) => `  ${p.lineId || "(no line_id)"}: ${p.message}`).join("\n")}\n`,
      );
      return 1;
    }
    io.stdout(
      `${r.paid} payout ${r.paid === 1 ? "line" : "lines"} marked paid${r.unchanged > 0 ? `, ${r.unchanged} already paid with the same reference` : ""}${file.skipped > 0 ? `; ${file.skipped} rows without a reference skipped` : ""}.\n`,
    );
    return 0;
  },
};

const quarterClose: CliCommand = {
  path: ["quarter-close"],
  usage: "quarter-close [--now <ISO time>]",
  summary:
    "closes the quarter that ended before now (co-sell bonuses, tier proposals to the admins of COSELL_ADMINS), as the scheduler does at the start of each quarter; a quarter already closed is left alone",
  options: { now: "value" },
  async run({ positional, flags }, io) {
    if (positional.length > 0) throw new UsageError(`Unexpected "${positional.join(" ")}".`);
    const now = parseNowFlag(flags.now, io.now());
    // Read as the app reads it (config.ts), so the DMs go to the same admins.
    const admins = configSchema.pick({ COSELL_ADMINS: true }).parse(io.env).COSELL_ADMINS;
    const r = await withDatabase(io.env, (db) => runQuarterClose({ db, admins, timezone: parseEnvTimezone(io.env) }, now));
    if (!r.closed) {
      io.stdout(`${r.quarter} was already closed: nothing changed.\n`);
      return 0;
    }
    io.stdout(
      `${r.quarter} closed: ${r.bonuses.length} co-sell ${r.bonuses.length === 1 ? "bonus" : "bonuses"}${r.bonuses.map((b) => `\n  bonus: ${b.name} (${b.wins} co-sell wins, ${b.kind === "AMOUNT" ? "a payout line" : "an uplift next quarter"})`).join("")}\n${r.proposals.length} tier ${r.proposals.length === 1 ? "proposal" : "proposals"} for the admins${r.proposals.map((p) => `\n  tier: ${p.name} ${p.from} → ${p.to}`).join("")}\n`,
    );
    return 0;
  },
};

function parseEnvTimezone(env: NodeJS.ProcessEnv): string {
  return env.COSELL_TIMEZONE?.trim() || "UTC";
}

const digestPreview: CliCommand = {
  path: ["digest"],
  usage: 'digest --preview [--pairing "<name>"] [--manager] [--now <ISO time>]',
  summary:
    "prints a weekly digest as text from the database, over the 7 days before now: the manager digest (default, or --manager) and/or one pairing's standup digest",
  options: { preview: "flag", pairing: "value", manager: "flag", now: "value" },
  async run({ positional, flags }, io) {
    if (positional.length > 0) throw new UsageError(`Unexpected "${positional.join(" ")}" (quote a pairing name: --pairing "Ourco + Acme").`);
    if (!flags.preview) throw new UsageError("Only --preview is supported: the scheduler posts the digests.");
    const now = parseNowFlag(flags.now, io.now());
    const text = await withDatabase(io.env, (db) =>
      previewDigests(db.prisma, {
        now,
        pairing: typeof flags.pairing === "string" ? flags.pairing : undefined,
        manager: flags.manager === true,
        fallbackTimezone: parseEnvTimezone(io.env),
      }),
    );
    io.stdout(text);
    return 0;
  },
};

const mapImport: CliCommand = {
  path: ["map", "import"],
  usage: 'map import --org "<organization>" [--status customers|prospects] [--dry-run] <file.csv>',
  summary:
    "import an account list (as /cosell map import), replacing that list; without --status each row's Status/Type column decides; every row not imported is printed with its row number on stderr",
  options: { org: "value", status: "value", "dry-run": "flag" },
  async run({ positional, flags }, io) {
    if (typeof flags.org !== "string") throw new UsageError('Whose list? Give --org "<organization>".');
    if (positional.length !== 1) throw new UsageError(positional.length === 0 ? "Which file?" : `One file at a time (got ${positional.length}).`);
    const status = typeof flags.status === "string" ? parseListStatus(flags.status) : null;
    if (status === undefined) throw new UsageError(`--status: "${String(flags.status)}" is not customers or prospects.`);
    const file = path.resolve(positional[0]!);
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      throw new UserError(`Cannot read ${positional[0]}.`);
    }
    if (size > IMPORT_LIMITS.maxBytes) throw new UserError(tooBigMessage(size));
    const bytes = readFileSync(file);
    const dryRun = flags["dry-run"] === true;
    const outcome = await withDatabase(io.env, async (db) => {
      const org = await findOrgByName(db.prisma, flags.org as string);
      return importAccountFile(db.prisma, {
        orgId: org.id,
        status,
        bytes,
        fileName: path.basename(file),
        actor: cliActor(),
        source: "cli",
        now: io.now(),
        dryRun,
      });
    });
    const text = importOutcomeText(outcome, path.basename(file), { dryRun });
    io.stdout(text.out);
    io.stderr(text.err);
    return outcome.refused ? 2 : 0;
  },
};

const mapShow: CliCommand = {
  path: ["map", "show"],
  usage: 'map show "<partner>" [--top 20]',
  summary: "the account map with a partner as text: overlap counts and the top co-sell targets with their scores",
  options: { top: "value" },
  needsWords: "Which partner?",
  async run({ positional, flags }, io) {
    const top = wholeNumberOption(flags.top, { name: "top", fallback: 20, max: 1000 });
    const text = await withDatabase(io.env, async (db) => {
      const partner = await findOrgByName(db.prisma, positional.join(" "), { partnersOnly: true });
      const map = await loadAccountMap(db.prisma, {
        partnerOrgId: partner.id,
        targets: true,
        limit: top,
        churnSince: new Date(io.now().getTime() - 90 * 86_400_000),
      });
      return accountMapText(map, await programCurrency(db.prisma));
    });
    io.stdout(text);
    return 0;
  },
};

const outbox: CliCommand = {
  path: ["outbox"],
  usage: "outbox dead [--limit 50] | outbox retry <id> [<id> …] | --all",
  summary:
    "dead letters (outbox rows that gave up): list them, oldest first, with kind, attempts and last error; or put them back in the queue (a message Slack did get is found, not sent twice)",
  options: { limit: "value", all: "flag" },
  needsWords: "dead or retry?",
  async run({ positional: [verb = "", ...ids], flags }, io) {
    if (verb === "dead") {
      const limit = wholeNumberOption(flags.limit, { name: "limit", fallback: 50, max: 10_000 });
      io.stdout(deadLettersText(await withDatabase(io.env, (db) => listDeadLetters(db.prisma, { limit }))));
      return 0;
    }
    if (verb !== "retry") throw new UsageError(`"${verb}"? outbox dead lists the dead letters, outbox retry sends them again.`);
    if (!flags.all && ids.length === 0) throw new UsageError("Which rows? Give their ids (the 8 characters `outbox dead` shows) or --all.");
    if (flags.all && ids.length > 0) throw new UsageError("Either ids or --all, not both.");
    const requeued = await withDatabase(io.env, (db) => retryDeadLetters(db.prisma, flags.all ? { all: true } : { ids }, io.now()));
    if (requeued.length === 0) {
      io.stderr(flags.all ? "No dead letters to retry.\n" : "None of those ids is a dead letter (see `outbox dead`).\n");
      return 1;
    }
    io.stdout(`Requeued ${requeued.length}: ${requeued.map((id) => id.slice(0, 8)).join(", ")}. A running cosell sends them within seconds.\n`);
    return 0;
  },
};

const partnerPurge: CliCommand = {
  path: ["partner", "purge"],
  usage: 'partner purge "<partner>" [--yes]',
  summary: "deletes a partner's account lists, cached Slack identities and team IDs (says what is kept); without --yes, shows what it would do",
  options: { yes: "flag" },
  needsWords: "Which partner? Its full name, in quotes.",
  async run({ positional, flags }, io) {
    const report = await withDatabase(io.env, async (db) => {
      const org = await findOrgByName(db.prisma, positional.join(" "), { partnersOnly: true });
      return purgePartnerData(db.prisma, { orgId: org.id, actor: cliActor(), now: io.now(), apply: flags.yes === true });
    });
    const d = report.deleted;
    const k = report.kept;
    const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
    io.stdout(
      `${[
        `${flags.yes ? "Deleted" : "Would delete"} for ${report.org.name}: ${n(d.accountLists, "account list")} (${n(d.accounts, "account")}), ${n(d.cachedPeople, "cached Slack identity", "cached Slack identities")}, Slack team IDs ${d.slackTeamIds.length > 0 ? d.slackTeamIds.join(", ") : "(none)"}${flags.yes ? " — its people now see nothing." : "."}`,
        `Kept (the program's history and finance's records): ${n(k.deals, "deal")}, ${n(k.touchpoints, "touchpoint")}, ${n(k.attributionRecords, "attribution record")}, ${n(k.disputes, "dispute")}, ${n(k.pairings, "pairing")}.`,
        flags.yes
          ? k.deals === 0 && k.pairings === 0
            ? `${report.org.name} is on no deal and in no pairing: an admin can now remove it entirely with /cosell partner remove "${report.org.name}".`
            : "Recorded in the audit log."
          : "Run again with --yes to delete.",
      ].join("\n")}\n`,
    );
    return 0;
  },
};

export const COMMANDS: CliCommand[] = [
  exportAttribution,
  exportPayouts,
  payoutsApprove,
  payoutsMarkPaid,
  quarterClose,
  digestPreview,
  mapImport,
  mapShow,
  outbox,
  partnerPurge,
];

function usageText(): string {
  return `${["Usage: npm run -s cosell -- <command>", "", ...COMMANDS.map((c) => `  ${c.usage}\n      ${c.summary}`)].join("\n")}\n`;
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
    const input = parseFlags(words.slice(cmd.path.length), cmd.options);
    if (cmd.needsWords && input.positional.length === 0) throw new UsageError(cmd.needsWords);
    return await cmd.run(input, io);
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
