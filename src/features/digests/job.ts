import { toJsonColumn } from "../../platform/db/json";
import { z } from "zod";
import { WebClient } from "@slack/web-api";
import type { AppDeps } from "../../platform/deps";
import { chartDataFromMetrics, renderDigestChart, type DigestChartData } from "./chart";
import { dueSlot, previousSlot, type DigestSlot } from "./schedule";
import { renderManagerDigest, renderPairingDigest, type DigestMessage } from "./render";
import { enqueueMany, type OutboxInput } from "../../platform/outbox/enqueue";
import { loadDigestProgram, loadManagerDigest, loadPairingDigests, type DigestProgram } from "./load";
import { closeCheckInRounds, loadCheckInSections, loadParticipation } from "../checkins/checkins";

// The weekly digests: one standup digest per pairing into its channel, and one manager digest
// (to the manager channel when it is internal, else to each admin by DM) with a chart.
//
// When: the program's weekday and hour in its timezone (Program.digestWeekday/digestHour,
// default Monday 09:00). The scheduler calls runWeeklyDigests every few minutes; it does
// something only on the digest day at or after the hour (schedule.ts), so a
// process that was down at 09:00 and starts at 11:00 catches up (catchUpDigests at start), and
// one that starts the next day does not.
//
// Exactly once per pairing per week, across restarts and with several processes on one database:
// the digest's posts are queued (outbox) in the same transaction that claims the run — a JobRun
// row (job "pairing-digest", periodKey "<pairingId>:<ISO week of the slot>") inserted with ON
// CONFLICT DO NOTHING. Whoever inserts the row queues the posts; a second process waits on the
// row's unique key, then inserts nothing and queues nothing. The outbox messages carry dedupe keys
// too (`digest:<pairingId>:<week>:<part>`). Delivery (retries, 429s, one post per second per
// channel) is the outbox worker's, so a Slack outage delays a digest but never loses it.
//
// The manager digest is claimed the same way (job "manager-digest", periodKey "<week>"). Its chart
// is uploaded by this job, not the outbox: the claim stores the chart's data in the JobRun row
// (finishedAt null = chart still to upload); after the digest post is delivered, the chart is
// rendered and uploaded into its thread with files.uploadV2, and finishedAt is set. A failed
// upload is retried at the next run (a lease in the row keeps two processes from uploading the
// same chart at once), up to CHART_MAX_ATTEMPTS, for at most a week.

export const PAIRING_DIGEST_JOB = "pairing-digest";
export const MANAGER_DIGEST_JOB = "manager-digest";
const CHART_MAX_ATTEMPTS = 10;
const CHART_LEASE_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

export type DigestDeps = Pick<AppDeps, "db" | "logger" | "config"> & { outbox?: AppDeps["outbox"] };

export interface DigestOptions {
  /**
   * Slack client for conversations.info (is the manager channel internal?), conversations.open
   * and the chart upload. null: no Slack calls — the manager digest goes to the admins by DM and
   * has no chart. Default: a client for the configured Slack API.
   */
  client?: WebClient | null;
  /** pairings claimed per transaction (default 100) */
  batch?: number;
  /** how long to wait for the manager digest post before uploading its chart (default 20 s; later runs retry) */
  chartWaitMs?: number;
}

export interface DigestReport {
  /** the slot run now, or null when no digest is due */
  slot: DigestSlot | null;
  pairings: { claimed: number; alreadyDone: number; messages: number };
  manager: "claimed" | "already done" | "no recipients" | "not due";
  charts: { uploaded: number; waiting: number; failed: number };
}

// The manager digest's JobRun.detail (a JSON column): where it went and the chart's progress,
// parsed on read.
const postedMessageSchema = z.object({ channel: z.string().optional(), ts: z.string().optional() });

const chartDetailSchema = z.object({
  /** a channel ID, or an admin's user ID (a DM) */
  destinations: z.array(z.object({ channel: z.string() })),
  chart: z
    .object({
      title: z.string(),
      currency: z.string(),
      stages: z.array(z.object({ stage: z.string(), amount: z.number(), deals: z.number() })),
      pairings: z.array(z.object({ pairing: z.string(), amount: z.number(), winRate: z.number().nullable() })),
    })
    .nullable(),
  chartStatus: z.enum(["pending", "uploaded", "failed", "skipped"]),
  uploaded: z.array(z.string()),
  attempts: z.number().int(),
  leaseUntil: z.number(),
  lastError: z.string().optional(),
}) satisfies z.ZodType<{ chart: DigestChartData | null }>;
type ChartDetail = z.infer<typeof chartDetailSchema>;
type ManagerDestination = ChartDetail["destinations"][number];

/** A Slack client for the job: a few retries of its own (the chart upload is not in the outbox). */
export function digestClient(deps: Pick<AppDeps, "config" | "logger">): WebClient {
  return new WebClient(deps.config.slack.botToken, {
    slackApiUrl: deps.config.slack.apiUrl,
    logger: deps.logger,
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 5000 },
    timeout: 30_000,
  });
}

const pairingPeriodKey = (pairingId: string, week: string) => `${pairingId}:${week}`;
const digestDedupeKey = (pairingId: string, week: string, part: number) => `digest:${pairingId}:${week}:${part}`;
const managerDedupeKey = (week: string, channel: string, part: number) => `manager-digest:${week}:${channel}:${part}`;

function emptyReport(slot: DigestSlot | null): DigestReport {
  return { slot, pairings: { claimed: 0, alreadyDone: 0, messages: 0 }, manager: "not due", charts: { uploaded: 0, waiting: 0, failed: 0 } };
}

/** Runs the digests due at `now` (if any) and uploads pending charts. Safe to call any number of times. */
export async function runWeeklyDigests(deps: DigestDeps, now: Date, opts: DigestOptions = {}): Promise<DigestReport> {
  const client = opts.client === undefined ? digestClient(deps) : opts.client;
  const program = await loadDigestProgram(deps.db.prisma, deps.config.timezone);
  const schedule = { timezone: program.timezone, weekday: program.digestWeekday, hour: program.digestHour };
  const slot = dueSlot(now, schedule);
  const report = emptyReport(slot);
  if (slot) {
    const window = { start: previousSlot(slot, schedule).at, end: slot.at };
    await claimPairingDigests(deps, now, slot, window, program, opts.batch ?? 100, report);
    report.manager = await claimManagerDigest(deps, now, slot, window, program, client);
    if (report.pairings.claimed > 0 || report.manager === "claimed") {
      deps.logger.info(
        `weekly digests ${slot.week}: ${report.pairings.claimed} pairing digests queued (${report.pairings.messages} messages), manager digest ${report.manager}`,
      );
      deps.outbox?.kick();
    }
  }
  if (client) await uploadPendingCharts(deps, client, now, opts.chartWaitMs ?? 20_000, report);
  return report;
}

/**
 * At start: the digests of today's slot if the process was down when it came (same local day);
 * the claims make it a no-op when another process (or an earlier run) already sent them.
 */
export async function catchUpDigests(deps: DigestDeps, now: Date, opts: DigestOptions = {}): Promise<DigestReport> {
  const report = await runWeeklyDigests(deps, now, opts);
  if (report.slot && (report.pairings.claimed > 0 || report.manager === "claimed")) {
    deps.logger.info(`weekly digests: caught up on ${report.slot.week} (due ${report.slot.at.toISOString()})`);
  }
  return report;
}

// ---------------------------------------------------------------------------
// Pairing digests.

async function claimPairingDigests(
  deps: DigestDeps,
  now: Date,
  slot: DigestSlot,
  window: { start: Date; end: Date },
  program: DigestProgram,
  batch: number,
  report: DigestReport,
): Promise<void> {
  const prisma = deps.db.prisma;
  // Pairings that existed at the slot; the ones not yet claimed for this week.
  const pairings = await prisma.pairing.findMany({ where: { createdAt: { lte: slot.at } }, select: { id: true } });
  if (pairings.length === 0) return;
  const done = new Set(
    (
      await prisma.jobRun.findMany({
        where: { job: PAIRING_DIGEST_JOB, periodKey: { in: pairings.map((p) => pairingPeriodKey(p.id, slot.week)) } },
        select: { periodKey: true },
      })
    ).map((r) => r.periodKey),
  );
  const todo = pairings.filter((p) => !done.has(pairingPeriodKey(p.id, slot.week)));
  report.pairings.alreadyDone += pairings.length - todo.length;
  if (todo.length === 0) return;

  const todoIds = new Set(todo.map((p) => p.id));
  const all = await loadPairingDigests(prisma, {
    now,
    window,
    timezone: program.timezone,
    pairingIds: todo.length === pairings.length ? undefined : [...todoIds],
  });
  const data = all.filter((d) => todoIds.has(d.pairing.id));
  // Pairings with a check-in this week: their answers are read (and the digest rendered again) in the claim below.
  const checkIns = new Set(
    (await prisma.checkInRound.findMany({ where: { week: slot.week, pairingId: { in: [...todoIds] } }, select: { pairingId: true } })).map((r) => r.pairingId),
  );

  for (let i = 0; i < data.length; i += batch) {
    const chunk = data.slice(i, i + batch).map((d) => ({ d, key: pairingPeriodKey(d.pairing.id, slot.week), msgs: renderPairingDigest(d) }));
    try {
      const { claimed, messages } = await prisma.$transaction(async (tx) => {
        const rows = await tx.jobRun.createManyAndReturn({
          data: chunk.map((c) => ({
            job: PAIRING_DIGEST_JOB,
            periodKey: c.key,
            startedAt: now,
            finishedAt: now,
            detail: { channelId: c.d.pairing.channelId, messages: c.msgs.length, slot: slot.at.toISOString() },
          })),
          skipDuplicates: true,
          select: { periodKey: true },
        });
        const mine = new Set(rows.map((r) => r.periodKey));
        // The week's check-ins close with their digest, in its claim: an answer saved before the
        // close is in the digest (read again after it), one after it is refused (the answer's
        // transaction waits on the round's row and then sees it closed).
        const withRound = chunk.filter((c) => mine.has(c.key) && checkIns.has(c.d.pairing.id));
        if (withRound.length > 0) {
          const ids = withRound.map((c) => c.d.pairing.id);
          await closeCheckInRounds(tx, { week: slot.week, pairingIds: ids, now });
          const fresh = await loadCheckInSections(tx, { week: slot.week, pairingIds: ids });
          for (const c of withRound) {
            c.d.checkIn = fresh.get(c.d.pairing.id) ?? null;
            c.msgs = renderPairingDigest(c.d);
          }
        }
        const outbox = chunk
          .filter((c) => mine.has(c.key))
          .flatMap((c) => c.msgs.map((m, part) => outboxRow(c.d.pairing.channelId, m, digestDedupeKey(c.d.pairing.id, slot.week, part + 1), now, part)));
        // One statement, the rows as one JSON parameter (Prisma's createMany took ~1 s for 2,000 digests).
        await enqueueMany(tx, outbox, now);
        return { claimed: mine.size, messages: outbox.length };
      });
      report.pairings.claimed += claimed;
      report.pairings.alreadyDone += chunk.length - claimed;
      report.pairings.messages += messages;
    } catch (err) {
      // Nothing of this chunk was claimed: the next run (minutes later, same day) tries again.
      deps.logger.error(`weekly digests ${slot.week}: claiming ${chunk.length} pairing digests failed, retrying at the next run:`, err);
    }
  }
}

/** An outbox row; parts of one digest are ordered by their creation time (1 ms apart). */
function outboxRow(channel: string, m: DigestMessage, dedupeKey: string, now: Date, part: number): OutboxInput {
  return {
    method: "message",
    payload: { channel, text: m.text, ...(m.blocks ? { blocks: m.blocks } : {}), unfurl_links: false, unfurl_media: false },
    dedupeKey,
    at: new Date(now.getTime() + part),
  };
}

// ---------------------------------------------------------------------------
// The manager digest.

/**
 * Where the manager digest goes: the manager channel when one is set and Slack says it is not
 * shared with another organization (conversations.info `is_ext_shared`), otherwise each admin
 * by DM. Without a Slack client the channel cannot be checked, so the admins get it.
 */
export async function managerDestinations(
  deps: DigestDeps,
  program: Pick<DigestProgram, "managerChannelId">,
  client: WebClient | null,
): Promise<ManagerDestination[]> {
  const channel = program.managerChannelId;
  if (channel && client) {
    try {
      const info = await client.conversations.info({ channel });
      const c = info.channel as { is_ext_shared?: boolean; is_pending_ext_shared?: boolean } | undefined;
      if (c && !c.is_ext_shared && !c.is_pending_ext_shared) return [{ channel }];
      deps.logger.warn(`manager digest: channel ${channel} is shared with another organization, so the digest goes to the admins by DM`);
    } catch (err) {
      deps.logger.warn(`manager digest: could not check channel ${channel} (${(err as Error).message}); sending to the admins by DM`);
    }
  }
  return [...new Set(deps.config.admins)].map((u) => ({ channel: u }));
}

async function claimManagerDigest(
  deps: DigestDeps,
  now: Date,
  slot: DigestSlot,
  window: { start: Date; end: Date },
  program: DigestProgram,
  client: WebClient | null,
): Promise<DigestReport["manager"]> {
  const prisma = deps.db.prisma;
  const existing = await prisma.jobRun.findUnique({ where: { job_periodKey: { job: MANAGER_DIGEST_JOB, periodKey: slot.week } }, select: { id: true } });
  if (existing) return "already done";
  const destinations = await managerDestinations(deps, program, client);
  if (destinations.length === 0) {
    deps.logger.debug("manager digest: no manager channel and no admins (COSELL_ADMINS); not sent");
    return "no recipients";
  }
  const data = await loadManagerDigest(prisma, { now, window, fallbackTimezone: program.timezone });
  data.checkIns = await loadParticipation(prisma, slot.week);
  const msgs = renderManagerDigest(data, { week: slot.week });
  const detail: ChartDetail = {
    destinations,
    chart: client ? chartDataFromMetrics(data.metrics, `${program.name} · ${slot.week}`) : null,
    chartStatus: client ? "pending" : "skipped",
    uploaded: [],
    attempts: 0,
    leaseUntil: 0,
  };
  const claimed = await prisma.$transaction(async (tx) => {
    const rows = await tx.jobRun.createManyAndReturn({
      data: [{ job: MANAGER_DIGEST_JOB, periodKey: slot.week, startedAt: now, finishedAt: client ? null : now, detail: toJsonColumn(detail) }],
      skipDuplicates: true,
      select: { id: true },
    });
    if (rows.length === 0) return false;
    const outbox = destinations.flatMap((d) => msgs.map((m, part) => outboxRow(d.channel, m, managerDedupeKey(slot.week, d.channel, part + 1), now, part)));
    await enqueueMany(tx, outbox, now);
    return true;
  });
  return claimed ? "claimed" : "already done";
}

// ---------------------------------------------------------------------------
// The manager digest's chart.

async function uploadPendingCharts(deps: DigestDeps, client: WebClient, now: Date, waitMs: number, report: DigestReport): Promise<void> {
  const prisma = deps.db.prisma;
  const runs = await prisma.jobRun.findMany({
    where: { job: MANAGER_DIGEST_JOB, finishedAt: null, startedAt: { gte: new Date(now.getTime() - 7 * DAY_MS) } },
    orderBy: { startedAt: "asc" },
  });
  for (const run of runs) {
    const detail = run.detail == null ? null : chartDetailSchema.parse(run.detail);
    if (!detail?.chart) {
      await prisma.jobRun.update({ where: { id: run.id }, data: { finishedAt: now } });
      continue;
    }
    // The chart goes into the digest's thread: wait (briefly) for the outbox to post it.
    const firstKeys = detail.destinations.map((d) => managerDedupeKey(run.periodKey, d.channel, 1));
    const posts = await waitForPosts(deps, firstKeys, waitMs);
    if (posts.some((p) => p.status === "PENDING")) {
      report.charts.waiting++;
      continue;
    }
    // A lease, so that two processes never upload the same chart at once.
    const leased = await prisma.$queryRaw<{ id: string }[]>`
      UPDATE "JobRun" SET detail = jsonb_set(detail::jsonb, '{leaseUntil}', to_jsonb(${now.getTime() + CHART_LEASE_MS}::bigint))
      WHERE id = ${run.id} AND "finishedAt" IS NULL AND COALESCE((detail->>'leaseUntil')::bigint, 0) <= ${now.getTime()}
      RETURNING id`;
    if (leased.length === 0) continue;
    const uploaded = new Set(detail.uploaded);
    try {
      const png = await renderDigestChart(detail.chart);
      for (const dest of detail.destinations) {
        if (uploaded.has(dest.channel)) continue;
        const post = posts.find((p) => p.dedupeKey === managerDedupeKey(run.periodKey, dest.channel, 1));
        const sent = post?.status === "SENT" ? postedMessageSchema.nullable().parse(post.result) : null;
        let channelId = sent?.channel ?? dest.channel;
        if (/^[UW]/.test(channelId)) {
          const dm = await client.conversations.open({ users: channelId });
          channelId = String(dm.channel?.id ?? channelId);
        }
        const file = {
          file: png,
          filename: `cosell-digest-${run.periodKey}.png`,
          title: `Co-sell program ${run.periodKey}: pipeline by stage and pairing ranking`,
        };
        if (sent?.ts) await client.filesUploadV2({ ...file, channel_id: channelId, thread_ts: sent.ts });
        else await client.filesUploadV2({ ...file, channel_id: channelId, initial_comment: `📊 Co-sell program digest ${run.periodKey}: charts` });
        uploaded.add(dest.channel);
        await prisma.jobRun.update({
          where: { id: run.id },
          data: { detail: toJsonColumn({ ...detail, uploaded: [...uploaded], leaseUntil: now.getTime() + CHART_LEASE_MS }) },
        });
      }
      await prisma.jobRun.update({
        where: { id: run.id },
        data: { finishedAt: now, detail: toJsonColumn({ ...detail, uploaded: [...uploaded], chartStatus: "uploaded", leaseUntil: 0 }) },
      });
      report.charts.uploaded++;
    } catch (err) {
      const attempts = detail.attempts + 1;
      const giveUp = attempts >= CHART_MAX_ATTEMPTS;
      const message = err instanceof Error ? err.message : String(err);
      if (giveUp) deps.logger.error(`manager digest ${run.periodKey}: giving up on the chart after ${attempts} attempts: ${message}`);
      else deps.logger.warn(`manager digest ${run.periodKey}: chart upload failed (attempt ${attempts}), retrying at the next run: ${message}`);
      await prisma.jobRun.update({
        where: { id: run.id },
        data: {
          finishedAt: giveUp ? now : null,
          // The lease stays until it expires: the retry comes at a later run.
          detail: toJsonColumn({
            ...detail,
            uploaded: [...uploaded],
            attempts,
            chartStatus: giveUp ? "failed" : "pending",
            lastError: message.slice(0, 500),
            leaseUntil: now.getTime() + CHART_LEASE_MS,
          }),
        },
      });
      report.charts.failed++;
    }
  }
}

async function waitForPosts(deps: DigestDeps, keys: string[], waitMs: number) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const rows = await deps.db.prisma.outboxMessage.findMany({ where: { dedupeKey: { in: keys } }, select: { dedupeKey: true, status: true, result: true } });
    const pending = rows.length < keys.length || rows.some((r) => r.status === "PENDING");
    if (!pending || Date.now() >= deadline) {
      // A missing row counts as pending (it cannot be: it is written with the claim).
      return keys.map((k) => rows.find((r) => r.dedupeKey === k) ?? { dedupeKey: k, status: "PENDING" as const, result: null });
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
