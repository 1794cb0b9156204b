import type { PrismaClient } from "../../generated/prisma/client";
import type { Tx } from "../../platform/db/client";
import { formatDealRef } from "../../kernel/registration";
import { checkTransition, isClosed, type Stage } from "../../kernel/stages";
import { UserError } from "../../platform/errors";
import { stageAllowedForStatus } from "../../kernel/registration-lifecycle";
import { recordAttribution } from "../attribution/records";
import { voidUnpaidLines } from "../incentives/payout-lines";
import { loadDealView } from "../deals/deal-view";
import { enqueue } from "../../platform/outbox/enqueue";
import { enqueueCrmWriteBack } from "../crm/write-back";

export interface ChangeStageInput {
  dealId: string;
  to: Stage;
  by: string;
  isAdmin: boolean;
  /** the person saw the role-clarity gaps and chose to move on */
  confirmedGaps: boolean;
  now: Date;
  /** where the change came from when not Slack: the alert says "from HubSpot" */
  source?: "hubspot";
}

export type ChangeStageResult =
  | { ok: true; from: Stage; to: Stage; ref: number; attributionRecordId: string | null; gapOverride: string[] }
  | { ok: false; reason: string; gaps: string[]; needsConfirmation: boolean };

/**
 * Moves a deal in one transaction: the stage (only if nobody moved it meanwhile), the history
 * row with any role-clarity override, the card refresh and the stage-change alert (outbox),
 * and at CLOSED_WON the attribution record and its receipt in the deal's thread.
 */
export async function changeStage(prisma: PrismaClient, input: ChangeStageInput): Promise<ChangeStageResult> {
  return prisma.$transaction((tx) => changeStageIn(tx, input));
}

/** changeStage inside the caller's transaction (a CRM change applies its other fields in the same one). */
export async function changeStageIn(tx: Tx, input: ChangeStageInput): Promise<ChangeStageResult> {
  const deal = await loadDealView(tx, { id: input.dealId }, input.now);
  const check = checkTransition(deal.stage, input.to, {
    isAdmin: input.isAdmin,
    roleGaps: deal.clarity.gaps,
    confirmedGaps: input.confirmedGaps,
    dealRef: formatDealRef(deal.ref),
  });
  const lifecycle = stageAllowedForStatus(deal.registration.status, input.to, input.isAdmin);
  if (!lifecycle.ok) return { ok: false, reason: `${formatDealRef(deal.ref)}: ${lifecycle.reason}`, gaps: [], needsConfirmation: false };
  if (!check.ok) {
    const needsConfirmation =
      deal.clarity.gaps.length > 0 && checkTransition(deal.stage, input.to, { isAdmin: input.isAdmin, roleGaps: deal.clarity.gaps, confirmedGaps: true }).ok;
    return { ok: false, reason: check.reason, gaps: deal.clarity.gaps, needsConfirmation };
  }
  const reopen = check.kind === "reopen";
  const moved = await tx.deal.updateMany({
    where: { id: deal.id, stage: deal.stage },
    data: { stage: input.to, closedAt: isClosed(input.to) ? input.now : null },
  });
  if (moved.count === 0) throw new UserError(`${formatDealRef(deal.ref)} was just moved by someone else; look at the card and try again.`);
  const gapOverride = check.needsGapOverride ? deal.clarity.gaps : [];
  await tx.stageChange.create({
    data: { dealId: deal.id, fromStage: deal.stage, toStage: input.to, changedBy: input.by, changedAt: input.now, gapOverride, reopen },
  });
  if (reopen) {
    // A deal that is no longer won pays nothing until it is won again (a new record then).
    const voided = deal.stage === "CLOSED_WON" ? await voidUnpaidLines(tx, deal.id, "deal reopened", input.now) : 0;
    await tx.auditEvent.create({
      data: {
        actor: input.by,
        action: "deal.reopen",
        subject: deal.id,
        detail: { from: deal.stage, to: input.to, ...(voided ? { voidedPayoutLines: voided } : {}) },
        createdAt: input.now,
      },
    });
  }

  await enqueue(tx, { method: "deal.card", payload: { dealId: deal.id } }, input.now);
  await enqueue(
    tx,
    {
      method: "stage.changed",
      payload: { dealId: deal.id, from: deal.stage, to: input.to, by: input.by, reopen, gapOverride, ...(input.source ? { source: input.source } : {}) },
    },
    input.now,
  );

  let attributionRecordId: string | null = null;
  if (input.to === "CLOSED_WON") {
    const record = await recordAttribution(tx, deal.id, { computedBy: input.by, reason: "closed won", now: input.now });
    attributionRecordId = record.id;
    await enqueue(
      tx,
      { method: "attribution.receipt", payload: { recordId: record.id, threadOfDealId: deal.id }, dedupeKey: `receipt:${record.id}` },
      input.now,
    );
    // The linked CRM record gets the attribution as a note (nothing when the deal is not linked).
    await enqueueCrmWriteBack(tx, deal.id, record.id, input.now);
  }
  return { ok: true, from: deal.stage, to: input.to, ref: deal.ref, attributionRecordId, gapOverride };
}
