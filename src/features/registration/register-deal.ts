import { Prisma, type PrismaClient } from "../../generated/prisma/client";
import type { Tx } from "../../platform/db/client";
import { findConflict, type ValidRegistration } from "../../kernel/registration";
import { enqueue } from "../../platform/outbox/enqueue";

interface OpenDealOnAccount {
  id: string;
  ref: number;
  registeredBy: string;
  registeredAt: Date;
  partnerOrgIds: string[];
  partnerNames: string[];
}

/** Open deals on the same normalized domain, with their partner organizations. */
async function openDealsOnDomain(db: Tx, domain: string): Promise<OpenDealOnAccount[]> {
  const deals = await db.deal.findMany({
    where: { accountDomain: domain, stage: { notIn: ["CLOSED_WON", "CLOSED_LOST"] } },
    include: { participants: { include: { org: { select: { kind: true, name: true } } } } },
    orderBy: { registeredAt: "asc" },
  });
  return deals.map((d) => {
    const partners = d.participants.filter((p) => p.org.kind === "PARTNER");
    return {
      id: d.id,
      ref: d.ref,
      registeredBy: d.registeredBy,
      registeredAt: d.registeredAt,
      partnerOrgIds: partners.map((p) => p.orgId),
      partnerNames: partners.map((p) => p.org.name),
    };
  });
}

/**
 * The earliest open deal on the same normalized domain with another set of partner organizations.
 * Only meaningful inside a transaction that holds the domain's lock (see `lockAccountDomain`).
 */
async function detectConflict(db: Tx, reg: ValidRegistration): Promise<OpenDealOnAccount | null> {
  const partnerIds = await db.organization.findMany({ where: { id: { in: reg.participants.map((p) => p.orgId) }, kind: "PARTNER" }, select: { id: true } });
  return findConflict(
    partnerIds.map((p) => p.id),
    await openDealsOnDomain(db, reg.accountDomain),
  );
}

/**
 * Serializes registrations of one normalized domain until the transaction ends: the conflict
 * check and the write of the deal happen under it, so two registrations submitted at the same
 * moment cannot both miss each other. Must be the transaction's first statement.
 */
async function lockAccountDomain(tx: Tx, domain: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${domain}))`;
}

export interface RegisterDealInput {
  reg: ValidRegistration;
  registeredBy: string;
  registeredByOrgId: string;
  /** the idempotency key: Slack's view id of the submitted modal */
  key: string;
  /**
   * The open deal the person was shown as a conflict and chose to register against anyway.
   * Registering flags the conflict only if it is still that deal; another one is a new conflict.
   */
  acknowledgedConflictWithDealId?: string | null;
  admins: readonly string[];
  now: Date;
}

/**
 * `registered`: the deal exists (`created: false` when this key was registered before: a retry
 * or double click); `conflictWith` is the ref of the deal it is flagged against.
 * `conflict`: an open deal on the account has other partners and the person has not
 * acknowledged it; nothing was written.
 */
export type RegisterDealResult =
  | { kind: "registered"; dealId: string; ref: number; created: boolean; conflictWith?: number }
  | { kind: "conflict"; conflict: OpenDealOnAccount };

/** The deal already registered under this key, if any. */
async function registeredUnder(db: Tx, key: string): Promise<Extract<RegisterDealResult, { kind: "registered" }> | null> {
  const deal = await db.deal.findUnique({ where: { registrationKey: key }, select: { id: true, ref: true, conflictWithDealId: true } });
  if (!deal) return null;
  const other = deal.conflictWithDealId ? await db.deal.findUnique({ where: { id: deal.conflictWithDealId }, select: { ref: true } }) : null;
  return { kind: "registered", dealId: deal.id, ref: deal.ref, created: false, ...(other ? { conflictWith: other.ref } : {}) };
}

/**
 * Registers a deal in one transaction, serialized per normalized domain: the conflict check
 * (an unacknowledged conflict → `{ kind: "conflict" }`, nothing written), then the deal with
 * its reference, participants and roles, the first stage entry, a snapshot of roles and the
 * attribution config in force, the card post (outbox), and, for a conflict, a note to every
 * admin. The same key twice → one deal. No Slack here: callers map the result to their UI.
 */
export async function registerDeal(prisma: PrismaClient, input: RegisterDealInput): Promise<RegisterDealResult> {
  const existing = await registeredUnder(prisma, input.key);
  if (existing) return existing;
  try {
    return await prisma.$transaction(async (tx): Promise<RegisterDealResult> => {
      await lockAccountDomain(tx, input.reg.accountDomain);
      // A concurrent duplicate of this submission may have committed while we waited.
      const replay = await registeredUnder(tx, input.key);
      if (replay) return replay;
      const conflict = await detectConflict(tx, input.reg);
      if (conflict && conflict.id !== input.acknowledgedConflictWithDealId) return { kind: "conflict", conflict };

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
          conflictWithDealId: conflict?.id ?? null,
          configVersion: config.version,
          registrationKey: input.key,
          registrationSnapshot: {
            roles: r.participants.map((p) => ({ orgId: p.orgId, orgName: nameOf.get(p.orgId), roles: p.roles })),
            coSellModel: r.coSellModel,
            explicitModel: r.explicitModel,
            attributionConfigVersion: config.version,
            // a JSON-to-JSON copy of the program's current config (a non-null column)
            attributionConfig: config.config as Prisma.InputJsonValue,
          },
          participants: { create: r.participants.map((p) => ({ orgId: p.orgId, roles: p.roles })) },
          stageChanges: { create: { fromStage: null, toStage: "REGISTERED", changedBy: input.registeredBy, changedAt: input.now } },
        },
      });
      await enqueue(tx, { method: "deal.card", payload: { dealId: deal.id }, dedupeKey: `card-post:${deal.id}` }, input.now);
      if (conflict) {
        for (const admin of input.admins) {
          await enqueue(
            tx,
            {
              method: "registration.conflict",
              payload: { dealId: deal.id, conflictWithDealId: conflict.id, admin },
              dedupeKey: `conflict:${deal.id}:${admin}`,
            },
            input.now,
          );
        }
        await tx.auditEvent.create({
          data: { actor: input.registeredBy, action: "deal.conflict", subject: deal.id, detail: { ref, conflictWith: conflict.ref }, createdAt: input.now },
        });
      }
      return { kind: "registered", dealId: deal.id, ref, created: true, ...(conflict ? { conflictWith: conflict.ref } : {}) };
    });
  } catch (err) {
    // A concurrent duplicate (double click) lost the race on the unique key: answer with the winner.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      const winner = await registeredUnder(prisma, input.key);
      if (winner) return winner;
    }
    throw err;
  }
}
