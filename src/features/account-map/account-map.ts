import { z } from "zod";
import { toJsonColumn } from "../../platform/db/json";
import { Prisma, type PrismaClient } from "../../generated/prisma/client";
import type { Tx } from "../../platform/db/client";
import {
  IMPORT_LIMITS,
  mapSharingOf,
  COUNT_KEY,
  OVERLAP_ALERT_MAX_DOMAINS,
  PICKS_PER_ALERT,
  OVERLAP_KINDS,
  overlapTotal,
  SHARED_KINDS,
  rankTargets,
  splitTopTargets,
  TOP_PER_SECTION,
  zeroCounts,
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
import { createAsk, insertAsk } from "../asks/asks";
import { enqueue } from "../../platform/outbox/enqueue";
import { programRepo } from "../../platform/repos/program-repo";
import { withMember } from "../../platform/repos/pairing-repo";
import { programCurrency } from "../attribution/config";

// Account lists and their overlaps. An import replaces an organization's list(s) in one
// transaction and records what changed; overlaps are set-based joins on the domain (never a
// query per account), so mapping two lists of a million accounts each is a few statements.

const IMPORT_TABLE = "cosell_account_import";
const ADDED_TABLE = "cosell_account_added";
const REMOVED_TABLE = "cosell_account_removed";
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
  /** customers removed, now flagged as churned (0 for a prospect list) */
  churned: number;
  changed: number;
  unchanged: number;
}

export interface ImportAccountsResult {
  orgId: string;
  orgName: string;
  lists: ListChange[];
  /** one per pairing channel that was told of overlaps this import added */
  newOverlaps: QueuedOverlapAlert[];
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
      await tx.$executeRawUnsafe(`CREATE TEMP TABLE ${ADDED_TABLE} (status text NOT NULL, domain text NOT NULL) ON COMMIT DROP`);
      await tx.$executeRawUnsafe(`CREATE TEMP TABLE ${REMOVED_TABLE} (status text NOT NULL, domain text NOT NULL) ON COMMIT DROP`);
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
        // A customer the new list no longer has is flagged as churned (kept until it is listed again).
        const removed =
          status === "CUSTOMER"
            ? await tx.$executeRawUnsafe(
                `WITH gone AS (
                   DELETE FROM "Account" a WHERE a."listId" = $1 AND NOT EXISTS (SELECT 1 FROM ${IMPORT_TABLE} n WHERE n.status = 'CUSTOMER' AND n.domain = a.domain)
                   RETURNING a.domain, a.name, a."arrMinor"
                 ),
                 noted AS (INSERT INTO ${REMOVED_TABLE} SELECT 'CUSTOMER', domain FROM gone)
                 INSERT INTO "ChurnedAccount" (id, "orgId", domain, name, "arrMinor", "churnedAt")
                 SELECT gen_random_uuid()::text, $2, domain, name, "arrMinor", $3 FROM gone
                 ON CONFLICT ("orgId", domain) DO UPDATE SET name = EXCLUDED.name, "arrMinor" = EXCLUDED."arrMinor", "churnedAt" = EXCLUDED."churnedAt"`,
                list.id,
                input.orgId,
                input.now,
              )
            : await tx.$executeRawUnsafe(
                `WITH gone AS (
                   DELETE FROM "Account" a WHERE a."listId" = $1 AND NOT EXISTS (SELECT 1 FROM ${IMPORT_TABLE} n WHERE n.status = $2::text AND n.domain = a.domain)
                   RETURNING a.domain
                 )
                 INSERT INTO ${REMOVED_TABLE} SELECT $2::text, domain FROM gone`,
                list.id,
                status,
              );
        if (status === "CUSTOMER") {
          await tx.$executeRawUnsafe(
            `DELETE FROM "ChurnedAccount" c WHERE c."orgId" = $1 AND EXISTS (SELECT 1 FROM ${IMPORT_TABLE} n WHERE n.status = 'CUSTOMER' AND n.domain = c.domain)`,
            input.orgId,
          );
        }
        const changed = await tx.$executeRawUnsafe(
          `UPDATE "Account" a SET name = n.name, owner = n.owner, "arrMinor" = n.arr, strategic = n.strategic
           FROM ${IMPORT_TABLE} n
           WHERE a."listId" = $1 AND n.status = $2::text AND n.domain = a.domain
             AND (a.name, a.owner, a."arrMinor", a.strategic) IS DISTINCT FROM (n.name, n.owner, n.arr, n.strategic)`,
          list.id,
          status,
        );
        // The domains added are kept (ADDED_TABLE) to find the overlaps this import made new.
        const added = await tx.$executeRawUnsafe(
          `WITH ins AS (
             INSERT INTO "Account" (id, "listId", "orgId", status, name, domain, owner, "arrMinor", strategic)
             SELECT gen_random_uuid()::text, $1, $3, $2::text::"AccountStatus", n.name, n.domain, n.owner, n.arr, n.strategic
             FROM ${IMPORT_TABLE} n
             WHERE n.status = $2::text AND NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."listId" = $1 AND a.domain = n.domain)
             RETURNING domain
           )
           INSERT INTO ${ADDED_TABLE} SELECT $2::text, domain FROM ins`,
          list.id,
          status,
          input.orgId,
        );
        const rowCount = input.rows.reduce((n, r) => (r.status === status ? n + 1 : n), 0);
        const change: ListChange = {
          status,
          created: created === 1,
          churned: status === "CUSTOMER" ? removed : 0,
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
      const alerts = await queueOverlapAlerts(tx, { orgId: input.orgId, actor: input.actor, now: input.now });
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
            newOverlaps: alerts.map((a) => ({ partnerOrgId: a.partnerOrgId, pairingId: a.pairingId, total: a.total })),
          }),
          createdAt: input.now,
        },
      });
      return { orgId: org.id, orgName: org.name, lists, newOverlaps: alerts };
    },
    { timeout: 30 * 60_000, maxWait: 60_000 },
  );
}

// ---------------------------------------------------------------------------------------------
// New overlaps (posted once per import and pairing, with Pick 5 to pursue)

interface QueuedOverlapAlert {
  alertId: string;
  partnerOrgId: string;
  pairingId: string;
  channelId: string;
  total: number;
}

/**
 * After an import (inside its transaction): the overlaps it made new, per partner and pairing.
 * A new overlap is a domain this import added to one of the organization's lists (and that was
 * not on its other list already) which the other side lists: for a partner's import, our lists;
 * for ours, each partner's. Each pairing of us with that partner gets one OverlapAlert and one
 * post (counts only: the channel may hold other partners; the accounts are in the picker).
 */
async function queueOverlapAlerts(tx: Tx, input: { orgId: string; actor: string; now: Date }): Promise<QueuedOverlapAlert[]> {
  const [newDomains] = await tx.$queryRawUnsafe<{ n: bigint | number }[]>(`SELECT count(*) AS n FROM ${ADDED_TABLE}`);
  if (Number(newDomains?.n ?? 0) === 0) return [];
  const [org, ours] = await Promise.all([
    tx.organization.findUnique({ where: { id: input.orgId }, select: { id: true, kind: true } }),
    tx.organization.findFirst({ where: { kind: "INTERNAL" }, select: { id: true } }),
  ]);
  if (!org || !ours) return [];
  const partners =
    org.kind === "PARTNER"
      ? [org.id]
      : (await tx.organization.findMany({ where: { kind: "PARTNER" }, select: { id: true }, orderBy: { name: "asc" } })).map((o) => o.id);
  const out: QueuedOverlapAlert[] = [];
  for (const partnerOrgId of partners) {
    const other = org.kind === "PARTNER" ? ours.id : partnerOrgId;
    const lists = await mapLists(tx, partnerOrgId);
    // Nothing can overlap until both sides have a list (a first import of ours, partners' still to come).
    if ((!lists.ourCustomers && !lists.ourProspects) || (!lists.theirCustomers && !lists.theirProspects)) continue;
    const params = mapParams(lists, partnerOrgId);
    // Truly new to the importing org ($6: not on its other list before this import), listed by
    // the other side ($7); per kind the count and the best by combined ARR (set-based: an
    // import of a million accounts makes no query per account).
    const rows = await tx.$queryRawUnsafe<{ kind: OverlapKind; n: bigint | number; top: string[] }[]>(
      `WITH ${FEATURES(`WHERE t.domain IN (
           SELECT a.domain FROM ${ADDED_TABLE} a
           WHERE NOT EXISTS (
               SELECT 1 FROM "Account" x WHERE x."orgId" = $6 AND x.domain = a.domain AND x.status::text <> a.status
                 AND NOT EXISTS (SELECT 1 FROM ${ADDED_TABLE} a2 WHERE a2.status = x.status::text AND a2.domain = x.domain))
             -- moved from the other list by this very import (e.g. a prospect that became a customer): not new either
             AND NOT EXISTS (SELECT 1 FROM ${REMOVED_TABLE} r WHERE r.domain = a.domain AND r.status <> a.status)
             AND EXISTS (SELECT 1 FROM "Account" o WHERE o."orgId" = $7 AND o.domain = a.domain))`)}
       SELECT kind, count(*) AS n, (array_agg(domain ORDER BY combined DESC, domain COLLATE "C"))[1:${OVERLAP_ALERT_MAX_DOMAINS}] AS top
       FROM k WHERE kind IN (${SHARED_KINDS.map((k) => `'${k}'`).join(", ")}) GROUP BY kind`,
      ...params,
      input.orgId,
      other,
    );
    if (rows.length === 0) continue;
    const counts = zeroCounts();
    for (const r of rows) counts[COUNT_KEY[r.kind]] = Number(r.n);
    const candidates = await loadTargetCandidates(tx, { partnerOrgId, domains: rows.flatMap((r) => r.top) });
    const best = rankTargets(candidates, OVERLAP_ALERT_MAX_DOMAINS).map((t) => t.domain);
    const total = overlapTotal(counts);
    const pairings = await tx.pairing.findMany({
      where: { AND: [withMember(partnerOrgId), withMember(ours.id)] },
      select: { id: true, channelId: true },
      orderBy: { createdAt: "asc" },
    });
    for (const pairing of pairings) {
      const alert = await tx.overlapAlert.create({
        data: {
          partnerOrgId,
          pairingId: pairing.id,
          importedOrgId: input.orgId,
          importedBy: input.actor,
          domains: best,
          counts: toJsonColumn(counts),
          createdAt: input.now,
        },
      });
      await enqueue(tx, { method: "map.new-overlaps", payload: { alertId: alert.id }, dedupeKey: `map-new-overlaps:${alert.id}` }, input.now);
      out.push({ alertId: alert.id, partnerOrgId, pairingId: pairing.id, channelId: pairing.channelId, total });
    }
  }
  return out;
}

export interface OverlapAlertView {
  id: string;
  channelId: string;
  pairingName: string;
  partner: { id: string; name: string };
  importedOrgName: string;
  importedBy: string;
  counts: OverlapCounts;
  total: number;
  /** the partner has other partners in this pairing's channel (names never go there) */
  sharedChannel: boolean;
  /** the new overlapping domains (for the picker; never posted) */
  domains: string[];
  createdAt: Date;
}

const countsSchema = z.object({
  customerOverlap: z.number().int(),
  prospectOverlap: z.number().int(),
  prospectsOfBoth: z.number().int(),
  ourCustomersTheirProspects: z.number().int(),
  whitespace: z.number().int(),
});

/** An overlap alert as it is posted (read when delivered, so it shows the names of now). */
export async function loadOverlapAlert(db: Tx, alertId: string): Promise<OverlapAlertView | null> {
  if (!z.string().uuid().safeParse(alertId).success) return null;
  const alert = await db.overlapAlert.findUnique({ where: { id: alertId } });
  if (!alert) return null;
  const [pairing, orgs] = await Promise.all([
    db.pairing.findUnique({
      where: { id: alert.pairingId },
      select: { name: true, channelId: true, members: { select: { org: { select: { id: true, kind: true } } } } },
    }),
    db.organization.findMany({ where: { id: { in: [alert.partnerOrgId, alert.importedOrgId] } }, select: { id: true, name: true } }),
  ]);
  const partner = orgs.find((o) => o.id === alert.partnerOrgId);
  if (!pairing || !partner) return null;
  const counts = countsSchema.parse(alert.counts);
  return {
    id: alert.id,
    channelId: pairing.channelId,
    pairingName: pairing.name,
    partner,
    importedOrgName: orgs.find((o) => o.id === alert.importedOrgId)?.name ?? "",
    importedBy: alert.importedBy,
    counts,
    total: overlapTotal(counts),
    sharedChannel: pairing.members.some((m) => m.org.kind === "PARTNER" && m.org.id !== alert.partnerOrgId),
    domains: alert.domains,
    createdAt: alert.createdAt,
  };
}

/** The accounts *Pick 5 to pursue* offers: the alert's new overlaps still on both sides' lists, best first. */
export async function overlapAlertChoices(db: Tx, alertId: string): Promise<{ alert: OverlapAlertView; choices: RankedTarget[] } | null> {
  const alert = await loadOverlapAlert(db, alertId);
  if (!alert) return null;
  const candidates = await loadTargetCandidates(db, { partnerOrgId: alert.partner.id, domains: alert.domains });
  return {
    alert,
    choices: rankTargets(
      candidates.filter((c) => SHARED_KINDS.includes(c.kind)),
      OVERLAP_ALERT_MAX_DOMAINS,
    ),
  };
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
  /** the top 10 accounts on both sides' lists, and the top 10 whitespace (empty with counts only) */
  topShared: RankedTarget[];
  topWhitespace: RankedTarget[];
  /** customers one side dropped since `churnSince` that the other side lists (empty without it) */
  churned: ChurnedOnMap[];
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

/**
 * The partner's accounts, each once on its best list: every customer, and the prospects that
 * are not also customers ($3 their customer list, $5 their prospect list).
 */
const THEIRS = `(
  SELECT t.domain, t.name, t.owner, t."arrMinor", t.strategic, 'CUSTOMER' AS their FROM "Account" t WHERE t."listId" = $3
  UNION ALL
  SELECT t.domain, t.name, t.owner, t."arrMinor", t.strategic, 'PROSPECT' AS their FROM "Account" t
  WHERE t."listId" = $5 AND NOT EXISTS (SELECT 1 FROM "Account" c WHERE c."listId" = $3 AND c.domain = t.domain)
)`;

/** Each of the partner's accounts, with our customer and prospect rows on the same domain. */
const JOINED = `FROM ${THEIRS} t
  LEFT JOIN "Account" oc ON oc."listId" = $1 AND oc.domain = t.domain
  LEFT JOIN "Account" op ON op."listId" = $2 AND op.domain = t.domain`;

/** overlapKindOf in SQL: null for their prospects that are on none of our lists. */
const KIND = `CASE WHEN t.their = 'CUSTOMER' THEN
    CASE WHEN oc.id IS NOT NULL THEN 'CUSTOMER_OVERLAP' WHEN op.id IS NOT NULL THEN 'PROSPECT_OVERLAP' ELSE 'WHITESPACE' END
  ELSE
    CASE WHEN oc.id IS NOT NULL THEN 'OUR_CUSTOMER_THEIR_PROSPECT' WHEN op.id IS NOT NULL THEN 'PROSPECTS_OF_BOTH' END
  END`;

type MapParams = readonly [string | null, string | null, string | null, string, string | null];

function mapParams(lists: MapLists, partnerOrgId: string): MapParams {
  return [lists.ourCustomers?.id ?? null, lists.ourProspects?.id ?? null, lists.theirCustomers?.id ?? null, partnerOrgId, lists.theirProspects?.id ?? null];
}

/** A churned customer shown on the map: one side dropped it, and the other side lists it. */
interface ChurnedOnMap {
  side: "ours" | "theirs";
  domain: string;
  name: string;
  arrMinor: number | null;
  churnedAt: Date;
}

/**
 * The map of us with one partner. Every account the partner lists falls in at most one kind
 * (overlapKindOf): customers of both, our prospect + their customer, prospects of both, our
 * customer + their prospect, or whitespace (their customer, on none of our lists).
 */
export async function loadAccountMap(db: Tx, input: { partnerOrgId: string; targets: boolean; limit?: number; churnSince?: Date }): Promise<AccountMap> {
  const lists = await mapLists(db, input.partnerOrgId);
  const params = mapParams(lists, input.partnerOrgId);
  const counts = zeroCounts();
  const withOpenDeals = zeroCounts();
  const empty = { topShared: [], topWhitespace: [], churned: [] };
  if (!lists.theirCustomers && !lists.theirProspects) return { ...lists, counts, withOpenDeals, targets: [], ...empty };

  // One pass, no grouping sort: each kind is a filtered count.
  const [row] = await db.$queryRawUnsafe<Record<string, number | bigint>[]>(
    `WITH ${DEALS_CTE}
     SELECT ${OVERLAP_KINDS.map((k) => `count(*) FILTER (WHERE kind = '${k}') AS "${k}", count(deal_ref) FILTER (WHERE kind = '${k}') AS "${k}_deals"`).join(", ")}
     FROM (SELECT ${KIND} AS kind, d.ref AS deal_ref ${JOINED} LEFT JOIN deals d ON d.domain = t.domain) j`,
    ...params,
  );
  for (const k of OVERLAP_KINDS) {
    counts[COUNT_KEY[k]] = Number(row?.[k] ?? 0);
    withOpenDeals[COUNT_KEY[k]] = Number(row?.[`${k}_deals`] ?? 0);
  }
  const churned = input.churnSince ? await churnedOnMap(db, lists, input.churnSince) : [];
  if (!input.targets) return { ...lists, counts, withOpenDeals, targets: [], ...empty, churned };

  const limit = input.limit ?? TOP_TARGETS;
  // Preselecting max(limit, 10) per scoring group keeps all three rankings exact.
  const candidates = await topCandidates(db, params, Math.max(limit, TOP_PER_SECTION));
  const top = splitTopTargets(candidates);
  return { ...lists, counts, withOpenDeals, targets: rankTargets(candidates, limit), topShared: top.shared, topWhitespace: top.whitespace, churned };
}

/** Customers one side dropped since `since` that the other side still lists, most ARR first (at most 10). */
async function churnedOnMap(db: Tx, lists: MapLists, since: Date): Promise<ChurnedOnMap[]> {
  if (!lists.ours) return [];
  const rows = await db.$queryRawUnsafe<{ side: "ours" | "theirs"; domain: string; name: string; arr: bigint | null; churnedAt: Date }[]>(
    `SELECT CASE WHEN c."orgId" = $1 THEN 'ours' ELSE 'theirs' END AS side, c.domain, c.name, c."arrMinor" AS arr, c."churnedAt" AS "churnedAt"
     FROM "ChurnedAccount" c
     WHERE c."churnedAt" >= $3 AND c."orgId" IN ($1, $2)
       AND EXISTS (SELECT 1 FROM "Account" a WHERE a.domain = c.domain AND a."orgId" = CASE WHEN c."orgId" = $1 THEN $2 ELSE $1 END)
     ORDER BY c."arrMinor" DESC NULLS LAST, c.domain LIMIT 10`,
    lists.ours.id,
    lists.partner.id,
    since,
  );
  return rows.map((r) => ({ side: r.side, domain: r.domain, name: r.name, arrMinor: r.arr === null ? null : Number(r.arr), churnedAt: r.churnedAt }));
}

/** The scoring features of the partner's accounts (k), optionally filtered (e.g. only some domains). */
const FEATURES = (where: string) => `${DEALS_CTE},
     k AS (
       SELECT t.domain, ${KIND} AS kind, d.ref AS deal_ref, d.stage AS deal_stage,
         (coalesce(oc.strategic, false) OR coalesce(op.strategic, false) OR t.strategic) AS strategic,
         (CASE WHEN coalesce(oc.owner, op.owner) IS NULL THEN 0 ELSE 1 END) + (CASE WHEN t.owner IS NULL THEN 0 ELSE 1 END) AS owners,
         coalesce(oc."arrMinor", op."arrMinor", 0) + coalesce(t."arrMinor", 0) AS combined
       ${JOINED} LEFT JOIN deals d ON d.domain = t.domain
       ${where}
     )`;

type PickedRow = { domain: string; kind: OverlapKind; deal_ref: number | null; deal_stage: OpenStage | null; strategic: boolean };

/**
 * The accounts that can reach the top `limit`: per group of equal scoring features (kind, open
 * deal stage, strategic, owners known) the best `limit` by combined ARR — see scoreGroupKey.
 */
async function topCandidates(db: Tx, params: MapParams, limit: number): Promise<TargetCandidate[]> {
  // The window sorts narrow rows (domain and the scoring features); the names, owners and ARR
  // of the few thousand accounts it keeps are then read by index.
  const picked = await db.$queryRawUnsafe<PickedRow[]>(
    `WITH ${FEATURES("")},
     r AS (
       SELECT domain, kind, deal_ref, deal_stage, strategic,
         row_number() OVER (PARTITION BY kind, deal_stage, strategic, owners ORDER BY combined DESC, domain COLLATE "C") AS rn
       FROM k WHERE kind IS NOT NULL
     )
     SELECT domain, kind, deal_ref, deal_stage, strategic FROM r WHERE rn <= $6`,
    ...params,
    limit,
  );
  return withDetails(db, params, picked);
}

/** These domains of the partner's lists as target candidates (those still on a list and overlapping or whitespace). */
async function loadTargetCandidates(db: Tx, input: { partnerOrgId: string; domains: readonly string[] }): Promise<TargetCandidate[]> {
  if (input.domains.length === 0) return [];
  const params = mapParams(await mapLists(db, input.partnerOrgId), input.partnerOrgId);
  const picked = await db.$queryRawUnsafe<PickedRow[]>(
    `WITH ${FEATURES("WHERE t.domain = ANY($6::text[])")} SELECT domain, kind, deal_ref, deal_stage, strategic FROM k WHERE kind IS NOT NULL`,
    ...params,
    [...input.domains],
  );
  return withDetails(db, params, picked);
}

async function withDetails(db: Tx, params: MapParams, picked: readonly PickedRow[]): Promise<TargetCandidate[]> {
  if (picked.length === 0) return [];
  const details = await db.$queryRawUnsafe<
    { domain: string; name: string; our_arr: bigint | number | null; their_arr: bigint | number | null; our_owner: string | null; their_owner: string | null }[]
  >(
    `SELECT t.domain, coalesce(oc.name, op.name, t.name) AS name,
       coalesce(oc."arrMinor", op."arrMinor") AS our_arr, t."arrMinor" AS their_arr,
       coalesce(oc.owner, op.owner) AS our_owner, t.owner AS their_owner
     ${JOINED}
     WHERE t.domain = ANY($6::text[]) AND $4::text IS NOT NULL`, // $4 (the deals' partner) is unused here; named so its type is known
    ...params,
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
  /** the partner's best list for it */
  theirStatus: AccountStatus;
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
  const theirStatus = theirs.some((a) => a.status === "CUSTOMER") ? "CUSTOMER" : "PROSPECT";
  return { domain: input.domain, name: ourName ?? theirs[0]!.name, partner: lists.partner, pairings, theirStatus };
}

export type IntroResult =
  | { kind: "ask"; ref: number; ownerUserId: string; created: boolean }
  | { kind: "channel"; channelId: string; mentioned: string | null; created: boolean };

/** The open deal with this partner on the account (furthest stage) and the partner's person to ask. */
async function introTarget(db: Tx, partnerOrgId: string, domain: string) {
  const deal = await db.deal.findFirst({
    where: { accountDomain: domain, stage: { notIn: ["CLOSED_WON", "CLOSED_LOST"] }, pairing: withMember(partnerOrgId) },
    orderBy: [{ stage: "desc" }, { ref: "asc" }],
    select: { id: true, ref: true, pairing: { select: { channelId: true } } },
  });
  const author =
    (deal && (await db.touchpoint.findFirst({ where: { dealId: deal.id, orgId: partnerOrgId }, orderBy: { occurredAt: "desc" }, select: { userId: true } }))) ??
    (await db.touchpoint.findFirst({ where: { orgId: partnerOrgId }, orderBy: { occurredAt: "desc" }, select: { userId: true } }));
  return { deal, author };
}

function introAskText(account: { name: string; domain: string }, theirs: "CUSTOMER" | "PROSPECT"): string {
  return truncate(
    theirs === "CUSTOMER"
      ? `Warm intro to ${account.name} (${account.domain}), your customer: who is the right contact there, and could you introduce us?`
      : `${account.name} (${account.domain}) is in both our pipelines: who is working it on your side, and shall we plan it together?`,
    500,
  );
}

/**
 * "Request intro" on a target: we ask the partner for a warm introduction to their customer.
 * - An open deal with this partner on the account, and a person of the partner who logged a
 *   touchpoint (on that deal, else on any deal): an ask on that deal to that person (their SLA,
 *   the overdue sweep, the Done button — the asks use case).
 * - Otherwise: a request posted in the pairing channel, naming that person when there is one.
 * One transaction with the IntroRequest the QBR counts. The same person asking again for the
 * same account on the same day changes nothing.
 */
export async function requestIntro(
  prisma: PrismaClient,
  input: { partnerOrgId: string; domain: string; requestedBy: string; requesterOrgId?: string | null; timezone: string; now: Date },
): Promise<IntroResult> {
  const account = await findMapAccount(prisma, input);
  if (!account) throw new UserError(`${input.domain} is no longer on the partner's lists; nothing was asked.`);
  const day = localDate(input.now, input.timezone);
  const key = `map-intro:${input.partnerOrgId}:${input.domain}:${input.requestedBy}:${day}`;
  const { deal, author } = await introTarget(prisma, input.partnerOrgId, input.domain);
  const base = {
    partnerOrgId: input.partnerOrgId,
    domain: account.domain,
    accountName: account.name,
    requestedBy: input.requestedBy,
    requesterOrgId: input.requesterOrgId ?? null,
    source: "map",
    key,
    createdAt: input.now,
  };
  if (deal && author) {
    const askInput = {
      dealId: deal.id,
      fromUserId: input.requestedBy,
      ownerUserId: author.userId,
      ownerOrgId: input.partnerOrgId,
      text: introAskText(account, account.theirStatus),
      key,
      now: input.now,
    };
    let ask: Awaited<ReturnType<typeof createAsk>>;
    try {
      ask = await prisma.$transaction(async (tx) => {
        const made = await insertAsk(tx, askInput);
        await tx.introRequest.createMany({ data: [{ ...base, askId: made.askId }], skipDuplicates: true });
        return made;
      });
    } catch (err) {
      // Asked already (the same day, or a double click): answer with that ask.
      if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")) throw err;
      ask = await createAsk(prisma, askInput);
    }
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
  const created = await prisma.$transaction(async (tx) => {
    const fresh = await tx.introRequest.createMany({ data: [base], skipDuplicates: true });
    if (fresh.count === 0) return false;
    return enqueue(tx, { method: "intro.requested", payload: intro, dedupeKey: key }, input.now);
  });
  return { kind: "channel", channelId, mentioned: author?.userId ?? null, created };
}

export type PickResult =
  | { ok: true; created: boolean; asked: { domain: string; ref: number; ownerUserId: string }[]; posted: string[]; channelId: string }
  | { ok: false; error: string };

/**
 * *Pick 5 to pursue* on a new-overlap alert: the picked accounts (at most PICKS_PER_ALERT, each
 * one of the alert's choices) become intro requests, in one transaction.
 * - Our person picking: an ask to the partner's person where there is an open deal and someone
 *   to ask (as Request intro), the rest in one post in the alert's pairing channel.
 * - A partner's person picking (the program shares details): one post asking us.
 * The post names the accounts only when the channel holds no other partner. The same person
 * submitting the same picks again changes nothing.
 */
export async function pickOverlapsToPursue(
  prisma: PrismaClient,
  input: { alertId: string; domains: readonly string[]; pickedBy: string; pickerOrgId: string | null; pickerIsPartner: boolean; now: Date },
): Promise<PickResult> {
  const loaded = await overlapAlertChoices(prisma, input.alertId);
  if (!loaded) return { ok: false, error: "That alert is no longer there; open the account map instead." };
  const { alert, choices } = loaded;
  const domains = [...new Set(input.domains)];
  if (domains.length === 0) return { ok: false, error: "Pick at least one account." };
  if (domains.length > PICKS_PER_ALERT)
    return { ok: false, error: `Pick at most ${PICKS_PER_ALERT} accounts: the reference's first motion is a handful, pursued well.` };
  const byDomain = new Map(choices.map((c) => [c.domain, c]));
  const gone = domains.filter((d) => !byDomain.has(d));
  if (gone.length > 0) return { ok: false, error: `${gone.join(", ")} ${gone.length === 1 ? "is" : "are"} no longer on both lists; pick again.` };
  const picks = domains.map((d) => byDomain.get(d)!);
  const targets = input.pickerIsPartner ? [] : await Promise.all(picks.map((p) => introTarget(prisma, alert.partner.id, p.domain)));
  const keyOf = (domain: string) => `pursue:${input.alertId}:${input.pickedBy}:${domain}`;
  const already = await prisma.introRequest.findMany({ where: { key: { in: picks.map((p) => keyOf(p.domain)) } }, select: { key: true } });
  const done = new Set(already.map((a) => a.key));

  try {
    return await savePicks(prisma, { input, alert, picks, targets, done, keyOf });
  } catch (err) {
    // A second submission at the same time lost the race on the keys: the first one recorded them.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")
      return { ok: true, created: false, asked: [], posted: [], channelId: alert.channelId };
    throw err;
  }
}

async function savePicks(
  prisma: PrismaClient,
  ctx: {
    input: { alertId: string; pickedBy: string; pickerOrgId: string | null; pickerIsPartner: boolean; now: Date };
    alert: OverlapAlertView;
    picks: RankedTarget[];
    targets: Awaited<ReturnType<typeof introTarget>>[];
    done: ReadonlySet<string>;
    keyOf: (domain: string) => string;
  },
): Promise<PickResult> {
  const { input, alert, picks, targets, done, keyOf } = ctx;
  return prisma.$transaction(async (tx) => {
    const asked: { domain: string; ref: number; ownerUserId: string }[] = [];
    const accounts: { name: string; domain: string; dealRef: number | null; askedUserId: string | null }[] = [];
    for (const [i, pick] of picks.entries()) {
      const key = keyOf(pick.domain);
      if (done.has(key)) continue;
      const t = targets[i];
      let askId: string | null = null;
      if (t?.deal && t.author) {
        const ask = await insertAsk(tx, {
          dealId: t.deal.id,
          fromUserId: input.pickedBy,
          ownerUserId: t.author.userId,
          ownerOrgId: alert.partner.id,
          text: introAskText(pick, pick.kind === "CUSTOMER_OVERLAP" || pick.kind === "PROSPECT_OVERLAP" ? "CUSTOMER" : "PROSPECT"),
          key,
          now: input.now,
        });
        askId = ask.askId;
        asked.push({ domain: pick.domain, ref: ask.ref, ownerUserId: t.author.userId });
      }
      accounts.push({
        name: pick.name,
        domain: pick.domain,
        dealRef: t?.deal?.ref ?? pick.openDeal?.ref ?? null,
        askedUserId: askId ? t!.author!.userId : null,
      });
      await tx.introRequest.create({
        data: {
          partnerOrgId: alert.partner.id,
          domain: pick.domain,
          accountName: pick.name,
          requestedBy: input.pickedBy,
          requesterOrgId: input.pickerOrgId,
          source: "overlap-alert",
          askId,
          key,
          createdAt: input.now,
        },
      });
    }
    if (accounts.length === 0) return { ok: true as const, created: false, asked, posted: [], channelId: alert.channelId };
    await enqueue(
      tx,
      {
        method: "intros.picked",
        payload: {
          channel: alert.channelId,
          pickedBy: input.pickedBy,
          partnerPicker: input.pickerIsPartner ? alert.partner.name : null,
          partnerName: alert.partner.name,
          names: !alert.sharedChannel,
          accounts,
        },
        dedupeKey: `pursue:${input.alertId}:${input.pickedBy}:${accounts.map((a) => a.domain).join(",")}`.slice(0, 500),
      },
      input.now,
    );
    return { ok: true as const, created: true, asked, posted: accounts.map((a) => a.domain), channelId: alert.channelId };
  });
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
