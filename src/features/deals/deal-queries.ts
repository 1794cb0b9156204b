import type { Tx } from "../../platform/db/client";
import { withMember } from "../../platform/repos/pairing-repo";
import type { TouchpointType } from "../attribution/engine";
import type { Stage } from "../../kernel/stages";
import type { Prisma, RegistrationStatus } from "../../generated/prisma/client";

// Read-only deal queries behind `/cosell list` and `/cosell show`. The caller decides who may
// see what (kernel/access.ts) and passes the result in as the filter's scope; renderers get
// plain rows and never query.

export interface DealListFilter {
  /** only this pairing's deals (the command ran in its channel) */
  pairingId?: string | undefined;
  /** only deals of pairings this organization belongs to (a partner person asking) */
  memberOrgId?: string | undefined;
  /** deals this person registered, is the relationship owner of, or owns an open ask on */
  involvingUserId?: string | undefined;
  /** deals this person is the relationship owner or the registrant of */
  ownerUserId?: string | undefined;
  /** the stages to include; empty means none */
  stages: readonly Stage[];
  /** at most this many rows (the rest are only counted); all when absent */
  limit?: number | undefined;
}

export interface DealListRow {
  id: string;
  ref: number;
  title: string;
  accountName: string;
  amountMinor: number;
  currency: string;
  stage: Stage;
  /** YYYY-MM-DD */
  expectedCloseDate: string;
  pairingName: string;
  relationshipOwnerUserId: string | null;
  registeredBy: string;
  openAskCount: number;
  registrationStatus: RegistrationStatus;
  protectedUntil: Date | null;
}

function dealListWhere(f: DealListFilter): Prisma.DealWhereInput {
  const and: Prisma.DealWhereInput[] = [{ stage: { in: [...f.stages] } }];
  if (f.pairingId !== undefined) and.push({ pairingId: f.pairingId });
  if (f.memberOrgId !== undefined) and.push({ pairing: withMember(f.memberOrgId) });
  if (f.involvingUserId !== undefined) {
    const u = f.involvingUserId;
    and.push({ OR: [{ registeredBy: u }, { relationshipOwnerUserId: u }, { asks: { some: { ownerUserId: u, status: "OPEN" } } }] });
  }
  if (f.ownerUserId !== undefined) {
    const u = f.ownerUserId;
    and.push({ OR: [{ registeredBy: u }, { relationshipOwnerUserId: u }] });
  }
  return { AND: and };
}

/** Deals matching the filter, soonest expected close first (then by reference). One query. */
export async function listDeals(db: Tx, filter: DealListFilter): Promise<DealListRow[]> {
  const rows = await db.deal.findMany({
    where: dealListWhere(filter),
    orderBy: [{ expectedCloseDate: "asc" }, { ref: "asc" }],
    ...(filter.limit !== undefined ? { take: filter.limit } : {}),
    select: {
      id: true,
      ref: true,
      title: true,
      accountName: true,
      amountMinor: true,
      currency: true,
      stage: true,
      expectedCloseDate: true,
      relationshipOwnerUserId: true,
      registeredBy: true,
      registrationStatus: true,
      protectedUntil: true,
      pairing: { select: { name: true } },
      _count: { select: { asks: { where: { status: "OPEN" } } } },
    },
  });
  return rows.map((d) => ({
    id: d.id,
    ref: d.ref,
    title: d.title,
    accountName: d.accountName,
    amountMinor: Number(d.amountMinor),
    currency: d.currency,
    stage: d.stage,
    expectedCloseDate: d.expectedCloseDate.toISOString().slice(0, 10),
    pairingName: d.pairing.name,
    relationshipOwnerUserId: d.relationshipOwnerUserId,
    registeredBy: d.registeredBy,
    openAskCount: d._count.asks,
    registrationStatus: d.registrationStatus,
    protectedUntil: d.protectedUntil,
  }));
}

/** How many deals match the filter (its limit is ignored). */
export function countDeals(db: Tx, filter: DealListFilter): Promise<number> {
  return db.deal.count({ where: dealListWhere(filter) });
}

interface StageChangeRow {
  fromStage: Stage | null;
  toStage: Stage;
  changedBy: string;
  changedAt: Date;
  reopen: boolean;
}

interface TouchpointRow {
  type: TouchpointType;
  orgName: string;
  userId: string;
  occurredAt: Date;
  note: string;
}

export interface DealHistory {
  /** newest first */
  stageChanges: StageChangeRow[];
  /** newest first */
  touchpoints: TouchpointRow[];
}

/** The last `limit` stage changes and touchpoints of a deal, newest first. One query. */
export async function dealHistory(db: Tx, dealId: string, limit = 5): Promise<DealHistory> {
  const d = await db.deal.findUnique({
    where: { id: dealId },
    select: {
      stageChanges: {
        orderBy: [{ changedAt: "desc" }, { id: "desc" }],
        take: limit,
        select: { fromStage: true, toStage: true, changedBy: true, changedAt: true, reopen: true },
      },
      touchpoints: {
        orderBy: [{ occurredAt: "desc" }, { createdAt: "desc" }],
        take: limit,
        select: { type: true, userId: true, occurredAt: true, note: true, org: { select: { name: true } } },
      },
    },
  });
  if (!d) return { stageChanges: [], touchpoints: [] };
  return {
    stageChanges: d.stageChanges.map((s) => ({ fromStage: s.fromStage, toStage: s.toStage, changedBy: s.changedBy, changedAt: s.changedAt, reopen: s.reopen })),
    touchpoints: d.touchpoints.map((t) => ({ type: t.type, orgName: t.org.name, userId: t.userId, occurredAt: t.occurredAt, note: t.note })),
  };
}

/** The id of the deal with this reference (CS-12 → 12), or null. */
export async function dealIdByRef(db: Tx, ref: number): Promise<string | null> {
  const deal = await db.deal.findUnique({ where: { ref }, select: { id: true } });
  return deal?.id ?? null;
}
