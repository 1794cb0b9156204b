import { ErrorCode, WebClient, type WebAPICallResult } from "@slack/web-api";
import type { AppDeps } from "../deps";
import type { Prisma } from "../../generated/prisma/client";
import { toSlack } from "../slack/mrkdwn";
import { parseOutboxRow, type OutboxIntent } from "./intents";
import { CrmApiError } from "../crm/hubspot";
import { renderIntent, type OutboxRenderers, type Posted } from "./renderers";

// Delivers the outbox: claims due messages (FOR UPDATE SKIP LOCKED, so several processes
// never send the same row at once), sends each, and on failure schedules a retry — after
// Retry-After for 429s, with exponential backoff otherwise. Nothing is dropped: a message
// only leaves PENDING when Slack accepted it (or after MAX_ATTEMPTS, as DEAD, logged).
//
// Each row is an intent (intents.ts), parsed when it is claimed — a row that does not parse is
// logged and DEAD at once (no retry can fix it) — and rendered by the renderer its kind has in
// the registry the caller passes (src/outbox-renderers.ts; renderers.ts has the contract).
//
// Exactly once when Slack's answer is lost. Every chat.postMessage carries message metadata
// { event_type: "cosell_outbox", event_payload: { id: <row id> } }. When a post's outcome is
// unknown — its answer timed out, the connection broke, a 504, or the process sending it died
// (its lock expired) — the next attempt first looks for that id in the channel's recent history
// (and the thread's replies, for a thread reply) and adopts the message it finds instead of
// posting it again. "Outcome unknown" needs no column of its own: a PENDING row whose
// `lockedUntil` is still set when it is claimed was left by an attempt that never recorded an
// outcome — every recorded outcome (sent, a definite failure, deferred) clears it, except a
// failure of unknown outcome, which keeps it (set to the retry time) on purpose.
// chat.update is idempotent and simply sent again. chat.postEphemeral cannot be looked up
// (ephemeral messages are in no history), so an ephemeral whose answer was lost may show twice;
// the outbox queues none today (ephemerals are sent directly, in answer to the person).
//
// Pacing: Slack takes about one message per second per channel. A row's target is resolved
// first (intents are rendered at delivery: their channel is known only then),
// then the row waits for that channel's slot (the gap counts from the end of the previous call
// to the channel). A row whose slot is near (within maxChannelWaitMs, by default 200 ms) waits
// in this run while rows for other channels go ahead; a row whose slot is further off is handed
// back to the queue, due at its slot, and keeps that slot when it comes back (its place in the
// channel's line), so one busy channel never holds a batch — or the lock of a row — hostage.
// The loop wakes when the next handed-back row is due. Pacing state is per process. Rows for
// different channels are sent concurrently (DeliveryOptions.concurrency), a channel's in order.

const MAX_ATTEMPTS = 50;
const DEFAULT_BATCH = 100;
const DEFAULT_CONCURRENCY = 8;
/**
 * How long a run waits for a channel's slot before handing the row back: short, because the
 * run's other rows (other channels) wait for its end — 3 messages to each of 1,000 channels
 * went out at 91/s when every run waited up to a whole gap.
 */
const MAX_CHANNEL_WAIT_MS = 200;

/** The metadata event type of every outbox post; its event_payload is { id: <outbox row id> }. */
export const OUTBOX_EVENT_TYPE = "cosell_outbox";
/** How far before a row's creation its post is looked for (clock skew between us and Slack). */
const LOOKUP_MARGIN_MS = 10 * 60_000;
const LOOKUP_PAGE = 200;
const LOOKUP_MAX_PAGES = 5;
/** Lookups that can never work here (no access, missing scope): the post is sent again. */
const CANNOT_LOOK = new Set([
  "not_in_channel",
  "missing_scope",
  "channel_not_found",
  "thread_not_found",
  "no_permission",
  "access_denied",
  "not_allowed_token_type",
  "team_access_not_granted",
]);

interface Row {
  id: string;
  method: string;
  payload: Record<string, unknown>;
  onSent: Record<string, unknown> | null;
  attempts: number;
  dedupeKey: string | null;
  createdAt: Date;
  /** the previous attempt never recorded an outcome: its post may be in the channel */
  unsettled: boolean;
}

export interface DeliveryReport {
  /** rows claimed by this run */
  claimed: number;
  /** rows done: posted, updated, adopted or skipped */
  sent: number;
  /** of those, posts found already in the channel (an earlier attempt's answer was lost) */
  adopted: number;
  retried: number;
  dead: number;
  deferred: number;
  /** when this run did not fill its batch: how soon the next pending row is due, in ms (wakes the loop) */
  nextDueInMs?: number;
}

export interface DeliveryOptions {
  /** rows claimed per run */
  batch?: number;
  /** Slack calls in flight at once, each to a different channel (order is kept within a channel) */
  concurrency?: number;
  /** Slack allows about one message per second per channel */
  perChannelGapMs?: number;
  /**
   * How long a run waits for a channel's next slot; a row whose slot is further off is handed
   * back to the queue, due at its slot (default: the gap, at most MAX_CHANNEL_WAIT_MS)
   */
  maxChannelWaitMs?: number;
  /** a claimed row is another process's to take after this long (a process killed mid-send) */
  lockMs?: number;
}

/** A client for deliveries: no hidden retries, 429s come back to us so the row is rescheduled. */
export function deliveryClient(deps: AppDeps, opts: { timeoutMs?: number } = {}): WebClient {
  return new WebClient(deps.config.slack.botToken, {
    slackApiUrl: deps.config.slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: opts.timeoutMs ?? 10_000,
    logger: deps.logger,
  });
}

class Defer extends Error {}

/** A row resolved to the Slack call that delivers it (rendered, its channel known). */
type Plan =
  | { kind: "skip"; result: Record<string, unknown> }
  | { kind: "post"; channel: string; threadTs?: string; args: Record<string, unknown>; onPosted?: (p: Posted) => Promise<void> }
  | { kind: "call"; method: string; channel?: string; args: Record<string, unknown> }
  | { kind: "crm"; channel?: undefined; run: () => Promise<Record<string, unknown>> };

/** What is known of a row's posts: `uncertain` while one may be in the channel unrecorded. */
interface AttemptState {
  uncertain: boolean;
}

// Per process: when each channel was last sent to, the next free slot per channel, and the slot
// each row handed back to the queue holds (so it keeps its place when it comes back).
const lastSentToChannel = new Map<string, number>();
const nextFreeSlot = new Map<string, number>();
const reservedSlots = new Map<string, { channel: string; at: number }>();
let lastPrune = 0;

/** Forgets all pacing state (tests that measure pacing start from a quiet process). */
export function resetChannelPacing(): void {
  lastSentToChannel.clear();
  nextFreeSlot.clear();
  reservedSlots.clear();
}

export async function deliverOutbox(deps: AppDeps, client: WebClient, renderers: OutboxRenderers, opts: DeliveryOptions = {}): Promise<DeliveryReport> {
  const prisma = deps.db.prisma;
  const now = deps.clock.now();
  const lockMs = opts.lockMs ?? deps.config.outboxLockMs ?? 60_000;
  const lockUntil = new Date(now.getTime() + lockMs);
  const batch = opts.batch ?? DEFAULT_BATCH;
  const concurrency = Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY);
  const gap = opts.perChannelGapMs ?? 1000;
  // Never wait so long that the claimed rows' locks run out.
  const maxWait = Math.max(0, Math.min(opts.maxChannelWaitMs ?? Math.min(gap, MAX_CHANNEL_WAIT_MS), lockMs / 4));
  pruneReservations();
  const claimed = await prisma.$queryRaw<Row[]>`
    WITH due AS (
      SELECT id, ("lockedUntil" IS NOT NULL) AS unsettled FROM "OutboxMessage"
      WHERE status = 'PENDING' AND "nextAttemptAt" <= ${now} AND ("lockedUntil" IS NULL OR "lockedUntil" <= ${now})
      ORDER BY "createdAt", id
      LIMIT ${batch}
      FOR UPDATE SKIP LOCKED)
    UPDATE "OutboxMessage" AS o SET "lockedUntil" = ${lockUntil}, attempts = o.attempts + 1
    FROM due WHERE o.id = due.id
    RETURNING o.id, o.method, o.payload, o."onSent", o.attempts, o."dedupeKey", o."createdAt", due.unsettled`;
  const rows = claimed
    .map((r) => ({ ...r, createdAt: new Date(r.createdAt), unsettled: Boolean(r.unsettled) }))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const report: DeliveryReport = { claimed: rows.length, sent: 0, adopted: 0, retried: 0, dead: 0, deferred: 0 };

  // Rows handed back to the queue, written in one statement (a flood to one channel hands back
  // nearly every row it claims). Handing a row back is no attempt; a post of unknown outcome
  // stays to be looked for (lockedUntil kept, see the top).
  const handedBack: { id: string; until: string; keep: boolean; reason: string }[] = [];
  const defer = (row: Row, state: AttemptState, inMs: number, reason: string) => {
    handedBack.push({ id: row.id, until: new Date(deps.clock.now().getTime() + inMs).toISOString(), keep: state.uncertain, reason });
    report.deferred++;
  };
  const flushHandedBack = async () => {
    if (handedBack.length === 0) return;
    const json = JSON.stringify(handedBack.splice(0));
    await prisma.$executeRaw`
      UPDATE "OutboxMessage" AS o
      SET attempts = o.attempts - 1, "nextAttemptAt" = r.until, "lockedUntil" = CASE WHEN r.keep THEN r.until END, "lastError" = r.reason
      FROM jsonb_to_recordset(${json}::jsonb) AS r(id text, until timestamp, keep boolean, reason text)
      WHERE o.id = r.id`;
  };

  const fail = async (row: Row, state: AttemptState, err: unknown) => {
    if (err instanceof Defer) return defer(row, state, 2000, err.message);
    const { delayMs, reason } = retryDelay(err, row.attempts);
    if ((err as { code?: string }).code === ErrorCode.RateLimitedError) deps.metrics?.slackRateLimited.inc({ method: row.method });
    const dead = row.attempts >= MAX_ATTEMPTS;
    const what = state.uncertain ? `${reason} (outcome unknown: the next attempt looks for the post first)` : reason;
    if (dead) deps.logger.error(`outbox: giving up on ${row.method} ${row.id} after ${row.attempts} attempts: ${what}`);
    else deps.logger.warn(`outbox: ${row.method} failed (attempt ${row.attempts}), retrying in ${Math.round(delayMs / 1000)} s: ${what}`);
    const next = new Date(deps.clock.now().getTime() + delayMs);
    await prisma.outboxMessage.update({
      where: { id: row.id },
      // lockedUntil stays set (to the retry time) when the post may have landed: see the top.
      data: { status: dead ? "DEAD" : "PENDING", lockedUntil: !dead && state.uncertain ? next : null, lastError: what.slice(0, 500), nextAttemptAt: next },
    });
    if (dead) report.dead++;
    else report.retried++;
    deps.metrics?.outboxSends.inc({ result: dead ? "dead" : "retried" });
  };

  // A row that is no intent (a bug, or a kind this version does not know): no retry can send it.
  const invalid = async (row: Row, error: string) => {
    const what = `not a valid ${row.method} intent: ${error}`;
    deps.logger.error(`outbox: giving up on ${row.method} ${row.id}: ${what}`);
    await prisma.outboxMessage.update({ where: { id: row.id }, data: { status: "DEAD", lockedUntil: null, lastError: what.slice(0, 500) } });
    report.dead++;
    deps.metrics?.outboxSends.inc({ result: "dead" });
  };

  const done = async (row: Row, result: Record<string, unknown>) => {
    await prisma.outboxMessage.update({
      where: { id: row.id },
      data: { status: "SENT", sentAt: deps.clock.now(), lockedUntil: null, lastError: null, result: result as Prisma.InputJsonValue },
    });
    report.sent++;
    if (result.adopted === true) report.adopted++;
    deps.metrics?.outboxSends.inc({ result: result.adopted === true ? "adopted" : "sent" });
  };

  interface Ready {
    row: Row;
    plan: Exclude<Plan, { kind: "skip" }>;
    state: AttemptState;
    /** not before (Date.now() ms): the channel's slot */
    at: number;
  }
  // A send must finish while this process still holds the row: none starts in the second half
  // of the lock (a batch slowed down by timeouts hands its last rows back instead).
  const sendBy = now.getTime() + lockMs / 2;
  const send = async ({ row, plan, state }: Ready) => {
    if (deps.clock.now().getTime() > sendBy) return defer(row, state, 0, "not sent: this run ran out of its lock time");
    const paced = plan.channel && gap > 0 ? plan.channel : undefined;
    try {
      if (paced) {
        const wait = (lastSentToChannel.get(paced) ?? 0) + gap - Date.now();
        if (wait > 0) await sleep(wait);
      }
      let result: Record<string, unknown>;
      try {
        result = await deliver(deps, client, row, plan, state);
      } finally {
        // The gap runs from the end of the call: however long the request took to leave and
        // to reach Slack, two calls to one channel arrive at least a gap apart.
        if (paced) lastSentToChannel.set(paced, Date.now());
      }
      await done(row, result);
    } catch (err) {
      await fail(row, state, err);
    }
  };

  // Rows go out in queue order, each once its channel's slot has come; while a row waits for
  // its slot, rows for other channels go ahead. Sends to different channels run side by side
  // (at most `concurrency` at once); those to one channel one after the other, in order.
  const waiting: Ready[] = [];
  const chains = new Map<string, Promise<void>>();
  let active = 0;
  const slots: (() => void)[] = [];
  let sendError: unknown;
  const dispatch = (ready: Ready) => {
    const key = ready.plan.channel ?? `row:${ready.row.id}`;
    const next = (chains.get(key) ?? Promise.resolve()).then(async () => {
      if (active >= concurrency) await new Promise<void>((r) => slots.push(r));
      active++;
      try {
        await send(ready);
      } catch (err) {
        // (recording an outcome failed) the channel's next rows still go; the run reports it
        sendError ??= err;
      } finally {
        active--;
        slots.shift()?.();
      }
    });
    chains.set(key, next);
  };
  const sendDue = async () => {
    while (waiting.length > 0 && waiting[0]!.at <= Date.now()) dispatch(waiting.shift()!);
  };
  // Rendering reads the database (a card is a few queries): the batch's rows are rendered a few
  // at a time ahead of the loop below, which still takes them in queue order.
  let renderSlots = RENDER_CONCURRENCY;
  const renderWaiting: (() => void)[] = [];
  type Rendered = { plan: Plan } | { err: unknown } | { invalid: string };
  const rendered = new Map<string, Promise<Rendered>>(
    rows.map((row): [string, Promise<Rendered>] => {
      const parsed = parseOutboxRow(row.method, row.payload);
      if (!parsed.ok) return [row.id, Promise.resolve({ invalid: parsed.error })];
      const run = async (): Promise<Rendered> => {
        if (renderSlots > 0) renderSlots--;
        else await new Promise<void>((r) => renderWaiting.push(r));
        try {
          return { plan: await resolve(deps, renderers, row, parsed.intent) };
        } catch (err) {
          return { err };
        } finally {
          // The slot goes straight to the next render waiting, if any.
          const next = renderWaiting.shift();
          if (next) next();
          else renderSlots++;
        }
      };
      return [row.id, run()];
    }),
  );
  try {
    for (const row of rows) {
      const state: AttemptState = { uncertain: row.unsettled };
      const r = await rendered.get(row.id)!;
      if ("invalid" in r) {
        await invalid(row, r.invalid);
        continue;
      }
      if ("err" in r) {
        await fail(row, state, r.err);
        continue;
      }
      const plan = r.plan;
      if (plan.kind === "skip") {
        await done(row, plan.result);
        continue;
      }
      const at = plan.channel && gap > 0 ? takeSlot(row.id, plan.channel, gap) : 0;
      const wait = at - Date.now();
      if (wait > maxWait) {
        reservedSlots.set(row.id, { channel: plan.channel!, at });
        defer(row, state, wait, `paced: waiting for ${plan.channel}'s next slot`);
        continue;
      }
      let i = waiting.length;
      while (i > 0 && waiting[i - 1]!.at > at) i--;
      waiting.splice(i, 0, { row, plan, state, at });
      await sendDue();
    }
    while (waiting.length > 0) {
      const wait = waiting[0]!.at - Date.now();
      if (wait > 0) await sleep(wait);
      await sendDue();
    }
  } finally {
    // Even when recording an outcome failed mid-run: no send of this run outlives it (the next
    // run would send to the same channels at once), and rows handed back are written.
    await Promise.allSettled(chains.values());
    await flushHandedBack();
  }
  if (sendError !== undefined) throw sendError;
  if (rows.length < batch) {
    // Nothing more due now: when is the next row due (handed back for its slot, or a retry)?
    const at = deps.clock.now();
    const [next] = await prisma.$queryRaw<{ at: Date | null }[]>`
      SELECT min("nextAttemptAt") AS at FROM "OutboxMessage" WHERE status = 'PENDING' AND "nextAttemptAt" > ${at}`;
    if (next?.at) report.nextDueInMs = Math.max(0, new Date(next.at).getTime() - at.getTime());
  }
  return report;
}

/** The time (Date.now() ms) a row may go to a channel: its reserved slot, or the channel's next free one. */
function takeSlot(rowId: string, channel: string, gapMs: number): number {
  const reserved = reservedSlots.get(rowId);
  reservedSlots.delete(rowId);
  if (reserved && reserved.channel === channel) return reserved.at;
  const at = Math.max(Date.now(), nextFreeSlot.get(channel) ?? 0, (lastSentToChannel.get(channel) ?? 0) + gapMs);
  nextFreeSlot.set(channel, at + gapMs);
  return at;
}

/** Slots of rows another process took over (or that were sent otherwise) are forgotten after a while. */
function pruneReservations(): void {
  const now = Date.now();
  if (now - lastPrune < 60_000) return;
  lastPrune = now;
  for (const [id, r] of reservedSlots) if (r.at < now - 10 * 60_000) reservedSlots.delete(id);
  for (const [channel, at] of nextFreeSlot) if (at < now - 60_000) nextFreeSlot.delete(channel);
  for (const [channel, at] of lastSentToChannel) if (at < now - 10 * 60_000) lastSentToChannel.delete(channel);
}

/** rows of a batch rendered at once (each render is a few queries) */
const RENDER_CONCURRENCY = 4;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function retryDelay(err: unknown, attempts: number): { delayMs: number; reason: string } {
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
  // A CRM's 429 (Retry-After) or 5xx.
  if (err instanceof CrmApiError && err.retryAfterMs !== undefined) return { delayMs: err.retryAfterMs, reason: err.message };
  if (e.code === ErrorCode.RateLimitedError)
    return { delayMs: Math.max(1, e.retryAfter ?? 1) * 1000, reason: `rate limited (Retry-After ${e.retryAfter ?? 1} s)` };
  const backoff = Math.min(2 ** Math.max(0, attempts - 1) * 2000, 10 * 60_000);
  if (e.code === ErrorCode.HTTPError) return { delayMs: backoff, reason: `HTTP ${e.statusCode}` };
  if (e.code === ErrorCode.PlatformError) return { delayMs: backoff, reason: `Slack said ${e.data?.error ?? "error"}` };
  return { delayMs: backoff, reason: e.message ?? String(err) };
}

/**
 * Slack answered, and said no: nothing was posted. Everything else — a timeout, a reset
 * connection, a gateway timeout (504/408, the request may have reached Slack) — is unknown.
 */
function definitelyFailed(err: unknown): boolean {
  const e = err as { code?: string; statusCode?: number };
  if (e.code === ErrorCode.RateLimitedError || e.code === ErrorCode.PlatformError) return true;
  if (e.code === ErrorCode.HTTPError) return e.statusCode !== 504 && e.statusCode !== 408;
  return false;
}

/** Renders the row's intent with its kind's renderer and finds its target. */
async function resolve(deps: AppDeps, renderers: OutboxRenderers, row: Row, intent: OutboxIntent): Promise<Plan> {
  const delivery = await renderIntent(renderers, { db: deps.db.prisma, now: deps.clock.now(), row: { id: row.id, dedupeKey: row.dedupeKey } }, intent);
  switch (delivery.kind) {
    case "skip":
      return { kind: "skip", result: { skipped: delivery.reason } };
    case "defer":
      throw new Defer(delivery.reason);
    case "update":
      return { kind: "call", method: "chat.update", channel: delivery.message.channel, args: toSlack(delivery.message) };
    case "crm": {
      const hubspot = deps.crm?.hubspot;
      if (!hubspot) return { kind: "skip", result: { skipped: "HubSpot is not connected (HUBSPOT_ACCESS_TOKEN)" } };
      const { objectId, marker, html } = delivery.note;
      // Looked for first, on every attempt: an earlier attempt whose answer was lost may have written it.
      return {
        kind: "crm",
        run: async () => {
          const found = await hubspot.findNote(objectId, marker);
          if (found) return { ok: true, hubspotNoteId: found, adopted: true };
          return { ok: true, hubspotNoteId: await hubspot.createNote(objectId, html, deps.clock.now()) };
        },
      };
    }
    case "post":
      return resolvePost(deps, toSlack(delivery.message), delivery.onPosted);
  }
}

/** A post's target: a reply in a deal's thread waits for the card (its ts is known only once it is posted). */
async function resolvePost(deps: AppDeps, raw: Record<string, unknown>, onPosted?: (p: Posted) => Promise<void>): Promise<Plan> {
  const payload = { ...raw };
  if (typeof payload.threadOfDealId === "string") {
    const deal = await deps.db.prisma.deal.findUnique({ where: { id: payload.threadOfDealId }, select: { cardTs: true, cardChannelId: true } });
    if (!deal?.cardTs) throw new Defer("deal card not posted yet");
    payload.thread_ts = deal.cardTs;
    payload.channel ??= deal.cardChannelId;
    delete payload.threadOfDealId;
  }
  const channel = typeof payload.channel === "string" && payload.channel ? payload.channel : undefined;
  // Without a channel Slack refuses it (and the row is retried, then DEAD, logged).
  if (!channel) return { kind: "call", method: "chat.postMessage", args: payload };
  return {
    kind: "post",
    channel,
    ...(typeof payload.thread_ts === "string" ? { threadTs: payload.thread_ts } : {}),
    args: payload,
    ...(onPosted ? { onPosted } : {}),
  };
}

async function deliver(
  deps: AppDeps,
  client: WebClient,
  row: Row,
  plan: Exclude<Plan, { kind: "skip" }>,
  state: AttemptState,
): Promise<Record<string, unknown>> {
  if (plan.kind === "call") return (await client.apiCall(plan.method, plan.args)) as unknown as Record<string, unknown>;
  if (plan.kind === "crm") return plan.run();
  if (state.uncertain) {
    const found = await findPosted(deps, client, row, plan);
    if (found) {
      deps.logger.info(`outbox: ${row.method} ${row.id} was already posted (${found.channel} ${found.ts}); adopting it instead of posting again`);
      await plan.onPosted?.(found);
      return { ok: true, channel: found.channel, ts: found.ts, adopted: true };
    }
  }
  // From here until the outcome is recorded, the post may be in the channel.
  state.uncertain = true;
  let res: WebAPICallResult & { channel?: string; ts?: string };
  try {
    res = await client.apiCall("chat.postMessage", { ...plan.args, metadata: { event_type: OUTBOX_EVENT_TYPE, event_payload: { id: row.id } } });
  } catch (err) {
    if (definitelyFailed(err)) state.uncertain = false;
    throw err;
  }
  const posted = { channel: String(res.channel ?? plan.channel), ts: String(res.ts) };
  if (plan.onPosted) {
    await plan.onPosted(posted);
    return posted as unknown as Record<string, unknown>;
  }
  return res as unknown as Record<string, unknown>;
}

interface HistoryMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}
interface HistoryPage {
  messages?: HistoryMessage[];
  has_more?: boolean;
  response_metadata?: { next_cursor?: string };
}

/**
 * The message an earlier attempt of this row posted, found by its metadata in the thread (for
 * a reply) and the channel's history since the row was queued; null when there is none, or
 * when Slack will not let us look (then the post is sent again: at least once beats never).
 */
async function findPosted(deps: AppDeps, client: WebClient, row: Row, plan: Extract<Plan, { kind: "post" }>): Promise<Posted | null> {
  let channel = plan.channel;
  try {
    // A DM addressed by user ID: its history is the DM channel's.
    if (/^[UW]/.test(channel)) channel = String((await client.conversations.open({ users: channel })).channel?.id ?? channel);
    const oldest = ((row.createdAt.getTime() - LOOKUP_MARGIN_MS) / 1000).toFixed(6);
    const ours = (m: HistoryMessage) => m.metadata?.event_type === OUTBOX_EVENT_TYPE && m.metadata.event_payload?.id === row.id;
    const scan = async (fetchPage: (cursor: string | undefined) => Promise<HistoryPage>) => {
      let cursor: string | undefined;
      for (let page = 0; page < LOOKUP_MAX_PAGES; page++) {
        const res = await fetchPage(cursor);
        const hit = res.messages?.find(ours);
        if (hit?.ts) return hit.ts;
        cursor = res.response_metadata?.next_cursor || undefined;
        if (!res.has_more || !cursor) return undefined;
      }
      return undefined;
    };
    if (plan.threadTs) {
      const threadTs = plan.threadTs;
      const ts = await scan(
        (cursor) =>
          client.conversations.replies({
            channel,
            ts: threadTs,
            include_all_metadata: true,
            oldest,
            limit: LOOKUP_PAGE,
            ...(cursor ? { cursor } : {}),
          }) as Promise<HistoryPage>,
      );
      if (ts) return { channel, ts };
    }
    // Top-level posts (and a reply that went out top-level, rendered before its card existed).
    const ts = await scan(
      (cursor) =>
        client.conversations.history({
          channel,
          include_all_metadata: true,
          oldest,
          limit: LOOKUP_PAGE,
          ...(cursor ? { cursor } : {}),
        }) as Promise<HistoryPage>,
    );
    return ts ? { channel, ts } : null;
  } catch (err) {
    const e = err as { code?: string; data?: { error?: string } };
    if (e.code === ErrorCode.PlatformError && CANNOT_LOOK.has(e.data?.error ?? "")) {
      deps.logger.warn(`outbox: cannot look for ${row.method} ${row.id} in ${channel} (${e.data?.error}); posting it again, it may show twice`);
      return null;
    }
    // Slack is failing: try again later, still looking first.
    throw err;
  }
}

export interface OutboxLoop {
  /** deliver now (after a write), instead of at the next tick */
  kick(): void;
  stop(): Promise<void>;
}

/** Runs deliveries every intervalMs and whenever kicked; one run at a time in this process. */
export function startOutboxLoop(
  deps: AppDeps,
  renderers: OutboxRenderers,
  opts: DeliveryOptions & { intervalMs?: number; client?: WebClient; timeoutMs?: number } = {},
): OutboxLoop {
  const client = opts.client ?? deliveryClient(deps, { timeoutMs: opts.timeoutMs });
  const intervalMs = opts.intervalMs ?? 2000;
  const batch = opts.batch ?? DEFAULT_BATCH;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  // Rows handed back for their channel's slot (or retries) due before the next tick: wake for them.
  let wake: { timer: NodeJS.Timeout; at: number } | undefined;
  const wakeIn = (ms: number) => {
    const at = Date.now() + Math.max(10, ms);
    if (ms >= intervalMs || (wake && wake.at <= at)) return;
    if (wake) clearTimeout(wake.timer);
    const timer = setTimeout(() => {
      wake = undefined;
      run();
    }, at - Date.now());
    timer.unref();
    wake = { timer, at };
  };
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
          const r = await deliverOutbox(deps, client, renderers, opts);
          // A full batch: there may be more due now.
          if (r.claimed >= batch) again = true;
          if (r.nextDueInMs !== undefined) wakeIn(r.nextDueInMs);
        } catch (err) {
          deps.logger.error("outbox delivery failed:", err);
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return {
    kick: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (wake) clearTimeout(wake.timer);
      await running;
    },
  };
}
