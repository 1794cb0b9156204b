// Account mapping: reading account lists (CSV), who may see which map, and how overlapping
// accounts are scored. Pure: no database, no Slack.
//
// The reference ("Account mapping: the co-sell pipeline engine"; "Score and prioritize"):
// start with customer overlap (customers of both: the easiest, highest-conversion co-sell),
// then our prospects that are the partner's customers (warm introductions), then whitespace
// (the partner's customers that are not ours at all). Score by combined ARR potential, sales
// cycle stage, strategic value and relationship depth; focus on the top 20–30, not the list.

import { groupBy } from "../../kernel/collections";
import { STRANGER_MESSAGE, type Actor, type Decision } from "../../kernel/access";
import { readCsv, CsvError } from "../../kernel/csv";
import { normalizeDomain } from "../../kernel/domain-name";
import { checkText } from "../../kernel/text-input";
import type { OpenStage } from "../../kernel/stages";

export type AccountStatus = "CUSTOMER" | "PROSPECT";
const ACCOUNT_STATUSES: readonly AccountStatus[] = ["CUSTOMER", "PROSPECT"];

/** What one import may hold: a file above these is refused as a whole, with this message. */
export const IMPORT_LIMITS = {
  maxRows: 50_000,
  maxBytes: 10 * 1024 * 1024,
  maxNameLength: 200,
  maxOwnerLength: 200,
} as const;

/** ARR above this many major units is taken for a typo. */
const MAX_ARR_MAJOR = 1_000_000_000_000;

export function statusWord(s: AccountStatus, plural = true): string {
  return s === "CUSTOMER" ? (plural ? "customers" : "customer") : plural ? "prospects" : "prospect";
}

/** "customers", "Customer", "prospect", "prospects" (as typed on the CLI or picked in the form) → the list. */
export function parseListStatus(word: string): AccountStatus | undefined {
  const w = word.trim().toLowerCase();
  if (/^(customers?|clients?)$/.test(w)) return "CUSTOMER";
  if (/^(prospects?|leads?|pipeline)$/.test(w)) return "PROSPECT";
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Headers

type AccountField = "name" | "domain" | "status" | "owner" | "arr" | "strategic";
const ACCOUNT_FIELDS: readonly AccountField[] = ["name", "domain", "status", "owner", "arr", "strategic"];

/** Header words people use for each field (compared after {@link normalizeHeader}). */
const HEADER_ALIASES: Record<AccountField, readonly string[]> = {
  name: [
    "name",
    "company",
    "company name",
    "account",
    "account name",
    "organization",
    "organisation",
    "organization name",
    "organisation name",
    "customer",
    "customer name",
    "client",
    "client name",
    "business",
    "business name",
    "legal name",
    "companyname",
    "accountname",
    "prospect name",
  ],
  domain: [
    "domain",
    "domains",
    "domain name",
    "website",
    "websites",
    "web site",
    "url",
    "web",
    "site",
    "homepage",
    "home page",
    "web address",
    "company domain",
    "company website",
    "company url",
    "website url",
    "account domain",
    "account website",
    "primary domain",
  ],
  status: [
    "status",
    "type",
    "account type",
    "customer type",
    "customer status",
    "account status",
    "relationship",
    "relationship type",
    "lifecycle",
    "lifecycle stage",
    "list",
  ],
  owner: [
    "owner",
    "account owner",
    "owner name",
    "owner email",
    "account owner email",
    "account owner name",
    "company owner",
    "account manager",
    "am",
    "rep",
    "sales rep",
    "account executive",
    "ae",
    "csm",
    "record owner",
  ],
  arr: [
    "arr",
    "annual revenue",
    "annual recurring revenue",
    "revenue",
    "acv",
    "annual contract value",
    "potential arr",
    "expected arr",
    "arr potential",
    "current arr",
    "contract value",
  ],
  strategic: ["strategic", "strategic account", "is strategic", "key account", "strategic flag", "flag", "flags", "priority account"],
};

/** "ARR (USD)" → "arr"; "Account_Owner" → "account owner"; "Web-Site" → "web site". */
function normalizeHeader(h: string): string {
  return h
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\([^)]*\)|\[[^\]]*\]/g, " ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .replace(/\s+/g, " ");
}

/** How well a header names a field: 2 = a known alias, 1 = a telling word, 0 = no. */
function headerScore(field: AccountField, h: string): number {
  if (HEADER_ALIASES[field].includes(h)) return 2;
  return wordScore(field, h);
}

function wordScore(field: AccountField, h: string): number {
  const words = new Set(h.split(" "));
  const has = (...w: string[]) => w.some((x) => words.has(x));
  switch (field) {
    case "domain":
      return has("domain", "website", "url", "homepage") ? 1 : 0;
    case "owner":
      return has("owner") ? 1 : 0;
    case "arr":
      return has("arr", "acv") || /annual (recurring )?revenue/.test(h) ? 1 : 0;
    case "strategic":
      return has("strategic") ? 1 : 0;
    case "status":
      return has("status", "type") && !has("industry", "record", "company", "business") ? 1 : 0;
    case "name":
      return has("name") &&
        has("company", "account", "organization", "organisation", "customer", "client", "business") &&
        !has("contact", "first", "last", "owner", "user", "rep", "manager", "file")
        ? 1
        : 0;
  }
}

interface HeaderMatch {
  /** column index per detected field */
  columns: Partial<Record<AccountField, number>>;
  /** the header text of each detected field, as written */
  labels: Partial<Record<AccountField, string>>;
  /** headers that were not used */
  ignored: string[];
}

export type DetectHeaderResult = ({ ok: true } & HeaderMatch) | { ok: false; reason: string };

const FIELD_ORDER: readonly AccountField[] = ["domain", "owner", "arr", "strategic", "status", "name"];

/**
 * Finds the columns of a header row. Each field takes the column that names it best (a known
 * alias beats a telling word; the leftmost wins a tie); a column serves one field. The domain
 * column is required; the others are optional.
 */
export function detectHeader(fields: readonly string[]): DetectHeaderResult {
  const norm = fields.map(normalizeHeader);
  const taken = new Set<number>();
  const columns: Partial<Record<AccountField, number>> = {};
  // Known aliases first (any field), then telling words, field by field.
  for (const pass of [2, 1]) {
    for (const field of FIELD_ORDER) {
      if (columns[field] !== undefined) continue;
      // Among known aliases the earlier one in the list wins ("Domain" over "Website"); then the leftmost column.
      let idx = -1;
      let best = Infinity;
      norm.forEach((h, i) => {
        if (taken.has(i) || h === "" || headerScore(field, h) !== pass) return;
        const rank = pass === 2 ? HEADER_ALIASES[field].indexOf(h) : 0;
        if (rank < best) {
          best = rank;
          idx = i;
        }
      });
      if (idx >= 0) {
        columns[field] = idx;
        taken.add(idx);
      }
    }
  }
  if (columns.domain === undefined) {
    const looksLikeData = fields.some((f) => normalizeDomain(f).ok && /\./.test(f));
    const found =
      fields
        .filter((f) => f.trim() !== "")
        .map((f) => `"${f.trim()}"`)
        .join(", ") || "nothing";
    return {
      ok: false,
      reason: looksLikeData
        ? `The first row looks like data, not a header. Add a header row, e.g. \`Name,Domain,Status,Owner,ARR\` (found ${found}).`
        : `No domain column: the header needs one named Domain, Website or URL (found ${found}).`,
    };
  }
  const labels: Partial<Record<AccountField, string>> = {};
  for (const f of ACCOUNT_FIELDS) if (columns[f] !== undefined) labels[f] = fields[columns[f]!]!.trim();
  const ignored = fields
    .map((f, i) => ({ f: f.trim(), i }))
    .filter((x) => !taken.has(x.i) && x.f !== "")
    .map((x) => x.f);
  return { ok: true, columns, labels, ignored };
}

// ---------------------------------------------------------------------------------------------
// Cell values

export type ParseArrResult = { ok: true; minor: number | null } | { ok: false; reason: string };

const EMPTY_WORDS = new Set(["", "-", "—", "–", "n/a", "na", "n.a.", "none", "null", "unknown", "tbd", "?", "nil"]);
const MULTIPLIERS: Record<string, number> = { k: 1e3, m: 1e6, mm: 1e6, mn: 1e6, mio: 1e6, b: 1e9, bn: 1e9 };

/**
 * ARR as people write it, in minor units (cents) of the program's currency: "$1,200,000",
 * "1.2m", "€300k", "300 K", "USD 50,000", "50000.50", "1 200 000", "1.234.567,89". Currency
 * symbols and codes are dropped, not converted. Empty, "n/a", "-", "unknown" → no ARR (null).
 */
export function parseArr(text: string): ParseArrResult {
  if (/^\d{1,13}$/.test(text)) return { ok: true, minor: Number(text) * 100 }; // the common case, fast
  const original = text.trim();
  if (EMPTY_WORDS.has(original.toLowerCase())) return { ok: true, minor: null };
  let s = original.replace(/[\u00a0\u2009\u202f]/g, " ");
  if (/^\(.*\)$/.test(s) || /^[-−]/.test(s) || /^[^\d]*[-−]\s*\d/.test(s)) {
    return { ok: false, reason: `ARR "${original}" is negative; give an amount of zero or more` };
  }
  // Currency codes (USD, EUR …) and symbols, before or after the number.
  s = s.replace(/^[A-Za-z]{3}\s+(?=[$€£¥₹\d])|^[A-Z]{3}(?=[$€£¥₹\d])/, "").replace(/(?<=[\d\s.kKmMbB])\s*(?!MIO$)[A-Z]{3}$/, "");
  s = s.replace(/[$€£¥₹]|\b(?:US|CA|AU|NZ|HK|S)(?=\$)/g, "").trim();
  // Shorthand suffix: k, m, mm, mn, mio, b, bn.
  let multiplier = 1;
  const suffix = /\s*(k|mm|mn|mio|m|bn|b)\.?$/i.exec(s);
  if (suffix?.[1]) {
    multiplier = MULTIPLIERS[suffix[1].toLowerCase()] ?? 1;
    s = s.slice(0, suffix.index).trim();
  }
  s = s.replace(/(?<=\d) (?=\d{3}\b)/g, ""); // "1 200 000"
  let value: number;
  if (/^\d+$/.test(s) || /^\d*\.\d+$/.test(s)) value = Number(s);
  else if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) value = Number(s.replace(/,/g, ""));
  else if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(s)) value = Number(s.replace(/\./g, "").replace(",", "."));
  else if (/^\d+,\d{1,2}$/.test(s)) value = Number(s.replace(",", "."));
  else return { ok: false, reason: `ARR "${original}" is not an amount (e.g. 120000, $120,000, 120k or 1.2m)` };
  const major = value * multiplier;
  if (!Number.isFinite(major)) return { ok: false, reason: `ARR "${original}" is not an amount` };
  if (major > MAX_ARR_MAJOR) return { ok: false, reason: `ARR "${original}" is over 1 trillion; check the number` };
  return { ok: true, minor: Math.round(major * 100) };
}

const CUSTOMER_WORDS = new Set([
  "customer",
  "customers",
  "client",
  "clients",
  "current customer",
  "existing customer",
  "active customer",
  "active",
  "paying",
  "paying customer",
  "won",
  "closed won",
  "customer active",
]);
const PROSPECT_WORDS = new Set([
  "prospect",
  "prospects",
  "lead",
  "leads",
  "opportunity",
  "opportunities",
  "open opportunity",
  "pipeline",
  "in pipeline",
  "target",
  "target account",
  "evaluating",
  "trial",
  "prospect active",
]);

/** A Status/Type cell → the list it belongs to; undefined when it says neither. */
export function parseStatusCell(text: string): AccountStatus | undefined {
  const w = normalizeHeader(text);
  if (CUSTOMER_WORDS.has(w)) return "CUSTOMER";
  if (PROSPECT_WORDS.has(w)) return "PROSPECT";
  return undefined;
}

const TRUE_WORDS = new Set(["yes", "y", "true", "t", "1", "x", "✓", "✔", "strategic", "key", "key account", "tier 1", "t1"]);
const FALSE_WORDS = new Set(["", "no", "n", "false", "f", "0", "-", "non strategic", "not strategic", "tier 2", "tier 3", "t2", "t3"]);

function parseStrategicCell(text: string): boolean | undefined {
  const w = text.trim().toLowerCase().replace(/[-_]/g, " ");
  if (TRUE_WORDS.has(w)) return true;
  if (FALSE_WORDS.has(w)) return false;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Reading a file

export interface AccountRow {
  /** the spreadsheet row it came from (the header is row 1) */
  row: number;
  status: AccountStatus;
  name: string;
  domain: string;
  owner: string | null;
  /** minor units; a safe integer */
  arrMinor: number | null;
  strategic: boolean;
}

export interface RowProblem {
  row: number;
  reason: string;
}

interface AccountFile {
  rows: AccountRow[];
  problems: RowProblem[];
  /** data rows read (empty rows not counted) */
  dataRows: number;
  /** empty rows skipped */
  blankRows: number;
  header: HeaderMatch;
  /** the lists this import replaces: the chosen one, or those named in the Status column */
  statuses: AccountStatus[];
}

export type ReadAccountFileResult = ({ ok: true } & AccountFile) | { ok: false; reason: string };

export interface ReadAccountFileOptions {
  /** the list this file is; null = each row's Status/Type column says */
  status: AccountStatus | null;
  maxRows?: number;
}

const clean = (s: string) => (/\s\s|[\t\n\r\f\v]|^\s|\s$/.test(s) ? s.replace(/\s+/g, " ").trim() : s);

const PLAIN_DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * normalizeDomain, with a shortcut for a domain that is already canonical (lower-case ASCII
 * labels, no scheme, www. or path): most rows of a CRM export. Same result either way.
 */
export function normalizeDomainCell(raw: string): ReturnType<typeof normalizeDomain> {
  // Punycode labels (xn--…) take the long way: normalizeDomain checks that they decode.
  if (raw.length <= 253 && PLAIN_DOMAIN.test(raw) && !raw.startsWith("www.") && !raw.includes("xn--")) {
    const tld = raw.slice(raw.lastIndexOf(".") + 1);
    if (tld.length >= 2 && !/^\d+$/.test(tld)) return { ok: true, domain: raw };
  }
  return normalizeDomain(raw);
}

/**
 * Reads an account list from CSV text: finds the header, normalizes each domain, parses ARR,
 * status, owner and the strategic flag. Every row that cannot be imported is reported with its
 * row number and the reason (including a domain listed twice: the first row wins); nothing is
 * dropped silently. A file-level problem (no domain column, too many rows, an unclosed quote)
 * refuses the whole file.
 */
export function readAccountFile(text: string, opts: ReadAccountFileOptions): ReadAccountFileResult {
  const maxRows = opts.maxRows ?? IMPORT_LIMITS.maxRows;
  const rows: AccountRow[] = [];
  const problems: RowProblem[] = [];
  const firstRowOf = new Map<string, number>();
  let header: HeaderMatch | undefined;
  let headerWidth = 0;
  let dataRows = 0;
  let blankRows = 0;
  const statuses = new Set<AccountStatus>();
  try {
    for (const rec of readCsv(text)) {
      const blank = rec.fields.every((f) => f.trim() === "");
      if (!header) {
        if (blank) continue;
        const h = detectHeader(rec.fields);
        if (!h.ok) return { ok: false, reason: h.reason };
        if (opts.status === null && h.columns.status === undefined) {
          return {
            ok: false,
            reason: `Say which list this file is (customers or prospects): it has no Status or Type column to tell (columns: ${rec.fields
              .map((f) => f.trim())
              .filter(Boolean)
              .join(", ")}).`,
          };
        }
        header = h;
        headerWidth = rec.fields.length;
        continue;
      }
      if (blank) {
        blankRows++;
        continue;
      }
      dataRows++;
      if (dataRows > maxRows) {
        return {
          ok: false,
          reason: `The file has more than ${maxRows.toLocaleString("en-US")} accounts; one list is limited to ${maxRows.toLocaleString("en-US")} rows. Nothing was imported.`,
        };
      }
      const r = readRow(rec.row, rec.fields, header, headerWidth, opts.status);
      if ("reason" in r) {
        problems.push(r);
        continue;
      }
      const key = `${r.status}|${r.domain}`;
      const first = firstRowOf.get(key);
      if (first !== undefined) {
        problems.push({ row: r.row, reason: `${r.domain} is already in row ${first}; a domain is listed once per list` });
        continue;
      }
      firstRowOf.set(key, r.row);
      statuses.add(r.status);
      rows.push(r);
    }
  } catch (err) {
    if (err instanceof CsvError) return { ok: false, reason: `${err.message} Nothing was imported.` };
    throw err;
  }
  if (!header) return { ok: false, reason: "The file is empty: it needs a header row (e.g. `Name,Domain,Status,Owner,ARR`) and one row per account." };
  if (opts.status) statuses.add(opts.status);
  return { ok: true, rows, problems, dataRows, blankRows, header, statuses: ACCOUNT_STATUSES.filter((s) => statuses.has(s)) };
}

function readRow(row: number, fields: readonly string[], header: HeaderMatch, headerWidth: number, listStatus: AccountStatus | null): AccountRow | RowProblem {
  const cell = (f: AccountField) => (header.columns[f] === undefined ? "" : (fields[header.columns[f]!] ?? ""));
  if (fields.length > headerWidth && fields.slice(headerWidth).some((f) => f.trim() !== "")) {
    return { row, reason: `${fields.length} values but the header has ${headerWidth} columns (a value with a comma must be in quotes)` };
  }
  const rawDomain = cell("domain").trim();
  if (rawDomain === "") return { row, reason: `no domain (the ${header.labels.domain} column is empty)` };
  const d = normalizeDomainCell(rawDomain);
  if (!d.ok) return { row, reason: `domain "${rawDomain}": ${d.reason}` };

  let status: AccountStatus;
  const rawStatus = cell("status").trim();
  const fromCell = rawStatus === "" ? undefined : parseStatusCell(rawStatus);
  if (listStatus) {
    if (fromCell && fromCell !== listStatus) {
      return {
        row,
        reason: `${header.labels.status} says "${rawStatus}", but this is the ${statusWord(listStatus, false)} list (import without choosing a list to use the ${header.labels.status} column)`,
      };
    }
    status = listStatus;
  } else {
    if (rawStatus === "") return { row, reason: `no status (the ${header.labels.status} column is empty; use customer or prospect)` };
    if (!fromCell) return { row, reason: `${header.labels.status} "${rawStatus}" is neither customer nor prospect` };
    status = fromCell;
  }

  const name = clean(cell("name")) || d.domain;
  const nameChars = checkText(name, { field: "the name", name: true });
  if (!nameChars.ok) return { row, reason: nameChars.message };
  if (name.length > IMPORT_LIMITS.maxNameLength) return { row, reason: `the name is longer than ${IMPORT_LIMITS.maxNameLength} characters` };
  const owner = clean(cell("owner"));
  const ownerChars = checkText(owner, { field: "the owner", name: true });
  if (!ownerChars.ok) return { row, reason: ownerChars.message };
  if (owner.length > IMPORT_LIMITS.maxOwnerLength) return { row, reason: `the owner is longer than ${IMPORT_LIMITS.maxOwnerLength} characters` };
  const arr = parseArr(cell("arr"));
  if (!arr.ok) return { row, reason: arr.reason };
  const rawStrategic = cell("strategic");
  const strategic = parseStrategicCell(rawStrategic);
  if (strategic === undefined) return { row, reason: `${header.labels.strategic} "${rawStrategic.trim()}" is not yes or no` };
  return { row, status, name, domain: d.domain, owner: owner || null, arrMinor: arr.minor, strategic };
}

// ---------------------------------------------------------------------------------------------
// Who may see and import

export type MapLevel = "internal" | "details" | "counts";
export type MapDecision = { allowed: true; level: MapLevel } | { allowed: false; message: string };

/** Program.mapSharing: what a partner's people see of their own organization's map. */
export type MapSharing = "COUNTS" | "DETAILS";
export function mapSharingOf(value: string | null | undefined): MapSharing {
  return value === "DETAILS" ? "DETAILS" : "COUNTS";
}

/**
 * Our people see every partner's map with everything. A partner's people see only the map of
 * their own organization, with the accounts (details) or only the counts, as the program chose.
 */
export function decideMapView(actor: Actor, partnerOrgId: string, sharing: MapSharing): MapDecision {
  if (actor.kind === "stranger") return { allowed: false, message: STRANGER_MESSAGE };
  if (actor.kind === "internal") return { allowed: true, level: "internal" };
  if (actor.orgId !== partnerOrgId) return { allowed: false, message: "You can see the account map of your own organization only." };
  return { allowed: true, level: sharing === "DETAILS" ? "details" : "counts" };
}

/** Program admins import any organization's lists; a partner's people import their own organization's. */
export function decideImport(actor: Actor, orgId: string, admins: readonly string[]): Decision {
  if (actor.kind === "stranger") return { allowed: false, message: STRANGER_MESSAGE };
  if (actor.kind === "partner") {
    return actor.orgId === orgId ? { allowed: true } : { allowed: false, message: "You can import your own organization's account lists only." };
  }
  if (actor.isAdmin) return { allowed: true };
  const who = admins.length > 0 ? ` (${admins.map((a) => `<@${a}>`).join(", ")})` : "";
  return { allowed: false, message: `Only a program admin can import account lists. Ask one of the admins${who}.` };
}

// ---------------------------------------------------------------------------------------------
// Scoring

/**
 * Where an account stands on both sides. Each side's best list counts (a customer beats a
 * prospect), so every domain falls in at most one kind:
 *
 * | ours \ theirs | customer          | prospect                     |
 * | ------------- | ----------------- | ---------------------------- |
 * | customer      | CUSTOMER_OVERLAP  | OUR_CUSTOMER_THEIR_PROSPECT  |
 * | prospect      | PROSPECT_OVERLAP  | PROSPECTS_OF_BOTH            |
 * | not listed    | WHITESPACE        | — (their pipeline alone)     |
 *
 * PROSPECT_OVERLAP (our prospect, their customer) is the warm intro; PROSPECTS_OF_BOTH are the
 * "companies in both pipelines"; OUR_CUSTOMER_THEIR_PROSPECT is an upsell path for them.
 */
export type OverlapKind = "CUSTOMER_OVERLAP" | "PROSPECT_OVERLAP" | "PROSPECTS_OF_BOTH" | "OUR_CUSTOMER_THEIR_PROSPECT" | "WHITESPACE";
export const OVERLAP_KINDS: readonly OverlapKind[] = ["CUSTOMER_OVERLAP", "PROSPECT_OVERLAP", "PROSPECTS_OF_BOTH", "OUR_CUSTOMER_THEIR_PROSPECT", "WHITESPACE"];
/** The kinds where both sides list the account: the overlaps (whitespace is theirs alone). */
export const SHARED_KINDS: readonly OverlapKind[] = ["CUSTOMER_OVERLAP", "PROSPECT_OVERLAP", "PROSPECTS_OF_BOTH", "OUR_CUSTOMER_THEIR_PROSPECT"];

const OVERLAP_LABELS: Record<OverlapKind, string> = {
  CUSTOMER_OVERLAP: "customers of both",
  PROSPECT_OVERLAP: "our prospects, their customers",
  PROSPECTS_OF_BOTH: "prospects of both",
  OUR_CUSTOMER_THEIR_PROSPECT: "our customers, their prospects",
  WHITESPACE: "whitespace (their customers, not ours)",
};

/** The kind of an account from each side's best list; null when it is not a co-sell target. */
export function overlapKindOf(ours: AccountStatus | null, theirs: AccountStatus | null): OverlapKind | null {
  if (theirs === "CUSTOMER") return ours === "CUSTOMER" ? "CUSTOMER_OVERLAP" : ours === "PROSPECT" ? "PROSPECT_OVERLAP" : "WHITESPACE";
  if (theirs === "PROSPECT") return ours === "CUSTOMER" ? "OUR_CUSTOMER_THEIR_PROSPECT" : ours === "PROSPECT" ? "PROSPECTS_OF_BOTH" : null;
  return null;
}

export interface DomainLists {
  ourCustomers: Iterable<string>;
  ourProspects: Iterable<string>;
  theirCustomers: Iterable<string>;
  theirProspects: Iterable<string>;
}

/**
 * The overlap sets of four domain lists, each sorted: the same classification the database
 * query makes (loadAccountMap), in memory, for tests and for reasoning about it.
 */
export function overlapSets(lists: DomainLists): Record<OverlapKind, string[]> {
  const best = (customers: Iterable<string>, prospects: Iterable<string>) => {
    const m = new Map<string, AccountStatus>();
    for (const d of prospects) m.set(d, "PROSPECT");
    for (const d of customers) m.set(d, "CUSTOMER");
    return m;
  };
  const ours = best(lists.ourCustomers, lists.ourProspects);
  const theirs = best(lists.theirCustomers, lists.theirProspects);
  const out = Object.fromEntries(OVERLAP_KINDS.map((k) => [k, [] as string[]])) as Record<OverlapKind, string[]>;
  for (const [domain, status] of theirs) {
    const kind = overlapKindOf(ours.get(domain) ?? null, status);
    if (kind) out[kind].push(domain);
  }
  for (const k of OVERLAP_KINDS) out[k].sort();
  return out;
}

/**
 * The weights, in points (a target's score is their sum; higher first).
 *
 * - Relationship depth: customers of both 40 > prospects of both 35 > our prospect + their
 *   customer 30 > our customer + their prospect 20 > whitespace 15. The reference: customer
 *   overlap converts best; "companies in both pipelines are immediate co-sell candidates";
 *   our prospect at their customer is the warm intro; our customer at their prospect is their
 *   upsell path (we help them: reciprocity, not our pipeline); whitespace is net-new.
 * - Pipeline stage of an open co-sell deal on the account (active pipeline over expansion
 *   ideas): Registered 6, Discovery 9, Technical validation 12, Proposal 15, Negotiation 18.
 * - Strategic (flagged on either list): 10.
 * - A named account owner, per side: 3 (someone to make the intro or run the play).
 * - Combined ARR potential (ours + theirs, major units): 5 points per tenfold, from $1
 *   (0 points) to $1,000,000 and more (30 points); unknown ARR counts as 0.
 *
 * Ties: higher combined ARR first, then domain A→Z.
 */
export const SCORE_WEIGHTS = {
  relationship: {
    CUSTOMER_OVERLAP: 40,
    PROSPECTS_OF_BOTH: 35,
    PROSPECT_OVERLAP: 30,
    OUR_CUSTOMER_THEIR_PROSPECT: 20,
    WHITESPACE: 15,
  } satisfies Record<OverlapKind, number>,
  stage: { REGISTERED: 6, DISCOVERY: 9, TECHNICAL_VALIDATION: 12, PROPOSAL: 15, NEGOTIATION: 18 } satisfies Record<OpenStage, number>,
  strategic: 10,
  ownerKnownPerSide: 3,
  arrPointsPerTenfold: 5,
  arrMaxPoints: 30,
} as const;

/** How many targets the CLI ranks by default (the reference: focus on the top 20–30). */
export const TOP_TARGETS = 20;
/** The most accounts a *Pick 5 to pursue* offers (a multi-select holds at most 100 options). */
export const OVERLAP_ALERT_MAX_DOMAINS = 100;
/** How many a person picks to pursue from a new-overlap alert. */
export const PICKS_PER_ALERT = 5;
/** `/cosell map` shows the top 10 shared accounts and the top 10 whitespace (the reference's days 21–40). */
export const TOP_PER_SECTION = 10;

export interface TargetCandidate {
  domain: string;
  name: string;
  kind: OverlapKind;
  ourArrMinor: number | null;
  theirArrMinor: number | null;
  ourOwner: string | null;
  theirOwner: string | null;
  /** flagged strategic on either list */
  strategic: boolean;
  /** the furthest open deal on the account in a pairing with this partner */
  openDeal: { ref: number; stage: OpenStage } | null;
}

export interface RankedTarget extends TargetCandidate {
  score: number;
  combinedArrMinor: number;
  /** why, in words: "customers of both", "CS-12 in Proposal", "strategic", … */
  reasons: string[];
}

function combinedArrMinor(c: Pick<TargetCandidate, "ourArrMinor" | "theirArrMinor">): number {
  return (c.ourArrMinor ?? 0) + (c.theirArrMinor ?? 0);
}

function ownersKnown(c: Pick<TargetCandidate, "ourOwner" | "theirOwner">): number {
  return (c.ourOwner ? 1 : 0) + (c.theirOwner ? 1 : 0);
}

/** Points for combined ARR (minor units, cents): 5 per tenfold of the major amount, 0–30. */
export function arrPoints(minor: number): number {
  const major = minor / 100;
  if (major < 1) return 0;
  return Math.min(SCORE_WEIGHTS.arrMaxPoints, SCORE_WEIGHTS.arrPointsPerTenfold * Math.log10(major));
}

export function scoreTarget(c: TargetCandidate): number {
  const w = SCORE_WEIGHTS;
  const points =
    w.relationship[c.kind] +
    (c.openDeal ? w.stage[c.openDeal.stage] : 0) +
    (c.strategic ? w.strategic : 0) +
    w.ownerKnownPerSide * ownersKnown(c) +
    arrPoints(combinedArrMinor(c));
  return Math.round(points * 10) / 10;
}

/**
 * The score depends on an account only through these discrete features and, monotonically, its
 * combined ARR. So the best N of all accounts are among the best N by combined ARR of each
 * group with the same features: the database preselects that way (a window per group) and the
 * ranking below is exact without reading the whole overlap.
 */
function scoreGroupKey(c: TargetCandidate): string {
  return `${c.kind}|${c.openDeal?.stage ?? "-"}|${c.strategic}|${ownersKnown(c)}`;
}

function compareRanked(a: RankedTarget, b: RankedTarget): number {
  return b.score - a.score || b.combinedArrMinor - a.combinedArrMinor || (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0);
}

/** Best first: score, then combined ARR, then domain. */
export function rankTargets(candidates: readonly TargetCandidate[], limit = TOP_TARGETS): RankedTarget[] {
  return candidates
    .map((c) => ({ ...c, score: scoreTarget(c), combinedArrMinor: combinedArrMinor(c), reasons: reasonsFor(c) }))
    .sort(compareRanked)
    .slice(0, limit);
}

export interface TopLists {
  /** accounts on both sides' lists (SHARED_KINDS), best first */
  shared: RankedTarget[];
  /** their customers that are on none of our lists, best first */
  whitespace: RankedTarget[];
}

/** The two lists `/cosell map` shows: top shared and top whitespace, ranked within each. */
export function splitTopTargets(candidates: readonly TargetCandidate[], perSection = TOP_PER_SECTION): TopLists {
  return {
    shared: rankTargets(
      candidates.filter((c) => c.kind !== "WHITESPACE"),
      perSection,
    ),
    whitespace: rankTargets(
      candidates.filter((c) => c.kind === "WHITESPACE"),
      perSection,
    ),
  };
}

/** The preselection the database does, in memory (for tests): the best `limit` by ARR per feature group. */
export function preselectTargets(candidates: readonly TargetCandidate[], limit = TOP_TARGETS): TargetCandidate[] {
  const groups = groupBy(candidates, scoreGroupKey);
  const out: TargetCandidate[] = [];
  for (const g of groups.values()) {
    g.sort((a, b) => combinedArrMinor(b) - combinedArrMinor(a) || (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
    out.push(...g.slice(0, limit));
  }
  return out;
}

const STAGE_WORDS: Record<OpenStage, string> = {
  REGISTERED: "Registered",
  DISCOVERY: "Discovery",
  TECHNICAL_VALIDATION: "Technical validation",
  PROPOSAL: "Proposal",
  NEGOTIATION: "Negotiation",
};

function reasonsFor(c: TargetCandidate): string[] {
  const out: string[] = [OVERLAP_LABELS[c.kind]];
  if (c.openDeal) out.push(`open deal CS-${c.openDeal.ref} in ${STAGE_WORDS[c.openDeal.stage]}`);
  if (c.strategic) out.push("strategic");
  return out;
}

// ---------------------------------------------------------------------------------------------
// Quarterly refresh

/** The quarter of a local date: "2027-Q1". */
function quarterKey(y: number, m: number): string {
  return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
}

/** The date (1–7) of the first Monday of a month. */
export function firstMonday(y: number, m: number): number {
  const weekday = new Date(Date.UTC(y, m - 1, 1)).getUTCDay(); // 0 = Sunday
  return ((8 - weekday) % 7) + 1;
}

/**
 * Is the quarterly refresh reminder due at this local time? From 09:00 on the first Monday of
 * January, April, July and October to the end of that month (a process that was down on the
 * Monday catches up); returns the quarter, or null. Each pairing gets it once per quarter.
 */
export function refreshQuarterDue(local: { y: number; m: number; d: number; h: number }): string | null {
  if (![1, 4, 7, 10].includes(local.m)) return null;
  const monday = firstMonday(local.y, local.m);
  if (local.d < monday || (local.d === monday && local.h < 9)) return null;
  return quarterKey(local.y, local.m);
}

export interface OverlapCounts {
  customerOverlap: number;
  prospectOverlap: number;
  prospectsOfBoth: number;
  ourCustomersTheirProspects: number;
  whitespace: number;
}

export const COUNT_KEY: Record<OverlapKind, keyof OverlapCounts> = {
  CUSTOMER_OVERLAP: "customerOverlap",
  PROSPECT_OVERLAP: "prospectOverlap",
  PROSPECTS_OF_BOTH: "prospectsOfBoth",
  OUR_CUSTOMER_THEIR_PROSPECT: "ourCustomersTheirProspects",
  WHITESPACE: "whitespace",
};

export const zeroCounts = (): OverlapCounts => ({ customerOverlap: 0, prospectOverlap: 0, prospectsOfBoth: 0, ourCustomersTheirProspects: 0, whitespace: 0 });

/** Overlaps (accounts on both sides' lists), for the refresh comparison and the new-overlap alert. */
export function overlapTotal(c: OverlapCounts): number {
  return SHARED_KINDS.reduce((n, k) => n + c[COUNT_KEY[k]], 0);
}
