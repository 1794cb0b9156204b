import type { Tx } from "../../platform/db/client";
import type { Role } from "../attribution/engine";
import { assessRoleClarity, LEAD_STAGES, type RoleClarityAssessment } from "../../kernel/role-clarity";
import type { Stage } from "../../kernel/stages";
import { NotFound } from "../../platform/errors";
import { registrationStatusLine, type RegistrationStatus } from "../../kernel/registration-lifecycle";
import { TIMING_LABEL, type TimingTier } from "../../kernel/incentives";

/** Everything a deal card or `/cosell show` renders, as plain data (renderers never query). */
export interface DealView {
  id: string;
  ref: number;
  title: string;
  accountName: string;
  accountDomain: string;
  amountMinor: number;
  currency: string;
  stage: Stage;
  expectedCloseDate: string;
  coSellModel: "SELL_WITH" | "SELL_THROUGH" | "SELL_TO";
  explicitModel: string | null;
  pairing: { id: string; name: string; channelId: string; orgIds: string[] };
  participants: { orgId: string; orgName: string; internal: boolean; roles: Role[]; responseSlaHours: number | null }[];
  relationshipOwnerUserId: string | null;
  postSaleOwnerOrgId: string | null;
  stageLeads: Partial<Record<string, string>>;
  registeredBy: string;
  registeredAt: Date;
  notes: string | null;
  conflictWithRef: number | null;
  card: { channelId: string | null; ts: string | null };
  clarity: RoleClarityAssessment;
  openAsks: { id: string; ownerUserId: string; fromUserId: string; text: string; dueAt: Date; escalateAt: Date }[];
  touchpointCount: number;
  lastActivityAt: Date;
  closedAt: Date | null;
  registration: { status: RegistrationStatus; statusLine: string };
  /** the registration-timing tier and why (null: registered before incentives) */
  timing: { tier: TimingTier; reason: string } | null;
  /** the CRM record it is linked to (its id is internal: shared channels only see the CRM's name) */
  crm: { provider: "HUBSPOT" | "SALESFORCE"; objectId: string } | null;
}

const include = {
  pairing: { include: { members: { select: { orgId: true } } } },
  participants: { include: { org: { select: { name: true, kind: true } } } },
  asks: { where: { status: "OPEN" as const }, orderBy: { dueAt: "asc" as const } },
  _count: { select: { touchpoints: true } },
  crmLinks: { where: { unlinkedAt: null }, select: { provider: true, objectId: true }, take: 1 },
};

export async function loadDealView(db: Tx, where: { id: string } | { ref: number }, now: Date): Promise<DealView> {
  const d = await db.deal.findUnique({ where, include });
  if (!d) throw new NotFound("ref" in where ? `There is no deal CS-${where.ref}.` : "That deal no longer exists.");
  const conflict = d.conflictWithDealId ? await db.deal.findUnique({ where: { id: d.conflictWithDealId }, select: { ref: true } }) : null;
  const participants = d.participants
    .map((p) => ({ orgId: p.orgId, orgName: p.org.name, internal: p.org.kind === "INTERNAL", roles: p.roles as Role[], responseSlaHours: p.responseSlaHours }))
    .sort((a, b) => Number(a.internal) - Number(b.internal) || a.orgName.localeCompare(b.orgName));
  const stageLeads = (d.stageLeads ?? {}) as Partial<Record<string, string>>;
  return {
    id: d.id,
    ref: d.ref,
    title: d.title,
    accountName: d.accountName,
    accountDomain: d.accountDomain,
    amountMinor: Number(d.amountMinor),
    currency: d.currency,
    stage: d.stage,
    expectedCloseDate: d.expectedCloseDate.toISOString().slice(0, 10),
    coSellModel: d.coSellModel,
    explicitModel: d.explicitModel,
    pairing: { id: d.pairing.id, name: d.pairing.name, channelId: d.pairing.channelId, orgIds: d.pairing.members.map((m) => m.orgId) },
    participants,
    relationshipOwnerUserId: d.relationshipOwnerUserId,
    postSaleOwnerOrgId: d.postSaleOwnerOrgId,
    stageLeads,
    registeredBy: d.registeredBy,
    registeredAt: d.registeredAt,
    notes: d.notes,
    conflictWithRef: conflict?.ref ?? null,
    card: { channelId: d.cardChannelId, ts: d.cardTs },
    clarity: assessRoleClarity({
      relationshipOwnerUserId: d.relationshipOwnerUserId,
      postSaleOwnerOrgId: d.postSaleOwnerOrgId,
      stageLeads: Object.fromEntries(LEAD_STAGES.map((s) => [s, stageLeads[s] ?? null])),
      participants,
    }),
    openAsks: d.asks.map((a) => ({ id: a.id, ownerUserId: a.ownerUserId, fromUserId: a.fromUserId, text: a.text, dueAt: a.dueAt, escalateAt: a.escalateAt })),
    touchpointCount: d._count.touchpoints,
    lastActivityAt: d.lastActivityAt,
    closedAt: d.closedAt,
    registration: { status: d.registrationStatus, statusLine: registrationStatusLine(d, now) },
    timing: d.timingTier ? { tier: d.timingTier, reason: d.timingReason ?? TIMING_LABEL[d.timingTier] } : null,
    crm: d.crmLinks[0] ?? null,
  };
}
