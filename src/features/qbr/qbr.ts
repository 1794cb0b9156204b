import type { Tx } from "../../platform/db/client";
import { NotFound } from "../../platform/errors";
import { previousQuarter, type PartnerTier, type Quarter } from "../../kernel/incentives";
import type { Stage } from "../../kernel/stages";
import { programCurrency } from "../attribution/config";
import { loadAccountMap } from "../account-map/account-map";
import { overlapTotal, SHARED_KINDS, COUNT_KEY } from "../account-map/rules";
import { introConversion, pairingReviews, pipelineByStage, quarterFigures, type PairingReview, type QbrDeal, type QuarterFigures } from "./rules";

// The QBR of one partner for one quarter: loads the partner's deals (those it takes part in, in
// its pairings), intro requests, account map, disputes and tier, and measures them (rules.ts).

export interface QbrData {
  partner: { id: string; name: string; tier: PartnerTier; tierSince: Date | null };
  quarter: Quarter;
  previous: Quarter;
  /** the quarter is still running: figures are to date */
  toDate: boolean;
  now: Date;
  currency: string;
  current: QuarterFigures;
  last: QuarterFigures;
  pairings: PairingReview[];
  intros: { requests: number; converted: number; rate: number | null };
  mapping: { overlaps: number; withDeal: number; coverage: number | null; hasLists: boolean };
  disputes: { opened: number; resolved: number; openNow: number };
  /** the quarter close's tier proposal for this quarter (internal until decided) */
  proposal: { toTier: PartnerTier; status: string } | null;
  stages: { now: ReturnType<typeof pipelineByStage>; before: ReturnType<typeof pipelineByStage> };
}

export async function loadQbr(db: Tx, input: { partnerOrgId: string; quarter: Quarter; timezone: string; now: Date }): Promise<QbrData> {
  const org = await db.organization.findUnique({
    where: { id: input.partnerOrgId },
    select: { id: true, name: true, kind: true, partnerTier: true, tierSince: true },
  });
  if (org?.kind !== "PARTNER") throw new NotFound("That partner organization doesn't exist.");
  const q = input.quarter;
  const previous = previousQuarter(q, input.timezone);
  const currency = await programCurrency(db);
  const pairings = await db.pairing.findMany({
    where: { members: { some: { orgId: org.id } } },
    select: { id: true, name: true, createdAt: true, targetRegistrations: true, targetActiveDeals: true },
    orderBy: { name: "asc" },
  });
  const rows = await db.deal.findMany({
    where: {
      pairingId: { in: pairings.map((p) => p.id) },
      registeredAt: { lt: q.end },
      OR: [{ participants: { some: { orgId: org.id } } }, { touchpoints: { some: { orgId: org.id } } }],
    },
    select: {
      id: true,
      ref: true,
      pairingId: true,
      amountMinor: true,
      currency: true,
      stage: true,
      registeredAt: true,
      closedAt: true,
      registeredByOrgId: true,
      registrationStatus: true,
      accountDomain: true,
      participants: { where: { orgId: org.id }, select: { roles: true } },
      stageChanges: { select: { toStage: true, changedAt: true }, orderBy: { changedAt: "asc" } },
    },
  });
  // Figures as of the quarter's end (or now, when it is still running): a later stage change does not rewrite the quarter.
  const asOf = new Date(Math.min(input.now.getTime(), q.end.getTime()));
  const deals: QbrDeal[] = rows.map((d) => {
    const changes = d.stageChanges.map((c) => ({ to: c.toStage as Stage, at: c.changedAt }));
    const later = changes.filter((c) => c.at >= asOf);
    const stage = (later.length > 0 ? ([...changes.filter((c) => c.at < asOf)].pop()?.to ?? "REGISTERED") : d.stage) as Stage;
    return {
      id: d.id,
      ref: d.ref,
      pairingId: d.pairingId,
      amountMinor: Number(d.amountMinor),
      currency: d.currency,
      stage,
      registeredAt: d.registeredAt,
      closedAt: stage.startsWith("CLOSED") ? d.closedAt : null,
      registeredByPartner: d.registeredByOrgId === org.id,
      registrationStatus: d.registrationStatus,
      sourcing: d.participants.some((p) => p.roles.includes("SOURCING")),
      changes,
    };
  });
  const [intros, registrations, map, disputes, proposal] = await Promise.all([
    db.introRequest.findMany({ where: { partnerOrgId: org.id, createdAt: { gte: q.start, lt: q.end } }, select: { domain: true, createdAt: true } }),
    db.deal.findMany({ where: { pairingId: { in: pairings.map((p) => p.id) } }, select: { accountDomain: true, registeredAt: true } }),
    loadAccountMap(db, { partnerOrgId: org.id, targets: false }),
    // The partner's own disputes (another partner's, on a shared deal, are that partner's numbers).
    db.dispute.findMany({ where: { orgId: org.id }, select: { createdAt: true, resolvedAt: true, status: true } }),
    db.tierProposal.findUnique({ where: { orgId_quarter: { orgId: org.id, quarter: q.label } }, select: { toTier: true, status: true } }),
  ]);
  const overlaps = overlapTotal(map.counts);
  const withDeal = SHARED_KINDS.reduce((n, k) => n + map.withOpenDeals[COUNT_KEY[k]], 0);
  const inQ = (at: Date | null) => at !== null && at >= q.start && at < q.end;
  return {
    partner: { id: org.id, name: org.name, tier: org.partnerTier, tierSince: org.tierSince },
    quarter: q,
    previous,
    toDate: input.now < q.end,
    now: input.now,
    currency,
    current: quarterFigures(deals, q, currency),
    last: quarterFigures(deals, previous, currency),
    pairings: pairingReviews(pairings, deals, q, asOf),
    intros: introConversion(
      intros,
      registrations.map((r) => ({ domain: r.accountDomain, registeredAt: r.registeredAt })),
    ),
    mapping: {
      overlaps,
      withDeal,
      coverage: overlaps === 0 ? null : withDeal / overlaps,
      hasLists: map.theirCustomers !== null || map.theirProspects !== null,
    },
    disputes: {
      opened: disputes.filter((d) => inQ(d.createdAt)).length,
      resolved: disputes.filter((d) => inQ(d.resolvedAt)).length,
      openNow: disputes.filter((d) => d.status === "OPEN").length,
    },
    proposal: proposal ? { toTier: proposal.toTier, status: proposal.status } : null,
    stages: { now: pipelineByStage(deals, asOf, currency), before: pipelineByStage(deals, previous.end, currency) },
  };
}
