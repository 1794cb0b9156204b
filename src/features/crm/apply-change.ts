import type { Stage } from "../../kernel/stages";
import { isClosed, stageLabel } from "../../kernel/stages";
import { parseAmount } from "../../kernel/money";
import { formatDealRef } from "../../kernel/registration";
import type { Db, Tx } from "../../platform/db/client";
import { enqueue } from "../../platform/outbox/enqueue";
import { changeStageIn } from "../stages/change-stage";
import type { StageMapEntry } from "./stage-map";

// A change made in the CRM, applied like one made in Slack: the stage through the same
// stage-change use case as `/cosell stage` (card in place, alert "from HubSpot", attribution
// once at won), amount and close date onto the deal and its card. One transaction, holding the
// link's row so two events of one record apply one after the other.
//
// Rules (a partner manager's):
// - Never undo a newer state: each field keeps the CRM's time of its last applied value; an
//   event older than it is "stale" and changes nothing.
// - A role-clarity gap does not block a CRM move (the CRM is where the rep works): the move is
//   recorded as an override and told in the card's thread so the quarterback sees it.
// - A closed deal is not reopened or flipped from the CRM, and its amount stays what its
//   attribution was computed on: those need an admin in Slack. Recorded as "refused".
// - A stage id with no mapping is reported to the admins, never guessed.

export const HUBSPOT_ACTOR = "crm:hubspot";

export interface CrmDealChange {
  objectId: string;
  /** raw CRM values; a field absent is not part of the change */
  stageId?: string | null;
  amount?: string | null;
  closeDate?: string | null;
  /** the CRM's time of the change (event occurredAt, or the record's hs_lastmodifieddate) */
  modifiedAt: Date;
  /** the CRM user who made it, where known (kept in the audit, never shown in a shared channel) */
  crmUser?: string | null;
}

export type CrmApplyOutcome =
  | { outcome: "applied"; dealId: string; ref: number; moved: { from: Stage; to: Stage } | null; fields: string[]; detail?: string }
  | { outcome: "unchanged" | "stale"; dealId: string; ref: number; detail?: string }
  | { outcome: "unlinked"; detail: string }
  | { outcome: "unmapped"; dealId: string; ref: number; stageId: string; fields: string[]; detail: string }
  | { outcome: "refused"; dealId: string; ref: number; fields: string[]; detail: string };

export interface ApplyContext {
  now: Date;
  stageMap: ReadonlyMap<string, StageMapEntry>;
  /** program admins: told of unmapped stages */
  admins: readonly string[];
}

interface LinkRow {
  id: string;
  dealId: string;
  stageAt: Date | null;
  amountAt: Date | null;
  closeDateAt: Date | null;
}

export async function applyCrmDealChange(db: Db, change: CrmDealChange, ctx: ApplyContext): Promise<CrmApplyOutcome> {
  return db.$transaction((tx) => applyCrmDealChangeIn(tx, change, ctx));
}

/** applyCrmDealChange inside the caller's transaction (the inbox marks its event in the same one). */
export async function applyCrmDealChangeIn(tx: Tx, change: CrmDealChange, ctx: ApplyContext): Promise<CrmApplyOutcome> {
  const [link] = await tx.$queryRaw<LinkRow[]>`
    SELECT id, "dealId", "stageAt", "amountAt", "closeDateAt" FROM "CrmLink"
     WHERE provider = 'HUBSPOT' AND "objectId" = ${change.objectId} AND "unlinkedAt" IS NULL
       FOR UPDATE`;
  if (!link) return { outcome: "unlinked", detail: `HubSpot deal ${change.objectId} is not linked to a cosell deal` };
  const deal = await tx.deal.findUniqueOrThrow({
    where: { id: link.dealId },
    select: { id: true, ref: true, stage: true, amountMinor: true, currency: true, expectedCloseDate: true },
  });
  const ref = formatDealRef(deal.ref);
  const at = change.modifiedAt;
  const fresh = (stamp: Date | null) => stamp === null || at.getTime() >= stamp.getTime();
  const fields: string[] = [];
  const notes: string[] = [];
  let stale = 0;
  let refused: string | null = null;
  const stamps: { stageAt?: Date; amountAt?: Date; closeDateAt?: Date } = {};
  const data: { amountMinor?: bigint; expectedCloseDate?: Date } = {};

  if (change.amount !== undefined) {
    if (!fresh(link.amountAt)) stale++;
    else if (change.amount !== null && change.amount.trim() !== "") {
      const parsed = parseAmount(change.amount, deal.currency);
      if (!parsed.ok) notes.push(`amount "${change.amount.slice(0, 40)}" not understood: ${parsed.reason}`);
      else if (BigInt(parsed.minor) !== deal.amountMinor) {
        if (isClosed(deal.stage))
          refused = `${ref} is ${stageLabel(deal.stage)}: its amount stays what its attribution was computed on (an admin recomputes in Slack)`;
        else {
          data.amountMinor = BigInt(parsed.minor);
          fields.push("amount");
        }
      }
      stamps.amountAt = at;
    }
  }
  if (change.closeDate !== undefined) {
    if (!fresh(link.closeDateAt)) stale++;
    else {
      const date = crmDate(change.closeDate);
      if (date && date.getTime() !== deal.expectedCloseDate.getTime() && !isClosed(deal.stage)) {
        data.expectedCloseDate = date;
        fields.push("close date");
      }
      if (date) stamps.closeDateAt = at;
    }
  }
  if (fields.length > 0) {
    await tx.deal.update({ where: { id: deal.id }, data: { ...data, lastActivityAt: ctx.now } });
    await tx.auditEvent.create({
      data: {
        actor: HUBSPOT_ACTOR,
        action: "deal.crmUpdate",
        subject: deal.id,
        detail: {
          objectId: change.objectId,
          fields,
          ...(data.amountMinor !== undefined ? { amountMinor: { from: Number(deal.amountMinor), to: Number(data.amountMinor) } } : {}),
          ...(data.expectedCloseDate ? { expectedCloseDate: { from: isoDate(deal.expectedCloseDate), to: isoDate(data.expectedCloseDate) } } : {}),
          ...(change.crmUser ? { crmUser: change.crmUser } : {}),
        },
        createdAt: ctx.now,
      },
    });
  }

  // The stage last: won computes the attribution on the amount just applied.
  let moved: { from: Stage; to: Stage } | null = null;
  let unmapped: string | null = null;
  if (change.stageId !== undefined && change.stageId !== null && change.stageId !== "") {
    if (!fresh(link.stageAt)) stale++;
    else {
      const entry = ctx.stageMap.get(change.stageId);
      if (!entry) {
        unmapped = change.stageId;
        // Reported once per stage id: `/cosell crm` lists it until it is mapped; each admin gets one DM.
        const first = await tx.auditEvent.findFirst({ where: { action: "crm.unmappedStage", subject: `hubspot:${change.stageId}` }, select: { id: true } });
        if (!first) {
          await tx.auditEvent.create({
            data: {
              actor: HUBSPOT_ACTOR,
              action: "crm.unmappedStage",
              subject: `hubspot:${change.stageId}`,
              detail: { objectId: change.objectId, dealId: deal.id },
              createdAt: ctx.now,
            },
          });
        }
        for (const admin of new Set(ctx.admins)) {
          await enqueue(
            tx,
            {
              method: "crm.adminNotice",
              payload: { admin, provider: "hubspot", event: "unmapped-stage", objectId: change.objectId, dealId: deal.id, stageId: change.stageId },
              dedupeKey: `crm-unmapped:hubspot:${change.stageId}:${admin}`,
            },
            ctx.now,
          );
        }
      } else if (entry.stage !== deal.stage) {
        const r = await changeStageIn(tx, {
          dealId: deal.id,
          to: entry.stage,
          by: HUBSPOT_ACTOR,
          isAdmin: false,
          confirmedGaps: true,
          now: ctx.now,
          source: "hubspot",
        });
        if (r.ok) {
          moved = { from: r.from, to: r.to };
          fields.push("stage");
          stamps.stageAt = at;
          if (r.gapOverride.length > 0) {
            // Once per deal and set of gaps: each later CRM move with the same gaps is in the history, not the thread again.
            await enqueue(
              tx,
              {
                method: "crm.gapOverride",
                payload: { dealId: deal.id, to: r.to, gaps: r.gapOverride },
                dedupeKey: `crm-gaps:${deal.id}:${[...r.gapOverride].sort().join("|")}`,
              },
              ctx.now,
            );
          }
          if (change.crmUser) {
            await tx.auditEvent.create({
              data: {
                actor: HUBSPOT_ACTOR,
                action: "deal.crmStage",
                subject: deal.id,
                detail: { objectId: change.objectId, crmUser: change.crmUser, to: r.to },
                createdAt: ctx.now,
              },
            });
          }
        } else refused = r.reason.startsWith(ref) ? r.reason : `${ref}: ${r.reason}`;
      } else stamps.stageAt = at;
    }
  }
  if (Object.keys(stamps).length > 0) await tx.crmLink.update({ where: { id: link.id }, data: stamps });
  if (fields.length > 0 && !moved) await enqueue(tx, { method: "deal.card", payload: { dealId: deal.id } }, ctx.now);

  const detail = [...notes, ...(fields.length > 0 ? [`applied: ${fields.join(", ")}`] : [])].join("; ") || undefined;
  if (refused) return { outcome: "refused", dealId: deal.id, ref: deal.ref, fields, detail: [refused, ...(detail ? [detail] : [])].join("; ") };
  if (unmapped !== null)
    return {
      outcome: "unmapped",
      dealId: deal.id,
      ref: deal.ref,
      stageId: unmapped,
      fields,
      detail: `HubSpot stage "${unmapped}" is not mapped to a cosell stage`,
    };
  if (fields.length > 0) return { outcome: "applied", dealId: deal.id, ref: deal.ref, moved, fields, ...(detail ? { detail } : {}) };
  if (stale > 0) return { outcome: "stale", dealId: deal.id, ref: deal.ref, detail: "older than the values already applied" };
  return { outcome: "unchanged", dealId: deal.id, ref: deal.ref, ...(detail ? { detail } : {}) };
}

/** A CRM date: epoch milliseconds (webhook values) or an ISO date/time (API values), as a UTC calendar date. */
export function crmDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const t = value.trim();
  const d = /^\d{10,}$/.test(t) ? new Date(Number(t)) : new Date(t);
  if (Number.isNaN(d.getTime())) return null;
  return new Date(`${d.toISOString().slice(0, 10)}T00:00:00Z`);
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
