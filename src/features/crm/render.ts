import { formatDealRef } from "../../kernel/registration";
import { stageLabel, type Stage } from "../../kernel/stages";
import { joinMrkdwn, mention, mrkdwn, type SafeMessage } from "../../platform/slack/mrkdwn";

// Slack messages of the CRM sync. Pure.

/** In the card's thread (a shared channel): partner-safe, no CRM ids or owners. */
export function renderCrmGapOverride(d: { ref: number; to: Stage; gaps: readonly string[]; quarterback: string | null }): SafeMessage {
  return {
    text: joinMrkdwn([
      mrkdwn`⚠️ HubSpot moved ${formatDealRef(d.ref)} to *${stageLabel(d.to)}* while its roles are not settled. Missing: ${d.gaps.join(", ")}.`,
      d.quarterback
        ? mrkdwn`${mention(d.quarterback)}, settle them with *Edit roles* on the card; the override is recorded.`
        : mrkdwn`Nobody is the quarterback yet: pick one with *Edit roles* on the card; the override is recorded.`,
    ]),
  };
}

/** A DM to an admin (internal): what in HubSpot needs them. */
export function renderCrmAdminNotice(
  d: { event: "unmapped-stage"; stageId: string; objectId: string; ref: number | null } | { event: "record-deleted"; objectId: string; ref: number | null },
): SafeMessage {
  const deal = d.ref !== null ? formatDealRef(d.ref) : "a deal";
  if (d.event === "unmapped-stage") {
    return {
      text: joinMrkdwn([
        mrkdwn`🔶 HubSpot moved ${deal} (HubSpot deal ${d.objectId}) to the stage \`${d.stageId}\`, which is not mapped to a cosell stage, so cosell did not move it.`,
        mrkdwn`Map it with \`/cosell crm map ${d.stageId} <stage>\` (stages: discovery, technical validation, proposal, negotiation, won, lost); the next change or the reconciliation applies it.`,
      ]),
    };
  }
  return {
    text: mrkdwn`🔶 HubSpot deal ${d.objectId} was deleted in HubSpot, so ${deal} is no longer linked (recorded). Link it again with \`/cosell link ${deal} <HubSpot URL>\` if it moved to another record.`,
  };
}
