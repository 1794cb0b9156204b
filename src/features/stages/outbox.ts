import { post, type IntentRenderer } from "../../platform/outbox/renderers";
import { renderStageChangedAlert } from "./render";

/** The stage-change alert, top level in the pairing channel. */
export const renderStageChanged: IntentRenderer<"stage.changed"> = async ({ db }, intent) => {
  const deal = await db.deal.findUnique({
    where: { id: intent.dealId },
    select: {
      ref: true,
      title: true,
      accountName: true,
      amountMinor: true,
      currency: true,
      expectedCloseDate: true,
      pairing: { select: { channelId: true } },
    },
  });
  if (!deal) return { kind: "skip", reason: "the deal no longer exists" };
  const msg = renderStageChangedAlert({
    ...deal,
    amountMinor: Number(deal.amountMinor),
    expectedCloseDate: deal.expectedCloseDate.toISOString().slice(0, 10),
    from: intent.from,
    to: intent.to,
    by: intent.by,
    reopen: intent.reopen,
    gapOverride: intent.gapOverride,
    ...(intent.source ? { source: intent.source } : {}),
  });
  return post({ channel: deal.pairing.channelId, text: msg.text, unfurl_links: false });
};
