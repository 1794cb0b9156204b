import { formatMoney } from "../../kernel/money";
import { formatDealRef } from "../../kernel/registration";
import { nextStepHint, stageLabel, type Stage } from "../../kernel/stages";
import { joinMrkdwn, mention, mrkdwn, type SafeMessage } from "../../platform/slack/mrkdwn";

// The stage-change alert in the pairing channel. A pure renderer.

export interface StageChangedData {
  ref: number;
  title: string;
  accountName: string;
  amountMinor: number;
  currency: string;
  /** YYYY-MM-DD */
  expectedCloseDate: string;
  from: Stage;
  to: Stage;
  by: string;
  reopen: boolean;
  /** the role-clarity gaps the person moved on without */
  gapOverride: readonly string[];
  /** moved in the CRM, not in Slack (the CRM user stays internal: never named here) */
  source?: "hubspot";
}

export function renderStageChangedAlert(d: StageChangedData): SafeMessage {
  const lines = [
    mrkdwn`${d.reopen ? "♻️ Reopened" : d.to === "CLOSED_WON" ? "🏆 Won" : d.to === "CLOSED_LOST" ? "Closed lost" : "➡️ Moved"}: *${formatDealRef(d.ref)} · ${d.title}* (${d.accountName}) — ${stageLabel(d.from)} → *${stageLabel(d.to)}* ${d.source === "hubspot" ? "from HubSpot" : mrkdwn`by ${mention(d.by)}`}`,
    `${formatMoney(d.amountMinor, d.currency)} · expected close ${d.expectedCloseDate}`,
    `Next step: ${nextStepHint(d.to)}`,
  ];
  if (d.gapOverride.length > 0) lines.push(`⚠️ Moved on without agreed roles for: ${d.gapOverride.join(", ")}`);
  return { text: joinMrkdwn(lines) };
}
