// The finance export: which period, which rows, and the CSV. Pure: no I/O; the current time
// and the program's timezone are arguments.
//
// A period is a half-open interval [start, end) of instants: the first instant of its first
// local day in the program's timezone up to (not including) the first instant of the day
// after its last. Records are placed in a period by `computedAt`.

import type { Actor, Decision } from "../../kernel/access";
import { MODEL_LABELS, ROLES, type AttributionModel, type AttributionResult, type Role } from "./engine";
import { currencyExponent } from "../../kernel/money";
import { formatDealRef } from "../../kernel/registration";
import { isValidTimezone, localParts, zonedTimeToUtc } from "../../kernel/sla-clock";

// ---------------------------------------------------------------------------
// Periods

export interface Period {
  /** "2026-Q4", "2026-11", "2026" (relative words are resolved to one of these) */
  label: string;
  kind: "quarter" | "month" | "year";
  timezone: string;
  /** first instant of the period, inclusive */
  start: Date;
  /** first instant after the period, exclusive */
  end: Date;
  /** local calendar dates, inclusive: "2026-10-01" … "2026-12-31" */
  firstDay: string;
  lastDay: string;
}

export type PeriodResult = { ok: true; period: Period } | { ok: false; reason: string };

export const PERIOD_EXAMPLES = "`2026-Q4`, `2026-11`, `2026`, `this-quarter`, `last-quarter`, `this-month`, `last-month`, `this-year` or `last-year`";

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** The period starting at local month `m0` (1-based) of year `y`, `months` long. */
function periodOf(y: number, m0: number, months: number, kind: Period["kind"], label: string, timezone: string): Period {
  const endMonthIndex = m0 - 1 + months; // 0-based month index of the month after the period
  const endY = y + Math.floor(endMonthIndex / 12);
  const endM = (endMonthIndex % 12) + 1;
  const start = zonedTimeToUtc({ y, m: m0, d: 1, h: 0, mi: 0 }, timezone);
  const end = zonedTimeToUtc({ y: endY, m: endM, d: 1, h: 0, mi: 0 }, timezone);
  const last = new Date(Date.UTC(endY, endM - 1, 0)); // day 0 = last day of the previous month
  return {
    label,
    kind,
    timezone,
    start,
    end,
    firstDay: `${pad(y, 4)}-${pad(m0)}-01`,
    lastDay: `${pad(last.getUTCFullYear(), 4)}-${pad(last.getUTCMonth() + 1)}-${pad(last.getUTCDate())}`,
  };
}

function quarterPeriod(y: number, q: number, timezone: string): Period {
  return periodOf(y, (q - 1) * 3 + 1, 3, "quarter", `${y}-Q${q}`, timezone);
}
function monthPeriod(y: number, m: number, timezone: string): Period {
  return periodOf(y, m, 1, "month", `${y}-${pad(m)}`, timezone);
}
function yearPeriod(y: number, timezone: string): Period {
  return periodOf(y, 1, 12, "year", String(y), timezone);
}

const MIN_YEAR = 2000;
const MAX_YEAR = 2100;

/**
 * Reads what a person typed: `2026-Q4` (also `2026Q4`, `Q4-2026`, `q4 2026`), `2026-11`, `2026`,
 * or `this-quarter`/`last-quarter`/`this-month`/`last-month`/`this-year`/`last-year`
 * relative to `now` in the program's timezone.
 */
export function parsePeriod(text: string, ctx: { timezone: string; now: Date }): PeriodResult {
  const tz = ctx.timezone;
  if (!isValidTimezone(tz)) return { ok: false, reason: `The program's timezone "${tz}" is not a known IANA timezone.` };
  const raw = text.trim();
  const t = raw.toLowerCase().replace(/[\s_]+/g, "-");
  if (t === "") return { ok: false, reason: `Which period? Give ${PERIOD_EXAMPLES}.` };

  const yearOk = (y: number) => y >= MIN_YEAR && y <= MAX_YEAR;
  const badYear = (y: number): PeriodResult => ({ ok: false, reason: `${y} is outside the years cosell exports (${MIN_YEAR}–${MAX_YEAR}).` });

  const rel = /^(this|last|previous|prev|current)-(quarter|month|year)$/.exec(t);
  if (rel) {
    const back = rel[1] === "last" || rel[1] === "previous" || rel[1] === "prev";
    const now = localParts(ctx.now, tz);
    if (rel[2] === "quarter") {
      let q = Math.floor((now.m - 1) / 3) + 1;
      let y = now.y;
      if (back) [y, q] = q === 1 ? [y - 1, 4] : [y, q - 1];
      return { ok: true, period: quarterPeriod(y, q, tz) };
    }
    if (rel[2] === "month") {
      let m = now.m;
      let y = now.y;
      if (back) [y, m] = m === 1 ? [y - 1, 12] : [y, m - 1];
      return { ok: true, period: monthPeriod(y, m, tz) };
    }
    return { ok: true, period: yearPeriod(back ? now.y - 1 : now.y, tz) };
  }

  const yq = /^(\d{4})-?q(\d)$/.exec(t);
  const qy = /^q(\d)-?(\d{4})$/.exec(t);
  if (yq || qy) {
    const y = Number(yq ? yq[1] : qy![2]);
    const q = Number(yq ? yq[2] : qy![1]);
    if (q < 1 || q > 4) return { ok: false, reason: `"${raw}": a quarter is Q1 to Q4.` };
    if (!yearOk(y)) return badYear(y);
    return { ok: true, period: quarterPeriod(y, q, tz) };
  }
  const month = /^(\d{4})-(\d{1,2})$/.exec(t);
  if (month) {
    const y = Number(month[1]);
    const m = Number(month[2]);
    if (m < 1 || m > 12) return { ok: false, reason: `"${raw}": a month is 01 to 12 (e.g. 2026-11).` };
    if (!yearOk(y)) return badYear(y);
    return { ok: true, period: monthPeriod(y, m, tz) };
  }
  if (/^\d{4}$/.test(t)) {
    const y = Number(t);
    if (!yearOk(y)) return badYear(y);
    return { ok: true, period: yearPeriod(y, tz) };
  }
  return { ok: false, reason: `"${raw}" is not a period. Give ${PERIOD_EXAMPLES}.` };
}

/** "2026-Q4 (2026-10-01 to 2026-12-31, America/New_York)" */
export function describePeriod(p: Period): string {
  return `${p.label} (${p.firstDay} to ${p.lastDay}, ${p.timezone})`;
}

export function exportFilename(p: Period): string {
  return `cosell-attribution-${p.label}.csv`;
}

// ---------------------------------------------------------------------------
// Who may export

/**
 * The export carries every partner's commission and our own credit: internal people (reps and
 * admins) only. Partners see their own numbers on the receipts instead.
 */
export function decideExport(actor: Actor): Decision {
  if (actor.kind === "internal") return { allowed: true };
  if (actor.kind === "partner") {
    return {
      allowed: false,
      message:
        "The attribution export holds every partner's commission, so it is for our own team only. Your numbers are on each deal's receipt (See my numbers).",
    };
  }
  return { allowed: false, message: "The attribution export is for the program's own team only." };
}

// ---------------------------------------------------------------------------
// Rows

export interface ExportRow {
  dealRef: number;
  accountName: string;
  accountDomain: string;
  orgName: string;
  internal: boolean;
  roles: Role[];
  creditBp: number;
  payoutMinor: number;
  currency: string;
  /** a commission line to pay: a partner with credit (internal credit is reported, never paid) */
  payable: boolean;
  model: AttributionModel;
  configVersion: number;
  recordSeq: number;
  computedAt: Date;
  /** why the record was made: "closed won" or an admin's recompute reason */
  reason: string;
}

export interface ExportRecord {
  dealRef: number;
  accountName: string;
  accountDomain: string;
  seq: number;
  configVersion: number;
  computedAt: Date;
  reason: string;
  result: Pick<AttributionResult, "model" | "currency" | "credits" | "payouts">;
}

/** One row per organization on the deal (partners and ours), in the record's credit order. */
export function rowsFromRecord(r: ExportRecord): ExportRow[] {
  const paid = new Map(r.result.payouts.map((p) => [p.orgId, p.amountMinor]));
  return r.result.credits.map((c) => ({
    dealRef: r.dealRef,
    accountName: r.accountName,
    accountDomain: r.accountDomain,
    orgName: c.orgName,
    internal: c.internal,
    roles: ROLES.filter((role) => c.roles.includes(role)),
    creditBp: c.creditBp,
    payoutMinor: paid.get(c.orgId) ?? 0,
    currency: r.result.currency,
    payable: !c.internal && paid.has(c.orgId),
    model: r.result.model,
    configVersion: r.configVersion,
    recordSeq: r.seq,
    computedAt: r.computedAt,
    reason: r.reason,
  }));
}

// ---------------------------------------------------------------------------
// CSV

export const CSV_HEADER = [
  "deal",
  "account",
  "account_domain",
  "organization",
  "org_kind",
  "roles",
  "credit_pct",
  "payout",
  "currency",
  "payable",
  "model",
  "config_version",
  "record_seq",
  "computed_at",
  "reason",
] as const;

/** Basis points as a plain percentage with 2 decimals: 4500 → "45.00", 3333 → "33.33". */
export function formatCreditPct(bp: number): string {
  if (!Number.isSafeInteger(bp) || bp < 0) throw new RangeError(`formatCreditPct: basis points must be a non-negative integer (got ${bp})`);
  return `${Math.floor(bp / 100)}.${pad(bp % 100)}`;
}

/** Minor units as major units with the currency's decimals, no separators, no symbol: 2911765 USD → "29117.65", 12345 JPY → "12345". */
export function formatPayout(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`formatPayout: amount must be an integer number of minor units (got ${minor})`);
  const exp = currencyExponent(currency);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exp + 1, "0");
  const body = exp === 0 ? digits : `${digits.slice(0, digits.length - exp)}.${digits.slice(digits.length - exp)}`;
  return negative ? `-${body}` : body;
}

/**
 * A text cell made safe for spreadsheets: a value starting with =, +, -, @ (or a tab/CR) would
 * run as a formula in Excel or Sheets, so it gets a leading apostrophe (shown, never evaluated).
 */
export function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180: a field with a comma, a double quote, CR or LF is quoted, quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Rows joined with CRLF, CRLF after the last row too (RFC 4180). */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return `${rows.map((r) => r.map(csvField).join(",")).join("\r\n")}\r\n`;
}

function exportRowCells(r: ExportRow): string[] {
  return [
    formatDealRef(r.dealRef),
    neutralizeFormula(r.accountName),
    neutralizeFormula(r.accountDomain),
    neutralizeFormula(r.orgName),
    r.internal ? "internal" : "partner",
    r.roles.join(";"),
    formatCreditPct(r.creditBp),
    formatPayout(r.payoutMinor, r.currency),
    r.currency,
    r.payable ? "yes" : "no",
    MODEL_LABELS[r.model],
    String(r.configVersion),
    String(r.recordSeq),
    r.computedAt.toISOString(),
    neutralizeFormula(r.reason),
  ];
}

export function buildAttributionCsv(rows: readonly ExportRow[]): string {
  return toCsv([[...CSV_HEADER], ...rows.map(exportRowCells)]);
}

/** Parses RFC 4180 text back into rows (for tests and for checking a file someone edited). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  let fieldStarted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
      i++;
      continue;
    }
    if (ch === ",") {
      row.push(field);
      field = "";
      fieldStarted = false;
      i++;
      continue;
    }
    if (ch === "\r" || ch === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      fieldStarted = false;
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
      continue;
    }
    field += ch;
    fieldStarted = true;
    i++;
  }
  if (fieldStarted || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
