import type { Tx } from "../../platform/db/client";
import type { OutboxPost } from "../../platform/outbox/enqueue";
import type { IntentOf, OutboxIntentKind } from "../../platform/outbox/intents";
import {
  renderEscalationChannel,
  renderEscalationDm,
  renderEscalationDmBatch,
  renderOverdueAlert,
  renderOverdueBatch,
  type AskMessageData,
  type BatchedAsk,
} from "./render";

// Ask alerts are queued by the SLA sweep as small outbox rows ({ askId, level }) and rendered
// here when they are delivered: the sweep stays one set-based statement however many asks fall
// due, and an ask answered before its alert goes out is not announced as overdue.

// Kinds of outbox intents (the sweep inserts their rows itself, in one statement).
export const ASK_ALERT = "ask.alert" satisfies OutboxIntentKind;
export const ASK_ESCALATION_DM = "ask.escalationDm" satisfies OutboxIntentKind;
export const ASK_ALERT_BATCH = "ask.alertBatch" satisfies OutboxIntentKind;
export const ASK_ESCALATION_DM_BATCH = "ask.escalationDmBatch" satisfies OutboxIntentKind;

interface DealTarget {
  id: string;
  cardTs: string | null;
  cardChannelId: string | null;
  pairing: { channelId: string };
}

/** In the card's thread when the card exists, top-level in the pairing channel otherwise. */
export function channelTarget(deal: DealTarget, broadcast = false): { channel: string; threadOfDealId?: string; reply_broadcast?: boolean } {
  if (deal.cardTs) return { channel: deal.cardChannelId ?? deal.pairing.channelId, threadOfDealId: deal.id, ...(broadcast ? { reply_broadcast: true } : {}) };
  return { channel: deal.pairing.channelId };
}

export const dealTargetSelect = {
  id: true,
  ref: true,
  cardTs: true,
  cardChannelId: true,
  relationshipOwnerUserId: true,
  pairing: { select: { channelId: true } },
} as const;

/**
 * The chat.postMessage arguments of an ask alert row, or null when the ask is no longer open
 * (nothing to announce). Overdue (level 1) and escalation (level 2) go to the pairing channel —
 * the escalation broadcast from the thread — and the escalation DM to the relationship owner.
 */
export async function renderAskAlert(db: Tx, method: string, payload: Record<string, unknown>): Promise<OutboxPost | null> {
  const ask = await db.ask.findUnique({
    where: { id: String(payload.askId) },
    select: { id: true, status: true, fromUserId: true, ownerUserId: true, text: true, dueAt: true, deal: { select: dealTargetSelect } },
  });
  if (ask?.status !== "OPEN") return null;
  const data: AskMessageData = {
    askId: ask.id,
    dealRef: ask.deal.ref,
    fromUserId: ask.fromUserId,
    ownerUserId: ask.ownerUserId,
    text: ask.text,
    dueAt: ask.dueAt,
  };
  if (method === ASK_ESCALATION_DM) {
    if (!ask.deal.relationshipOwnerUserId) return null;
    const dm = renderEscalationDm(data);
    return { channel: ask.deal.relationshipOwnerUserId, text: dm.text, blocks: dm.blocks, unfurl_links: false };
  }
  if (Number(payload.level) === 2) {
    const msg = renderEscalationChannel({ ...data, relationshipOwnerUserId: ask.deal.relationshipOwnerUserId });
    return { ...channelTarget(ask.deal, true), text: msg.text, blocks: msg.blocks, unfurl_links: false };
  }
  const msg = renderOverdueAlert(data);
  return { ...channelTarget(ask.deal), text: msg.text, blocks: msg.blocks, unfurl_links: false };
}

/**
 * A batched alert row: the listed asks that are still open, in due order (null when none is).
 * The count of the asks not listed stays as queued: the card of each deal marks them.
 */
export async function renderAskAlertList(db: Tx, intent: IntentOf<"ask.alertBatch" | "ask.escalationDmBatch">): Promise<OutboxPost | null> {
  const rows = await db.ask.findMany({
    where: {
      id: { in: intent.askIds },
      status: "OPEN",
      // an escalation DM only for the deals this person is still the relationship owner of
      ...(intent.kind === "ask.escalationDmBatch" ? { deal: { relationshipOwnerUserId: intent.userId } } : {}),
    },
    select: {
      id: true,
      fromUserId: true,
      ownerUserId: true,
      text: true,
      dueAt: true,
      alertLevel: true,
      deal: { select: { ref: true, relationshipOwnerUserId: true } },
    },
    orderBy: [{ dueAt: "asc" }, { id: "asc" }],
  });
  if (rows.length === 0) return null;
  const asks: BatchedAsk[] = rows.map((a) => ({
    askId: a.id,
    dealRef: a.deal.ref,
    fromUserId: a.fromUserId,
    ownerUserId: a.ownerUserId,
    text: a.text,
    dueAt: a.dueAt,
    // as raised by the sweep that queued this (a later escalation has its own message)
    level: intent.kind === "ask.alertBatch" ? (intent.levels?.[intent.askIds.indexOf(a.id)] ?? a.alertLevel) : 2,
    relationshipOwnerUserId: a.deal.relationshipOwnerUserId,
  }));
  const total = intent.total - (intent.askIds.length - asks.length);
  if (intent.kind === "ask.escalationDmBatch") return { channel: intent.userId, ...renderEscalationDmBatch({ asks, total }), unfurl_links: false };
  return { channel: intent.channel, ...renderOverdueBatch({ asks, total }), unfurl_links: false };
}
