import { post, type IntentRenderer } from "../../platform/outbox/renderers";
import { renderCrmAdminNotice, renderCrmGapOverride } from "./render";

export const renderCrmGapOverrideIntent: IntentRenderer<"crm.gapOverride"> = async ({ db }, intent) => {
  const deal = await db.deal.findUnique({ where: { id: intent.dealId }, select: { ref: true, relationshipOwnerUserId: true } });
  if (!deal) return { kind: "skip", reason: "the deal no longer exists" };
  const msg = renderCrmGapOverride({ ref: deal.ref, to: intent.to, gaps: intent.gaps, quarterback: deal.relationshipOwnerUserId });
  return post({ threadOfDealId: intent.dealId, text: msg.text, unfurl_links: false });
};

export const renderCrmAdminNoticeIntent: IntentRenderer<"crm.adminNotice"> = async ({ db }, intent) => {
  const deal = intent.dealId ? await db.deal.findUnique({ where: { id: intent.dealId }, select: { ref: true } }) : null;
  const ref = deal?.ref ?? null;
  const msg =
    intent.event === "unmapped-stage"
      ? renderCrmAdminNotice({ event: "unmapped-stage", stageId: intent.stageId ?? "?", objectId: intent.objectId, ref })
      : renderCrmAdminNotice({ event: "record-deleted", objectId: intent.objectId, ref });
  return post({ channel: intent.admin, text: msg.text, unfurl_links: false });
};
