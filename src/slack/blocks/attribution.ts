import type { KnownBlock } from "@slack/types";
import { MODEL_LABELS, type AttributionResult } from "../../domain/attribution";
import { formatBp, formatMoney } from "../../domain/money";
import { ACTION } from "../ids";
import { escapeMrkdwn, truncate } from "../text";
import { formatDealRef, rolesText } from "./format";

export interface ReceiptData {
  recordId: string;
  seq: number;
  dealRef: number;
  dealTitle: string;
  configVersion: number;
  reason: string;
  result: AttributionResult;
}

/**
 * The attribution receipt for a (possibly shared) channel: every organization's credit share
 * and the model; payouts only when the program allows amounts in channels. Each partner sees
 * its own payout and math through "See my numbers" (ephemeral).
 */
export function renderAttributionReceipt(d: ReceiptData, opts: { shareAmounts: boolean }): { text: string; blocks: KnownBlock[] } {
  const r = d.result;
  const lines = r.credits.map((c) => `• *${escapeMrkdwn(c.orgName)}*${c.internal ? " (us)" : ""} — ${formatBp(c.creditBp)} credit (${rolesText(c.roles)})`);
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: truncate(`Attribution · ${formatDealRef(d.dealRef)} · ${d.dealTitle}`, 150) } },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncate(`*Model:* ${MODEL_LABELS[r.model]} — ${escapeMrkdwn(r.modelReason)}\n${lines.join("\n")}`, 3000),
      },
    },
  ];
  if (opts.shareAmounts && r.pool) {
    const payouts = r.payouts.map((p) => `• ${escapeMrkdwn(p.orgName)}: ${formatMoney(p.amountMinor, r.currency)}`);
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: truncate(`*Partner commission pool:* ${formatMoney(r.pool.amountMinor, r.currency)} (${r.pool.rateKind} rate ${formatBp(r.pool.rateBp)})\n${payouts.join("\n")}`, 3000) },
    });
  }
  blocks.push(
    { type: "context", elements: [{ type: "mrkdwn", text: `Record #${d.seq} · config v${d.configVersion} · ${escapeMrkdwn(d.reason)} · shares add up to exactly 100.00%` }] },
    {
      type: "actions",
      elements: [
        { type: "button", text: { type: "plain_text", text: "See my numbers" }, action_id: ACTION.seeMyNumbers, value: d.recordId },
        { type: "button", text: { type: "plain_text", text: "Dispute" }, action_id: ACTION.dispute, value: d.recordId },
      ],
    },
  );
  const text = `Attribution for ${formatDealRef(d.dealRef)}: ${r.credits.map((c) => `${c.orgName} ${formatBp(c.creditBp)}`).join(", ")}`;
  return { text, blocks };
}

/**
 * The math for one viewer. Internal people see every payout; a partner person sees the
 * credit shares (public on the receipt) and only their own organization's payout.
 */
export function renderAttributionMath(d: ReceiptData, viewer: { kind: "internal" } | { kind: "partner"; orgId: string }): { text: string; blocks: KnownBlock[] } {
  const r = d.result;
  const sections: string[] = [];
  sections.push(`*${formatDealRef(d.dealRef)} · ${escapeMrkdwn(d.dealTitle)}* — ${MODEL_LABELS[r.model]}\n_${escapeMrkdwn(r.modelReason)}_`);
  sections.push(
    `*Credit* (of ${formatMoney(r.amountMinor, r.currency)})\n${r.credits
      .map((c) => `• ${escapeMrkdwn(c.orgName)}${c.internal ? " (us)" : ""}: ${formatBp(c.creditBp)} — ${rolesText(c.roles)}${c.weightedTouchpoints ? `, ${c.weightedTouchpoints} weighted touchpoints` : ""}`)
      .join("\n")}`,
  );
  if (!r.pool) {
    sections.push("*Commission:* no partner organization has credit, so there is no partner pool.");
  } else {
    const partnerBp = r.credits.filter((c) => !c.internal && c.creditBp > 0).reduce((s, c) => s + c.creditBp, 0);
    sections.push(
      `*Pool:* ${formatMoney(r.amountMinor, r.currency)} × ${formatBp(r.pool.rateBp)} (${r.pool.rateKind} rate) = ${formatMoney(r.pool.amountMinor, r.currency)}, rounded half up to the minor unit. It is split over the partners in proportion to their credit (${formatBp(partnerBp)} in all); our own credit is reported, never paid.`,
    );
    const visible = viewer.kind === "internal" ? r.payouts : r.payouts.filter((p) => p.orgId === viewer.orgId);
    const lines = visible.map((p) => {
      const c = r.credits.find((x) => x.orgId === p.orgId)!;
      return `• *${escapeMrkdwn(p.orgName)}*: ${formatMoney(r.pool!.amountMinor, r.currency)} × ${formatBp(c.creditBp)} ÷ ${formatBp(partnerBp)} → *${formatMoney(p.amountMinor, r.currency)}*`;
    });
    if (viewer.kind === "partner" && visible.length === 0) lines.push("• Your organization has no credit on this deal, so no payout.");
    sections.push(`*${viewer.kind === "internal" ? "Payouts" : "Your payout"}*\n${lines.join("\n")}\n_Parts are rounded by largest remainder so they add up exactly to the pool._`);
  }
  if (viewer.kind === "internal") sections.push(`*Every step*\n${r.steps.map((s) => `• ${escapeMrkdwn(s)}`).join("\n")}`);
  const blocks: KnownBlock[] = sections.map((s) => ({ type: "section", text: { type: "mrkdwn", text: truncate(s, 3000) } }));
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `Record #${d.seq} · config v${d.configVersion} · ${escapeMrkdwn(d.reason)}` }] });
  return { text: `Attribution math for ${formatDealRef(d.dealRef)}`, blocks };
}
