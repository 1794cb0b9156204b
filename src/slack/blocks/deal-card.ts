import type { KnownBlock } from "@slack/types";
import type { DealView } from "../../store/deal-view";
import { ACTION } from "../ids";
import { escapeMrkdwn, truncate } from "../text";
import { formatDealRef, formatMoney, mention, modelText, rolesText, slackDate, STAGE_EMOJI, stageLabel } from "./format";

export type Audience =
  /** a channel (possibly shared with another company): partner-safe content only */
  | "channel"
  /** one internal person (ephemeral or DM): may include internal-only fields */
  | "internal";

/**
 * The deal card: stage, amount, roles, the role-clarity checklist, open asks and the buttons
 * partner people use (they cannot run our slash commands in Slack Connect).
 */
export function renderDealCard(deal: DealView, opts: { audience: Audience; now: Date }): { text: string; blocks: KnownBlock[] } {
  const ref = formatDealRef(deal.ref);
  const closed = deal.stage === "CLOSED_WON" || deal.stage === "CLOSED_LOST";
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: truncate(`${ref} · ${deal.title}`, 150) } },
    {
      type: "section",
      fields: [
        { type: "mrkdwn", text: `*Account*\n${escapeMrkdwn(deal.accountName)} (${deal.accountDomain})` },
        { type: "mrkdwn", text: `*Amount*\n${formatMoney(deal.amountMinor, deal.currency)}` },
        { type: "mrkdwn", text: `*Stage*\n${STAGE_EMOJI[deal.stage]} ${stageLabel(deal.stage)}` },
        { type: "mrkdwn", text: `*Expected close*\n${deal.expectedCloseDate}` },
        { type: "mrkdwn", text: `*Co-sell model*\n${modelText(deal.coSellModel, deal.explicitModel)}` },
        { type: "mrkdwn", text: `*Pairing*\n${escapeMrkdwn(deal.pairing.name)}` },
      ],
    },
  ];

  const orgName = (id: string | null) => deal.participants.find((p) => p.orgId === id)?.orgName ?? null;
  const roleLines = deal.participants.map((p) => `• *${escapeMrkdwn(p.orgName)}*${p.internal ? " (us)" : ""} — ${rolesText(p.roles)}${p.responseSlaHours ? ` · responds within ${p.responseSlaHours} h` : ""}`);
  blocks.push({
    type: "section",
    text: {
      type: "mrkdwn",
      text: truncate(
        [`*Roles*`, ...roleLines, `Relationship owner: ${mention(deal.relationshipOwnerUserId)} · Post-sale: ${escapeMrkdwn(orgName(deal.postSaleOwnerOrgId) ?? "not decided")}`].join("\n"),
        3000,
      ),
    },
  });

  const done = deal.clarity.items.filter((i) => i.done).length;
  const clarityLines = deal.clarity.items.map((i) => `${i.done ? "✅" : "⬜"} ${escapeMrkdwn(i.label)}`);
  blocks.push({
    type: "section",
    text: {
      type: "mrkdwn",
      text: truncate(
        [`*Role clarity* (${done}/${deal.clarity.items.length})${deal.clarity.complete ? " — every question has one answer" : " — agree these before the first customer conversation"}`, ...clarityLines].join("\n"),
        3000,
      ),
    },
  });

  if (deal.openAsks.length > 0) {
    const lines = deal.openAsks.slice(0, 10).map((a) => `${a.dueAt <= opts.now ? "🔴 overdue" : "⏳"} ${mention(a.ownerUserId)}: ${escapeMrkdwn(truncate(a.text, 200))} — due ${slackDate(a.dueAt)}`);
    if (deal.openAsks.length > 10) lines.push(`…and ${deal.openAsks.length - 10} more`);
    blocks.push({ type: "section", text: { type: "mrkdwn", text: truncate([`*Open asks* (${deal.openAsks.length})`, ...lines].join("\n"), 3000) } });
  }

  if (opts.audience === "internal" && deal.notes) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: truncate(`*Internal notes* (never shown to partners)\n${escapeMrkdwn(deal.notes)}`, 3000) } });
  }

  const context = [`Registered by ${mention(deal.registeredBy)} ${slackDate(deal.registeredAt, "{date_short_pretty}")}`, `${deal.touchpointCount} touchpoint${deal.touchpointCount === 1 ? "" : "s"}`];
  if (deal.conflictWithRef) context.push(`⚠️ registered as a conflict with ${formatDealRef(deal.conflictWithRef)}`);
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: context.join(" · ") }] });

  const button = (text: string, action_id: string) => ({ type: "button" as const, text: { type: "plain_text" as const, text }, action_id, value: deal.id });
  const buttons = closed
    ? [button("Attribution", ACTION.attribution), button("Log touchpoint", ACTION.logTouchpoint)]
    : [button("Log touchpoint", ACTION.logTouchpoint), button("Change stage", ACTION.changeStage), button("Edit roles", ACTION.editRoles), button("Ask", ACTION.ask), button("Attribution", ACTION.attribution)];
  blocks.push({ type: "actions", block_id: `deal_actions`, elements: buttons });

  const text = `${ref} · ${deal.title} — ${deal.accountName}, ${formatMoney(deal.amountMinor, deal.currency)}, ${stageLabel(deal.stage)}`;
  return { text, blocks };
}
