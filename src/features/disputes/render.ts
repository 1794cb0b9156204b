import { formatBp } from "../../kernel/money";
import { ACTION, CALLBACK, DISPUTE_BLOCK as B, INPUT } from "../../platform/slack/ids";
import { truncate } from "../../platform/slack/command-text";
import { formatDealRef, slackDate } from "../../platform/slack/format";
import { mention, mrkdwn, truncateMrkdwn, type SafeBlock, type SafeMessage, type SafeModalView } from "../../platform/slack/mrkdwn";
import { modalView } from "../../platform/slack/inputs";
import { shortDisputeId } from "./rules";

// Attribution disputes: the partner's modal, the admins' DM with Resolve / Reject, the resolve
// modal, the notes in the deal's thread and the admins' list. Pure renderers.
// The thread is in a (possibly shared) pairing channel: its notes name the organization and
// the deal only — never the dispute's reason, which may be sensitive. The resolution note is
// written by an admin for the partner and is posted as is.

export const REASON_MIN = 10;
export const REASON_MAX = 1000;
export const NOTE_MAX = 1000;

export type DisputeOutcome = "RESOLVED" | "REJECTED";

export { shortDisputeId };

const quote = (text: string, max: number) => mrkdwn`“${truncate(text.trim(), max)}”`;
const outcomeWord = (o: DisputeOutcome) => (o === "RESOLVED" ? "resolved" : "rejected");

export interface DisputeModalData {
  recordId: string;
  seq: number;
  dealRef: number;
  dealTitle: string;
  /** the organization the dispute is raised for (the clicker's) */
  orgName: string;
}

/** "Dispute" on a receipt: why the clicker's organization contests this record. */
export function buildDisputeModal(d: DisputeModalData): SafeModalView {
  return modalView({ callbackId: CALLBACK.dispute, title: "Dispute attribution", submit: "Send to admins", metadata: { recordId: d.recordId } }, [
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncateMrkdwn(
          mrkdwn`*${formatDealRef(d.dealRef)} · ${d.dealTitle}* — attribution record #${d.seq}.\nYou are disputing it for *${d.orgName}*. The program admins get your reason in a DM; the deal's thread only says that ${d.orgName} disputed it.`,
          3000,
        ),
      },
    },
    {
      type: "input",
      block_id: B.reason,
      label: { type: "plain_text", text: "What is wrong with it?" },
      hint: { type: "plain_text", text: `${REASON_MIN}–${REASON_MAX} characters. Only the program admins see this.` },
      element: {
        type: "plain_text_input",
        action_id: INPUT,
        multiline: true,
        min_length: REASON_MIN,
        max_length: REASON_MAX,
        placeholder: { type: "plain_text", text: "e.g. our SE ran the technical validation, but we are only credited for sourcing" },
      },
    },
  ]);
}

/** What the modal turns into once the dispute is recorded (partners may not get DMs from us). */
export function buildDisputeSentView(d: { dealRef: number; seq: number; orgName: string; shortId: string }): SafeModalView {
  return modalView({ title: "Dispute sent", close: "Done" }, [
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: mrkdwn`✅ ${d.orgName}'s dispute of record #${d.seq} on ${formatDealRef(d.dealRef)} is with the program admins (dispute \`${d.shortId}\`). Their answer will be posted in the deal's thread.`,
      },
    },
  ]);
}

export interface DisputeMessageData {
  disputeId: string;
  dealRef: number;
  dealTitle: string;
  seq: number;
  orgName: string;
  raisedBy: string;
  reason: string;
  createdAt: Date;
  /** the disputed record's credit shares, for context */
  credits: { orgName: string; creditBp: number }[];
}

/** The DM to each admin: who disputes what and why, with Resolve / Reject. */
export function renderDisputeAdminDm(d: DisputeMessageData): SafeMessage & { blocks: SafeBlock[] } {
  const ref = formatDealRef(d.dealRef);
  const text = mrkdwn`⚖️ ${d.orgName} disputes the attribution of ${ref} (record #${d.seq}): ${mention(d.raisedBy)} says ${quote(d.reason, REASON_MAX)}`;
  const credits = d.credits.map((c) => `${c.orgName} ${formatBp(c.creditBp)}`).join(", ");
  return {
    text,
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: truncateMrkdwn(
            mrkdwn`⚖️ *${d.orgName}* disputes the attribution of *${ref} · ${d.dealTitle}* (record #${d.seq}: ${credits}).\n${mention(d.raisedBy)} says: ${quote(d.reason, REASON_MAX)}`,
            3000,
          ),
        },
      },
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: mrkdwn`Dispute \`${shortDisputeId(d.disputeId)}\` · raised ${slackDate(d.createdAt)} · or \`/cosell dispute resolve ${shortDisputeId(d.disputeId)} "note"\`. Your note is posted in the deal's thread for the partner; recompute separately with \`/cosell attribution ${ref} --recompute "reason"\`.`,
          },
        ],
      },
      {
        type: "actions",
        block_id: `dispute_${d.disputeId}`,
        elements: [
          { type: "button", text: { type: "plain_text", text: "Resolve" }, style: "primary", action_id: ACTION.disputeResolve, value: d.disputeId },
          { type: "button", text: { type: "plain_text", text: "Reject" }, style: "danger", action_id: ACTION.disputeReject, value: d.disputeId },
        ],
      },
    ],
  };
}

/** In the deal's thread when a dispute is opened: no reason, it may be sensitive. */
export function renderDisputeOpenedNote(d: { orgName: string; dealRef: number; seq: number }): SafeMessage {
  return { text: mrkdwn`⚖️ ${d.orgName} disputed the attribution of ${formatDealRef(d.dealRef)} (record #${d.seq}); admins will respond.` };
}

/** In the deal's thread when an admin answers: the note is written for the partner. */
export function renderDisputeAnsweredNote(d: { orgName: string; dealRef: number; raisedBy: string; outcome: DisputeOutcome; note: string }): SafeMessage {
  return {
    text: truncateMrkdwn(
      mrkdwn`${d.outcome === "RESOLVED" ? "✅" : "✖️"} ${mention(d.raisedBy)} ${d.orgName}'s dispute of the attribution of ${formatDealRef(d.dealRef)} was ${outcomeWord(d.outcome)} by an admin: ${quote(d.note, NOTE_MAX)}`,
      3000,
    ),
  };
}

export interface ResolveModalData {
  disputeId: string;
  outcome: DisputeOutcome;
  dealRef: number;
  seq: number;
  orgName: string;
  raisedBy: string;
  reason: string;
}

/** An admin's Resolve / Reject: the note (required) goes to the partner in the deal's thread. */
export function buildResolveModal(d: ResolveModalData): SafeModalView {
  const verb = d.outcome === "RESOLVED" ? "Resolve" : "Reject";
  return modalView({ callbackId: CALLBACK.resolveDispute, title: `${verb} dispute`, submit: verb, metadata: { disputeId: d.disputeId, outcome: d.outcome } }, [
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncateMrkdwn(
          mrkdwn`*${d.orgName}* on *${formatDealRef(d.dealRef)}* (record #${d.seq}), raised by ${mention(d.raisedBy)}:\n${quote(d.reason, REASON_MAX)}`,
          3000,
        ),
      },
    },
    {
      type: "input",
      block_id: B.note,
      label: { type: "plain_text", text: "Note for the partner" },
      hint: {
        type: "plain_text",
        text: "Posted in the deal's thread in the pairing channel, which every organization in the pairing reads. A recompute is a separate step.",
      },
      element: { type: "plain_text_input", action_id: INPUT, multiline: true, max_length: NOTE_MAX },
    },
  ]);
}

/** A row of `/cosell disputes`: the DM's data without the credit shares. */
export type OpenDisputeRow = Omit<DisputeMessageData, "disputeId" | "credits"> & { id: string };

/** Messages hold 50 blocks: a header, 2 per dispute and a footer. */
export const LIST_LIMIT = 20;

/** `/cosell disputes`: the open disputes, oldest first, each with Resolve / Reject. */
export function renderOpenDisputes(rows: OpenDisputeRow[], total: number): SafeMessage & { blocks: SafeBlock[] } {
  if (rows.length === 0)
    return {
      text: mrkdwn`No open attribution disputes. 🎉`,
      blocks: [{ type: "section", text: { type: "mrkdwn", text: mrkdwn`No open attribution disputes. 🎉` } }],
    };
  const blocks: SafeBlock[] = [{ type: "header", text: { type: "plain_text", text: `Open attribution disputes (${total})` } }];
  for (const r of rows.slice(0, LIST_LIMIT)) {
    blocks.push(
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: truncateMrkdwn(
            mrkdwn`\`${shortDisputeId(r.id)}\` *${formatDealRef(r.dealRef)} · ${r.dealTitle}* (record #${r.seq}) — *${r.orgName}*, ${mention(r.raisedBy)}, ${slackDate(r.createdAt)}\n${quote(r.reason, 300)}`,
            3000,
          ),
        },
      },
      {
        type: "actions",
        block_id: `dispute_${r.id}`,
        elements: [
          { type: "button", text: { type: "plain_text", text: "Resolve" }, style: "primary", action_id: ACTION.disputeResolve, value: r.id },
          { type: "button", text: { type: "plain_text", text: "Reject" }, style: "danger", action_id: ACTION.disputeReject, value: r.id },
        ],
      },
    );
  }
  const more = total - Math.min(rows.length, LIST_LIMIT);
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: mrkdwn`${more > 0 ? `…and ${more} more (oldest first): answer these to see them. ` : ""}Or \`/cosell dispute resolve|reject <id> "note"\`.`,
      },
    ],
  });
  const text = mrkdwn`Open attribution disputes (${total}): ${rows
    .slice(0, LIST_LIMIT)
    .map((r) => `${shortDisputeId(r.id)} ${formatDealRef(r.dealRef)} ${r.orgName}`)
    .join("; ")}`;
  return { text, blocks };
}
