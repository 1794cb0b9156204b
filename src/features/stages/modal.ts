import { checkTransition, STAGES, stageLabel, type Stage } from "../../kernel/stages";
import type { DealView } from "../deals/deal-view";
import { CALLBACK, INPUT, STAGE_BLOCK as B } from "../../platform/slack/ids";
import { truncate } from "../../platform/slack/command-text";
import { formatDealRef, STAGE_EMOJI } from "../../platform/slack/format";
import { mrkdwn, type SafeBlock, type SafeModalView } from "../../platform/slack/mrkdwn";
import { modalView } from "../../platform/slack/inputs";

/** Stages this person may move the deal to (gaps aside: those are confirmed in the modal). */
function allowedTargets(deal: DealView, isAdmin: boolean): Stage[] {
  return STAGES.filter((to) => checkTransition(deal.stage, to, { isAdmin, roleGaps: [], confirmedGaps: true }).ok);
}

export function buildStageModal(deal: DealView, isAdmin: boolean): SafeModalView {
  const targets = allowedTargets(deal, isAdmin);
  const blocks: SafeBlock[] = [
    {
      type: "section",
      text: { type: "mrkdwn", text: mrkdwn`*${formatDealRef(deal.ref)} · ${deal.title}* is in ${STAGE_EMOJI[deal.stage]} *${stageLabel(deal.stage)}*.` },
    },
    {
      type: "input",
      block_id: B.stage,
      label: { type: "plain_text", text: "Move to" },
      element: {
        type: "static_select",
        action_id: INPUT,
        options: targets.map((s) => ({ text: { type: "plain_text", text: `${STAGE_EMOJI[s]} ${stageLabel(s)}` }, value: s })),
      },
    },
  ];
  if (deal.clarity.gaps.length > 0) {
    blocks.push({
      type: "input",
      block_id: B.confirmGaps,
      optional: true,
      label: { type: "plain_text", text: "Roles not agreed yet" },
      hint: {
        type: "plain_text",
        text: truncate(`Missing: ${deal.clarity.gaps.join(", ")}. Moving past Discovery without them is recorded on the deal.`, 150),
      },
      element: {
        type: "checkboxes",
        action_id: INPUT,
        options: [{ text: { type: "plain_text", text: "Move on anyway (the override is recorded)" }, value: "yes" }],
      },
    });
  }
  return modalView({ callbackId: CALLBACK.changeStage, title: "Change stage", submit: "Move", metadata: { dealId: deal.id } }, blocks);
}
