import type { SafeBlock } from "../../platform/slack/mrkdwn";
import type { DealView } from "./deal-view";
import { ACTION } from "../../platform/slack/ids";
import { truncate } from "../../platform/slack/command-text";
import { joinMrkdwn, mrkdwn, truncateMrkdwn, type SafeMessage } from "../../platform/slack/mrkdwn";
import { formatDealRef, formatMoney, mention, modelText, rolesText, slackDate, STAGE_EMOJI, stageLabel } from "../../platform/slack/format";

const REGISTRATION_EMOJI = { SUBMITTED: "⏳", APPROVED: "🛡️", REJECTED: "❌", RETURNED: "↩️", EXPIRED: "⌛" } as const;

const crmName = (p: "HUBSPOT" | "SALESFORCE") => (p === "HUBSPOT" ? "HubSpot" : "Salesforce");

export type Audience =
  /** a channel (possibly shared with another company): partner-safe content only */
  | "channel"
  /** one internal person (ephemeral or DM): may include internal-only fields */
  | "internal";

/**
 * The deal card: stage, amount, roles, the role-clarity checklist, open asks and the buttons
 * partner people use (they cannot run our slash commands in Slack Connect).
 */
export function renderDealCard(deal: DealView, opts: { audience: Audience; now: Date }): SafeMessage & { blocks: SafeBlock[] } {
  const ref = formatDealRef(deal.ref);
  const closed = deal.stage === "CLOSED_WON" || deal.stage === "CLOSED_LOST";
  const blocks: SafeBlock[] = [
    { type: "header", text: { type: "plain_text", text: truncate(`${ref} · ${deal.title}`, 150) } },
    {
      type: "section",
      fields: [
        { type: "mrkdwn", text: mrkdwn`*Account*\n${deal.accountName} (${deal.accountDomain})` },
        { type: "mrkdwn", text: mrkdwn`*Amount*\n${formatMoney(deal.amountMinor, deal.currency)}` },
        { type: "mrkdwn", text: mrkdwn`*Stage*\n${STAGE_EMOJI[deal.stage]} ${stageLabel(deal.stage)}` },
        { type: "mrkdwn", text: mrkdwn`*Expected close*\n${deal.expectedCloseDate}` },
        { type: "mrkdwn", text: mrkdwn`*Co-sell model*\n${modelText(deal.coSellModel, deal.explicitModel)}` },
        { type: "mrkdwn", text: mrkdwn`*Pairing*\n${deal.pairing.name}` },
        { type: "mrkdwn", text: mrkdwn`*Registration*\n${REGISTRATION_EMOJI[deal.registration.status]} ${truncate(deal.registration.statusLine, 300)}` },
        ...(deal.timing ? [{ type: "mrkdwn" as const, text: mrkdwn`*Registration timing*\n${truncate(deal.timing.reason, 400)}` }] : []),
        // The CRM record's id is ours: a shared channel only learns that the deal is kept in step with a CRM.
        ...(deal.crm
          ? [
              {
                type: "mrkdwn" as const,
                text:
                  opts.audience === "internal"
                    ? mrkdwn`*CRM*\n🔗 ${crmName(deal.crm.provider)} deal ${deal.crm.objectId}`
                    : mrkdwn`*CRM*\n🔗 Kept in step with ${crmName(deal.crm.provider)}`,
              },
            ]
          : []),
      ],
    },
  ];

  const orgName = (id: string | null) => deal.participants.find((p) => p.orgId === id)?.orgName ?? null;
  const roleLines = deal.participants.map(
    (p) =>
      mrkdwn`• *${p.orgName}*${p.internal ? " (us)" : ""} — ${rolesText(p.roles)}${p.responseSlaHours ? ` · responds within ${p.responseSlaHours} h` : ""}`,
  );
  blocks.push({
    type: "section",
    text: {
      type: "mrkdwn",
      text: truncateMrkdwn(
        joinMrkdwn([
          mrkdwn`*Roles*`,
          ...roleLines,
          mrkdwn`Relationship owner: ${mention(deal.relationshipOwnerUserId)} · Post-sale: ${orgName(deal.postSaleOwnerOrgId) ?? "not decided"}`,
        ]),
        3000,
      ),
    },
  });

  const done = deal.clarity.items.filter((i) => i.done);
  if (!closed) {
    const clarityLines = deal.clarity.items.map((i) => mrkdwn`${i.done ? "✅" : "⬜"} ${i.label}`);
    const heading = mrkdwn`*Role clarity* (${done.length}/${deal.clarity.items.length})${deal.clarity.complete ? " — every question has one answer" : " — agree these before the first customer conversation"}`;
    blocks.push({ type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(joinMrkdwn([heading, ...clarityLines]), 3000) } });
  } else if (done.length > 0) {
    // Once closed there is nothing left to agree: show what was agreed.
    const agreed = done.map((i) => mrkdwn`✅ ${i.label}`);
    blocks.push({ type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(joinMrkdwn([mrkdwn`*Roles agreed*`, ...agreed]), 3000) } });
  }

  if (deal.openAsks.length > 0) {
    const lines = deal.openAsks
      .slice(0, 10)
      .map((a) => mrkdwn`${a.dueAt <= opts.now ? "🔴 overdue" : "⏳"} ${mention(a.ownerUserId)}: ${truncate(a.text, 200)} — due ${slackDate(a.dueAt)}`);
    if (deal.openAsks.length > 10) lines.push(mrkdwn`…and ${deal.openAsks.length - 10} more`);
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: truncateMrkdwn(joinMrkdwn([mrkdwn`*Open asks* (${deal.openAsks.length})`, ...lines]), 3000) },
    });
  }

  if (opts.audience === "internal" && deal.notes) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(mrkdwn`*Internal notes* (never shown to partners)\n${deal.notes}`, 3000) } });
  }

  const context = [
    mrkdwn`Registered by ${mention(deal.registeredBy)} ${slackDate(deal.registeredAt, "{date_short_pretty}")}`,
    mrkdwn`${deal.touchpointCount} touchpoint${deal.touchpointCount === 1 ? "" : "s"}`,
  ];
  if (deal.conflictWithRef) context.push(mrkdwn`⚠️ registered as a conflict with ${formatDealRef(deal.conflictWithRef)}`);
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: joinMrkdwn(context, " · ") }] });

  const button = (text: string, action_id: string) => ({ type: "button" as const, text: { type: "plain_text" as const, text }, action_id, value: deal.id });
  const again = deal.registration.status === "REJECTED" || deal.registration.status === "EXPIRED" ? [button("Register again", ACTION.regRegisterAgain)] : [];
  const buttons = closed
    ? [button("Attribution", ACTION.attribution), button("Log touchpoint", ACTION.logTouchpoint)]
    : [
        button("Log touchpoint", ACTION.logTouchpoint),
        button("Change stage", ACTION.changeStage),
        button("Edit roles", ACTION.editRoles),
        button("Ask", ACTION.ask),
        button("Attribution", ACTION.attribution),
        ...again,
      ];
  blocks.push({ type: "actions", block_id: `deal_actions`, elements: buttons });

  const text = mrkdwn`${ref} · ${deal.title} — ${deal.accountName}, ${formatMoney(deal.amountMinor, deal.currency)}, ${stageLabel(deal.stage)}`;
  return { text, blocks };
}
