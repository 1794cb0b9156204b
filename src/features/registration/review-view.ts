import type { RegistrationStatus } from "../../generated/prisma/client";
import { holdsAccount, registrationStatusLine } from "../../kernel/registration-lifecycle";
import type { Stage } from "../../kernel/stages";
import type { Tx } from "../../platform/db/client";

// A registration as its review DM, `/cosell approvals`, the notices and the expiry post show
// it: plain data loaded once, rendered by review-render.ts.

export interface ReviewView {
  dealId: string;
  ref: number;
  title: string;
  accountName: string;
  accountDomain: string;
  amountMinor: number;
  currency: string;
  stage: Stage;
  expectedCloseDate: string;
  pairingId: string;
  pairingName: string;
  channelId: string;
  partners: string[];
  registeredBy: string;
  registrantOrgName: string;
  submittedAt: Date | null;
  reviewRound: number;
  registrantNote: string | null;
  status: RegistrationStatus;
  statusLine: string;
  conflictException: boolean;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  decisionNote: string | null;
  protectedUntil: Date | null;
  extensionsUsed: number;
  maxExtensions: number;
  extensionDays: number;
  extensionRequestedBy: string | null;
  expiryReason: string | null;
  /** what it conflicts with, side by side in the admin's DM (never shown to partners) */
  conflict:
    | { kind: "deal"; ref: number; title: string; registeredBy: string; registeredAt: Date; partners: string[]; statusLine: string; holds: boolean }
    | { kind: "house"; title: string; ownerUserId: string; since: Date; open: boolean }
    | null;
}

export async function loadReviewView(db: Tx, dealId: string, now: Date): Promise<ReviewView | null> {
  const d = await db.deal.findUnique({
    where: { id: dealId },
    include: { pairing: { select: { name: true, channelId: true } }, participants: { include: { org: { select: { name: true, kind: true } } } } },
  });
  if (!d) return null;
  const [registrant, program] = await Promise.all([
    db.organization.findUnique({ where: { id: d.registeredByOrgId }, select: { name: true } }),
    db.program.findUnique({ where: { id: 1 }, select: { maxExtensions: true, extensionDays: true } }),
  ]);
  let conflict: ReviewView["conflict"] = null;
  if (d.conflictWithDealId) {
    const o = await db.deal.findUnique({
      where: { id: d.conflictWithDealId },
      include: { participants: { include: { org: { select: { name: true, kind: true } } } } },
    });
    if (o)
      conflict = {
        kind: "deal",
        ref: o.ref,
        title: o.title,
        registeredBy: o.registeredBy,
        registeredAt: o.registeredAt,
        partners: o.participants.filter((p) => p.org.kind === "PARTNER").map((p) => p.org.name),
        statusLine: registrationStatusLine(o, now),
        holds: holdsAccount(o, now),
      };
  } else if (d.conflictWithDirectDealId) {
    const h = await db.directDeal.findUnique({ where: { id: d.conflictWithDirectDealId } });
    if (h) conflict = { kind: "house", title: h.title, ownerUserId: h.ownerUserId, since: h.createdAt, open: h.closedAt === null };
  }
  return {
    dealId: d.id,
    ref: d.ref,
    title: d.title,
    accountName: d.accountName,
    accountDomain: d.accountDomain,
    amountMinor: Number(d.amountMinor),
    currency: d.currency,
    stage: d.stage,
    expectedCloseDate: d.expectedCloseDate.toISOString().slice(0, 10),
    pairingId: d.pairingId,
    pairingName: d.pairing.name,
    channelId: d.pairing.channelId,
    partners: d.participants.filter((p) => p.org.kind === "PARTNER").map((p) => p.org.name),
    registeredBy: d.registeredBy,
    registrantOrgName: registrant?.name ?? "",
    submittedAt: d.submittedAt,
    reviewRound: d.reviewRound,
    registrantNote: d.registrantNote,
    status: d.registrationStatus,
    statusLine: registrationStatusLine(d, now),
    conflictException: d.conflictException,
    decidedBy: d.decidedBy,
    decidedAt: d.decidedAt,
    decisionReason: d.decisionReason,
    decisionNote: d.decisionNote,
    protectedUntil: d.protectedUntil,
    extensionsUsed: d.extensionsUsed,
    maxExtensions: program?.maxExtensions ?? 2,
    extensionDays: program?.extensionDays ?? 30,
    extensionRequestedBy: d.extensionRequestedBy,
    expiryReason: d.expiryReason,
    conflict,
  };
}
