import { post, type IntentRenderer } from "../../platform/outbox/renderers";
import { loadOverlapAlert } from "./account-map";
import { renderIntroRequest, renderIntrosPicked, renderNewOverlaps } from "./render";

/** A warm-intro request, in the pairing channel (the intent carries what the person saw on the map). */
export const renderIntroRequested: IntentRenderer<"intro.requested"> = async (_ctx, { kind: _kind, channel, ...data }) => {
  const msg = renderIntroRequest(data);
  return post({ channel, text: msg.text, unfurl_links: false });
};

/** The overlaps an import added, in one pairing channel: counts only, read when delivered. */
export const renderNewOverlapsIntent: IntentRenderer<"map.new-overlaps"> = async ({ db }, { alertId }) => {
  const alert = await loadOverlapAlert(db, alertId);
  if (!alert) return { kind: "skip", reason: "the overlap alert is gone" };
  const ours = await db.organization.findFirst({ where: { kind: "INTERNAL" }, select: { name: true } });
  const msg = renderNewOverlaps({
    alertId: alert.id,
    partner: alert.partner,
    ourName: ours?.name ?? null,
    importedOrgName: alert.importedOrgName,
    importedBy: alert.importedBy,
    counts: alert.counts,
    total: alert.total,
  });
  return post({ channel: alert.channelId, text: msg.text, blocks: msg.blocks, unfurl_links: false });
};

/** Accounts picked to pursue, in the pairing channel (named only when no other partner is there). */
export const renderIntrosPickedIntent: IntentRenderer<"intros.picked"> = async (_ctx, { kind: _kind, channel, ...data }) => {
  const msg = renderIntrosPicked(data);
  return post({ channel, text: msg.text, unfurl_links: false });
};
