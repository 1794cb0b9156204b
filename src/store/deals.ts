import { Prisma, type PrismaClient } from "../generated/prisma/client";
import type { Tx } from "../db/client";
import { findConflict, formatDealRef, type ValidRegistration } from "../domain/registration";
import { enqueue } from "./outbox";

export interface OpenDealOnAccount {
  id: string;
  ref: number;
  registeredBy: string;
  registeredAt: Date;
  partnerOrgIds: string[];
  partnerNames: string[];
}

/** Open deals on the same normalized domain, with their partner organizations. */
export async function openDealsOnDomain(db: Tx, domain: string): Promise<OpenDealOnAccount[]> {
  const deals = await db.deal.findMany({
    where: { accountDomain: domain, stage: { notIn: ["CLOSED_WON", "CLOSED_LOST"] } },
    include: { participants: { include: { org: { select: { kind: true, name: true } } } } },
    orderBy: { registeredAt: "asc" },
  });
  return deals.map((d) => {
    const partners = d.participants.filter((p) => p.org.kind === "PARTNER");
    return { id: d.id, ref: d.ref, registeredBy: d.registeredBy, registeredAt: d.registeredAt, partnerOrgIds: partners.map((p) => p.orgId), partnerNames: partners.map((p) => p.org.name) };
  });
}

export async function detectConflict(db: Tx, reg: ValidRegistration): Promise<OpenDealOnAccount | null> {
  const partnerIds = await db.organization.findMany({ where: { id: { in: reg.participants.map((p) => p.orgId) }, kind: "PARTNER" }, select: { id: true } });
  return findConflict(partnerIds.map((p) => p.id), await openDealsOnDomain(db, reg.accountDomain));
}

export interface RegisterDealInput {
  reg: ValidRegistration;
  registeredBy: string;
  registeredByOrgId: string;
  /** the idempotency key: Slack's view id of the submitted modal */
  key: string;
  conflictWithDealId: string | null;
  admins: string[];
  now: Date;
}

export interface RegisterDealResult {
  dealId: string;
  ref: number;
  created: boolean;
}

/**
 * Registers a deal in one transaction: the deal with its reference, participants and roles,
 * the first stage entry, a snapshot of roles and the attribution config in force, the card
 * post (outbox), and, for a conflict, a note to every admin. The same key twice → one deal.
 */
export async function registerDeal(prisma: PrismaClient, input: RegisterDealInput): Promise<RegisterDealResult> {
  const existing = await prisma.deal.findUnique({ where: { registrationKey: input.key }, select: { id: true, ref: true } });
  if (existing) return { dealId: existing.id, ref: existing.ref, created: false };
  try {
    return await prisma.$transaction(async (tx) => {
      const program = await tx.program.update({ where: { id: 1 }, data: { nextDealRef: { increment: 1 } } });
      const ref = program.nextDealRef - 1;
      const config = await tx.attributionConfigVersion.findUniqueOrThrow({ where: { version: program.attributionVersion } });
      const orgs = await tx.organization.findMany({ where: { id: { in: input.reg.participants.map((p) => p.orgId) } }, select: { id: true, name: true } });
      const nameOf = new Map(orgs.map((o) => [o.id, o.name]));
      const r = input.reg;
      const deal = await tx.deal.create({
        data: {
          ref,
          accountName: r.accountName,
          accountDomain: r.accountDomain,
          title: r.title,
          amountMinor: BigInt(r.amountMinor),
          currency: r.currency,
          expectedCloseDate: new Date(`${r.expectedCloseDate}T00:00:00Z`),
          coSellModel: r.coSellModel,
          explicitModel: r.explicitModel,
          pairingId: r.pairingId,
          registeredBy: input.registeredBy,
          registeredByOrgId: input.registeredByOrgId,
          registeredAt: input.now,
          lastActivityAt: input.now,
          relationshipOwnerUserId: r.relationshipOwnerUserId,
          postSaleOwnerOrgId: r.postSaleOwnerOrgId,
          notes: r.notes,
          conflictWithDealId: input.conflictWithDealId,
          configVersion: config.version,
          registrationKey: input.key,
          registrationSnapshot: {
            roles: r.participants.map((p) => ({ orgId: p.orgId, orgName: nameOf.get(p.orgId), roles: p.roles })),
            coSellModel: r.coSellModel,
            explicitModel: r.explicitModel,
            attributionConfigVersion: config.version,
            attributionConfig: config.config as Prisma.InputJsonValue,
          },
          participants: { create: r.participants.map((p) => ({ orgId: p.orgId, roles: p.roles })) },
          stageChanges: { create: { fromStage: null, toStage: "REGISTERED", changedBy: input.registeredBy, changedAt: input.now } },
        },
      });
      await enqueue(tx, { method: "deal.card", payload: { dealId: deal.id }, dedupeKey: `card-post:${deal.id}` }, input.now);
      if (input.conflictWithDealId) {
        const other = await tx.deal.findUniqueOrThrow({ where: { id: input.conflictWithDealId }, select: { ref: true } });
        for (const admin of input.admins) {
          await enqueue(
            tx,
            {
              method: "chat.postMessage",
              payload: {
                channel: admin,
                text: `⚠️ Registration conflict: <@${input.registeredBy}> registered ${formatDealRef(ref)} (${r.accountName}, ${r.accountDomain}) although ${formatDealRef(other.ref)} is open on the same account with other partners. First registration wins unless you decide otherwise.`,
              },
              dedupeKey: `conflict:${deal.id}:${admin}`,
            },
            input.now,
          );
        }
        await tx.auditEvent.create({ data: { actor: input.registeredBy, action: "deal.conflict", subject: deal.id, detail: { ref, conflictWith: other.ref }, createdAt: input.now } });
      }
      return { dealId: deal.id, ref, created: true };
    });
  } catch (err) {
    // A concurrent duplicate (double click) lost the race on the unique key: answer with the winner.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      const winner = await prisma.deal.findUnique({ where: { registrationKey: input.key }, select: { id: true, ref: true } });
      if (winner) return { dealId: winner.id, ref: winner.ref, created: false };
    }
    throw err;
  }
}
