import type { IntentOf } from "../../platform/outbox/intents";
import { post, type Delivery, type IntentRenderer, type RenderContext } from "../../platform/outbox/renderers";
import { renderAskAlert, renderAskAlertList } from "./alerts";
import { renderAskDm, renderAskDoneDm } from "./render";

// The asks' Slack posts, rendered from the database when their outbox rows are delivered.

const gone = { kind: "skip", reason: "the ask no longer exists" } as const;

/** The new ask's DM to its owner, with the Done button. */
export const renderAskRequested: IntentRenderer<"ask.requested"> = async ({ db }, { askId }) => {
  const ask = await db.ask.findUnique({ where: { id: askId }, include: { deal: { select: { ref: true } } } });
  if (!ask) return gone;
  const dm = renderAskDm({ askId: ask.id, dealRef: ask.deal.ref, fromUserId: ask.fromUserId, ownerUserId: ask.ownerUserId, text: ask.text, dueAt: ask.dueAt });
  return post({ channel: ask.ownerUserId, text: dm.text, blocks: dm.blocks, unfurl_links: false });
};

/** Someone else marked the ask done: a DM to who asked. */
export const renderAskDone: IntentRenderer<"ask.done"> = async ({ db }, { askId, by }) => {
  const ask = await db.ask.findUnique({ where: { id: askId }, select: { fromUserId: true, text: true, deal: { select: { ref: true } } } });
  if (!ask) return gone;
  return post({ channel: ask.fromUserId, ...renderAskDoneDm({ by, dealRef: ask.deal.ref, text: ask.text }) });
};

/** The SLA sweep's overdue / escalation alerts (alerts.ts); nothing once the ask is answered. */
export async function renderAskAlertIntent({ db }: RenderContext, intent: IntentOf<"ask.alert" | "ask.escalationDm">): Promise<Delivery> {
  const rendered = await renderAskAlert(db, intent.kind, intent);
  // Answered (or closed) before its alert went out: there is nothing to announce any more.
  return rendered ? post(rendered) : { kind: "skip", reason: "the ask is no longer open" };
}

/** A sweep's batched alert (a channel's list, or a relationship owner's DM); the asks still open only. */
export async function renderAskAlertBatch({ db }: RenderContext, intent: IntentOf<"ask.alertBatch" | "ask.escalationDmBatch">): Promise<Delivery> {
  const rendered = await renderAskAlertList(db, intent);
  return rendered ? post(rendered) : { kind: "skip", reason: "every ask it listed was answered" };
}
