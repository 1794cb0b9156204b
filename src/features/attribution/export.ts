import type { Tx } from "../../platform/db/client";
import { programRepo } from "../../platform/repos/program-repo";
import { readAttributionResult } from "./result-schema";
import { buildAttributionCsv, parsePeriod, rowsFromRecord, type ExportRow, type Period } from "./export-rules";
import { UserError } from "../../platform/errors";

// The finance export's query. Records are immutable, so an export of a past period gives the
// same file every time it is run, whatever was recomputed later.

export interface AttributionExport {
  period: Period;
  rows: ExportRow[];
  /** deals (= records) in the export */
  deals: number;
  csv: string;
}

/**
 * The period a person typed, in the program's timezone (the fallback when the program row is
 * missing); a typo is a UserError with the forms a period takes. Used by both exports and
 * `/cosell payouts`.
 */
export async function readPeriod(db: Tx, text: string, now: Date, fallbackTimezone = "UTC"): Promise<Period> {
  const parsed = parsePeriod(text, { timezone: await programRepo(db).timezone(fallbackTimezone), now });
  if (!parsed.ok) throw new UserError(parsed.reason);
  return parsed.period;
}

/**
 * For each deal, the LATEST attribution record among those computed in [period.start, period.end):
 * a deal closed in the period gives its record; a deal recomputed in the period gives the
 * recompute (seq 2, 3 …), even when it was first closed in an earlier period.
 */
async function latestRecordsInPeriod(db: Tx, period: Pick<Period, "start" | "end">) {
  const records = await db.attributionRecord.findMany({
    where: { computedAt: { gte: period.start, lt: period.end } },
    orderBy: [{ dealId: "asc" }, { seq: "desc" }],
    select: {
      dealId: true,
      seq: true,
      configVersion: true,
      computedAt: true,
      reason: true,
      result: true,
      deal: { select: { ref: true, accountName: true, accountDomain: true } },
    },
  });
  const latest = new Map<string, (typeof records)[number]>();
  for (const r of records) if (!latest.has(r.dealId)) latest.set(r.dealId, r);
  return [...latest.values()].sort((a, b) => a.computedAt.getTime() - b.computedAt.getTime() || a.deal.ref - b.deal.ref);
}

async function exportRowsForPeriod(db: Tx, period: Period): Promise<{ rows: ExportRow[]; deals: number }> {
  const records = await latestRecordsInPeriod(db, period);
  const rows = records.flatMap((r) =>
    rowsFromRecord({
      dealRef: r.deal.ref,
      accountName: r.deal.accountName,
      accountDomain: r.deal.accountDomain,
      seq: r.seq,
      configVersion: r.configVersion,
      computedAt: r.computedAt,
      reason: r.reason,
      result: readAttributionResult(r.result),
    }),
  );
  return { rows, deals: records.length };
}

/** Parses the period in the program's timezone and builds the CSV. A period nobody can read is a UserError. */
export async function buildAttributionExport(db: Tx, opts: { period: string; now: Date; fallbackTimezone?: string }): Promise<AttributionExport> {
  const period = await readPeriod(db, opts.period, opts.now, opts.fallbackTimezone);
  const { rows, deals } = await exportRowsForPeriod(db, period);
  return { period, rows, deals, csv: buildAttributionCsv(rows) };
}

/** Who exported which period (the attribution CSV or the payouts CSV): commission data leaving the system is audited. */
export async function auditExport(
  db: Tx,
  e: { actor: string; period: Period; rows: number; deals: number; via: "slack" | "cli"; now: Date; what?: "attribution" | "payouts" },
) {
  const what = e.what ?? "attribution";
  await db.auditEvent.create({
    data: {
      actor: e.actor,
      action: `${what}.export`,
      subject: `${what}-export:${e.period.label}`,
      detail: {
        period: e.period.label,
        timezone: e.period.timezone,
        start: e.period.start.toISOString(),
        end: e.period.end.toISOString(),
        rows: e.rows,
        deals: e.deals,
        via: e.via,
      },
      createdAt: e.now,
    },
  });
}
