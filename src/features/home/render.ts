import type { HomeData } from "./load";
import { ACTION } from "../../platform/slack/ids";
import { truncate } from "../../platform/slack/command-text";
import { formatDealRef, formatMoney, mention, slackDate, STAGE_EMOJI, stageLabel } from "../../platform/slack/format";
import { PARTNER_TIER_LABEL } from "../../kernel/incentives";
import { escapeMrkdwn, mrkdwn, truncateMrkdwn, type SafeBlock, type SafeHomeView, type SlackText } from "../../platform/slack/mrkdwn";

/** The App Home tab: overdue first, then asks both ways, then my open deals, with quick actions. */
export function renderHome(
  data: HomeData,
  opts: { now: Date; today: string; who: "internal" | "partner" | "stranger"; strangerMessage?: string },
): SafeHomeView {
  const blocks: SafeBlock[] = [{ type: "header", text: { type: "plain_text", text: "Your co-sell deals" } }];
  if (opts.who === "stranger") {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: escapeMrkdwn(opts.strangerMessage ?? "You are not part of this co-sell program yet.") } });
    return { type: "home", blocks };
  }
  blocks.push({
    type: "actions",
    elements: [{ type: "button", style: "primary", text: { type: "plain_text", text: "Register deal" }, action_id: ACTION.registerDeal, value: "home" }],
  });

  if (data.money) blocks.push({ type: "divider" }, ...moneyBlocks(data.money));

  const overdueAsks = data.asksIOwe.filter((a) => a.dueAt <= opts.now);
  const lateDeals = data.deals.filter((d) => d.expectedCloseDate < opts.today);
  blocks.push({ type: "divider" }, section(mrkdwn`*🔴 Overdue* (${overdueAsks.length + lateDeals.length})`));
  if (overdueAsks.length + lateDeals.length === 0) blocks.push(context(mrkdwn`Nothing overdue. Nice.`));
  for (const a of overdueAsks) blocks.push(askBlock(a, "owe", opts.now));
  for (const d of lateDeals)
    blocks.push(
      section(mrkdwn`*${formatDealRef(d.ref)}* · ${escapeMrkdwn(d.title)} — expected close ${d.expectedCloseDate} has passed: move the stage or the date.`),
    );

  const upcoming = data.asksIOwe.filter((a) => a.dueAt > opts.now);
  blocks.push({ type: "divider" }, section(mrkdwn`*Asks you owe* (${data.asksIOwe.length})`));
  if (upcoming.length === 0 && overdueAsks.length === 0) blocks.push(context(mrkdwn`No open asks for you.`));
  for (const a of upcoming) blocks.push(askBlock(a, "owe", opts.now));

  blocks.push({ type: "divider" }, section(mrkdwn`*Asks owed to you* (${data.asksOwedToMe.length})`));
  if (data.asksOwedToMe.length === 0) blocks.push(context(mrkdwn`You are not waiting on anyone.`));
  for (const a of data.asksOwedToMe) blocks.push(askBlock(a, "owed", opts.now));

  if (data.registrations.length > 0) {
    blocks.push({ type: "divider" }, section(mrkdwn`*My registrations* (${data.registrations.length})`));
    for (const r of data.registrations) {
      const action =
        r.status === "RETURNED"
          ? { type: "button", text: { type: "plain_text", text: "Edit and resubmit" }, action_id: ACTION.regResubmit, value: r.dealId }
          : r.status === "REJECTED" || r.status === "EXPIRED"
            ? { type: "button", text: { type: "plain_text", text: "Register again" }, action_id: ACTION.regRegisterAgain, value: r.dealId }
            : undefined;
      blocks.push(
        section(
          mrkdwn`*${formatDealRef(r.ref)}* · ${truncate(r.title, 120)} (${truncate(r.accountName, 80)})
${truncate(r.statusLine, 300)}`,
          action,
        ),
      );
    }
  }

  blocks.push({ type: "divider" }, section(mrkdwn`*My open deals* (${data.dealCount})`));
  if (data.deals.length === 0)
    blocks.push(context(mrkdwn`No open deals where you are the registrant or relationship owner. Register one with the button above or \`/cosell new\`.`));
  for (const d of data.deals) {
    blocks.push(
      section(
        mrkdwn`${STAGE_EMOJI[d.stage]} *${formatDealRef(d.ref)}* · ${escapeMrkdwn(truncate(d.title, 120))}\n${escapeMrkdwn(d.accountName)} · ${formatMoney(d.amountMinor, d.currency)} · ${stageLabel(d.stage)} · close ${d.expectedCloseDate} · ${escapeMrkdwn(d.pairingName)}`,
        { type: "button", text: { type: "plain_text", text: "Log touchpoint" }, action_id: ACTION.logTouchpoint, value: d.id },
      ),
    );
  }
  if (data.dealCount > data.deals.length) blocks.push(context(mrkdwn`…and ${data.dealCount - data.deals.length} more: \`/cosell list mine\``));
  return { type: "home", blocks: blocks.slice(0, 100) };
}

function section(text: SlackText, accessory?: Record<string, unknown>): SafeBlock {
  return { type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(text, 3000) }, ...(accessory ? { accessory } : {}) } as SafeBlock;
}

function context(text: SlackText): SafeBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text }] };
}

function askBlock(a: HomeData["asksIOwe"][number], side: "owe" | "owed", now: Date): SafeBlock {
  const who = side === "owe" ? mrkdwn`from ${mention(a.fromUserId)}` : mrkdwn`owed by ${mention(a.ownerUserId)}`;
  const due = mrkdwn`${a.dueAt <= now ? "🔴 was due" : "due"} ${slackDate(a.dueAt)}`;
  return section(
    mrkdwn`*${formatDealRef(a.dealRef)}* · ${escapeMrkdwn(truncate(a.text, 300))}\n${who} · ${due}`,
    side === "owe" ? { type: "button", text: { type: "plain_text", text: "Done" }, action_id: ACTION.askDone, value: a.id } : undefined,
  );
}

const STATUS_WORD: Record<string, string> = { PENDING: "pending", APPROVED: "approved", PAID: "paid", VOID: "void" };

/** A partner's own standing: tier, co-sell bonus progress, this quarter's payout lines (its own only). */
function moneyBlocks(m: NonNullable<HomeData["money"]>): SafeBlock[] {
  const lines =
    m.lines.length === 0
      ? "no payout lines yet"
      : m.lines
          .map((l) => `${l.count} ${STATUS_WORD[l.status] ?? l.status} (${l.amounts.map((a) => formatMoney(a.amountMinor, a.currency)).join(" + ")})`)
          .join(" · ");
  const bonus = m.coSellWins >= m.threshold ? `${m.coSellWins} co-sell wins: bonus reached` : `${m.coSellWins} of ${m.threshold} co-sell wins toward the bonus`;
  return [
    section(mrkdwn`*${m.orgName} in the program* · ${m.quarter}`),
    section(
      mrkdwn`🏅 Tier: *${PARTNER_TIER_LABEL[m.tier]}*${m.tierSince ? mrkdwn` since ${slackDate(m.tierSince, "{date_short}")}` : ""}
🏁 Co-sell bonus: ${bonus}
💸 Payouts this quarter: ${lines}`,
    ),
    context(mrkdwn`Only your organization's numbers. Each line: \`/cosell payouts ${m.quarter}\`.`),
  ];
}
