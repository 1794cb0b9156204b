import type { AppDeps } from "../../platform/deps";
import { closeDatePassed, DEFAULT_STALE_DAYS, isValidTimezone, localDate, staleDaysFor, staleLevel } from "../../kernel/sla-clock";
import { groupBy } from "../../kernel/collections";
import { OPEN_STAGES, type Stage } from "../../kernel/stages";
import type { Tx } from "../../platform/db/client";
import { programRepo } from "../../platform/repos/program-repo";
import { renderCloseDateAlert, renderStaleAlert } from "./render";
import { ASK_ALERT, ASK_ALERT_BATCH, ASK_ESCALATION_DM, ASK_ESCALATION_DM_BATCH, channelTarget, dealTargetSelect } from "./alerts";
import { enqueueMany, type OutboxInput, type OutboxPost } from "../../platform/outbox/enqueue";
import { ASK_BATCH_IDS_MAX } from "../../platform/outbox/intents";
import { runLifecycleSweep, type LifecycleSweepReport } from "../registration/lifecycle-sweep";

// The SLA sweep: overdue asks (level 1 at the due time, level 2 = escalation at 2 × SLA), stale
// deals and passed close dates. A plain function of (deps, now); the scheduler runs it every few
// minutes and tests call it directly.
//
// Set-based: each kind is one indexed query for exactly the rows that need an alert now — open
// asks past their next threshold (Ask(status, dueAt)), open deals past their stage's staleness
// cutoff (Deal(stage, lastActivityAt)), open deals past their expected close date.
//
// Exactly once, also with two sweepers at once or after a restart: an ask's level is raised by a
// conditional update (`alertLevel < level`) in the same transaction that queues its messages, and
// every message has an outbox dedupe key (`ask:<id>:<level>`, `asks:<channel>:<first ask>:<level>`,
// `stale:<deal>:<lastActivity>:<level>`,
// `closedate:<deal>:<date>`), so a second insert is a no-op.
//
// Where alerts go: a lone ask's alert into the deal card's thread in the pairing channel when the
// card is posted (context right under the card, which lists the open asks; the mention notifies
// the person), with escalations also broadcast to the channel; as a top-level channel post when
// the deal has no card yet (the outbox would otherwise wait for it). Several asks of one channel
// falling due in one pass are one top-level message listing them, each with its Done button.
// Alerts are partner-safe: reference, title, people, ask text — never amounts or internal notes.

export interface SweepReport {
  /** asks raised to level 1 (overdue) */
  overdue: number;
  /** asks raised to level 2 (escalated to the relationship owner) */
  escalated: number;
  /** stale-deal alerts queued */
  stale: number;
  /** passed-close-date alerts queued */
  closeDatePassed: number;
  /** rows that failed and will be tried again at the next sweep */
  failed: number;
  /** the registration lifecycle: review reminders, expiry warnings, expiries */
  registrations: LifecycleSweepReport;
}

/** `config.admins` receive the review reminders (none without it). */
export type SweepDeps = Pick<AppDeps, "db" | "logger"> & { config?: Pick<AppDeps["config"], "admins"> };

export interface SweepOptions {
  /** rows per query page */
  batch?: number;
  /** asks raised per transaction (their alerts are batched per channel within it) */
  askBatch?: number;
}

const DAY_MS = 86_400_000;
/** batches per sweep; a backlog beyond batch × rounds is picked up by the next sweep */
const MAX_ASK_ROUNDS = 1000;

export async function runSlaSweep(deps: SweepDeps, now: Date, opts: SweepOptions = {}): Promise<SweepReport> {
  const report: SweepReport = {
    overdue: 0,
    escalated: 0,
    stale: 0,
    closeDatePassed: 0,
    failed: 0,
    registrations: { reviewReminders: 0, expiryWarnings: 0, expired: 0 },
  };
  const batch = opts.batch ?? 5000;
  // A pass's overdue asks in one transaction as far as possible: one alert per channel per pass.
  await sweepAsks(deps, now, opts.askBatch ?? opts.batch ?? 50_000, report);
  const program = await programRepo(deps.db.prisma).find();
  const settings = {
    timezone: program && isValidTimezone(program.timezone) ? program.timezone : "UTC",
    staleDays: program && program.staleDays > 0 ? program.staleDays : DEFAULT_STALE_DAYS,
    staleDaysByStage: program?.staleDaysByStage ?? {},
  };
  await sweepStaleDeals(deps, now, batch, settings, report);
  await sweepCloseDates(deps, now, batch, settings.timezone, report);
  try {
    report.registrations = await runLifecycleSweep({ db: deps.db, admins: deps.config?.admins ?? [] }, now);
  } catch (err) {
    report.failed++;
    deps.logger.error("SLA sweep: the registration lifecycle step failed:", err);
  }
  const r = report.registrations;
  const total = report.overdue + report.escalated + report.stale + report.closeDatePassed + r.reviewReminders + r.expiryWarnings + r.expired;
  const line = `SLA sweep: ${report.overdue} overdue, ${report.escalated} escalated, ${report.stale} stale, ${report.closeDatePassed} past close date, ${r.reviewReminders} review reminders, ${r.expiryWarnings} expiry warnings, ${r.expired} expired${report.failed ? `, ${report.failed} failed (retried next sweep)` : ""}`;
  if (total > 0 || report.failed > 0) deps.logger.info(line);
  else deps.logger.debug(line);
  return report;
}

// ---------------------------------------------------------------------------
// Asks.

async function sweepAsks(deps: SweepDeps, now: Date, batch: number, report: SweepReport): Promise<void> {
  const prisma = deps.db.prisma;
  for (let round = 0; round < MAX_ASK_ROUNDS; round++) {
    let claimed = 0;
    try {
      claimed = await prisma.$transaction((tx) => raiseAskBatch(tx, now, batch, report), { timeout: 60_000 });
    } catch (err) {
      // The whole batch rolled back: nothing was sent, the next sweep tries again.
      report.failed++;
      deps.logger.error("SLA sweep: a batch of ask alerts failed:", err);
      return;
    }
    if (claimed < batch) return;
  }
}

/**
 * One batch: one statement claims up to `batch` due asks (FOR UPDATE SKIP LOCKED: a concurrent
 * sweeper takes other rows or none) and raises their level; then one insert queues their alerts
 * as small outbox rows rendered at delivery (alerts.ts), in the same transaction:
 *   - per channel: the asks of one pairing channel that fell due together are ONE message listing
 *     them (`ask.alertBatch`); a lone ask keeps its own alert in the card's thread (`ask.alert`).
 *     Slack takes about one message per second per channel: 50 asks due at once are one post;
 *   - per relationship owner: their escalations of this batch in one DM (a lone one as before);
 *   - one card refresh per deal (the card marks its overdue asks).
 * Dedupe keys (`ask:<id>:<level>`, `asks:<channel>:<first ask>:<its level>`, …) name asks that
 * are raised to a level exactly once, so each alert is queued exactly once. The partial index
 * "Ask_sweep_due_idx" (dueAt, open asks only) keeps the cost proportional to the asks that are
 * due; alertLevel is in no index, so raising it rewrites each row in place (a HOT update).
 */
async function raiseAskBatch(tx: Tx, now: Date, batch: number, report: SweepReport): Promise<number> {
  const raised = await tx.$queryRaw<{ id: string; level: number; dealId: string; channel: string; hasCard: boolean; ownerUserId: string | null }[]>`
    WITH due AS (
      SELECT x.id
        FROM "Ask" x JOIN "Deal" d ON d.id = x."dealId"
       WHERE x.status = 'OPEN' AND x."alertLevel" < 2 AND x."dueAt" <= ${now}
         AND (x."alertLevel" < 1 OR x."escalateAt" <= ${now})
         AND d.stage NOT IN ('CLOSED_WON', 'CLOSED_LOST')
       ORDER BY x."dueAt", x.id
       LIMIT ${batch}
       FOR UPDATE OF x SKIP LOCKED
    ), raised AS (
      UPDATE "Ask" a SET "alertLevel" = CASE WHEN a."escalateAt" <= ${now} THEN 2 ELSE 1 END
        FROM due WHERE a.id = due.id
      RETURNING a.id, a."alertLevel" AS level, a."dealId", a."dueAt"
    )
    SELECT r.id, r.level, r."dealId", (d."cardTs" IS NOT NULL) AS "hasCard",
           CASE WHEN d."cardTs" IS NOT NULL THEN COALESCE(d."cardChannelId", p."channelId") ELSE p."channelId" END AS channel,
           d."relationshipOwnerUserId" AS "ownerUserId"
      FROM raised r JOIN "Deal" d ON d.id = r."dealId" JOIN "Pairing" p ON p.id = d."pairingId"
     ORDER BY r."dueAt", r.id`;
  const msgs: OutboxInput[] = [];
  for (const [channel, asks] of groupBy(raised, (r) => r.channel)) {
    const [first] = asks as [(typeof asks)[number], ...typeof asks];
    if (asks.length === 1) msgs.push({ method: ASK_ALERT, payload: { askId: first.id, level: first.level }, dedupeKey: `ask:${first.id}:${first.level}` });
    else
      msgs.push({
        method: ASK_ALERT_BATCH,
        payload: {
          channel,
          askIds: asks.slice(0, ASK_BATCH_IDS_MAX).map((a) => a.id),
          levels: asks.slice(0, ASK_BATCH_IDS_MAX).map((a) => a.level),
          total: asks.length,
        },
        dedupeKey: `asks:${channel}:${first.id}:${first.level}`,
      });
  }
  const escalations = raised.filter((r): r is typeof r & { ownerUserId: string } => r.level === 2 && r.ownerUserId !== null);
  for (const [userId, asks] of groupBy(escalations, (r) => r.ownerUserId)) {
    const [first] = asks as [(typeof asks)[number], ...typeof asks];
    if (asks.length === 1) msgs.push({ method: ASK_ESCALATION_DM, payload: { askId: first.id }, dedupeKey: `ask:${first.id}:2:dm` });
    else
      msgs.push({
        method: ASK_ESCALATION_DM_BATCH,
        payload: { userId, askIds: asks.slice(0, ASK_BATCH_IDS_MAX).map((a) => a.id), total: asks.length },
        dedupeKey: `asks-dm:${userId}:${first.id}`,
      });
  }
  for (const dealId of new Set(raised.filter((r) => r.hasCard).map((r) => r.dealId))) msgs.push({ method: "deal.card", payload: { dealId } });
  await enqueueMany(tx, msgs, now);
  for (const r of raised) {
    if (r.level === 2) report.escalated++;
    else report.overdue++;
  }
  return raised.length;
}

// ---------------------------------------------------------------------------
// Stale deals and passed close dates: one alert per key, the outbox's dedupe key is the memory.

/** Queues the messages whose keys are not used yet (one insert); returns how many were queued. */
async function enqueueNew(deps: SweepDeps, now: Date, msgs: { key: string; payload: OutboxPost }[], report: SweepReport): Promise<number> {
  if (msgs.length === 0) return 0;
  try {
    return await enqueueMany(
      deps.db.prisma,
      msgs.map((m) => ({ method: "message" as const, payload: m.payload, dedupeKey: m.key })),
      now,
    );
  } catch (err) {
    report.failed++;
    deps.logger.error("SLA sweep: queueing alerts failed:", err);
    return 0;
  }
}

async function sweepStaleDeals(
  deps: SweepDeps,
  now: Date,
  batch: number,
  settings: { staleDays: number; staleDaysByStage: Partial<Record<Stage, number>> },
  report: SweepReport,
): Promise<void> {
  const prisma = deps.db.prisma;
  for (const stage of OPEN_STAGES) {
    const days = staleDaysFor(stage, settings.staleDaysByStage, settings.staleDays);
    const cutoff = new Date(now.getTime() - days * DAY_MS);
    let cursor: string | undefined;
    for (;;) {
      const deals = await prisma.deal.findMany({
        where: { stage, lastActivityAt: { lte: cutoff } },
        select: { ...dealTargetSelect, title: true, lastActivityAt: true },
        orderBy: { id: "asc" },
        take: batch,
        ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      });
      const msgs = deals.flatMap((d) => {
        const level = staleLevel(now, d.lastActivityAt, days);
        if (level < 1) return [];
        // Keyed by the last activity too: a touchpoint resets the clock, and the next silence alerts again.
        const key = `stale:${d.id}:${d.lastActivityAt.getTime()}:${level}`;
        const quietDays = Math.floor((now.getTime() - d.lastActivityAt.getTime()) / DAY_MS);
        const msg = renderStaleAlert({ ref: d.ref, title: d.title, stage, days: quietDays, relationshipOwnerUserId: d.relationshipOwnerUserId });
        return [{ key, payload: { ...channelTarget(d), text: msg.text, unfurl_links: false } }];
      });
      report.stale += await enqueueNew(deps, now, msgs, report);
      if (deals.length < batch) break;
      cursor = deals[deals.length - 1]!.id;
    }
  }
}

async function sweepCloseDates(deps: SweepDeps, now: Date, batch: number, timezone: string, report: SweepReport): Promise<void> {
  const prisma = deps.db.prisma;
  const today = localDate(now, timezone);
  let cursor: string | undefined;
  for (;;) {
    const deals = await prisma.deal.findMany({
      where: { stage: { in: [...OPEN_STAGES] }, expectedCloseDate: { lt: new Date(`${today}T00:00:00Z`) } },
      select: { ...dealTargetSelect, title: true, stage: true, expectedCloseDate: true },
      orderBy: { id: "asc" },
      take: batch,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    const msgs = deals.flatMap((d) => {
      const date = d.expectedCloseDate.toISOString().slice(0, 10);
      if (!closeDatePassed(now, date, timezone)) return [];
      const msg = renderCloseDateAlert({
        ref: d.ref,
        title: d.title,
        stage: d.stage,
        expectedCloseDate: date,
        relationshipOwnerUserId: d.relationshipOwnerUserId,
      });
      return [{ key: `closedate:${d.id}:${date}`, payload: { ...channelTarget(d), text: msg.text, unfurl_links: false } }];
    });
    report.closeDatePassed += await enqueueNew(deps, now, msgs, report);
    if (deals.length < batch) break;
    cursor = deals[deals.length - 1]!.id;
  }
}
