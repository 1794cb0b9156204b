import { MODEL_LABELS, ROLES, type AttributionResult, type Role } from "./engine";
import { formatBp, formatMoney } from "../../kernel/money";
import { PARTNER_TIER_LABEL, TIMING_LABEL, type PartnerTier } from "../../kernel/incentives";
import { ACTION } from "../../platform/slack/ids";
import { truncate } from "../../platform/slack/command-text";
import { joinMrkdwn, mrkdwn, truncateMrkdwn, type SafeBlock, type SafeMessage, type SlackText } from "../../platform/slack/mrkdwn";
import { formatDealRef, roleWord, rolesText } from "../../platform/slack/format";

export interface ReceiptData {
  recordId: string;
  seq: number;
  dealRef: number;
  dealTitle: string;
  configVersion: number;
  reason: string;
  result: AttributionResult;
  /** the deal's payout lines with their status (See my numbers; a partner sees its own) */
  lines?: ReceiptPayoutLine[];
}

interface ReceiptPayoutLine {
  orgId: string;
  orgName: string;
  kind: string;
  label: string;
  amountMinor: number;
  currency: string;
  status: string;
  reference: string | null;
  voidReason: string | null;
}

/** A partner's own standing (loaded for its person): tier and co-sell bonus progress. */
interface PartnerStanding {
  orgName: string;
  tier: PartnerTier;
  quarter: string;
  coSellWins: number;
  threshold: number;
}

const LINE_STATUS: Record<string, string> = { PENDING: "⏳ pending approval", APPROVED: "✅ approved, to be paid", PAID: "💸 paid", VOID: "⊘ void" };

/** "Early: registered before any customer meeting." (ladder mode only) */
function timingLine(r: AttributionResult): SlackText | null {
  if (!r.pool?.timingTier) return null;
  return mrkdwn`*Registration timing:* ${TIMING_LABEL[r.pool.timingTier]}${r.pool.timingReason ? mrkdwn` — ${r.pool.timingReason}` : ""}`;
}

/**
 * The attribution receipt for a (possibly shared) channel: every organization's credit share
 * and the model; payouts only when the program allows amounts in channels. Each partner sees
 * its own payout and math through "See my numbers" (ephemeral).
 */
export function renderAttributionReceipt(d: ReceiptData, opts: { shareAmounts: boolean }): SafeMessage & { blocks: SafeBlock[] } {
  const r = d.result;
  const lines = r.credits.map((c) => mrkdwn`• *${c.orgName}*${c.internal ? " (us)" : ""} — ${formatBp(c.creditBp)} credit (${rolesText(c.roles)})`);
  const blocks: SafeBlock[] = [
    { type: "header", text: { type: "plain_text", text: truncate(`Attribution · ${formatDealRef(d.dealRef)} · ${d.dealTitle}`, 150) } },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncateMrkdwn(mrkdwn`*Model:* ${MODEL_LABELS[r.model]} — ${r.modelReason}\n${joinMrkdwn(lines)}`, 3000),
      },
    },
  ];
  const timing = timingLine(r);
  if (timing) blocks.push({ type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(timing, 3000) } });
  if (opts.shareAmounts && r.pool) {
    const payouts = r.payouts.map((p) => mrkdwn`• ${p.orgName}: ${formatMoney(p.amountMinor, r.currency)}`);
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncateMrkdwn(
          mrkdwn`*Partner commission pool:* ${formatMoney(r.pool.amountMinor, r.currency)} (${r.pool.rateKind} rate ${formatBp(r.pool.rateBp)})\n${joinMrkdwn(payouts)}`,
          3000,
        ),
      },
    });
  }
  blocks.push(
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: mrkdwn`Record #${d.seq} · config v${d.configVersion} · ${d.reason} · shares add up to exactly 100.00%${d.seq > 1 ? mrkdwn` · recomputed: it replaces record #${d.seq - 1}, whose unpaid payout lines are voided (paid ones are netted)` : ""}`,
        },
      ],
    },
    {
      type: "actions",
      elements: [
        { type: "button", text: { type: "plain_text", text: "See my numbers" }, action_id: ACTION.seeMyNumbers, value: d.recordId },
        { type: "button", text: { type: "plain_text", text: "Dispute" }, action_id: ACTION.dispute, value: d.recordId },
      ],
    },
  );
  const text = mrkdwn`Attribution for ${formatDealRef(d.dealRef)}: ${r.credits.map((c) => `${c.orgName} ${formatBp(c.creditBp)}`).join(", ")}`;
  return { text, blocks };
}

/**
 * The math for one viewer. Internal people see every payout; a partner person sees the
 * credit shares (public on the receipt) and only their own organization's payout.
 */
export function renderAttributionMath(
  d: ReceiptData,
  viewer: { kind: "internal" } | { kind: "partner"; orgId: string; standing?: PartnerStanding | null },
): SafeMessage & { blocks: SafeBlock[] } {
  const r = d.result;
  const sections: SlackText[] = [];
  sections.push(mrkdwn`*${formatDealRef(d.dealRef)} · ${d.dealTitle}* — ${MODEL_LABELS[r.model]}\n_${r.modelReason}_`);
  sections.push(
    mrkdwn`*Credit* (of ${formatMoney(r.amountMinor, r.currency)})\n${joinMrkdwn(
      r.credits.map(
        (c) =>
          mrkdwn`• ${c.orgName}${c.internal ? " (us)" : ""}: ${formatBp(c.creditBp)} — ${rolesText(c.roles)}${c.weightedTouchpoints ? `, ${c.weightedTouchpoints} weighted touchpoint${c.weightedTouchpoints === 1 ? "" : "s"}` : ""}`,
      ),
    )}`,
  );
  if (!r.pool) {
    sections.push(mrkdwn`*Commission:* no partner organization has credit, so there is no partner pool.`);
  } else {
    const partnerBp = r.credits.filter((c) => !c.internal && c.creditBp > 0).reduce((s, c) => s + c.creditBp, 0);
    sections.push(
      mrkdwn`*Pool:* ${formatMoney(r.amountMinor, r.currency)} × ${formatBp(r.pool.rateBp)} (${r.pool.rateKind} rate) = ${formatMoney(r.pool.amountMinor, r.currency)}, rounded half up to the minor unit. It is split over the partners in proportion to their credit (${formatBp(partnerBp)} in all); our own credit is reported, never paid.`,
    );
    const visible = viewer.kind === "internal" ? r.payouts : r.payouts.filter((p) => p.orgId === viewer.orgId);
    const lines = visible.map((p) => {
      const c = r.credits.find((x) => x.orgId === p.orgId)!;
      return mrkdwn`• *${p.orgName}*: ${formatMoney(r.pool!.amountMinor, r.currency)} × ${formatBp(c.creditBp)} ÷ ${formatBp(partnerBp)} → *${formatMoney(p.amountMinor, r.currency)}*`;
    });
    if (viewer.kind === "partner" && visible.length === 0) lines.push(mrkdwn`• Your organization has no credit on this deal, so no payout.`);
    sections.push(
      mrkdwn`*${viewer.kind === "internal" ? "Payouts" : "Your payout"}*\n${joinMrkdwn(lines)}\n_Parts are rounded by largest remainder so they add up exactly to the pool._`,
    );
    const timing = timingLine(r);
    if (timing)
      sections.push(
        mrkdwn`${timing}\nThe ladder rate for that timing${r.pool.rateKind === "co-sell" ? ", plus the co-sell uplift," : ""} is ${formatBp(r.pool.rateBp)}.`,
      );
    const uplifts = (r.uplifts ?? []).filter((u) => viewer.kind === "internal" || u.orgId === viewer.orgId);
    if (uplifts.length > 0) {
      sections.push(
        mrkdwn`*Uplifts* (separate lines; the pool is unchanged)\n${joinMrkdwn(
          uplifts.map((u) => mrkdwn`• ${u.orgName}: +${formatBp(u.bp)} ${u.label} → *${formatMoney(u.amountMinor, r.currency)}*`),
        )}`,
      );
    }
  }
  const own = (d.lines ?? []).filter((l) => viewer.kind === "internal" || l.orgId === viewer.orgId);
  if (own.length > 0) {
    sections.push(
      mrkdwn`*Payout lines*\n${joinMrkdwn(
        own.map(
          (l) =>
            mrkdwn`• ${viewer.kind === "internal" ? mrkdwn`${l.orgName} · ` : ""}${l.label} · ${formatMoney(l.amountMinor, l.currency)} · ${LINE_STATUS[l.status] ?? l.status}${l.reference ? mrkdwn` (ref ${l.reference})` : ""}${l.status === "VOID" && l.voidReason ? mrkdwn` — ${l.voidReason}` : ""}`,
        ),
      )}`,
    );
  }
  if (viewer.kind === "partner" && viewer.standing) {
    const m = viewer.standing;
    sections.push(
      mrkdwn`*${m.orgName} in the program*: ${PARTNER_TIER_LABEL[m.tier]} tier · co-sell bonus ${m.quarter}: ${m.coSellWins >= m.threshold ? `${m.coSellWins} co-sell wins, reached` : `${m.coSellWins} of ${m.threshold} co-sell wins`}`,
    );
  }
  if (viewer.kind === "internal") sections.push(mrkdwn`*Every step*\n${joinMrkdwn(r.steps.map((s) => `• ${humanizeStep(s)}`))}`);
  const blocks: SafeBlock[] = sections.map((s) => ({ type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(s, 3000) } }));
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: mrkdwn`Record #${d.seq} · config v${d.configVersion} · ${d.reason}` }] });
  return { text: mrkdwn`Attribution math for ${formatDealRef(d.dealRef)}`, blocks };
}

const ROLE_NAME = new RegExp(`\\b(${ROLES.join("|")})\\b`, "g");

/** Steps are stored as computed (older records name roles by their enum); people read role words. */
function humanizeStep(step: string): string {
  return step.replace(ROLE_NAME, (r) => roleWord(r as Role));
}
