import { z } from "zod";
import type { AppDeps } from "../deps";
import { closeDatePassed, DEFAULT_STALE_DAYS, isValidTimezone, localDate, staleDaysFor, staleLevel } from "../domain/sla-clock";
import { CLOSED_STAGES, OPEN_STAGES, type Stage } from "../domain/stages";
import type { Tx } from "../db/client";
import {
  renderCloseDateAlert,
  renderEscalationChannel,
  renderEscalationDm,
  renderOverdueAlert,
  renderStaleAlert,
  type AskMessageData,
} from "../slack/blocks/asks";
import { enqueue } from "../store/outbox";

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
// every message has an outbox dedupe key (`ask:<id>:<level>`, `stale:<deal>:<lastActivity>:<level>`,
// `closedate:<deal>:<date>`), so a second insert is a no-op.
//
// Where alerts go: into the deal card's thread in the pairing channel when the card is posted
// (context right under the card, which lists the open asks; the channel stays readable with many
// deals; the mention notifies the person), with escalations also broadcast to the channel; as a
// top-level channel post when the deal has no card yet (the outbox would otherwise wait for it).
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
}

export type SweepDeps = Pick<AppDeps, "db" | "logger">;

export interface SweepOptions {
  /** rows per query page */
  batch?: number;
}

const DAY_MS = 86_400_000;
const MAX_ASK_ROUNDS = 20;

interface DealTarget {
  id: string;
  cardTs: string | null;
  cardChannelId: string | null;
  pairing: { channelId: string };
}

/** In the card's thread when the card exists, top-level in the pairing channel otherwise. */
function channelTarget(deal: DealTarget, broadcast = false): Record<string, unknown> {
  if (deal.cardTs) return { channel: deal.cardChannelId ?? deal.pairing.channelId, threadOfDealId: deal.id, ...(broadcast ? { reply_broadcast: true } : {}) };
  return { channel: deal.pairing.channelId };
}

const dealTargetSelect = { id: true, ref: true, cardTs: true, cardChannelId: true, relationshipOwnerUserId: true, pairing: { select: { channelId: true } } } as const;

export async function runSlaSweep(deps: SweepDeps, now: Date, opts: SweepOptions = {}): Promise<SweepReport> {
  const report: SweepReport = { overdue: 0, escalated: 0, stale: 0, closeDatePassed: 0, failed: 0 };
  const batch = opts.batch ?? 200;
  await sweepAsks(deps, now, batch, report);
  const program = await deps.db.prisma.program.findUnique({ where: { id: 1 } });
  const settings = {
    timezone: program && isValidTimezone(program.timezone) ? program.timezone : "UTC",
    staleDays: program && program.staleDays > 0 ? program.staleDays : DEFAULT_STALE_DAYS,
    staleDaysByStage: parseStaleDaysByStage(program?.staleDaysByStage),
  };
  await sweepStaleDeals(deps, now, batch, settings, report);
  await sweepCloseDates(deps, now, batch, settings.timezone, report);
  const total = report.overdue + report.escalated + report.stale + report.closeDatePassed;
  const line = `SLA sweep: ${report.overdue} overdue, ${report.escalated} escalated, ${report.stale} stale, ${report.closeDatePassed} past close date${report.failed ? `, ${report.failed} failed (retried next sweep)` : ""}`;
  if (total > 0 || report.failed > 0) deps.logger.info(line);
  else deps.logger.debug(line);
  return report;
}

// ---------------------------------------------------------------------------
// Asks.

async function sweepAsks(deps: SweepDeps, now: Date, batch: number, report: SweepReport): Promise<void> {
  const prisma = deps.db.prisma;
  const failed: string[] = [];
  for (let round = 0; round < MAX_ASK_ROUNDS; round++) {
    const due = await prisma.ask.findMany({
      where: {
        status: "OPEN",
        ...(failed.length ? { id: { notIn: failed } } : {}),
        deal: { stage: { notIn: [...CLOSED_STAGES] } },
        OR: [
          { dueAt: { lte: now }, alertLevel: { lt: 1 } },
          { escalateAt: { lte: now }, alertLevel: { lt: 2 } },
        ],
      },
      select: { id: true, fromUserId: true, ownerUserId: true, text: true, dueAt: true, escalateAt: true, deal: { select: dealTargetSelect } },
      orderBy: [{ dueAt: "asc" }, { id: "asc" }],
      take: batch,
    });
    for (const ask of due) {
      // A sweep that missed the due time goes straight to the escalation, which says it all.
      const level = ask.escalateAt <= now ? 2 : 1;
      try {
        const raised = await prisma.$transaction((tx) => raiseAsk(tx, ask, level, now));
        if (raised && level === 1) report.overdue++;
        if (raised && level === 2) report.escalated++;
      } catch (err) {
        failed.push(ask.id);
        report.failed++;
        deps.logger.error(`SLA sweep: alert for ask ${ask.id} failed:`, err);
      }
    }
    if (due.length < batch) break;
  }
}

interface DueAsk {
  id: string;
  fromUserId: string;
  ownerUserId: string;
  text: string;
  dueAt: Date;
  deal: DealTarget & { ref: number; relationshipOwnerUserId: string | null };
}

async function raiseAsk(tx: Tx, ask: DueAsk, level: 1 | 2, now: Date): Promise<boolean> {
  // Whoever raises the level sends the alert; a concurrent sweeper waits on the row and then
  // finds the level already raised.
  const res = await tx.ask.updateMany({ where: { id: ask.id, status: "OPEN", alertLevel: { lt: level } }, data: { alertLevel: level } });
  if (res.count === 0) return false;
  const data: AskMessageData = { askId: ask.id, dealRef: ask.deal.ref, fromUserId: ask.fromUserId, ownerUserId: ask.ownerUserId, text: ask.text, dueAt: ask.dueAt };
  if (level === 1) {
    const msg = renderOverdueAlert(data);
    await enqueue(tx, { method: "chat.postMessage", payload: { ...channelTarget(ask.deal), text: msg.text, blocks: msg.blocks, unfurl_links: false }, dedupeKey: `ask:${ask.id}:1` }, now);
  } else {
    const owner = ask.deal.relationshipOwnerUserId;
    const msg = renderEscalationChannel({ ...data, relationshipOwnerUserId: owner });
    await enqueue(tx, { method: "chat.postMessage", payload: { ...channelTarget(ask.deal, true), text: msg.text, blocks: msg.blocks, unfurl_links: false }, dedupeKey: `ask:${ask.id}:2` }, now);
    if (owner) {
      const dm = renderEscalationDm(data);
      await enqueue(tx, { method: "chat.postMessage", payload: { channel: owner, text: dm.text, blocks: dm.blocks, unfurl_links: false }, dedupeKey: `ask:${ask.id}:2:dm` }, now);
    }
  }
  // The card marks overdue asks when rendered: refresh it (only once it exists; the first post renders it anyway).
  if (ask.deal.cardTs) await enqueue(tx, { method: "deal.card", payload: { dealId: ask.deal.id } }, now);
  return true;
}

// ---------------------------------------------------------------------------
// Stale deals and passed close dates: one alert per key, the outbox's dedupe key is the memory.

const staleDaysByStageSchema = z.record(z.string(), z.unknown());

function parseStaleDaysByStage(raw: unknown): Partial<Record<Stage, number>> {
  const parsed = staleDaysByStageSchema.safeParse(raw ?? {});
  if (!parsed.success) return {};
  const out: Partial<Record<Stage, number>> = {};
  for (const [k, v] of Object.entries(parsed.data)) if (typeof v === "number") out[k as Stage] = v;
  return out;
}

/** Queues the messages whose keys are not used yet; returns how many were queued. */
async function enqueueNew(deps: SweepDeps, now: Date, msgs: { key: string; payload: Record<string, unknown> }[], report: SweepReport): Promise<number> {
  if (msgs.length === 0) return 0;
  const prisma = deps.db.prisma;
  const used = new Set(
    (await prisma.outboxMessage.findMany({ where: { dedupeKey: { in: msgs.map((m) => m.key) } }, select: { dedupeKey: true } })).map((r) => r.dedupeKey),
  );
  let queued = 0;
  for (const m of msgs) {
    if (used.has(m.key)) continue;
    try {
      if (await enqueue(prisma, { method: "chat.postMessage", payload: m.payload, dedupeKey: m.key }, now)) queued++;
    } catch (err) {
      report.failed++;
      deps.logger.error(`SLA sweep: queueing ${m.key} failed:`, err);
    }
  }
  return queued;
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
      const msg = renderCloseDateAlert({ ref: d.ref, title: d.title, stage: d.stage, expectedCloseDate: date, relationshipOwnerUserId: d.relationshipOwnerUserId });
      return [{ key: `closedate:${d.id}:${date}`, payload: { ...channelTarget(d), text: msg.text, unfurl_links: false } }];
    });
    report.closeDatePassed += await enqueueNew(deps, now, msgs, report);
    if (deals.length < batch) break;
    cursor = deals[deals.length - 1]!.id;
  }
}
