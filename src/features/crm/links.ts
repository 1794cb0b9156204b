import { formatDealRef } from "../../kernel/registration";
import type { Db, Tx } from "../../platform/db/client";
import type { HubSpotApi, HubSpotDeal } from "../../platform/crm/hubspot";
import { UserError } from "../../platform/errors";
import { enqueue } from "../../platform/outbox/enqueue";
import { parseHubSpotRecordRef } from "./record-ref";

// Linking a cosell deal to its HubSpot deal (`/cosell link CS-12 <url|id>`) and unlinking it
// (`/cosell unlink CS-12`). The caller has authorized the person (our people only: a CRM id is
// internal). One live link per deal and per HubSpot deal; unlinking keeps the row and says who.

export interface LinkInput {
  dealId: string;
  record: string;
  by: string;
  now: Date;
  /** HUBSPOT_PORTAL_ID, when set: a URL of another portal is refused */
  portalId: string | undefined;
}

export interface LinkResult {
  ref: number;
  objectId: string;
  /** what HubSpot holds now (its next change applies; linking changes nothing by itself) */
  record: HubSpotDeal;
  /** the record this deal was linked to before, now unlinked */
  replaced: string | null;
  /** already linked to this very record: nothing changed */
  already: boolean;
}

export async function linkCrmRecord(db: Db, hubspot: HubSpotApi | undefined, input: LinkInput): Promise<LinkResult> {
  try {
    return await linkOnce(db, hubspot, input);
  } catch (err) {
    // Two links of one record at the same moment: the partial unique index refused the second.
    if ((err as { code?: string }).code === "P2002")
      throw new UserError("That HubSpot deal was just linked to a deal by someone else; run `/cosell show` to see which.");
    throw err;
  }
}

async function linkOnce(db: Db, hubspot: HubSpotApi | undefined, input: LinkInput): Promise<LinkResult> {
  if (!hubspot) throw new UserError('HubSpot is not connected: an admin sets HUBSPOT_ACCESS_TOKEN and HUBSPOT_CLIENT_SECRET (README, "Connect HubSpot").');
  const ref = parseHubSpotRecordRef(input.record);
  if (!ref.ok) throw new UserError(ref.reason);
  if (ref.portalId && input.portalId && ref.portalId !== input.portalId) {
    throw new UserError(`That link is to HubSpot account ${ref.portalId}; cosell is connected to account ${input.portalId}.`);
  }
  // Read before the transaction (a network call): the record must exist.
  const record = await hubspot.getDeal(ref.objectId);
  if (!record) throw new UserError(`HubSpot has no deal ${ref.objectId} (or the private app may not read it: scope crm.objects.deals.read).`);
  return db.$transaction(async (tx) => {
    const deal = await tx.deal.findUniqueOrThrow({ where: { id: input.dealId }, select: { id: true, ref: true } });
    const taken = await tx.crmLink.findFirst({
      where: { provider: "HUBSPOT", objectId: ref.objectId, unlinkedAt: null },
      select: { dealId: true, deal: { select: { ref: true } } },
    });
    if (taken && taken.dealId === deal.id) return { ref: deal.ref, objectId: ref.objectId, record, replaced: null, already: true };
    if (taken)
      throw new UserError(
        `HubSpot deal ${ref.objectId} is already linked to ${formatDealRef(taken.deal.ref)}; unlink it there first (\`/cosell unlink ${formatDealRef(taken.deal.ref)}\`).`,
      );
    const current = await tx.crmLink.findFirst({ where: { dealId: deal.id, unlinkedAt: null }, select: { id: true, objectId: true } });
    if (current) await tx.crmLink.update({ where: { id: current.id }, data: { unlinkedAt: input.now, unlinkedBy: input.by } });
    await tx.crmLink.create({ data: { dealId: deal.id, provider: "HUBSPOT", objectId: ref.objectId, linkedBy: input.by, linkedAt: input.now } });
    await tx.auditEvent.create({
      data: {
        actor: input.by,
        action: "deal.crmLink",
        subject: deal.id,
        detail: { provider: "hubspot", objectId: ref.objectId, ...(current ? { replaced: current.objectId } : {}) },
        createdAt: input.now,
      },
    });
    await enqueue(tx, { method: "deal.card", payload: { dealId: deal.id } }, input.now);
    return { ref: deal.ref, objectId: ref.objectId, record, replaced: current?.objectId ?? null, already: false };
  });
}

export type UnlinkResult = { ref: number; objectId: string } | null;

/** Unlinks the deal's CRM record; null when it had none. `by` is a person, or crm:hubspot when HubSpot deleted the record. */
export async function unlinkCrmRecord(db: Db, input: UnlinkInput): Promise<UnlinkResult> {
  return db.$transaction((tx) => unlinkCrmRecordIn(tx, input));
}

interface UnlinkInput {
  dealId: string;
  by: string;
  now: Date;
  reason?: string;
}

/** unlinkCrmRecord inside the caller's transaction (a HubSpot deletion event is marked in the same one). */
export async function unlinkCrmRecordIn(tx: Tx, input: UnlinkInput): Promise<UnlinkResult> {
  const link = await tx.crmLink.findFirst({
    where: { dealId: input.dealId, unlinkedAt: null },
    select: { id: true, objectId: true, provider: true, deal: { select: { ref: true } } },
  });
  if (!link) return null;
  await tx.crmLink.update({ where: { id: link.id }, data: { unlinkedAt: input.now, unlinkedBy: input.by } });
  await tx.auditEvent.create({
    data: {
      actor: input.by,
      action: "deal.crmUnlink",
      subject: input.dealId,
      detail: { provider: link.provider.toLowerCase(), objectId: link.objectId, ...(input.reason ? { reason: input.reason } : {}) },
      createdAt: input.now,
    },
  });
  await enqueue(tx, { method: "deal.card", payload: { dealId: input.dealId } }, input.now);
  return { ref: link.deal.ref, objectId: link.objectId };
}
