import type { Actor } from "../../kernel/access";
import { decideAdminAction } from "../../kernel/access";
import type { Stage } from "../../kernel/stages";
import type { Db } from "../../platform/db/client";
import { AccessDenied, UserError } from "../../platform/errors";
import { HUBSPOT_DEFAULT_STAGE_MAP, loadHubSpotStageMap, type StageMapEntry } from "./stage-map";

// `/cosell crm`: how the CRM sync stands (internal), and the admin's stage mapping.

export interface CrmStatus {
  connected: boolean;
  portalId: string | undefined;
  links: number;
  mapping: StageMapEntry[];
  /** stage ids HubSpot used that map to nothing (reported once each; listed until mapped) */
  unmapped: string[];
  cursor: Date | null;
  /** webhook events of the last 24 hours by outcome */
  events24h: Record<string, number>;
  /** the latest events that were not applied, and why */
  problems: { objectId: string; outcome: string; detail: string | null; at: Date }[];
}

export async function loadCrmStatus(db: Db, input: { connected: boolean; portalId: string | undefined; now: Date }): Promise<CrmStatus> {
  const since = new Date(input.now.getTime() - 24 * 3600_000);
  const [links, map, unmappedSeen, cursor, byOutcome, problems] = await Promise.all([
    db.crmLink.count({ where: { provider: "HUBSPOT", unlinkedAt: null } }),
    loadHubSpotStageMap(db),
    db.auditEvent.findMany({
      where: { action: "crm.unmappedStage", subject: { startsWith: "hubspot:" } },
      select: { subject: true },
      orderBy: { createdAt: "asc" },
    }),
    db.crmSyncCursor.findUnique({ where: { provider: "HUBSPOT" } }),
    db.crmEvent.groupBy({ by: ["outcome"], where: { provider: "HUBSPOT", receivedAt: { gte: since } }, _count: { _all: true } }),
    db.crmEvent.findMany({
      where: { provider: "HUBSPOT", outcome: { in: ["refused", "unmapped"] }, receivedAt: { gte: since } },
      orderBy: { receivedAt: "desc" },
      take: 5,
      select: { objectId: true, outcome: true, detail: true, receivedAt: true },
    }),
  ]);
  return {
    connected: input.connected,
    portalId: input.portalId,
    links,
    mapping: [...map.values()],
    unmapped: unmappedSeen.map((u) => u.subject.slice("hubspot:".length)).filter((id) => !map.has(id)),
    cursor: cursor?.cursor ?? null,
    events24h: Object.fromEntries(byOutcome.map((o) => [o.outcome ?? "pending", o._count._all])),
    problems: problems.map((p) => ({ objectId: p.objectId, outcome: p.outcome ?? "", detail: p.detail, at: p.receivedAt })),
  };
}

const STAGE_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

/** Maps a HubSpot stage id to a cosell stage (null: remove the admin's entry, back to the default or unmapped). */
export async function setHubSpotStageMapping(
  db: Db,
  input: { actor: Actor; admins: readonly string[]; stageId: string; stage: Stage | null; now: Date },
): Promise<{ stageId: string; stage: Stage | null; default: Stage | null }> {
  const allowed = decideAdminAction(input.actor, "program.configure", input.admins);
  if (!allowed.allowed) throw new AccessDenied(allowed.message);
  if (!STAGE_ID.test(input.stageId))
    throw new UserError(`"${input.stageId.slice(0, 60)}" is not a HubSpot stage id (letters, digits, _ . : - only; find it in HubSpot's pipeline settings).`);
  const by = input.actor.userId;
  await db.$transaction(async (tx) => {
    if (input.stage === null) await tx.crmStageMapping.deleteMany({ where: { provider: "HUBSPOT", stageId: input.stageId } });
    else
      await tx.crmStageMapping.upsert({
        where: { provider_stageId: { provider: "HUBSPOT", stageId: input.stageId } },
        create: { provider: "HUBSPOT", stageId: input.stageId, stage: input.stage, setBy: by, setAt: input.now },
        update: { stage: input.stage, setBy: by, setAt: input.now },
      });
    await tx.auditEvent.create({
      data: { actor: by, action: "crm.mapStage", subject: `hubspot:${input.stageId}`, detail: { stage: input.stage }, createdAt: input.now },
    });
  });
  return { stageId: input.stageId, stage: input.stage, default: HUBSPOT_DEFAULT_STAGE_MAP[input.stageId] ?? null };
}
