import { toJsonColumn } from "../../platform/db/json";
import type { Tx } from "../../platform/db/client";
import { computeAttribution, validateAttributionConfig, type AttributionInput, type AttributionResult, type Role, type TouchpointType } from "./engine";
import { readAttributionResult } from "./result-schema";
import { NotFound } from "../../platform/errors";
import { programRepo } from "../../platform/repos/program-repo";
import { draftsOf, earlierLines, planSupersede, upliftsAt, writePayoutLines } from "../incentives/payout-lines";

// Attribution records are immutable: computing again (an admin's explicit, logged action)
// adds a record with the next seq; nothing is ever updated.

/** The inputs as of now: current roles and touchpoints, the amount, the registration's config version, the incentive facts. */
async function attributionInputs(
  db: Tx,
  dealId: string,
  now: Date,
): Promise<{ input: AttributionInput; configVersion: number; registrationStatus: string; wonAt: Date }> {
  const deal = await db.deal.findUniqueOrThrow({
    where: { id: dealId },
    include: { participants: { include: { org: { select: { name: true, kind: true } } } } },
  });
  const counts = await db.touchpoint.groupBy({ by: ["orgId", "type"], where: { dealId }, _count: { _all: true } });
  const config = await configVersion(db, deal.configVersion);
  const partnerIds = deal.participants.filter((p) => p.org.kind !== "INTERNAL").map((p) => p.orgId);
  const wonAt = deal.closedAt ?? now;
  const uplifts = await upliftsAt(db, { orgIds: partnerIds, now: wonAt, timezone: await programRepo(db).timezone("UTC"), incentives: config.incentives });
  return {
    wonAt,
    // The config in force at registration protects every partner on the deal.
    configVersion: deal.configVersion,
    // Kept with the record: a deal won while its registration was not approved pays differently (incentives).
    registrationStatus: deal.registrationStatus,
    input: {
      amountMinor: Number(deal.amountMinor),
      currency: deal.currency,
      coSellModel: deal.coSellModel,
      explicitModel: deal.explicitModel,
      participants: deal.participants.map((p) => ({ orgId: p.orgId, orgName: p.org.name, internal: p.org.kind === "INTERNAL", roles: p.roles as Role[] })),
      touchpoints: counts.map((c) => ({ orgId: c.orgId, type: c.type as TouchpointType, count: c._count._all })),
      incentive: { timingTier: deal.timingTier, timingReason: deal.timingReason, registrationStatus: deal.registrationStatus, uplifts },
    },
  };
}

export async function configVersion(db: Tx, version: number) {
  const row = await db.attributionConfigVersion.findUniqueOrThrow({ where: { version } });
  const parsed = validateAttributionConfig(row.config);
  if (!parsed.ok) throw new Error(`attribution config v${version} is invalid: ${parsed.errors.map((e) => e.message).join("; ")}`);
  return { ...parsed.config, version };
}

/** Computes from the current inputs without storing (the `--preview` before close). */
export async function previewAttribution(db: Tx, dealId: string, now: Date = new Date()): Promise<AttributionResult> {
  const { input, configVersion: v } = await attributionInputs(db, dealId, now);
  return computeAttribution(input, await configVersion(db, v));
}

/**
 * Computes and stores a new immutable record and its payout lines (PENDING); the lines of an
 * earlier record that were not paid yet are voided, and the record's steps say so.
 */
export async function recordAttribution(tx: Tx, dealId: string, by: { computedBy: string; reason: string; now: Date }) {
  const { input, configVersion: v, registrationStatus, wonAt } = await attributionInputs(tx, dealId, by.now);
  const computed = computeAttribution(input, await configVersion(tx, v));
  const last = await tx.attributionRecord.findFirst({ where: { dealId }, orderBy: { seq: "desc" }, select: { seq: true } });
  const seq = (last?.seq ?? 0) + 1;
  const names = new Map(input.participants.map((p) => [p.orgId, p.orgName]));
  const plan = planSupersede(await earlierLines(tx, dealId), draftsOf(computed), computed.currency, (id) => names.get(id) ?? id);
  const result = { ...computed, steps: [...computed.steps, ...plan.steps] };
  const record = await tx.attributionRecord.create({
    data: {
      dealId,
      seq,
      model: result.model,
      modelReason: result.modelReason,
      configVersion: result.configVersion,
      inputs: toJsonColumn({ ...input, registrationStatus }),
      result: toJsonColumn(result),
      computedAt: by.now,
      computedBy: by.computedBy,
      reason: by.reason,
    },
  });
  await writePayoutLines(tx, { recordId: record.id, seq, dealId, result, now: by.now, wonAt, plan });
  return record;
}

/** The id of the deal's latest attribution record, or null before its first. */
export async function latestRecordId(db: Tx, dealId: string): Promise<string | null> {
  const latest = await db.attributionRecord.findFirst({ where: { dealId }, orderBy: { seq: "desc" }, select: { id: true } });
  return latest?.id ?? null;
}

/** A stored record as the receipt and "See my numbers" render it. */
export async function loadReceipt(db: Tx, recordId: string) {
  const r = await db.attributionRecord.findUnique({
    where: { id: recordId },
    include: { deal: { select: { id: true, ref: true, title: true, pairingId: true } } },
  });
  if (!r) throw new NotFound("That attribution record no longer exists.");
  // The deal's payout lines (every record's: a line paid under an earlier record still counts).
  const lines = await db.payoutLine.findMany({
    where: { dealId: r.deal.id },
    orderBy: [{ earnedAt: "asc" }, { createdAt: "asc" }],
    select: {
      orgId: true,
      kind: true,
      label: true,
      amountMinor: true,
      currency: true,
      status: true,
      reference: true,
      voidReason: true,
      org: { select: { name: true } },
    },
  });
  return {
    lines: lines.map((l) => ({
      orgId: l.orgId,
      orgName: l.org.name,
      kind: l.kind,
      label: l.label,
      amountMinor: Number(l.amountMinor),
      currency: l.currency,
      status: l.status,
      reference: l.reference,
      voidReason: l.voidReason,
    })),
    recordId: r.id,
    seq: r.seq,
    dealId: r.deal.id,
    dealRef: r.deal.ref,
    dealTitle: r.deal.title,
    pairingId: r.deal.pairingId,
    configVersion: r.configVersion,
    reason: r.reason,
    result: readAttributionResult(r.result),
  };
}
