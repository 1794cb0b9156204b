import { groupBy } from "../../kernel/collections";
import type { CheckInSection, ParticipationRow } from "../checkins/checkins";
import { percentile } from "../../kernel/registration-lifecycle";
import { Prisma } from "../../generated/prisma/client";
import type { Tx } from "../../platform/db/client";
import { programRepo } from "../../platform/repos/program-repo";
import type { AttributionResult } from "../attribution/engine";
import { computeProgramMetrics, ninetyDayProgress, type MetricDeal, type MetricRecord, type NinetyDayProgress, type ProgramMetrics } from "./metrics";
import { assessRoleClarity, LEAD_STAGES } from "../../kernel/role-clarity";
import { isValidTimezone, localDate } from "../../kernel/sla-clock";
import { OPEN_STAGES, type OpenStage, type Stage } from "../../kernel/stages";
import { currentAttributionConfig } from "../attribution/config";
import { coSellProgress } from "../incentives/standing";

// Digest data, loaded set-based: a fixed number of queries whatever the number of pairings
// (no query per pairing or per deal), grouped in memory. Renderers get plain data and never
// query. The pairing digest's data type has no field for internal notes or commissions, so a
// pairing channel (shared with the partner) cannot receive them by mistake.

const DAY_MS = 86_400_000;

export interface DigestWindow {
  start: Date;
  end: Date;
}

export interface DigestDealLine {
  id: string;
  ref: number;
  title: string;
  accountName: string;
  stage: Stage;
  amountMinor: number;
  currency: string;
  expectedCloseDate: string;
}

export interface PairingDigestData {
  pairing: { id: string; name: string; channelId: string; createdAt: Date; orgs: { id: string; name: string; internal: boolean }[] };
  window: DigestWindow;
  now: Date;
  timezone: string;
  /** local date of `now` */
  today: string;
  /** every open stage, in pipeline order, with its amount per currency */
  pipeline: { stage: OpenStage; deals: number; amounts: { currency: string; minor: number }[] }[];
  openDeals: number;
  registrations: DigestDealLine[];
  moves: { ref: number; title: string; from: Stage; to: Stage; by: string; at: Date; reopen: boolean }[];
  wins: DigestDealLine[];
  losses: DigestDealLine[];
  /** touchpoints in the window per organization (every member of the pairing, 0 included) */
  touchpoints: { orgId: string; orgName: string; count: number }[];
  /** open asks on open deals, overdue first, then by due time */
  asks: { ref: number; title: string; ownerUserId: string; fromUserId: string; text: string; dueAt: Date; overdue: boolean }[];
  /** open deals whose expected close date has passed or falls in the next 30 days, soonest first */
  closingSoon: (DigestDealLine & { passed: boolean })[];
  /** approved registrations whose protection ends in the next 14 days */
  expiringSoon: (DigestDealLine & { protectedUntil: Date; daysLeft: number })[];
  /** open deals with role-clarity gaps */
  gaps: { ref: number; title: string; stage: Stage; gaps: string[] }[];
  targets: NinetyDayProgress;
  /** each partner's co-sell wins this quarter against the bonus threshold (counts only, no money) */
  bonusProgress: { quarter: string; threshold: number; partners: { orgName: string; wins: number }[] };
  /** the week's check-in answers ("From the team"), when a round was asked; set by the caller */
  checkIn?: CheckInSection | null;
}

export interface DigestProgram {
  name: string;
  timezone: string;
  digestWeekday: number;
  digestHour: number;
  managerChannelId: string | null;
}

export async function loadDigestProgram(db: Tx, fallbackTimezone = "UTC"): Promise<DigestProgram> {
  const p = await programRepo(db).find();
  const timezone = p && isValidTimezone(p.timezone) ? p.timezone : fallbackTimezone;
  return {
    name: p?.name ?? "Co-sell program",
    timezone,
    digestWeekday: p?.digestWeekday ?? 1,
    digestHour: p?.digestHour ?? 9,
    managerChannelId: p?.managerChannelId ?? null,
  };
}

function dateOnly(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return dateOnly(d);
}

interface PairingRow {
  id: string;
  name: string;
  channelId: string;
  createdAt: Date;
  targetRegistrations: number | null;
  targetActiveDeals: number | null;
  orgIds: string[] | null;
}

interface DealRow {
  id: string;
  ref: number;
  title: string;
  accountName: string;
  stage: string;
  amountMinor: bigint | number;
  currency: string;
  expectedCloseDate: string;
  pairingId: string;
}

interface OpenDealRow extends DealRow {
  registrationStatus: string;
  protectedUntil: Date | null;
  relationshipOwnerUserId: string | null;
  postSaleOwnerOrgId: string | null;
  stageLeads: unknown;
  partOrgIds: (string | null)[] | null;
  partSlas: (number | null)[] | null;
}

interface TouchedRow extends DealRow {
  registeredAt: Date;
}

/**
 * The pairing digests of `pairingIds` (every pairing when omitted) for the week `window`, with
 * state (pipeline, asks, close dates, gaps) as of `now`. Eight queries whatever the number of
 * pairings; raw SQL with the participants aggregated per deal, so 100,000 deals stay cheap.
 */
export async function loadPairingDigests(
  db: Tx,
  opts: { now: Date; window: DigestWindow; timezone: string; pairingIds?: readonly string[] },
): Promise<PairingDigestData[]> {
  const { now, window, timezone } = opts;
  const ids = opts.pairingIds;
  if (ids && ids.length === 0) return [];
  const dealFilter = ids ? Prisma.sql`AND d."pairingId" IN (${Prisma.join([...ids])})` : Prisma.empty;
  const pairingFilter = ids ? Prisma.sql`WHERE pr.id IN (${Prisma.join([...ids])})` : Prisma.empty;
  // Compared as the enum (not ::text) so the planner can use the stage's statistics.
  const openSql = Prisma.sql`d.stage IN ('REGISTERED', 'DISCOVERY', 'TECHNICAL_VALIDATION', 'PROPOSAL', 'NEGOTIATION')`;

  const progress = await coSellProgress(db, { now, timezone });
  const [orgs, pairings, openDeals, touched, stageChanges, asks, touchpoints, registrationCounts] = await Promise.all([
    db.organization.findMany({ select: { id: true, name: true, kind: true } }),
    db.$queryRaw<PairingRow[]>`
      SELECT pr.id, pr.name, pr."channelId" AS "channelId", pr."createdAt" AS "createdAt",
             pr."targetRegistrations" AS "targetRegistrations", pr."targetActiveDeals" AS "targetActiveDeals",
             array_agg(m."orgId") FILTER (WHERE m."orgId" IS NOT NULL) AS "orgIds"
      FROM "Pairing" pr LEFT JOIN "PairingMember" m ON m."pairingId" = pr.id
      ${pairingFilter}
      GROUP BY pr.id
      ORDER BY pr.name`,
    db.$queryRaw<OpenDealRow[]>`
      SELECT d.id, d.ref, d.title, d."accountName" AS "accountName", d.stage::text AS stage, d."amountMinor" AS "amountMinor", d.currency,
             to_char(d."expectedCloseDate", 'YYYY-MM-DD') AS "expectedCloseDate", d."pairingId" AS "pairingId",
             d."relationshipOwnerUserId" AS "relationshipOwnerUserId", d."postSaleOwnerOrgId" AS "postSaleOwnerOrgId", d."stageLeads" AS "stageLeads",
             d."registrationStatus"::text AS "registrationStatus", d."protectedUntil" AS "protectedUntil",
             p."partOrgIds", p."partSlas"
      FROM "Deal" d
      LEFT JOIN (SELECT "dealId", array_agg("orgId") AS "partOrgIds", array_agg("responseSlaHours") AS "partSlas" FROM "Participant" GROUP BY "dealId") p ON p."dealId" = d.id
      WHERE ${openSql} ${dealFilter}
      ORDER BY d."expectedCloseDate", d.ref`,
    // Deals registered or moved in the window (closed ones included: wins and losses).
    db.$queryRaw<TouchedRow[]>`
      SELECT d.id, d.ref, d.title, d."accountName" AS "accountName", d.stage::text AS stage, d."amountMinor" AS "amountMinor", d.currency,
             to_char(d."expectedCloseDate", 'YYYY-MM-DD') AS "expectedCloseDate", d."pairingId" AS "pairingId", d."registeredAt" AS "registeredAt"
      FROM "Deal" d
      WHERE ((d."registeredAt" >= ${window.start} AND d."registeredAt" < ${window.end})
         OR EXISTS (SELECT 1 FROM "StageChange" c WHERE c."dealId" = d.id AND c."changedAt" >= ${window.start} AND c."changedAt" < ${window.end})) ${dealFilter}
      ORDER BY d.ref`,
    db.$queryRaw<{ dealId: string; fromStage: string; toStage: string; changedBy: string; changedAt: Date; reopen: boolean }[]>`
      SELECT c."dealId" AS "dealId", c."fromStage"::text AS "fromStage", c."toStage"::text AS "toStage", c."changedBy" AS "changedBy", c."changedAt" AS "changedAt", c.reopen
      FROM "StageChange" c JOIN "Deal" d ON d.id = c."dealId"
      WHERE c."changedAt" >= ${window.start} AND c."changedAt" < ${window.end} AND c."fromStage" IS NOT NULL ${dealFilter}
      ORDER BY c."changedAt", c.id`,
    db.$queryRaw<{ dealId: string; ownerUserId: string; fromUserId: string; text: string; dueAt: Date }[]>`
      SELECT a."dealId" AS "dealId", a."ownerUserId" AS "ownerUserId", a."fromUserId" AS "fromUserId", a.text, a."dueAt" AS "dueAt"
      FROM "Ask" a JOIN "Deal" d ON d.id = a."dealId"
      WHERE a.status = 'OPEN' AND ${openSql} ${dealFilter}
      ORDER BY a."dueAt", a.id`,
    db.$queryRaw<{ pairingId: string; orgId: string; count: number }[]>`
      SELECT d."pairingId" AS "pairingId", t."orgId" AS "orgId", count(*)::int AS count
      FROM "Touchpoint" t JOIN "Deal" d ON d.id = t."dealId"
      WHERE t."occurredAt" >= ${window.start} AND t."occurredAt" < ${window.end} ${dealFilter}
      GROUP BY d."pairingId", t."orgId"`,
    db.$queryRaw<{ pairingId: string; first90: number }[]>`
      SELECT d."pairingId" AS "pairingId", count(*)::int AS first90
      FROM "Deal" d JOIN "Pairing" p ON p.id = d."pairingId"
      WHERE d."registeredAt" < p."createdAt" + interval '90 days' ${dealFilter}
      GROUP BY d."pairingId"`,
  ]);

  const orgById = new Map(orgs.map((o) => [o.id, { id: o.id, name: o.name, internal: o.kind === "INTERNAL" }]));
  const line = (d: OpenDealRow | TouchedRow): DigestDealLine => ({
    id: d.id,
    ref: Number(d.ref),
    title: d.title,
    accountName: d.accountName,
    stage: d.stage as Stage,
    amountMinor: Number(d.amountMinor),
    currency: d.currency,
    expectedCloseDate: d.expectedCloseDate,
  });

  const openByPairing = groupBy(openDeals, (d) => d.pairingId);
  const touchedById = new Map(touched.map((d) => [d.id, d]));
  const touchedByPairing = groupBy(touched, (d) => d.pairingId);
  const openById = new Map(openDeals.map((d) => [d.id, d]));
  const movesByPairing = groupBy(
    stageChanges.filter((c) => touchedById.has(c.dealId)),
    (c) => touchedById.get(c.dealId)!.pairingId,
  );
  const asksByPairing = groupBy(
    asks.filter((a) => openById.has(a.dealId)),
    (a) => openById.get(a.dealId)!.pairingId,
  );
  const tpByPairing = groupBy(touchpoints, (t) => t.pairingId);
  const first90 = new Map(registrationCounts.map((r) => [r.pairingId, Number(r.first90)]));

  const today = localDate(now, timezone);
  const horizon = addDays(today, 30);
  const nowMs = now.getTime();

  return pairings.map((p): PairingDigestData => {
    const members = (p.orgIds ?? []).map((id) => orgById.get(id) ?? { id, name: id, internal: false });
    const open = openByPairing.get(p.id) ?? [];
    const pipeline = OPEN_STAGES.map((stage) => {
      let deals = 0;
      const amounts = new Map<string, number>();
      for (const d of open) {
        if (d.stage !== stage) continue;
        deals++;
        amounts.set(d.currency, (amounts.get(d.currency) ?? 0) + Number(d.amountMinor));
      }
      return { stage, deals, amounts: [...amounts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, minor]) => ({ currency, minor })) };
    });

    const recent = touchedByPairing.get(p.id) ?? [];
    const registrations = recent.filter((d) => new Date(d.registeredAt) >= window.start && new Date(d.registeredAt) < window.end).map(line);
    const moves = (movesByPairing.get(p.id) ?? []).map((c) => {
      const d = touchedById.get(c.dealId)!;
      return {
        ref: Number(d.ref),
        title: d.title,
        from: c.fromStage as Stage,
        to: c.toStage as Stage,
        by: c.changedBy,
        at: new Date(c.changedAt),
        reopen: c.reopen,
      };
    });
    const closedInWindow = (stage: Stage) => {
      const refs = new Set(moves.filter((m) => m.to === stage).map((m) => m.ref));
      return recent.filter((d) => refs.has(Number(d.ref)) && d.stage === stage).map(line);
    };

    const counts = new Map<string, number>();
    for (const m of members) counts.set(m.id, 0);
    for (const t of tpByPairing.get(p.id) ?? []) counts.set(t.orgId, (counts.get(t.orgId) ?? 0) + Number(t.count));
    const tps = [...counts.entries()]
      .map(([orgId, count]) => ({ orgId, orgName: orgById.get(orgId)?.name ?? orgId, count, internal: orgById.get(orgId)?.internal ?? false }))
      .sort((a, b) => Number(a.internal) - Number(b.internal) || a.orgName.localeCompare(b.orgName))
      .map(({ orgId, orgName, count }) => ({ orgId, orgName, count }));

    const pairingAsks = (asksByPairing.get(p.id) ?? [])
      .map((a) => {
        const d = openById.get(a.dealId)!;
        const dueAt = new Date(a.dueAt);
        return {
          ref: Number(d.ref),
          title: d.title,
          ownerUserId: a.ownerUserId,
          fromUserId: a.fromUserId,
          text: a.text,
          dueAt,
          overdue: dueAt.getTime() <= nowMs,
        };
      })
      .sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.dueAt.getTime() - b.dueAt.getTime() || a.ref - b.ref);

    const closingSoon = open.filter((d) => d.expectedCloseDate <= horizon).map((d) => ({ ...line(d), passed: d.expectedCloseDate < today }));
    const expiringSoon = open
      .filter(
        (d) =>
          d.registrationStatus === "APPROVED" &&
          d.protectedUntil &&
          new Date(d.protectedUntil).getTime() > nowMs &&
          new Date(d.protectedUntil).getTime() <= nowMs + 14 * DAY_MS,
      )
      .map((d) => {
        const until = new Date(d.protectedUntil!);
        return { ...line(d), protectedUntil: until, daysLeft: Math.ceil((until.getTime() - nowMs) / DAY_MS) };
      })
      .sort((a, b) => a.protectedUntil.getTime() - b.protectedUntil.getTime());

    const gaps = open.flatMap((d) => {
      const parts: { orgId: string; orgName: string; internal: boolean; responseSlaHours: number | null }[] = [];
      (d.partOrgIds ?? []).forEach((orgId, i) => {
        if (!orgId) return;
        const o = orgById.get(orgId);
        const sla = d.partSlas?.[i];
        parts.push({
          orgId,
          orgName: o?.name ?? orgId,
          internal: o?.internal ?? false,
          responseSlaHours: sla === null || sla === undefined ? null : Number(sla),
        });
      });
      const leads = (d.stageLeads ?? {}) as Partial<Record<string, string>>;
      const clarity = assessRoleClarity({
        relationshipOwnerUserId: d.relationshipOwnerUserId,
        postSaleOwnerOrgId: d.postSaleOwnerOrgId,
        stageLeads: Object.fromEntries(LEAD_STAGES.map((s) => [s, leads[s] ?? null])),
        participants: parts,
      });
      return clarity.complete ? [] : [{ ref: Number(d.ref), title: d.title, stage: d.stage as Stage, gaps: clarity.gaps }];
    });

    const createdAt = new Date(p.createdAt);
    return {
      pairing: {
        id: p.id,
        name: p.name,
        channelId: p.channelId,
        createdAt,
        orgs: [...members].sort((a, b) => Number(a.internal) - Number(b.internal) || a.name.localeCompare(b.name)),
      },
      window,
      now,
      timezone,
      today,
      pipeline,
      openDeals: open.length,
      registrations,
      moves,
      wins: closedInWindow("CLOSED_WON"),
      losses: closedInWindow("CLOSED_LOST"),
      touchpoints: tps,
      asks: pairingAsks,
      closingSoon,
      expiringSoon,
      gaps,
      targets: ninetyDayProgress({
        pairingCreatedAt: createdAt,
        now,
        registrationsFirst90: first90.get(p.id) ?? 0,
        activeDeals: open.length,
        targets: { registrations: p.targetRegistrations, activeDeals: p.targetActiveDeals },
      }),
      bonusProgress: {
        quarter: progress.quarter,
        threshold: progress.threshold,
        partners: members
          .filter((m) => !m.internal)
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((m) => ({ orgName: m.name, wins: progress.wins.get(m.id) ?? 0 })),
      },
    };
  });
}

// ---------------------------------------------------------------------------
// The manager digest: every program metric, from the whole program's data.

export interface ManagerDigestData {
  program: DigestProgram;
  window: DigestWindow;
  now: Date;
  metrics: ProgramMetrics;
  pairings: number;
  deals: number;
  /** registrations that were submitted as conflicts (first registration wins; admins decide) */
  conflicts: { open: { ref: number; conflictWithRef: number; registeredBy: string }[]; inWindow: number };
  /** the registration lifecycle (reviews decided in the last 90 days) */
  reviews: ReviewMetrics;
  /** check-in participation of the digest's week, per pairing and organization; set by the caller */
  checkIns?: ParticipationRow[];
}

interface ReviewMetrics {
  /** waiting for review, oldest first (at most 10 listed) */
  pending: { ref: number; title: string; registeredBy: string; ageHours: number; pastSla: boolean }[];
  pendingTotal: number;
  /** hours from submission to decision (admins' decisions, not automatic ones) */
  approvalHoursP50: number | null;
  approvalHoursP90: number | null;
  decided: number;
  approved: number;
  /** approved ÷ (approved + rejected); null without decisions */
  approvalRate: number | null;
  /** expired while still at Registered or Discovery */
  expiredWithoutProgress: number;
  expired: number;
  exceptions: number;
}

/** The lifecycle's figures for the manager digest: two queries. */
async function loadReviewMetrics(db: Tx, now: Date): Promise<ReviewMetrics> {
  const since = new Date(now.getTime() - 90 * DAY_MS);
  const [pendingRows, decidedRows] = await Promise.all([
    db.deal.findMany({
      where: { registrationStatus: "SUBMITTED" },
      orderBy: [{ submittedAt: "asc" }, { ref: "asc" }],
      select: { ref: true, title: true, registeredBy: true, submittedAt: true, registeredAt: true, reviewDueAt: true },
    }),
    db.deal.findMany({
      where: { OR: [{ decidedAt: { gte: since } }, { expiredAt: { gte: since } }] },
      select: {
        registrationStatus: true,
        submittedAt: true,
        decidedAt: true,
        decidedBy: true,
        autoApproved: true,
        conflictException: true,
        expiredAt: true,
        stage: true,
      },
    }),
  ]);
  const decisions = decidedRows.filter((d) => !d.autoApproved && d.decidedAt && d.decidedAt >= since && d.submittedAt && d.registrationStatus !== "RETURNED");
  const approved = decisions.filter((d) => d.registrationStatus === "APPROVED" || d.registrationStatus === "EXPIRED").length;
  const rejected = decisions.filter((d) => d.registrationStatus === "REJECTED").length;
  const hours = decisions.map((d) => (d.decidedAt!.getTime() - d.submittedAt!.getTime()) / 3_600_000);
  const expiredRows = decidedRows.filter((d) => d.registrationStatus === "EXPIRED" && d.expiredAt && d.expiredAt >= since);
  return {
    pending: pendingRows.slice(0, 10).map((d) => {
      const at = d.submittedAt ?? d.registeredAt;
      return {
        ref: d.ref,
        title: d.title,
        registeredBy: d.registeredBy,
        ageHours: Math.floor((now.getTime() - at.getTime()) / 3_600_000),
        pastSla: Boolean(d.reviewDueAt && d.reviewDueAt <= now),
      };
    }),
    pendingTotal: pendingRows.length,
    approvalHoursP50: roundHours(percentile(hours, 50)),
    approvalHoursP90: roundHours(percentile(hours, 90)),
    decided: approved + rejected,
    approved,
    approvalRate: approved + rejected > 0 ? approved / (approved + rejected) : null,
    expiredWithoutProgress: expiredRows.filter((d) => d.stage === "REGISTERED" || d.stage === "DISCOVERY").length,
    expired: expiredRows.length,
    exceptions: decidedRows.filter((d) => d.conflictException && d.decidedAt && d.decidedAt >= since).length,
  };
}

const roundHours = (h: number | null) => (h === null ? null : Math.round(h * 10) / 10);

interface DealRow {
  id: string;
  ref: number;
  pairingId: string;
  amountMinor: bigint | number;
  currency: string;
  stage: string;
  registeredAt: Date;
  closedAt: Date | null;
  orgIds: string[] | null;
}

interface RecordRow {
  dealId: string;
  seq: number;
  computedAt: Date;
  amountMinor: number | string | null;
  currency: string | null;
  credits: AttributionResult["credits"] | null;
  payouts: AttributionResult["payouts"] | null;
}

/**
 * Everything the program metrics need, in six queries (no per-deal or per-pairing query), each
 * reading only what the metrics use: deals with their organizations and whether a partner logged
 * a touchpoint on them (one touchpoint row per such deal: influence only asks "any?"), the records' credits and payouts.
 */
export async function loadManagerDigest(db: Tx, opts: { now: Date; window: DigestWindow; fallbackTimezone?: string }): Promise<ManagerDigestData> {
  const [program, config, orgs, pairings, deals, partnerTouches, records, disputes] = await Promise.all([
    loadDigestProgram(db, opts.fallbackTimezone),
    currentAttributionConfig(db),
    db.organization.findMany({ select: { id: true, name: true, kind: true } }),
    db.pairing.findMany({ select: { id: true, name: true, createdAt: true } }),
    db.$queryRaw<DealRow[]>`
      SELECT d.id, d.ref, d."pairingId" AS "pairingId", d."amountMinor" AS "amountMinor", d.currency, d.stage::text AS stage,
             d."registeredAt" AS "registeredAt", d."closedAt" AS "closedAt",
             array_agg(p."orgId") FILTER (WHERE p."orgId" IS NOT NULL) AS "orgIds"
      FROM "Deal" d LEFT JOIN "Participant" p ON p."dealId" = d.id
      GROUP BY d.id`,
    // One row per deal a partner logged a touchpoint on (all the influence metric reads).
    db.$queryRaw<{ dealId: string; orgId: string }[]>`
      SELECT t."dealId" AS "dealId", min(t."orgId") AS "orgId"
      FROM "Touchpoint" t JOIN "Organization" o ON o.id = t."orgId"
      WHERE o.kind::text = 'PARTNER'
      GROUP BY t."dealId"`,
    // Only what the metrics read of each record (not the math text).
    db.$queryRaw<RecordRow[]>`
      SELECT r."dealId" AS "dealId", r.seq, r."computedAt" AS "computedAt",
             (r.result->>'amountMinor') AS "amountMinor", (r.result->>'currency') AS currency,
             (r.result->'credits') AS credits, (r.result->'payouts') AS payouts
      FROM "AttributionRecord" r`,
    db.dispute.findMany({ select: { dealId: true, recordId: true, orgId: true, createdAt: true } }),
  ]);
  // Deal lines to pay (positive, not void; bonuses have no won date): the won-to-paid cycle.
  const payoutLines = await db.payoutLine.findMany({
    where: { status: { not: "VOID" }, wonAt: { not: null }, amountMinor: { gt: 0 } },
    select: { coSell: true, wonAt: true, paidAt: true },
  });
  const conflictRows = await db.$queryRaw<{ ref: number; conflictWithRef: number; registeredBy: string; registeredAt: Date; open: boolean }[]>`
    SELECT d.ref, o.ref AS "conflictWithRef", d."registeredBy" AS "registeredBy", d."registeredAt" AS "registeredAt",
           (d.stage NOT IN ('CLOSED_WON', 'CLOSED_LOST')) AS open
    FROM "Deal" d JOIN "Deal" o ON o.id = d."conflictWithDealId"
    ORDER BY d.ref`;
  const metricDeals: MetricDeal[] = deals.map((d) => ({
    id: d.id,
    ref: Number(d.ref),
    pairingId: d.pairingId,
    amountMinor: Number(d.amountMinor),
    currency: d.currency,
    stage: d.stage as Stage,
    registeredAt: new Date(d.registeredAt),
    closedAt: d.closedAt ? new Date(d.closedAt) : null,
    orgIds: d.orgIds ?? [],
  }));
  const metricRecords: MetricRecord[] = records.map((r) => ({
    dealId: r.dealId,
    seq: Number(r.seq),
    computedAt: new Date(r.computedAt),
    amountMinor: Number(r.amountMinor ?? 0),
    currency: r.currency ?? config.config.currency,
    credits: (r.credits ?? []).map((c) => ({ orgId: c.orgId, orgName: c.orgName, internal: c.internal, creditBp: c.creditBp })),
    payouts: (r.payouts ?? []).map((p) => ({ orgId: p.orgId, orgName: p.orgName, amountMinor: p.amountMinor })),
  }));
  const metrics = computeProgramMetrics({
    now: opts.now,
    currency: config.config.currency,
    orgs: orgs.map((o) => ({ id: o.id, name: o.name, internal: o.kind === "INTERNAL" })),
    pairings,
    deals: metricDeals,
    touchpoints: partnerTouches,
    records: metricRecords,
    disputes,
    period: opts.window,
    payoutLines: payoutLines.map((l) => ({ coSell: l.coSell, wonAt: l.wonAt!, paidAt: l.paidAt })),
  });
  const conflicts = {
    open: conflictRows.filter((c) => c.open).map((c) => ({ ref: Number(c.ref), conflictWithRef: Number(c.conflictWithRef), registeredBy: c.registeredBy })),
    inWindow: conflictRows.filter((c) => new Date(c.registeredAt) >= opts.window.start && new Date(c.registeredAt) < opts.window.end).length,
  };
  const reviews = await loadReviewMetrics(db, opts.now);
  return { program, window: opts.window, now: opts.now, metrics, pairings: pairings.length, deals: deals.length, conflicts, reviews };
}

/** A pairing by name: exact (any case) first, then an unambiguous start. */
export function matchPairing<P extends { name: string }>(pairings: readonly P[], name: string): P | { ambiguous: P[] } | null {
  const want = name.trim().toLowerCase();
  const exact = pairings.find((p) => p.name.toLowerCase() === want);
  if (exact) return exact;
  const starts = pairings.filter((p) => p.name.toLowerCase().startsWith(want));
  if (starts.length === 1) return starts[0]!;
  if (starts.length > 1) return { ambiguous: starts };
  return null;
}

/** The week before `now` (previews): [now − 7 days, now). */
export function trailingWeek(now: Date): DigestWindow {
  return { start: new Date(now.getTime() - 7 * DAY_MS), end: now };
}
