import { formatMoney } from "../../kernel/money";
import { formatDealRef } from "../../kernel/registration";
import { PARTNER_TIER_LABEL, type PartnerTier } from "../../kernel/incentives";
import { ACTION, CALLBACK, PAYOUT_BLOCK } from "../../platform/slack/ids";
import {
  joinMrkdwn,
  mention,
  mrkdwn,
  slackDate,
  truncateMrkdwn,
  type SafeBlock,
  type SafeMessage,
  type SafeModalView,
  type SlackText,
} from "../../platform/slack/mrkdwn";
import { describePeriod } from "../attribution/export-rules";
import type { PayoutsView } from "./payouts";
import { lineTarget, totalsByStatus, type PayoutLineView, type PayoutStatus } from "./rules";

// Block Kit for incentives, from plain data: the quarter close DM to admins (bonuses and tier
// proposals with Confirm / Keep), and `/cosell payouts <period>`.

const truncate = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
const bpText = (bp: number) => `${(bp / 100).toFixed(2).replace(/\.?0+$/, "")}%`;

export interface QuarterCloseView {
  quarter: string;
  currency: string;
  threshold: number;
  upliftQuarter: string;
  bonuses: { orgId: string; name: string; wins: number; kind: "AMOUNT" | "UPLIFT"; amountMinor: number; upliftBp: number }[];
  proposals: {
    id: string;
    orgId: string;
    name: string;
    from: PartnerTier;
    to: PartnerTier;
    revenueMinor: number;
    /** PENDING (buttons), CONFIRMED or KEPT (who decided, instead of the buttons) */
    status?: string;
    decidedBy?: string | null;
  }[];
}

/** One proposal's section and its Confirm / Keep buttons (also what a decision replaces). */
function proposalBlocks(p: QuarterCloseView["proposals"][number], currency: string): SafeBlock[] {
  const up = rank(p.to) > rank(p.from);
  return [
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: mrkdwn`${up ? "⬆️" : "⬇️"} *${p.name}*: ${formatMoney(p.revenueMinor, currency)} credited revenue over the trailing 12 months qualifies for *${PARTNER_TIER_LABEL[p.to]}* (now ${PARTNER_TIER_LABEL[p.from]}).`,
      },
    },
    p.status && p.status !== "PENDING"
      ? {
          type: "context",
          elements: [
            {
              type: "mrkdwn",
              text:
                p.status === "CONFIRMED"
                  ? mrkdwn`✅ Confirmed ${PARTNER_TIER_LABEL[p.to]}${p.decidedBy ? mrkdwn` by ${mention(p.decidedBy)}` : ""}`
                  : mrkdwn`Kept ${PARTNER_TIER_LABEL[p.from]}${p.decidedBy ? mrkdwn` by ${mention(p.decidedBy)}` : ""}`,
            },
          ],
        }
      : {
          type: "actions",
          block_id: `tier_${p.id}`,
          elements: [
            {
              type: "button",
              style: "primary",
              text: { type: "plain_text", text: truncate(`Confirm ${PARTNER_TIER_LABEL[p.to]}`, 75) },
              action_id: ACTION.tierConfirm,
              value: p.id,
            },
            { type: "button", text: { type: "plain_text", text: truncate(`Keep ${PARTNER_TIER_LABEL[p.from]}`, 75) }, action_id: ACTION.tierKeep, value: p.id },
          ],
        },
  ];
}

const TIER_RANK: Record<PartnerTier, number> = { INACTIVE: 0, SILVER: 1, GOLD: 2, PLATINUM: 3 };
const rank = (t: PartnerTier) => TIER_RANK[t];

export function renderQuarterClose(v: QuarterCloseView): SafeMessage & { blocks: SafeBlock[] } {
  const bonusLines = v.bonuses.map((b) =>
    b.kind === "AMOUNT"
      ? mrkdwn`• *${b.name}*: ${b.wins} co-sell wins → ${formatMoney(b.amountMinor, v.currency)} bonus, a pending payout line (\`/cosell payouts ${v.quarter}\`)`
      : mrkdwn`• *${b.name}*: ${b.wins} co-sell wins → +${bpText(b.upliftBp)} on its deals closed in ${v.upliftQuarter}`,
  );
  const text = mrkdwn`${v.quarter} closed: ${v.bonuses.length} co-sell ${v.bonuses.length === 1 ? "bonus" : "bonuses"}, ${v.proposals.length} tier ${v.proposals.length === 1 ? "change" : "changes"} to decide.`;
  const blocks: SafeBlock[] = [
    { type: "header", text: { type: "plain_text", text: `Quarter close · ${v.quarter}` } },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncateMrkdwn(
          v.bonuses.length === 0
            ? mrkdwn`*Co-sell bonus*: no partner reached ${v.threshold} co-sell wins (deals won with 2+ partners credited) this quarter.`
            : mrkdwn`*Co-sell bonus* (${v.threshold}+ co-sell wins in the quarter):\n${joinMrkdwn(bonusLines)}`,
          3000,
        ),
      },
    },
  ];
  if (v.proposals.length === 0) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: mrkdwn`*Partner tiers*: every partner stays in its tier.` } });
  } else {
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: mrkdwn`*Partner tiers*: a change applies only when an admin confirms it; *Keep* leaves the tier as it is this quarter.` },
    });
    // 50 blocks at most: 3 used, 2 per proposal.
    for (const p of v.proposals.slice(0, 23)) blocks.push(...proposalBlocks(p, v.currency));
    if (v.proposals.length > 23)
      blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: mrkdwn`${v.proposals.length - 23} more proposals: see \`/cosell partner list\`.` }] });
  }
  return { text, blocks };
}

export type TierDecision =
  | { kind: "decided"; orgName: string; confirmed: boolean; from: PartnerTier; to: PartnerTier; quarter: string }
  | { kind: "alreadyDecided"; orgName: string; status: string; decidedBy: string | null };

export function renderTierDecision(d: TierDecision, by: string): SlackText {
  if (d.kind === "alreadyDecided")
    return mrkdwn`${d.orgName}'s tier proposal was already decided (${d.status.toLowerCase()}${d.decidedBy ? mrkdwn` by ${mention(d.decidedBy)}` : ""}). Nothing changed.`;
  return d.confirmed
    ? mrkdwn`✅ ${mention(by)} confirmed *${d.orgName}* as ${PARTNER_TIER_LABEL[d.to]} (was ${PARTNER_TIER_LABEL[d.from]}), from ${d.quarter}'s review. Its perks apply to deals won from now on.`
    : mrkdwn`${mention(by)} kept *${d.orgName}* at ${PARTNER_TIER_LABEL[d.from]} (it qualified for ${PARTNER_TIER_LABEL[d.to]} in ${d.quarter}).`;
}

// ---------------------------------------------------------------------------
// /cosell payouts <period>

const STATUS_LABEL: Record<PayoutStatus, string> = { PENDING: "Pending", APPROVED: "Approved", PAID: "Paid", VOID: "Void" };
const STATUS_EMOJI: Record<PayoutStatus, string> = { PENDING: "⏳", APPROVED: "✅", PAID: "💸", VOID: "⊘" };
const MAX_LINES = 20;

const amounts = (a: { currency: string; amountMinor: number }[]) => a.map((x) => formatMoney(x.amountMinor, x.currency)).join(" + ");

function lineText(l: PayoutLineView, showOrg: boolean): SlackText {
  const what = l.dealRef !== null ? mrkdwn`${formatDealRef(l.dealRef)} ${l.accountName ?? ""} · ${l.label}` : mrkdwn`${l.label}`;
  const status =
    l.status === "PAID"
      ? mrkdwn`paid ${slackDate(l.paidAt ?? l.earnedAt, "{date_short}")}, ref ${l.reference ?? ""}`
      : l.status === "VOID"
        ? mrkdwn`void: ${l.voidReason ?? ""}`
        : l.status === "APPROVED"
          ? mrkdwn`approved ${slackDate(l.approvedAt ?? l.earnedAt, "{date_short}")}`
          : mrkdwn`pending`;
  return mrkdwn`${STATUS_EMOJI[l.status]} *${formatMoney(l.amountMinor, l.currency)}*${showOrg ? mrkdwn` · ${l.orgName}` : ""} · ${what}${l.coSell ? " · co-sell" : ""} · ${status}`;
}

export function renderPayouts(v: PayoutsView, opts: { admin: boolean }): SafeMessage & { blocks: SafeBlock[] } {
  const totals = totalsByStatus(v.lines);
  const whose = v.scope ? mrkdwn`${v.scope.orgName}'s payouts` : mrkdwn`Payouts`;
  const text = mrkdwn`${whose} earned in ${describePeriod(v.period)}: ${v.lines.length} ${v.lines.length === 1 ? "line" : "lines"}.`;
  if (v.lines.length === 0)
    return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text: mrkdwn`${whose}: no lines were earned in ${describePeriod(v.period)}.` } }] };
  const summary = joinMrkdwn(totals.map((t) => mrkdwn`${STATUS_EMOJI[t.status]} ${STATUS_LABEL[t.status]}: ${t.count} · ${amounts(t.amounts)}`));
  const blocks: SafeBlock[] = [
    { type: "header", text: { type: "plain_text", text: truncate(`${v.scope ? `${v.scope.orgName} · ` : ""}Payouts · ${v.period.label}`, 150) } },
    { type: "section", text: { type: "mrkdwn", text: summary } },
  ];
  const pending = v.lines.filter((l) => l.status === "PENDING");
  const approved = v.lines.filter((l) => l.status === "APPROVED");
  if (opts.admin && (pending.length > 0 || approved.length > 0)) {
    const pendingTotal = totals.find((t) => t.status === "PENDING");
    const approvedTotal = totals.find((t) => t.status === "APPROVED");
    blocks.push({
      type: "actions",
      block_id: "payouts_bulk",
      elements: [
        ...(pendingTotal
          ? [
              {
                type: "button" as const,
                style: "primary" as const,
                text: { type: "plain_text" as const, text: truncate(`Approve all ${pendingTotal.count} (${amounts(pendingTotal.amounts)})`, 75) },
                action_id: ACTION.payoutsApproveAll,
                value: v.period.label,
              },
            ]
          : []),
        ...(approvedTotal
          ? [
              {
                type: "button" as const,
                text: { type: "plain_text" as const, text: truncate(`Mark ${approvedTotal.count} approved paid…`, 75) },
                action_id: ACTION.payoutsMarkPaid,
                value: `period:${v.period.label}`,
              },
            ]
          : []),
      ],
    });
  }
  // The lines, open ones first (what needs doing), then paid, then void.
  const order: PayoutStatus[] = ["PENDING", "APPROVED", "PAID", "VOID"];
  const sorted = [...v.lines].sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status));
  for (const l of sorted.slice(0, MAX_LINES)) {
    const accessory =
      opts.admin && l.status === "PENDING"
        ? {
            type: "button" as const,
            text: { type: "plain_text" as const, text: "Approve" },
            action_id: ACTION.payoutApprove,
            value: lineTarget(l.id, v.period.label),
          }
        : opts.admin && l.status === "APPROVED"
          ? {
              type: "button" as const,
              text: { type: "plain_text" as const, text: "Mark paid…" },
              action_id: ACTION.payoutsMarkPaid,
              value: lineTarget(l.id, v.period.label),
            }
          : undefined;
    blocks.push({ type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(lineText(l, v.scope === null), 3000) }, ...(accessory ? { accessory } : {}) });
  }
  const more = v.lines.length - MAX_LINES;
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text:
          more > 0
            ? mrkdwn`${more} more lines: the whole list is in \`/cosell export payouts ${v.period.label}\` (CSV).`
            : v.scope
              ? mrkdwn`Only your organization's lines are shown. Lines are approved, then paid; a recompute voids unpaid lines and adds new ones.`
              : mrkdwn`Co-sell and solo lines run on the same cycle. CSV for finance: \`/cosell export payouts ${v.period.label}\`.`,
      },
    ],
  });
  return { text, blocks };
}

export function buildMarkPaidModal(a: { target: string; asOf: Date; count: number; totals: string; period: string }): SafeModalView {
  return {
    type: "modal",
    callback_id: CALLBACK.payoutMarkPaid,
    private_metadata: JSON.stringify({ target: a.target, asOf: a.asOf.toISOString() }),
    title: { type: "plain_text", text: "Mark paid" },
    submit: { type: "plain_text", text: "Mark paid" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: mrkdwn`${a.count} approved ${a.count === 1 ? "line" : "lines"} of ${a.period}, ${a.totals}. Give finance's payment reference (e.g. the transfer or batch id).`,
        },
      },
      {
        type: "input",
        block_id: PAYOUT_BLOCK.reference,
        label: { type: "plain_text", text: "Payment reference" },
        element: { type: "plain_text_input", action_id: "value", max_length: 200, placeholder: { type: "plain_text", text: "e.g. WIRE-2026-11-0042" } },
      },
    ],
  };
}

export function buildMarkPaidResult(paid: number, unchanged: number, reference: string): SafeModalView {
  return {
    type: "modal",
    title: { type: "plain_text", text: "Marked paid" },
    close: { type: "plain_text", text: "Done" },
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: mrkdwn`💸 ${paid} ${paid === 1 ? "line" : "lines"} marked paid with reference *${reference}*.${unchanged > 0 ? mrkdwn` ${unchanged} already were.` : ""} Run \`/cosell payouts\` again to see the period.`,
        },
      },
    ],
  };
}
