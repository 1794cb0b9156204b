import { ErrorCode, WebClient, type WebAPICallResult } from "@slack/web-api";
import type { AppDeps } from "../deps";
import type { Prisma } from "../generated/prisma/client";
import { renderDealCard } from "../slack/blocks/deal-card";
import { renderAttributionReceipt } from "../slack/blocks/attribution";
import { ASK_ALERT, ASK_ESCALATION_DM, renderAskAlert } from "./ask-alerts";
import { loadReceipt } from "../store/attribution";
import { loadDealView } from "../store/deal-view";
import { toSlack } from "../slack/mrkdwn";

// Delivers the outbox: claims due messages (FOR UPDATE SKIP LOCKED, so several processes
// never send the same row at once), sends each, and on failure schedules a retry — after
// Retry-After for 429s, with exponential backoff otherwise. Nothing is dropped: a message
// only leaves PENDING when Slack accepted it (or after MAX_ATTEMPTS, as DEAD, logged).

export const MAX_ATTEMPTS = 50;


interface Row {
  id: string;
  method: string;
  payload: Record<string, unknown>;
  onSent: Record<string, unknown> | null;
  attempts: number;
  dedupeKey: string | null;
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  dead: number;
  deferred: number;
}

export interface DeliveryOptions {
  batch?: number;
  /** Slack allows about one message per second per channel */
  perChannelGapMs?: number;
  /** a claimed row is another process's to take after this long (a process killed mid-send) */
  lockMs?: number;
}

/** A client for deliveries: no hidden retries, 429s come back to us so the row is rescheduled. */
export function deliveryClient(deps: AppDeps): WebClient {
  return new WebClient(deps.config.slack.botToken, {
    slackApiUrl: deps.config.slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logger: deps.logger,
  });
}

class Defer extends Error {}

const lastSentToChannel = new Map<string, number>();

export async function deliverOutbox(deps: AppDeps, client: WebClient, opts: DeliveryOptions = {}): Promise<DeliveryReport> {
  const prisma = deps.db.prisma;
  const now = deps.clock.now();
  const lockUntil = new Date(now.getTime() + (opts.lockMs ?? deps.config.outboxLockMs ?? 60_000));
  const batch = opts.batch ?? 25;
  const gap = opts.perChannelGapMs ?? 1000;
  const rows = await prisma.$queryRaw<Row[]>`
    UPDATE "OutboxMessage" SET "lockedUntil" = ${lockUntil}, attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM "OutboxMessage"
      WHERE status = 'PENDING' AND "nextAttemptAt" <= ${now} AND ("lockedUntil" IS NULL OR "lockedUntil" <= ${now})
      ORDER BY "createdAt", id
      LIMIT ${batch}
      FOR UPDATE SKIP LOCKED)
    RETURNING id, method, payload, "onSent", attempts, "dedupeKey"`;
  const report: DeliveryReport = { sent: 0, retried: 0, dead: 0, deferred: 0 };
  for (const row of rows) {
    try {
      const channel = await waitForChannelSlot(row, gap);
      const result = await send(deps, client, row);
      if (channel) lastSentToChannel.set(channel, Date.now());
      await prisma.outboxMessage.update({
        where: { id: row.id },
        data: { status: "SENT", sentAt: deps.clock.now(), lockedUntil: null, lastError: null, result: (result ?? {}) as Prisma.InputJsonValue },
      });
      report.sent++;
    } catch (err) {
      if (err instanceof Defer) {
        await prisma.outboxMessage.update({ where: { id: row.id }, data: { attempts: { decrement: 1 }, lockedUntil: null, nextAttemptAt: new Date(now.getTime() + 2000), lastError: err.message } });
        report.deferred++;
        continue;
      }
      const { delayMs, reason } = retryDelay(err, row.attempts);
      const dead = row.attempts >= MAX_ATTEMPTS;
      if (dead) deps.logger.error(`outbox: giving up on ${row.method} ${row.id} after ${row.attempts} attempts: ${reason}`);
      else deps.logger.warn(`outbox: ${row.method} failed (attempt ${row.attempts}), retrying in ${Math.round(delayMs / 1000)} s: ${reason}`);
      await prisma.outboxMessage.update({
        where: { id: row.id },
        data: { status: dead ? "DEAD" : "PENDING", lockedUntil: null, lastError: reason.slice(0, 500), nextAttemptAt: new Date(now.getTime() + delayMs) },
      });
      if (dead) report.dead++;
      else report.retried++;
    }
  }
  return report;
}

function retryDelay(err: unknown, attempts: number): { delayMs: number; reason: string } {
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
  if (e.code === ErrorCode.RateLimitedError) return { delayMs: Math.max(1, e.retryAfter ?? 1) * 1000, reason: `rate limited (Retry-After ${e.retryAfter ?? 1} s)` };
  const backoff = Math.min(2 ** Math.max(0, attempts - 1) * 2000, 10 * 60_000);
  if (e.code === ErrorCode.HTTPError) return { delayMs: backoff, reason: `HTTP ${e.statusCode}` };
  if (e.code === ErrorCode.PlatformError) return { delayMs: backoff, reason: `Slack said ${e.data?.error ?? "error"}` };
  return { delayMs: backoff, reason: e.message ?? String(err) };
}

async function waitForChannelSlot(row: Row, gapMs: number): Promise<string | undefined> {
  const channel = typeof row.payload.channel === "string" ? row.payload.channel : undefined;
  if (!channel || gapMs <= 0) return channel;
  const wait = (lastSentToChannel.get(channel) ?? 0) + gapMs - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  return channel;
}

async function send(deps: AppDeps, client: WebClient, row: Row): Promise<WebAPICallResult | Record<string, unknown>> {
  const prisma = deps.db.prisma;
  if (row.method === "deal.card") {
    const dealId = String(row.payload.dealId);
    const deal = await loadDealView(prisma, { id: dealId });
    const card = renderDealCard(deal, { audience: "channel", now: deps.clock.now() });
    if (deal.card.ts && deal.card.channelId) {
      return client.chat.update(toSlack({ channel: deal.card.channelId, ts: deal.card.ts, text: card.text, blocks: card.blocks }));
    }
    // Only the first post creates the card; later refreshes wait for it.
    if (!row.dedupeKey?.startsWith("card-post:")) throw new Defer("card not posted yet");
    const res = await client.chat.postMessage(toSlack({ channel: deal.pairing.channelId, text: card.text, blocks: card.blocks, unfurl_links: false }));
    await prisma.deal.updateMany({ where: { id: dealId, cardTs: null }, data: { cardChannelId: String(res.channel ?? deal.pairing.channelId), cardTs: String(res.ts) } });
    return { channel: res.channel, ts: res.ts };
  }
  if (row.method === "attribution.receipt") {
    const data = await loadReceipt(prisma, String(row.payload.recordId));
    const program = await prisma.program.findUniqueOrThrow({ where: { id: 1 } });
    const receipt = renderAttributionReceipt(data, { shareAmounts: program.shareAmountsInChannel });
    return send(deps, client, { ...row, method: "chat.postMessage", payload: toSlack({ threadOfDealId: data.dealId, text: receipt.text, blocks: receipt.blocks, unfurl_links: false }) });
  }
  if (row.method === ASK_ALERT || row.method === ASK_ESCALATION_DM) {
    const rendered = await renderAskAlert(prisma, row.method, row.payload);
    // Answered (or closed) before its alert went out: there is nothing to announce any more.
    if (!rendered) return { skipped: "the ask is no longer open" };
    return send(deps, client, { ...row, method: "chat.postMessage", payload: toSlack(rendered) });
  }
  const payload = { ...row.payload };
  // Replies in a deal's thread name the deal; the card's ts is known only once it is posted.
  if (typeof payload.threadOfDealId === "string") {
    const deal = await prisma.deal.findUnique({ where: { id: payload.threadOfDealId }, select: { cardTs: true, cardChannelId: true } });
    if (!deal?.cardTs) throw new Defer("deal card not posted yet");
    payload.thread_ts = deal.cardTs;
    payload.channel ??= deal.cardChannelId;
    delete payload.threadOfDealId;
  }
  return client.apiCall(row.method, payload);
}

export interface OutboxLoop {
  /** deliver now (after a write), instead of at the next tick */
  kick(): void;
  stop(): Promise<void>;
}

/** Runs deliveries every intervalMs and whenever kicked; one run at a time in this process. */
export function startOutboxLoop(deps: AppDeps, opts: DeliveryOptions & { intervalMs?: number; client?: WebClient } = {}): OutboxLoop {
  const client = opts.client ?? deliveryClient(deps);
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const run = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          const r = await deliverOutbox(deps, client, opts);
          if (r.sent + r.retried + r.dead === (opts.batch ?? 25)) again = true;
        } catch (err) {
          deps.logger.error("outbox delivery failed:", err);
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
  };
  const timer = setInterval(run, opts.intervalMs ?? 2000);
  timer.unref();
  return {
    kick: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
