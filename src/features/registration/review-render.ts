import { currencyExponent } from "../../kernel/money";
import { daysLeft, isRejectReason, REJECT_REASON_LABELS, REJECT_REASONS } from "../../kernel/registration-lifecycle";
import type { RegistrationNotice } from "../../platform/outbox/intents";
import { truncate } from "../../platform/slack/command-text";
import { formatDealRef, formatMoney, stageLabel } from "../../platform/slack/format";
import { ACTION, CALLBACK, REVIEW_BLOCK as B, INPUT } from "../../platform/slack/ids";
import { option, textInput, modalView } from "../../platform/slack/inputs";
import { mention, mrkdwn, slackDate, truncateMrkdwn, type SafeBlock, type SafeMessage, type SafeModalView, type SlackText } from "../../platform/slack/mrkdwn";
import type { ReviewView } from "./review-view";

// The registration lifecycle's Slack messages and modals. Pure: plain data in, Block Kit out.

const day = (d: Date) => d.toISOString().slice(0, 10);

function button(text: string, action_id: string, value: string, style?: "primary" | "danger") {
  return { type: "button" as const, text: { type: "plain_text" as const, text }, action_id, value, ...(style ? { style } : {}) };
}

/** The decision as the DM shows it once made: "✅ Approved by @ada · 3 Dec". */
function decisionLine(v: ReviewView): SlackText {
  const by = v.decidedBy && v.decidedBy !== "auto" ? mrkdwn` by ${mention(v.decidedBy)}` : v.decidedBy === "auto" ? mrkdwn` automatically` : mrkdwn``;
  const when = v.decidedAt ? mrkdwn` · ${slackDate(v.decidedAt, "{date_short_pretty} {time}")}` : mrkdwn``;
  switch (v.status) {
    case "APPROVED":
      return mrkdwn`✅ *${v.conflictException ? "Approved as an exception" : v.decisionReason === "PROTECTION_MOVED" ? "Approved, protection moved here" : "Approved"}*${by}${when}`;
    case "REJECTED":
      return mrkdwn`❌ *Rejected*${by}${when}: ${isRejectReason(v.decisionReason) ? REJECT_REASON_LABELS[v.decisionReason] : "other"}${v.decisionNote ? ` — “${truncate(v.decisionNote, 300)}”` : ""}`;
    case "RETURNED":
      return mrkdwn`↩️ *Returned for info*${by}${when}: “${truncate(v.decisionNote ?? "", 300)}”`;
    case "EXPIRED":
      return mrkdwn`⌛ *Expired*${v.expiryReason ? `: ${v.expiryReason}` : ""}`;
    case "SUBMITTED":
      return mrkdwn`⏳ *Pending review*`;
  }
}

/** The buttons an admin decides with: plain, or the ways of deciding a live conflict. */
function reviewButtons(v: ReviewView) {
  const id = v.dealId;
  const ret = button("Return for info…", ACTION.regReturn, id);
  if (v.conflict?.kind === "deal" && v.conflict.holds)
    return [
      button("Keep the first", ACTION.regKeepFirst, id, "danger"),
      button("Approve both", ACTION.regApproveBoth, id),
      button("Move protection to this one…", ACTION.regMoveProtection, id),
      ret,
    ];
  if (v.conflict?.kind === "house" && v.conflict.open)
    return [button("Reject…", ACTION.regReject, id, "danger"), button("Approve anyway (exception)", ACTION.regApproveBoth, id), ret];
  return [button("Approve", ACTION.regApprove, id, "primary"), button("Reject…", ACTION.regReject, id, "danger"), ret];
}

/** The registration's facts, and any conflict side by side. Internal: for admins only. */
function reviewFacts(v: ReviewView): SafeBlock[] {
  const blocks: SafeBlock[] = [
    {
      type: "section",
      fields: [
        mrkdwn`*Account*\n${v.accountName} (${v.accountDomain})`,
        mrkdwn`*Amount*\n${formatMoney(v.amountMinor, v.currency)}`,
        mrkdwn`*Registered by*\n${mention(v.registeredBy)} (${v.registrantOrgName})`,
        mrkdwn`*Partners*\n${v.partners.join(", ") || "none"} · ${v.pairingName}`,
        mrkdwn`*Stage*\n${stageLabel(v.stage)} · closes ${v.expectedCloseDate}`,
        mrkdwn`*Submitted*\n${v.submittedAt ? slackDate(v.submittedAt, "{date_short_pretty} {time}") : "—"}${v.reviewRound > 1 ? ` (round ${v.reviewRound})` : ""}`,
      ].map((text) => ({ type: "mrkdwn" as const, text })),
    },
  ];
  if (v.registrantNote)
    blocks.push({ type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(mrkdwn`*Registrant's answer:* “${v.registrantNote}”`, 3000) } });
  const c = v.conflict;
  if (c?.kind === "deal")
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: mrkdwn`⚠️ *Conflict${c.holds ? "" : " (no longer holding the account)"}* — the same account, other partners:` },
      fields: [
        {
          type: "mrkdwn",
          text: mrkdwn`*This registration*\n${formatDealRef(v.ref)} · ${v.title}\n${v.partners.join(", ") || "no partner"} · ${mention(v.registeredBy)}`,
        },
        {
          type: "mrkdwn",
          text: mrkdwn`*First: ${formatDealRef(c.ref)}*\n${c.title}\n${c.partners.join(", ") || "no partner"} · ${mention(c.registeredBy)} · ${slackDate(c.registeredAt, "{date_short_pretty}")}\n${c.statusLine}`,
        },
      ],
    });
  if (c?.kind === "house")
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: mrkdwn`🏠 *House account${c.open ? "" : " (closed since)"}: direct sales already active* — our deal “${c.title}”, owned by ${mention(c.ownerUserId)} since ${slackDate(c.since, "{date_short_pretty}")}.`,
      },
    });
  return blocks;
}

/** An admin's review DM: the registration, any conflict, the buttons; once decided, the decision instead. */
export function renderReviewDm(v: ReviewView, opts: { reminder?: { waitedHours: number } } = {}): SafeMessage & { blocks: SafeBlock[] } {
  const ref = formatDealRef(v.ref);
  const heading = opts.reminder
    ? mrkdwn`⏰ *${ref} has waited ${opts.reminder.waitedHours} h for review* (past the program's review SLA) · ${v.title}`
    : mrkdwn`📝 *Registration to review: ${ref}* · ${v.title}`;
  const blocks: SafeBlock[] = [{ type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(heading, 3000) } }, ...reviewFacts(v)];
  if (v.status === "SUBMITTED") blocks.push({ type: "actions", block_id: `review_${v.dealId}`, elements: reviewButtons(v) });
  else blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: decisionLine(v) }] });
  const text = v.status === "SUBMITTED" ? mrkdwn`Registration to review: ${ref} · ${v.title} (${v.accountName})` : mrkdwn`${ref} · ${v.title}: ${v.statusLine}`;
  return { text, blocks };
}

/** `/cosell approvals`: pending reviews oldest first, each with its buttons. */
export function renderApprovals(rows: readonly ReviewView[], total: number, now: Date): SafeMessage & { blocks: SafeBlock[] } {
  if (total === 0)
    return {
      text: mrkdwn`✅ No registration is waiting for review.`,
      blocks: [{ type: "section", text: { type: "mrkdwn", text: mrkdwn`✅ No registration is waiting for review.` } }],
    };
  const blocks: SafeBlock[] = [{ type: "header", text: { type: "plain_text", text: `Pending reviews (${total})` } }];
  for (const v of rows) {
    const age = v.submittedAt ? Math.floor((now.getTime() - v.submittedAt.getTime()) / 3_600_000) : 0;
    blocks.push({ type: "divider" });
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: truncateMrkdwn(mrkdwn`*${formatDealRef(v.ref)}* · ${v.title} — waiting ${ageText(age)}`, 3000) },
    });
    blocks.push(...reviewFacts(v));
    blocks.push({ type: "actions", block_id: `review_${v.dealId}`, elements: reviewButtons(v) });
  }
  if (total > rows.length)
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: mrkdwn`…and ${total - rows.length} more, oldest first. Decide these to see the next.` }],
    });
  return { text: mrkdwn`${total} registration${total === 1 ? "" : "s"} waiting for review`, blocks };
}

function ageText(hours: number): string {
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} days`;
}

/**
 * A lifecycle event told to one person by DM. The words about another registration reveal
 * nothing of it beyond "this account is already protected in the program".
 */
export function renderNotice(v: ReviewView, event: RegistrationNotice, now: Date): SafeMessage & { blocks: SafeBlock[] } {
  const ref = formatDealRef(v.ref);
  const what = mrkdwn`*${ref}* · ${v.title} (${v.accountName})`;
  const until = v.protectedUntil ? day(v.protectedUntil) : "";
  const left = v.protectedUntil ? daysLeft(now, v.protectedUntil) : 0;
  let text: SlackText;
  const actions: ReturnType<typeof button>[] = [];
  switch (event) {
    case "approved":
      text = v.conflictException
        ? mrkdwn`✅ Your registration ${what} was approved as an exception: it is protected until ${until}.`
        : mrkdwn`✅ Your registration ${what} was approved: the account is protected for this deal until ${until}.`;
      break;
    case "rejected":
      text =
        v.decisionReason === "DUPLICATE"
          ? mrkdwn`❌ Your registration ${what} was not approved: this account is already protected in the program.${v.decisionNote ? ` Note from the admin: “${v.decisionNote}”` : ""}`
          : mrkdwn`❌ Your registration ${what} was not approved: ${isRejectReason(v.decisionReason) ? REJECT_REASON_LABELS[v.decisionReason] : "other"}.${v.decisionNote ? ` Note from the admin: “${v.decisionNote}”` : ""} The deal stays visible; register it again if things change.`;
      break;
    case "returned":
      text = mrkdwn`↩️ An admin needs more information before approving ${what}: “${v.decisionNote ?? ""}”. Edit it and resubmit.`;
      if (v.status === "RETURNED") actions.push(button("Edit and resubmit", ACTION.regResubmit, v.dealId, "primary"));
      break;
    case "kept-first":
      text = mrkdwn`🛡️ Another registration on ${v.accountName} was rejected as a duplicate: your registration ${what} keeps its protection${until ? ` until ${until}` : ""}.`;
      break;
    case "approved-exception":
      text = mrkdwn`ℹ️ An admin approved another registration on ${v.accountName} as an exception; your registration ${what} keeps its protection${until ? ` until ${until}` : ""}.`;
      break;
    case "protection-moved":
      text = mrkdwn`⚠️ An admin moved the protection of ${v.accountName} to another registration: ${what} is no longer protected.${v.expiryReason ? ` Reason: ${v.expiryReason.replace(/^protection moved to another registration: /, "")}` : ""}`;
      break;
    case "expiry-warning": {
      const canExtend = v.extensionsUsed < v.maxExtensions;
      text = mrkdwn`⏳ Protection of ${what} ends on ${until} (${left} day${left === 1 ? "" : "s"} left).${canExtend ? ` If the deal needs more time, request an extension of ${v.extensionDays} days (${v.maxExtensions - v.extensionsUsed} left).` : " It had the most extensions the program allows."}`;
      if (canExtend && v.status === "APPROVED") actions.push(button("Request extension", ACTION.regRequestExtension, v.dealId, "primary"));
      break;
    }
    case "extension-granted":
      text = mrkdwn`✅ Protection of ${what} was extended to ${until}.`;
      break;
    case "extension-declined":
      text = mrkdwn`The extension of ${what} was declined${v.decisionNote ? `: “${v.decisionNote}”` : ""}. Protection ends on ${until}.`;
      break;
    case "expired":
      text = mrkdwn`⌛ Protection of ${what} ended; the registration expired. The deal stays visible; register it again if it is still active.`;
      break;
    case "review-reminder": {
      const m = renderReviewDm(v, { reminder: { waitedHours: v.submittedAt ? Math.floor((now.getTime() - v.submittedAt.getTime()) / 3_600_000) : 0 } });
      return v.status === "SUBMITTED" ? m : { text: m.text, blocks: m.blocks };
    }
  }
  const blocks: SafeBlock[] = [{ type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(text, 3000) } }];
  if (actions.length > 0) blocks.push({ type: "actions", block_id: `notice_${v.dealId}`, elements: actions });
  return { text, blocks };
}

/** A registration's protection ended: once, in the pairing channel (partner-safe: no amounts, no conflicts). */
export function renderExpiredPost(v: ReviewView): SafeMessage {
  return {
    text: mrkdwn`⌛ Registration *${formatDealRef(v.ref)}* · ${v.title} (${v.accountName}) expired: its protection ended before the deal closed. The deal stays on the board; ${mention(v.registeredBy)} can register it again.`,
  };
}

/** An extension request, by DM to one admin, with Grant / Decline. */
export function renderExtensionRequest(v: ReviewView): SafeMessage & { blocks: SafeBlock[] } {
  const text = mrkdwn`🕒 ${mention(v.extensionRequestedBy ?? v.registeredBy)} asks to extend the protection of *${formatDealRef(v.ref)}* · ${v.title} (${v.accountName}), ending ${v.protectedUntil ? day(v.protectedUntil) : "—"}, by ${v.extensionDays} days (extension ${v.extensionsUsed + 1} of ${v.maxExtensions}). Stage: ${stageLabel(v.stage)}.`;
  const blocks: SafeBlock[] = [{ type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(text, 3000) } }];
  if (v.extensionRequestedBy)
    blocks.push({
      type: "actions",
      block_id: `extension_${v.dealId}`,
      elements: [
        button(`Grant +${v.extensionDays} days`, ACTION.regGrantExtension, v.dealId, "primary"),
        button("Decline…", ACTION.regDeclineExtension, v.dealId),
      ],
    });
  else blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: mrkdwn`Already decided.` }] });
  return { text, blocks };
}

export type NoteAction = "reject" | "return" | "moveProtection" | "declineExtension";

const NOTE_TITLES: Record<NoteAction, { title: string; submit: string; label: string; required: boolean; hint: string }> = {
  reject: {
    title: "Reject registration",
    submit: "Reject",
    label: "Note for the registrant (optional)",
    required: false,
    hint: "They see the reason and this note.",
  },
  return: {
    title: "Return for info",
    submit: "Return",
    label: "What do you need?",
    required: true,
    hint: "e.g. the customer's budget owner. The registrant sees it on the card and by DM.",
  },
  moveProtection: {
    title: "Move protection",
    submit: "Move protection",
    label: "Why move it?",
    required: true,
    hint: "The first registration expires with this reason; its registrant is told.",
  },
  declineExtension: { title: "Decline extension", submit: "Decline", label: "Reason", required: true, hint: "The person who asked sees it." },
};

/** The admin's reason/note modal (reject, return, move protection, decline an extension). */
export function buildNoteModal(action: NoteAction, v: { dealId: string; ref: number; title: string }): SafeModalView {
  const t = NOTE_TITLES[action];
  const blocks: SafeBlock[] = [{ type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(mrkdwn`*${formatDealRef(v.ref)}* · ${v.title}`, 3000) } }];
  if (action === "reject") {
    const options = REJECT_REASONS.map((r) =>
      option(
        r,
        REJECT_REASON_LABELS[r].replace(/^./, (c) => c.toUpperCase()),
      ),
    );
    blocks.push({
      type: "input",
      block_id: B.reason,
      label: { type: "plain_text", text: "Reason" },
      element: { type: "static_select", action_id: INPUT, options },
    });
  }
  blocks.push(textInput(B.note, t.label, { optional: !t.required, multiline: true, max: 500, hint: t.hint }));
  return modalView({ callbackId: CALLBACK.registrationNote, title: t.title, submit: t.submit, metadata: { dealId: v.dealId, action } }, blocks);
}

/** The registrant's edit of a returned registration. */
export function buildResubmitModal(
  v: Pick<ReviewView, "dealId" | "ref" | "title" | "amountMinor" | "currency" | "expectedCloseDate" | "decisionNote">,
): SafeModalView {
  const exp = currencyExponent(v.currency);
  const amount = (v.amountMinor / 10 ** exp).toFixed(exp).replace(/\.0+$/, "");
  const blocks: SafeBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(mrkdwn`*${formatDealRef(v.ref)}* was returned: “${v.decisionNote ?? ""}”`, 3000) } },
    textInput(B.title, "Deal title", { initial: v.title, max: 120 }),
    textInput(B.amount, `Amount (${v.currency})`, { initial: amount }),
    {
      type: "input",
      block_id: B.closeDate,
      label: { type: "plain_text", text: "Expected close date" },
      element: { type: "datepicker", action_id: INPUT, initial_date: v.expectedCloseDate },
    },
    textInput(B.answer, "Your answer to the admin", { multiline: true, max: 500, hint: "Shown to the admins with the resubmitted registration." }),
  ];
  return modalView({ callbackId: CALLBACK.resubmitRegistration, title: "Edit and resubmit", submit: "Resubmit", metadata: { dealId: v.dealId } }, blocks);
}
