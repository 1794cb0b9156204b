import { Prisma, type PrismaClient, type RegistrationStatus } from "../../generated/prisma/client";
import type { Tx } from "../../platform/db/client";
import { toJsonColumn } from "../../platform/db/json";
import { findConflict, type ValidRegistration } from "../../kernel/registration";
import { enqueue } from "../../platform/outbox/enqueue";
import { addDays, autoApproves, holdsAccount } from "../../kernel/registration-lifecycle";
import { addSlaHours } from "../../kernel/sla-clock";
import { currencyExponent } from "../../kernel/money";
import { lifecycleOf, reviewClockOf } from "./lifecycle-settings";
import { programRecordOf } from "../../platform/repos/program-repo";
import { timingTierOf, validateIncentives } from "../../kernel/incentives";
import { recordAttribution } from "../attribution/records";

interface OpenDealOnAccount {
  id: string;
  ref: number;
  registeredBy: string;
  registeredAt: Date;
  partnerOrgIds: string[];
  partnerNames: string[];
}

/** Where a registration conflicts: a registration of other partners holding the account, or our own direct deal. */
type AccountConflict = ({ kind: "deal" } & OpenDealOnAccount) | { kind: "house"; id: string; ownerUserId: string; registeredAt: Date; title: string };

/** Open deals on the same normalized domain that hold it (pending review, or protected), with their partner organizations. */
async function holdingDealsOnDomain(db: Tx, domain: string, now: Date): Promise<OpenDealOnAccount[]> {
  const deals = await db.deal.findMany({
    where: { accountDomain: domain, stage: { notIn: ["CLOSED_WON", "CLOSED_LOST"] }, registrationStatus: { in: ["SUBMITTED", "RETURNED", "APPROVED"] } },
    include: { participants: { include: { org: { select: { kind: true, name: true } } } } },
    orderBy: { registeredAt: "asc" },
  });
  return deals
    .filter((d) => holdsAccount(d, now))
    .map((d) => {
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
 * The earliest registration holding the same normalized domain for another set of partner
 * organizations; else an open direct deal of ours on it (a house account), when the new deal
 * has partners. Only meaningful inside a transaction that holds the domain's lock.
 */
async function detectConflict(db: Tx, reg: ValidRegistration, now: Date): Promise<AccountConflict | null> {
  const partnerIds = await db.organization.findMany({ where: { id: { in: reg.participants.map((p) => p.orgId) }, kind: "PARTNER" }, select: { id: true } });
  const deal = findConflict(
    partnerIds.map((p) => p.id),
    await holdingDealsOnDomain(db, reg.accountDomain, now),
  );
  if (deal) return { kind: "deal", ...deal };
  if (partnerIds.length === 0) return null;
  const house = await db.directDeal.findFirst({ where: { accountDomain: reg.accountDomain, closedAt: null }, orderBy: { createdAt: "asc" } });
  return house ? { kind: "house", id: house.id, ownerUserId: house.ownerUserId, registeredAt: house.createdAt, title: house.title } : null;
}

/**
 * Serializes registrations of one normalized domain until the transaction ends: the conflict
 * check and the write of the deal happen under it, so two registrations submitted at the same
 * moment cannot both miss each other. Must be the transaction's first statement.
 */
export async function lockAccountDomain(tx: Tx, domain: string): Promise<void> {
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
  | { kind: "registered"; dealId: string; ref: number; created: boolean; conflictWith?: number; status: RegistrationStatus }
  | { kind: "conflict"; conflict: AccountConflict };

/** The deal already registered under this key, if any. */
async function registeredUnder(db: Tx, key: string): Promise<Extract<RegisterDealResult, { kind: "registered" }> | null> {
  const deal = await db.deal.findUnique({
    where: { registrationKey: key },
    select: { id: true, ref: true, conflictWithDealId: true, registrationStatus: true },
  });
  if (!deal) return null;
  const other = deal.conflictWithDealId ? await db.deal.findUnique({ where: { id: deal.conflictWithDealId }, select: { ref: true } }) : null;
  return { kind: "registered", dealId: deal.id, ref: deal.ref, created: false, status: deal.registrationStatus, ...(other ? { conflictWith: other.ref } : {}) };
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
      const conflict = await detectConflict(tx, input.reg, input.now);
      if (conflict && conflict.id !== input.acknowledgedConflictWithDealId) return { kind: "conflict", conflict };

      const program = await tx.program.update({ where: { id: 1 }, data: { nextDealRef: { increment: 1 } } });
      const ref = program.nextDealRef - 1;
      const config = await tx.attributionConfigVersion.findUniqueOrThrow({ where: { version: program.attributionVersion } });
      const orgs = await tx.organization.findMany({ where: { id: { in: input.reg.participants.map((p) => p.orgId) } }, select: { id: true, name: true } });
      const nameOf = new Map(orgs.map((o) => [o.id, o.name]));
      const r = input.reg;
      // Review or not: registrations by partner people are reviewed, ours (and small ones) may be
      // approved at once by the admins' rules; a conflict is always reviewed.
      const registrant = await tx.organization.findUnique({ where: { id: input.registeredByOrgId }, select: { kind: true, partnerTier: true } });
      const settings = lifecycleOf(program);
      const stageAt = r.stageAtRegistration ?? "REGISTERED";
      // An admin recording a deal after it closed is the reviewer: approved, at the not-registered rate.
      const claimedAfterClose = stageAt === "CLOSED_WON";
      const auto =
        claimedAfterClose ||
        autoApproves(settings, {
          byInternal: registrant?.kind === "INTERNAL",
          conflict: conflict !== null,
          amountMinor: r.amountMinor,
          currencyExponent: currencyExponent(r.currency),
        });
      const timing = timingTierOf({ declared: r.timingDeclared ?? "NONE", stageAtRegistration: stageAt, claimedAfterClose, touchpointsBefore: [] });
      // A tier perk may shorten the review SLA for the registrant's organization.
      const incentives = validateIncentives((config.config as { incentives?: unknown } | null)?.incentives).config;
      const tier = registrant?.partnerTier ?? "INACTIVE";
      const perkSla = tier === "INACTIVE" ? null : incentives.tierPerks[tier].approvalSlaHours;
      const slaHours = perkSla === null ? settings.approvalSlaHours : Math.min(perkSla, settings.approvalSlaHours);
      const lifecycle: Partial<Prisma.DealUncheckedCreateInput> = auto
        ? {
            registrationStatus: "APPROVED",
            autoApproved: true,
            decidedAt: input.now,
            decidedBy: "auto",
            approvedAt: input.now,
            protectedUntil: claimedAfterClose ? null : addDays(input.now, settings.protectionDays),
          }
        : {
            registrationStatus: "SUBMITTED",
            reviewRound: 1,
            submittedAt: input.now,
            reviewDueAt: addSlaHours(input.now, slaHours, reviewClockOf(programRecordOf(program))),
          };
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
          conflictWithDealId: conflict?.kind === "deal" ? conflict.id : null,
          conflictWithDirectDealId: conflict?.kind === "house" ? conflict.id : null,
          ...lifecycle,
          stage: stageAt,
          closedAt: claimedAfterClose ? input.now : null,
          timingDeclared: r.timingDeclared ?? "NONE",
          stageAtRegistration: stageAt,
          claimedAfterClose,
          timingTier: timing.tier,
          timingReason: timing.reason,
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
          stageChanges: { create: { fromStage: null, toStage: stageAt, changedBy: input.registeredBy, changedAt: input.now } },
        },
      });
      await enqueue(tx, { method: "deal.card", payload: { dealId: deal.id }, dedupeKey: `card-post:${deal.id}` }, input.now);
      if (claimedAfterClose) {
        const record = await recordAttribution(tx, deal.id, { computedBy: input.registeredBy, reason: "claimed after close", now: input.now });
        await enqueue(
          tx,
          { method: "attribution.receipt", payload: { recordId: record.id, threadOfDealId: deal.id }, dedupeKey: `receipt:${record.id}` },
          input.now,
        );
      }
      if (!auto) {
        for (const admin of new Set(input.admins)) {
          await enqueue(tx, { method: "registration.review", payload: { dealId: deal.id, admin }, dedupeKey: `review:${deal.id}:1:${admin}` }, input.now);
        }
      }
      await tx.auditEvent.create({
        data: {
          actor: input.registeredBy,
          action: auto ? "registration.approve" : "registration.submit",
          subject: deal.id,
          detail: toJsonColumn({
            ref,
            ...(auto ? { auto } : {}),
            timingTier: timing.tier,
            ...(claimedAfterClose ? { claimedAfterClose } : {}),
            ...(conflict ? { conflictWith: conflict.kind === "deal" ? conflict.ref : "house account" } : {}),
          }),
          createdAt: input.now,
        },
      });
      const status: RegistrationStatus = auto ? "APPROVED" : "SUBMITTED";
      return { kind: "registered", dealId: deal.id, ref, created: true, status, ...(conflict?.kind === "deal" ? { conflictWith: conflict.ref } : {}) };
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
