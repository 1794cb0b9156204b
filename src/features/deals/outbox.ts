import { post, type IntentRenderer } from "../../platform/outbox/renderers";
import { renderDealCard } from "./card";
import { loadDealView } from "./deal-view";

// The deal card, rendered from the database when its outbox row is delivered.

/**
 * Updates the card in place once it is posted. Only the registration's `card-post:` row posts
 * it (and records where it landed); a refresh queued before that waits for it.
 */
export const renderDealCardIntent: IntentRenderer<"deal.card"> = async ({ db, now, row }, { dealId }) => {
  const deal = await loadDealView(db, { id: dealId }, now);
  const card = renderDealCard(deal, { audience: "channel", now });
  if (deal.card.ts && deal.card.channelId) {
    return { kind: "update", message: { channel: deal.card.channelId, ts: deal.card.ts, text: card.text, blocks: card.blocks } };
  }
  if (!row.dedupeKey?.startsWith("card-post:")) return { kind: "defer", reason: "card not posted yet" };
  return post({ channel: deal.pairing.channelId, text: card.text, blocks: card.blocks, unfurl_links: false }, async (p) => {
    await db.deal.updateMany({ where: { id: dealId, cardTs: null }, data: { cardChannelId: p.channel, cardTs: p.ts } });
  });
};
