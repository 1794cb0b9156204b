import { toJsonColumn } from "../../platform/db/json";
import type { Prisma, PrismaClient } from "../../generated/prisma/client";
import type { Tx } from "../../platform/db/client";
import {
  IMPORT_LIMITS,
  mapSharingOf,
  OVERLAP_KINDS,
  rankTargets,
  readAccountFile,
  TOP_TARGETS,
  type AccountRow,
  type AccountStatus,
  type MapSharing,
  type OverlapCounts,
  type OverlapKind,
  type RankedTarget,
  type RowProblem,
  type TargetCandidate,
} from "./rules";
import { decodeCsvBytes } from "../../kernel/csv";
import { csvField, neutralizeFormula } from "../attribution/export-rules";
import { localDate } from "../../kernel/sla-clock";
import type { OpenStage } from "../../kernel/stages";
import { NotFound, UserError } from "../../platform/errors";
import { truncate } from "../../platform/slack/command-text";
import { createAsk } from "../asks/asks";
import { enqueue } from "../../platform/outbox/enqueue";
import { programRepo } from "../../platform/repos/program-repo";
import { withMember } from "../../platform/repos/pairing-repo";
import { programCurrency } from "../attribution/config";

// Account lists and their overlaps. An import replaces an organization's list(s) in one
// transaction and records what changed; overlaps are set-based joins on the domain (never a
// query per account), so mapping two lists of a million accounts each is a few statements.

const IMPORT_TABLE = "cosell_account_import";
const CHUNK = 10_000;
/** accounts added or removed by one import above which the table's statistics are refreshed */
const ANALYZE_AFTER = 10_000;

export interface ImportAccountsInput {
  orgId: string;
  rows: readonly AccountRow[];
  /** the lists to replace (a list not named here is left alone) */
  statuses: readonly AccountStatus[];
  actor: string;
  source: "slack" | "cli" | "bench";
  fileName: string | null;
  /** rows of the file that were not imported (reported to the person) */
  rejectedRows: number;
  now: Date;
}

export interface ListChange {
  status: AccountStatus;
  /** true when the organization had no such list before */
  created: boolean;
  previousRowCount: number;
  rowCount: number;
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
}

export interface ImportAccountsResult {
  orgId: string;
  orgName: string;
  lists: ListChange[];
}

/**
 * Replaces the organization's lists with these rows, in one transaction: rows are loaded into a
 * temporary table, then accounts no longer listed are deleted, changed ones updated and new
 * ones inserted (set-based). Each list gets its change summary; an AuditEvent records the import.
 */
export async function importAccountList(prisma: PrismaClient, input: ImportAccountsInput): Promise<ImportAccountsResult> {
  const org = await prisma.organization.findUnique({ where: { id: input.orgId }, select: { id: true, name: true } });
  if (!org) throw new NotFound("That organization no longer exists.");
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(
        `CREATE TEMP TABLE ${IMPORT_TABLE} (status text NOT NULL, name text NOT NULL, domain text NOT NULL, owner text, arr bigint, strategic boolean NOT NULL) ON COMMIT DROP`,
      );
      for (let i = 0; i < input.rows.length; i += CHUNK) {
        const chunk = input.rows.slice(i, i + CHUNK).map((r) => ({ s: r.status, n: r.name, d: r.domain, o: r.owner, a: r.arrMinor, t: r.strategic }));
        await tx.$executeRawUnsafe(
          `INSERT INTO ${IMPORT_TABLE} SELECT s, n, d, o, a, t FROM json_to_recordset($1::json) AS x(s text, n text, d text, o text, a bigint, t boolean)`,
          JSON.stringify(chunk),
        );
      }
      // Without statistics the planner guesses a tiny table and picks nested loops.
      await tx.$executeRawUnsafe(`ANALYZE ${IMPORT_TABLE}`);

      const lists: ListChange[] = [];
      for (const status of input.statuses) {
        const created = await tx.$executeRawUnsafe(
          `INSERT INTO "AccountList" (id, "orgId", status, "importedBy", "rowCount") VALUES (gen_random_uuid()::text, $1, $2::"AccountStatus", $3, 0) ON CONFLICT ("orgId", status) DO NOTHING`,
          input.orgId,
          status,
          input.actor,
        );
        // Lock the list: two imports of the same list run one after the other.
        const [list] = await tx.$queryRawUnsafe<{ id: string; rowCount: number }[]>(
          `SELECT id, "rowCount" FROM "AccountList" WHERE "orgId" = $1 AND status = $2::"AccountStatus" FOR UPDATE`,
          input.orgId,
          status,
        );
        if (!list) throw new Error("account list vanished inside its transaction");
        const removed = await tx.$executeRawUnsafe(
          `DELETE FROM "Account" a WHERE a."listId" = $1 AND NOT EXISTS (SELECT 1 FROM ${IMPORT_TABLE} n WHERE n.status = $2::text AND n.domain = a.domain)`,
          list.id,
          status,
        );
        const changed = await tx.$executeRawUnsafe(
          `UPDATE "Account" a SET name = n.name, owner = n.owner, "arrMinor" = n.arr, strategic = n.strategic
           FROM ${IMPORT_TABLE} n
           WHERE a."listId" = $1 AND n.status = $2::text AND n.domain = a.domain
             AND (a.name, a.owner, a."arrMinor", a.strategic) IS DISTINCT FROM (n.name, n.owner, n.arr, n.strategic)`,
          list.id,
          status,
        );
        const added = await tx.$executeRawUnsafe(
          `INSERT INTO "Account" (id, "listId", "orgId", status, name, domain, owner, "arrMinor", strategic)
           SELECT gen_random_uuid()::text, $1, $3, $2::text::"AccountStatus", n.name, n.domain, n.owner, n.arr, n.strategic
           FROM ${IMPORT_TABLE} n
           WHERE n.status = $2::text AND NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."listId" = $1 AND a.domain = n.domain)`,
          list.id,
          status,
          input.orgId,
        );
        const rowCount = input.rows.reduce((n, r) => (r.status === status ? n + 1 : n), 0);
        const change: ListChange = {
          status,
          created: created === 1,
          previousRowCount: list.rowCount,
          rowCount,
          added,
          removed,
          changed,
          unchanged: rowCount - added - changed,
        };
        await tx.accountList.update({
          where: { id: list.id },
          data: {
            importedAt: input.now,
            importedBy: input.actor,
            rowCount,
            changeSummary: {
              ...change,
              rejectedRows: input.rejectedRows,
              source: input.source,
              fileName: input.fileName,
              importedAt: input.now.toISOString(),
            } as Prisma.InputJsonValue,
          },
        });
        lists.push(change);
      }
      // A big change leaves the planner's row estimates far off until autovacuum gets to the
      // table (it then joins a million accounts by index lookups): refresh the statistics now.
      if (lists.reduce((n, l) => n + l.added + l.removed, 0) >= ANALYZE_AFTER) await tx.$executeRawUnsafe(`ANALYZE "Account"`);
      await tx.auditEvent.create({
        data: {
          actor: input.actor,
          action: "account-list.import",
          subject: `org:${input.orgId}`,
          detail: toJsonColumn({
            org: org.name,
            source: input.source,
            fileName: input.fileName,
            rejectedRows: input.rejectedRows,
            lists: lists,
          }),
          createdAt: input.now,
        },
      });
      return { orgId: org.id, orgName: org.name, lists };
    },
    { timeout: 30 * 60_000, maxWait: 60_000 },
  );
}

// ---------------------------------------------------------------------------------------------
// Files

export function tooBigMessage(bytes: number): string {
  return `The file is ${(bytes / 1024 / 1024).toFixed(1)} MB; an account list may be at most ${IMPORT_LIMITS.maxBytes / 1024 / 1024} MB (and ${IMPORT_LIMITS.maxRows.toLocaleString("en-US")} rows). Nothing was imported.`;
}

/** All rejected rows as CSV (row, reason), for reports too long for a message. */
export function problemsCsv(problems: readonly RowProblem[]): string {
  return `${["row,reason", ...problems.map((p) => `${p.row},${csvField(neutralizeFormula(p.reason))}`)].join("\r\n")}\r\n`;
}

export interface ImportOutcome {
  result: ImportAccountsResult | null;
  problems: RowProblem[];
  blankRows: number;
  ignoredColumns: string[];
  refused?: string;
}

/** Reads and imports one file (Slack and CLI share it). Never throws for a bad file: it says why. */
export async function importAccountFile(
  prisma: PrismaClient,
  input: {
    orgId: string;
    status: AccountStatus | null;
    bytes: Uint8Array;
    fileName: string;
    actor: string;
    source: "slack" | "cli";
    now: Date;
    dryRun?: boolean;
  },
): Promise<ImportOutcome> {
  if (input.bytes.length > IMPORT_LIMITS.maxBytes)
    return { result: null, problems: [], blankRows: 0, ignoredColumns: [], refused: tooBigMessage(input.bytes.length) };
  const file = readAccountFile(decodeCsvBytes(input.bytes), { status: input.status });
  if (!file.ok) return { result: null, problems: [], blankRows: 0, ignoredColumns: [], refused: file.reason };
  const base = { problems: file.problems, blankRows: file.blankRows, ignoredColumns: file.header.ignored };
  if (file.rows.length === 0) {
    return {
      ...base,
      result: null,
      refused: file.dataRows === 0 ? "the file has a header but no accounts." : "no row could be imported (see the reasons below).",
    };
  }
  if (input.dryRun) return { ...base, result: null };
  const result = await importAccountList(prisma, {
    orgId: input.orgId,
    rows: file.rows,
    statuses: file.statuses,
    actor: input.actor,
    source: input.source,
    fileName: input.fileName,
    rejectedRows: file.problems.length,
    now: input.now,
  });
  return { ...base, result };
}

// ---------------------------------------------------------------------------------------------
// Overlaps

interface ListInfo {
  status: AccountStatus;
  rowCount: number;
  importedAt: Date;
}

interface MapLists {
  ours: { id: string; name: string } | null;
  partner: { id: string; name: string };
  ourCustomers: (ListInfo & { id: string }) | null;
  ourProspects: (ListInfo & { id: string }) | null;
  theirCustomers: (ListInfo & { id: string }) | null;
  theirProspects: (ListInfo & { id: string }) | null;
}

export interface AccountMap extends MapLists {
  counts: OverlapCounts;
  /** accounts of each kind with an open deal in a pairing with this partner */
  withOpenDeals: OverlapCounts;
  /** ranked best first (empty when only counts were asked for) */
  targets: RankedTarget[];
}

async function mapLists(db: Tx, partnerOrgId: string): Promise<MapLists> {
  const [ours, partner] = await Promise.all([
    db.organization.findFirst({ where: { kind: "INTERNAL" }, select: { id: true, name: true } }),
    db.organization.findUnique({ where: { id: partnerOrgId }, select: { id: true, name: true, kind: true } }),
  ]);
  if (partner?.kind !== "PARTNER") throw new NotFound("That partner organization doesn't exist.");
  const lists = await db.accountList.findMany({
    where: { orgId: { in: [partner.id, ...(ours ? [ours.id] : [])] } },
    select: { id: true, orgId: true, status: true, rowCount: true, importedAt: true },
  });
  const find = (orgId: string | undefined, status: AccountStatus) => lists.find((l) => l.orgId === orgId && l.status === status) ?? null;
  return {
    ours,
    partner: { id: partner.id, name: partner.name },
    ourCustomers: find(ours?.id, "CUSTOMER"),
    ourProspects: find(ours?.id, "PROSPECT"),
    theirCustomers: find(partner.id, "CUSTOMER"),
    theirProspects: find(partner.id, "PROSPECT"),
  };
}

/** Open deals per domain in pairings the partner belongs to: the furthest stage, then the oldest ref. */
const DEALS_CTE = `deals AS (
  SELECT DISTINCT ON (d."accountDomain") d."accountDomain" AS domain, d.ref, d.stage::text AS stage
  FROM "Deal" d
  WHERE d.stage NOT IN ('CLOSED_WON', 'CLOSED_LOST')
    AND d."pairingId" IN (SELECT pm."pairingId" FROM "PairingMember" pm WHERE pm."orgId" = $4)
  ORDER BY d."accountDomain", d.stage DESC, d.ref
)`;

/** Each of the partner's customers, with our customer and prospect rows on the same domain. */
const JOINED = `FROM "Account" t
  LEFT JOIN "Account" oc ON oc."listId" = $1 AND oc.domain = t.domain
  LEFT JOIN "Account" op ON op."listId" = $2 AND op.domain = t.domain
  LEFT JOIN deals d ON d.domain = t.domain
  WHERE t."listId" = $3`;

const KIND = `CASE WHEN oc.id IS NOT NULL THEN 'CUSTOMER_OVERLAP' WHEN op.id IS NOT NULL THEN 'PROSPECT_OVERLAP' ELSE 'WHITESPACE' END`;

const zeroCounts = (): OverlapCounts => ({ customerOverlap: 0, prospectOverlap: 0, whitespace: 0 });
const COUNT_KEY: Record<OverlapKind, keyof OverlapCounts> = {
  CUSTOMER_OVERLAP: "customerOverlap",
  PROSPECT_OVERLAP: "prospectOverlap",
  WHITESPACE: "whitespace",
};

/**
 * The map of us with one partner. Every account of the partner's customer list falls in exactly
 * one kind: customers of both (ours is a customer), our prospect + their customer (ours is a
 * prospect, not a customer), or whitespace (not on our lists at all).
 */
export async function loadAccountMap(db: Tx, input: { partnerOrgId: string; targets: boolean; limit?: number }): Promise<AccountMap> {
  const lists = await mapLists(db, input.partnerOrgId);
  const params = [lists.ourCustomers?.id ?? null, lists.ourProspects?.id ?? null, lists.theirCustomers?.id ?? null, input.partnerOrgId] as const;
  const counts = zeroCounts();
  const withOpenDeals = zeroCounts();
  if (!lists.theirCustomers) return { ...lists, counts, withOpenDeals, targets: [] };

  // One pass, no grouping sort: each kind is a filtered count.
  const [row] = await db.$queryRawUnsafe<Record<string, number | bigint>[]>(
    `WITH ${DEALS_CTE}
     SELECT ${OVERLAP_KINDS.map((k) => `count(*) FILTER (WHERE kind = '${k}') AS "${k}", count(deal_ref) FILTER (WHERE kind = '${k}') AS "${k}_deals"`).join(", ")}
     FROM (SELECT ${KIND} AS kind, d.ref AS deal_ref ${JOINED}) j`,
    ...params,
  );
  for (const k of OVERLAP_KINDS) {
    counts[COUNT_KEY[k]] = Number(row?.[k] ?? 0);
    withOpenDeals[COUNT_KEY[k]] = Number(row?.[`${k}_deals`] ?? 0);
  }
  if (!input.targets) return { ...lists, counts, withOpenDeals, targets: [] };

  const limit = input.limit ?? TOP_TARGETS;
  const candidates = await topCandidates(db, params, limit);
  return { ...lists, counts, withOpenDeals, targets: rankTargets(candidates, limit) };
}

/**
 * The accounts that can reach the top `limit`: per group of equal scoring features (kind, open
 * deal stage, strategic, owners known) the best `limit` by combined ARR — see scoreGroupKey.
 */
async function topCandidates(db: Tx, params: readonly (string | null)[], limit: number): Promise<TargetCandidate[]> {
  // The window sorts narrow rows (domain and the scoring features); the names, owners and ARR
  // of the few thousand accounts it keeps are then read by index.
  const picked = await db.$queryRawUnsafe<{ domain: string; kind: OverlapKind; deal_ref: number | null; deal_stage: OpenStage | null; strategic: boolean }[]>(
    `WITH ${DEALS_CTE},
     k AS (
       SELECT t.domain, ${KIND} AS kind, d.ref AS deal_ref, d.stage AS deal_stage,
         (coalesce(oc.strategic, false) OR coalesce(op.strategic, false) OR t.strategic) AS strategic,
         (CASE WHEN coalesce(oc.owner, op.owner) IS NULL THEN 0 ELSE 1 END) + (CASE WHEN t.owner IS NULL THEN 0 ELSE 1 END) AS owners,
         coalesce(oc."arrMinor", op."arrMinor", 0) + coalesce(t."arrMinor", 0) AS combined
       ${JOINED}
     ),
     r AS (
       SELECT domain, kind, deal_ref, deal_stage, strategic,
         row_number() OVER (PARTITION BY kind, deal_stage, strategic, owners ORDER BY combined DESC, domain COLLATE "C") AS rn
       FROM k
     )
     SELECT domain, kind, deal_ref, deal_stage, strategic FROM r WHERE rn <= $5`,
    ...params,
    limit,
  );
  if (picked.length === 0) return [];
  const details = await db.$queryRawUnsafe<
    { domain: string; name: string; our_arr: bigint | number | null; their_arr: bigint | number | null; our_owner: string | null; their_owner: string | null }[]
  >(
    `SELECT t.domain, coalesce(oc.name, op.name, t.name) AS name,
       coalesce(oc."arrMinor", op."arrMinor") AS our_arr, t."arrMinor" AS their_arr,
       coalesce(oc.owner, op.owner) AS our_owner, t.owner AS their_owner
     FROM "Account" t
     LEFT JOIN "Account" oc ON oc."listId" = $1 AND oc.domain = t.domain
     LEFT JOIN "Account" op ON op."listId" = $2 AND op.domain = t.domain
     WHERE t."listId" = $3 AND t.domain = ANY($4::text[])`,
    params[0],
    params[1],
    params[2],
    picked.map((r) => r.domain),
  );
  const byDomain = new Map(details.map((d) => [d.domain, d]));
  const num = (v: bigint | number | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return picked.flatMap((r) => {
    const d = byDomain.get(r.domain);
    if (!d) return [];
    return [
      {
        domain: r.domain,
        name: d.name,
        kind: r.kind,
        ourArrMinor: num(d.our_arr),
        theirArrMinor: num(d.their_arr),
        ourOwner: d.our_owner,
        theirOwner: d.their_owner,
        strategic: r.strategic,
        openDeal: r.deal_ref !== null && r.deal_stage ? { ref: Number(r.deal_ref), stage: r.deal_stage } : null,
      },
    ];
  });
}

// ---------------------------------------------------------------------------------------------
// One account of the map (the buttons)

export interface MapAccount {
  domain: string;
  name: string;
  partner: { id: string; name: string };
  /** pairings with us and this partner; the registration form preselects one when there is exactly one */
  pairings: { id: string; name: string; channelId: string }[];
}

/** An account on the partner's lists, named as on ours when we have it; null when it is on neither. */
export async function findMapAccount(db: Tx, input: { partnerOrgId: string; domain: string }): Promise<MapAccount | null> {
  const lists = await mapLists(db, input.partnerOrgId);
  const accounts = await db.account.findMany({
    where: { domain: input.domain, orgId: { in: [input.partnerOrgId, ...(lists.ours ? [lists.ours.id] : [])] } },
    select: { orgId: true, status: true, name: true },
  });
  const theirs = accounts.filter((a) => a.orgId === input.partnerOrgId);
  if (theirs.length === 0) return null;
  const ourName =
    accounts.find((a) => a.orgId !== input.partnerOrgId && a.status === "CUSTOMER")?.name ?? accounts.find((a) => a.orgId !== input.partnerOrgId)?.name;
  const pairings = await db.pairing.findMany({
    where: {
      AND: [withMember(input.partnerOrgId), ...(lists.ours ? [withMember(lists.ours.id)] : [])],
    },
    select: { id: true, name: true, channelId: true },
    orderBy: { createdAt: "asc" },
  });
  return { domain: input.domain, name: ourName ?? theirs[0]!.name, partner: lists.partner, pairings };
}

export type IntroResult =
  | { kind: "ask"; ref: number; ownerUserId: string; created: boolean }
  | { kind: "channel"; channelId: string; mentioned: string | null; created: boolean };

/**
 * "Request intro" on a target: we ask the partner for a warm introduction to their customer.
 * - An open deal with this partner on the account, and a person of the partner who logged a
 *   touchpoint (on that deal, else on any deal): an ask on that deal to that person (their SLA,
 *   the overdue sweep, the Done button — the asks use case).
 * - Otherwise: a request posted in the pairing channel, naming that person when there is one.
 * The same person asking again for the same account on the same day changes nothing.
 */
export async function requestIntro(
  prisma: PrismaClient,
  input: { partnerOrgId: string; domain: string; requestedBy: string; timezone: string; now: Date },
): Promise<IntroResult> {
  const account = await findMapAccount(prisma, input);
  if (!account) throw new UserError(`${input.domain} is no longer on the partner's lists; nothing was asked.`);
  const day = localDate(input.now, input.timezone);
  const key = `map-intro:${input.partnerOrgId}:${input.domain}:${input.requestedBy}:${day}`;
  const deal = await prisma.deal.findFirst({
    where: { accountDomain: input.domain, stage: { notIn: ["CLOSED_WON", "CLOSED_LOST"] }, pairing: withMember(input.partnerOrgId) },
    orderBy: [{ stage: "desc" }, { ref: "asc" }],
    select: { id: true, ref: true, pairing: { select: { channelId: true } } },
  });
  const author =
    (deal &&
      (await prisma.touchpoint.findFirst({
        where: { dealId: deal.id, orgId: input.partnerOrgId },
        orderBy: { occurredAt: "desc" },
        select: { userId: true },
      }))) ??
    (await prisma.touchpoint.findFirst({ where: { orgId: input.partnerOrgId }, orderBy: { occurredAt: "desc" }, select: { userId: true } }));
  if (deal && author) {
    const ask = await createAsk(prisma, {
      dealId: deal.id,
      fromUserId: input.requestedBy,
      ownerUserId: author.userId,
      ownerOrgId: input.partnerOrgId,
      text: truncate(`Warm intro to ${account.name} (${account.domain}), your customer: who is the right contact there, and could you introduce us?`, 500),
      key,
      now: input.now,
    });
    return { kind: "ask", ref: ask.ref, ownerUserId: author.userId, created: ask.created };
  }
  const channelId = deal?.pairing.channelId ?? account.pairings[0]?.channelId;
  if (!channelId) {
    throw new UserError(`There is no pairing channel with ${account.partner.name} to ask in. An admin adds one with \`/cosell pairing add\`.`);
  }
  const intro = {
    channel: channelId,
    requestedBy: input.requestedBy,
    partnerName: account.partner.name,
    accountName: account.name,
    accountDomain: account.domain,
    dealRef: deal?.ref ?? null,
    contactUserId: author?.userId ?? null,
  };
  const created = await prisma.$transaction((tx) => enqueue(tx, { method: "intro.requested", payload: intro, dedupeKey: key }, input.now));
  return { kind: "channel", channelId, mentioned: author?.userId ?? null, created };
}

// ---------------------------------------------------------------------------------------------
// Organizations by name (the CLI and `/cosell map <partner>`)

/** An organization by exact name (any case) or an unambiguous start of one. */
export async function findOrgByName(
  db: Tx,
  name: string,
  opts: { partnersOnly?: boolean } = {},
): Promise<{ id: string; name: string; kind: "INTERNAL" | "PARTNER" }> {
  const orgs = await db.organization.findMany({
    where: opts.partnersOnly ? { kind: "PARTNER" } : {},
    select: { id: true, name: true, kind: true },
    orderBy: { name: "asc" },
  });
  const wanted = name.trim().toLowerCase();
  const exact = orgs.find((o) => o.name.toLowerCase() === wanted);
  if (exact) return exact;
  const starts = orgs.filter((o) => o.name.toLowerCase().startsWith(wanted));
  if (wanted !== "" && starts.length === 1) return starts[0]!;
  const names = orgs.map((o) => o.name).join(", ") || "none yet";
  if (starts.length > 1) throw new UserError(`"${name}" matches ${starts.map((o) => o.name).join(", ")}; give more of the name.`);
  throw new UserError(
    `No ${opts.partnersOnly ? "partner " : ""}organization is called "${name}" (${opts.partnersOnly ? "partners" : "organizations"}: ${names}).`,
  );
}

export interface MapSettings {
  sharing: MapSharing;
  /** the attribution config's currency (target ARR is shown in it) */
  currency: string;
  timezone: string;
}

/** What the account map needs of the program: its sharing with partners, currency and timezone. */
export async function mapSettings(db: Tx, fallbackTimezone: string): Promise<MapSettings> {
  const [program, currency] = await Promise.all([programRepo(db).find(), programCurrency(db)]);
  return { sharing: mapSharingOf(program?.mapSharing), currency, timezone: program?.timezone ?? fallbackTimezone };
}

/** Sets Program.mapSharing, with an audit event, in one transaction. */
export async function setMapSharing(prisma: PrismaClient, input: { from: MapSharing; to: MapSharing; actor: string; now: Date }): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await programRepo(tx).update({ mapSharing: input.to });
    await tx.auditEvent.create({
      data: { actor: input.actor, action: "program.map-sharing", subject: "program", detail: { from: input.from, to: input.to }, createdAt: input.now },
    });
  });
}

/** Claims an import submission (a modal view id) once: false when it was already claimed (a double click or Slack's retry). */
export async function claimImport(db: Tx, input: { viewId: string; now: Date }): Promise<boolean> {
  const fresh = await db.idempotencyKey.createMany({
    data: [{ key: `map-import:view:${input.viewId}`, scope: "account-map.import", createdAt: input.now }],
    skipDuplicates: true,
  });
  return fresh.count > 0;
}
