import { formatDealRef } from "../../kernel/registration";
import { UserError } from "../../platform/errors";
import { formatPayout, neutralizeFormula, parseCsv, toCsv } from "../attribution/export-rules";

// Pure rules of payouts: totals, the payouts CSV and finance's file read back.

export type PayoutStatus = "PENDING" | "APPROVED" | "PAID" | "VOID";

export interface PayoutLineView {
  id: string;
  orgId: string;
  orgName: string;
  dealRef: number | null;
  accountName: string | null;
  kind: "COMMISSION" | "UPLIFT" | "BONUS";
  label: string;
  amountMinor: number;
  currency: string;
  coSell: boolean;
  status: PayoutStatus;
  earnedAt: Date;
  wonAt: Date | null;
  approvedAt: Date | null;
  approvedBy: string | null;
  paidAt: Date | null;
  reference: string | null;
  voidReason: string | null;
}

/** A line button's value: the line and the period the message shows (to re-render it). */
export const lineTarget = (lineId: string, period: string) => `line:${lineId}:${period}`;

/** A payouts button's value back: `line:<id>:<period>` (one line) or `period:<period>` / a bare period (all). */
export function readPayoutTarget(value: string): { period: string; lineId: string | null } {
  const [kind = "", a = "", b = ""] = value.split(":");
  if (kind === "line") return { lineId: a, period: b };
  return { lineId: null, period: kind === "period" ? a : value };
}

export interface StatusTotal {
  status: PayoutStatus;
  count: number;
  /** per currency, minor units */
  amounts: { currency: string; amountMinor: number }[];
}

/** Totals by status (pure). */
export function totalsByStatus(lines: readonly PayoutLineView[]): StatusTotal[] {
  const order: PayoutStatus[] = ["PENDING", "APPROVED", "PAID", "VOID"];
  return order
    .map((status) => {
      const of = lines.filter((l) => l.status === status);
      const byCurrency = new Map<string, number>();
      for (const l of of) byCurrency.set(l.currency, (byCurrency.get(l.currency) ?? 0) + l.amountMinor);
      return { status, count: of.length, amounts: [...byCurrency].map(([currency, amountMinor]) => ({ currency, amountMinor })) };
    })
    .filter((t) => t.count > 0);
}

// ---------------------------------------------------------------------------
// The payouts CSV: what finance pays from, and (with the reference filled in) what it sends back

export const PAYOUT_CSV_HEADER = [
  "line_id",
  "organization",
  "deal",
  "account",
  "kind",
  "label",
  "amount",
  "currency",
  "co_sell",
  "status",
  "earned_at",
  "won_at",
  "approved_at",
  "paid_at",
  "reference",
] as const;

const iso = (d: Date | null) => (d ? d.toISOString() : "");

export function buildPayoutsCsv(lines: readonly PayoutLineView[]): string {
  return toCsv([
    [...PAYOUT_CSV_HEADER],
    ...lines.map((l) => [
      l.id,
      neutralizeFormula(l.orgName),
      l.dealRef === null ? "" : formatDealRef(l.dealRef),
      neutralizeFormula(l.accountName ?? ""),
      l.kind.toLowerCase(),
      neutralizeFormula(l.label),
      formatPayout(l.amountMinor, l.currency),
      l.currency,
      l.coSell ? "yes" : "no",
      l.status.toLowerCase(),
      iso(l.earnedAt),
      iso(l.wonAt),
      iso(l.approvedAt),
      iso(l.paidAt),
      neutralizeFormula(l.reference ?? ""),
    ]),
  ]);
}

/**
 * Reads finance's file: the payouts CSV with the `reference` column filled in for the lines
 * paid (other columns are ignored; rows with no reference are not paid yet and skipped).
 */
export interface PaidEntry {
  lineId: string;
  reference: string;
}

export function readPaidFile(text: string): { entries: PaidEntry[]; skipped: number } {
  const rows = parseCsv(text.replace(/^\uFEFF/, ""));
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const idCol = header.indexOf("line_id");
  const refCol = header.indexOf("reference");
  if (idCol < 0 || refCol < 0)
    throw new UserError("The file needs a header row with `line_id` and `reference` columns (the payouts CSV, with references filled in).");
  const entries: PaidEntry[] = [];
  let skipped = 0;
  for (const row of rows.slice(1)) {
    const lineId = (row[idCol] ?? "").trim();
    // A reference the export neutralized for spreadsheets keeps its leading apostrophe off.
    const reference = (row[refCol] ?? "").trim().replace(/^'(?=[=+\-@])/, "");
    if (lineId === "" && reference === "") continue;
    if (reference === "") {
      skipped++;
      continue;
    }
    entries.push({ lineId, reference });
  }
  return { entries, skipped };
}
