import { formatMoney } from "../../kernel/money";
import { OPEN_STAGES, stageLabel } from "../../kernel/stages";
import { ACTION } from "../../platform/slack/ids";
import { truncate } from "../../platform/slack/command-text";
import { formatDealRef, mention, slackDate, STAGE_EMOJI } from "../../platform/slack/format";
import { joinMrkdwn, mrkdwn, truncateMrkdwn, type SafeBlock, type SafeMessage } from "../../platform/slack/mrkdwn";
import type { AskLine, PipelineStage } from "./panel-queries";

export type { AskLine, PipelineStage } from "./panel-queries";

/**
 * The pinned pairing panel: everything a partner person can do without our slash commands
 * (which Slack refuses to people from another company in a Slack Connect channel).
 */
export function renderPairingPanel(p: { pairingName: string; orgNames: string[] }): SafeMessage & { blocks: SafeBlock[] } {
  return {
    text: mrkdwn`Co-sell panel for ${p.pairingName}`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: truncate(`Co-sell · ${p.pairingName}`, 150) } },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: truncateMrkdwn(
            mrkdwn`Deals between ${joinMrkdwn(p.orgNames, ", ")} are run here. Everyone in this channel can use these buttons; deal cards below carry their own.`,
            3000,
          ),
        },
      },
      {
        type: "actions",
        block_id: "pairing_panel",
        elements: [
          { type: "button", style: "primary", text: { type: "plain_text", text: "Register deal" }, action_id: ACTION.registerDeal, value: "panel" },
          { type: "button", text: { type: "plain_text", text: "Log touchpoint" }, action_id: ACTION.panelLogTouchpoint, value: "panel" },
          { type: "button", text: { type: "plain_text", text: "My asks" }, action_id: ACTION.myAsks, value: "panel" },
          { type: "button", text: { type: "plain_text", text: "Pipeline" }, action_id: ACTION.pipeline, value: "panel" },
        ],
      },
    ],
  };
}

export function renderPipeline(p: { pairingName: string; stages: PipelineStage[] }): SafeMessage & { blocks: SafeBlock[] } {
  const lines = OPEN_STAGES.map((s) => {
    const row = p.stages.find((x) => x.stage === s);
    const money = row && row.amounts.length > 0 ? row.amounts.map((a) => formatMoney(a.amountMinor, a.currency)).join(" + ") : "—";
    return mrkdwn`${STAGE_EMOJI[s]} *${stageLabel(s)}*: ${row?.count ?? 0} deal${row?.count === 1 ? "" : "s"} · ${money}`;
  });
  const won = p.stages.find((x) => x.stage === "CLOSED_WON");
  const lost = p.stages.find((x) => x.stage === "CLOSED_LOST");
  lines.push(mrkdwn`${STAGE_EMOJI.CLOSED_WON} Won: ${won?.count ?? 0} · ${STAGE_EMOJI.CLOSED_LOST} Lost: ${lost?.count ?? 0}`);
  return {
    text: mrkdwn`Pipeline of ${p.pairingName}`,
    blocks: [{ type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(mrkdwn`*Pipeline · ${p.pairingName}*\n${joinMrkdwn(lines)}`, 3000) } }],
  };
}

export function renderMyAsks(p: { owe: AskLine[]; owed: AskLine[]; now: Date }): SafeMessage & { blocks: SafeBlock[] } {
  const blocks: SafeBlock[] = [];
  const line = (a: AskLine, side: "owe" | "owed") =>
    mrkdwn`${a.dueAt <= p.now ? "🔴" : "⏳"} *${formatDealRef(a.dealRef)}* · ${truncate(a.text, 200)} — ${side === "owe" ? mrkdwn`from ${mention(a.fromUserId)}` : mrkdwn`owed by ${mention(a.ownerUserId)}`}, due ${slackDate(a.dueAt)}`;
  blocks.push({ type: "section", text: { type: "mrkdwn", text: mrkdwn`*Asks you owe* (${p.owe.length})${p.owe.length === 0 ? "\nNone." : ""}` } });
  for (const a of p.owe.slice(0, 20)) {
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: line(a, "owe") },
      accessory: { type: "button", text: { type: "plain_text", text: "Done" }, action_id: ACTION.askDone, value: a.id },
    });
  }
  const owed = p.owed.slice(0, 20).map((a) => line(a, "owed"));
  blocks.push({
    type: "section",
    text: { type: "mrkdwn", text: truncateMrkdwn(mrkdwn`*Asks owed to you* (${p.owed.length})\n${owed.length > 0 ? joinMrkdwn(owed) : "None."}`, 3000) },
  });
  return { text: mrkdwn`You owe ${p.owe.length} ask(s); ${p.owed.length} are owed to you`, blocks };
}
