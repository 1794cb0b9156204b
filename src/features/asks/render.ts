import {
  escapeMrkdwn,
  joinMrkdwn,
  mrkdwn,
  truncateMrkdwn,
  type SafeBlock,
  type SafeMessage,
  type SafeModalView,
  type SlackText,
} from "../../platform/slack/mrkdwn";
import { ACTION, ASK_BLOCK as B, CALLBACK, INPUT } from "../../platform/slack/ids";
import { truncate } from "../../platform/slack/command-text";
import { formatDealRef, mention, slackDate, stageLabel } from "../../platform/slack/format";
import type { Stage } from "../../kernel/stages";
import { modalView } from "../../platform/slack/inputs";

// Asks: the modal, the owner's DM with its Done button, and the sweep's alerts. Pure renderers.
// Alerts go into shared channels: they carry the deal reference, the people and the ask text
// only — never amounts or internal notes.

export const ASK_TEXT_MAX = 500;

export interface AskMessageData {
  askId: string;
  dealRef: number;
  fromUserId: string;
  ownerUserId: string;
  text: string;
  dueAt: Date;
}

const quote = (text: string, max = 300): SlackText => mrkdwn`“${truncate(text.replace(/\s+/g, " ").trim(), max)}”`;

function doneButton(askId: string) {
  return { type: "button" as const, text: { type: "plain_text" as const, text: "Done" }, style: "primary" as const, action_id: ACTION.askDone, value: askId };
}

/** New ask: the modal from the deal card's Ask button (or `/cosell ask CS-12` alone). */
export function buildAskModal(
  deal: { id: string; ref: number; title: string },
  opts: { channelId?: string | undefined; ownerUserId?: string | undefined } = {},
): SafeModalView {
  return modalView(
    { callbackId: CALLBACK.createAsk, title: "Ask", submit: "Ask", metadata: { dealId: deal.id, ...(opts.channelId ? { channelId: opts.channelId } : {}) } },
    [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: truncateMrkdwn(
            mrkdwn`*${formatDealRef(deal.ref)} · ${deal.title}* — ask someone on the deal for something; they get a DM and the clock starts (their organization's response SLA).`,
            3000,
          ),
        },
      },
      {
        type: "input",
        block_id: B.owner,
        label: { type: "plain_text", text: "Who should do it" },
        element: { type: "users_select", action_id: INPUT, ...(opts.ownerUserId ? { initial_user: opts.ownerUserId } : {}) },
      },
      {
        type: "input",
        block_id: B.text,
        label: { type: "plain_text", text: "What do you need" },
        element: {
          type: "plain_text_input",
          action_id: INPUT,
          multiline: true,
          max_length: ASK_TEXT_MAX,
          placeholder: { type: "plain_text", text: "e.g. need an SE for Thursday's demo" },
        },
      },
    ],
  );
}

/** The owner's DM: who asked what, when it is due, and the Done button. */
export function renderAskDm(a: AskMessageData): SafeMessage & { blocks: SafeBlock[] } {
  const text = mrkdwn`${mention(a.fromUserId)} asked you on ${formatDealRef(a.dealRef)}: ${quote(a.text, ASK_TEXT_MAX)} — due ${slackDate(a.dueAt)}`;
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text } },
      { type: "actions", block_id: `ask_${a.askId}`, elements: [doneButton(a.askId)] },
    ],
  };
}

/** To who asked, when someone else marked their ask done. */
export function renderAskDoneDm(d: { by: string; dealRef: number; text: string }): SafeMessage {
  return { text: mrkdwn`✅ ${mention(d.by)} marked your ask on ${formatDealRef(d.dealRef)} done: “${truncate(d.text, 300)}”` };
}

/** Level 1, in the pairing channel: the owner is mentioned; anyone allowed can close it from here. */
export function renderOverdueAlert(a: AskMessageData): SafeMessage & { blocks: SafeBlock[] } {
  const text = mrkdwn`⏰ Overdue: ${mention(a.ownerUserId)} owes ${quote(a.text)} on ${formatDealRef(a.dealRef)} (asked by ${mention(a.fromUserId)}, due ${slackDate(a.dueAt)})`;
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text } },
      { type: "actions", block_id: `ask_${a.askId}`, elements: [doneButton(a.askId)] },
    ],
  };
}

/** Level 2 (2 × SLA), in the pairing channel. */
export function renderEscalationChannel(a: AskMessageData & { relationshipOwnerUserId: string | null }): SafeMessage & { blocks: SafeBlock[] } {
  const told = a.relationshipOwnerUserId
    ? mrkdwn` ${mention(a.relationshipOwnerUserId)} (relationship owner) has been told.`
    : " The deal has no relationship owner to escalate to yet — set one with Edit roles.";
  const text = mrkdwn`🚨 Escalated: ${mention(a.ownerUserId)} still owes ${quote(a.text)} on ${formatDealRef(a.dealRef)} (asked by ${mention(a.fromUserId)}, was due ${slackDate(a.dueAt)}).${told}`;
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text } },
      { type: "actions", block_id: `ask_${a.askId}`, elements: [doneButton(a.askId)] },
    ],
  };
}

/** Level 2: DM to the deal's relationship owner (the quarterback). */
export function renderEscalationDm(a: AskMessageData): SafeMessage & { blocks: SafeBlock[] } {
  const text = mrkdwn`🚨 Escalation on ${formatDealRef(a.dealRef)}: ${mention(a.ownerUserId)} hasn't answered ${mention(a.fromUserId)}'s ask ${quote(a.text)} for twice the response SLA (it was due ${slackDate(a.dueAt)}). As the relationship owner, please unblock it.`;
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text } },
      { type: "actions", block_id: `ask_${a.askId}`, elements: [doneButton(a.askId)] },
    ],
  };
}

export function renderStaleAlert(d: { ref: number; title: string; stage: Stage; days: number; relationshipOwnerUserId: string | null }): SafeMessage {
  const who = d.relationshipOwnerUserId ? mrkdwn`${mention(d.relationshipOwnerUserId)}, log` : "Log";
  return {
    text: mrkdwn`💤 Stale: ${formatDealRef(d.ref)} · ${escapeMrkdwn(truncate(d.title, 150))} has had no activity for ${d.days} days (${stageLabel(d.stage)}). ${who} a touchpoint or move the stage.`,
  };
}

export function renderCloseDateAlert(d: {
  ref: number;
  title: string;
  stage: Stage;
  expectedCloseDate: string;
  relationshipOwnerUserId: string | null;
}): SafeMessage {
  const who = d.relationshipOwnerUserId ? mrkdwn`${mention(d.relationshipOwnerUserId)}, update` : "Update";
  return {
    text: mrkdwn`📅 Close date passed: ${formatDealRef(d.ref)} · ${escapeMrkdwn(truncate(d.title, 150))} was expected to close on ${d.expectedCloseDate} and is still in ${stageLabel(d.stage)}. ${who} the close date or the stage.`,
  };
}

/** How many asks a batched alert lists; the rest are counted (each card still marks its own). */
const ALERT_LIST_MAX = 15;

export interface BatchedAsk extends AskMessageData {
  /** 1 overdue, 2 escalated */
  level: number;
  relationshipOwnerUserId: string | null;
}

function batchLine(a: BatchedAsk): SafeBlock {
  const text =
    a.level === 2
      ? mrkdwn`🚨 *${formatDealRef(a.dealRef)}* · ${mention(a.ownerUserId)} still owes ${quote(a.text, 200)} (asked by ${mention(a.fromUserId)}, was due ${slackDate(a.dueAt)})${a.relationshipOwnerUserId ? mrkdwn` — escalated to ${mention(a.relationshipOwnerUserId)}` : " — no relationship owner to escalate to yet"}`
      : mrkdwn`⏰ *${formatDealRef(a.dealRef)}* · ${mention(a.ownerUserId)} owes ${quote(a.text, 200)} (asked by ${mention(a.fromUserId)}, due ${slackDate(a.dueAt)})`;
  return { type: "section", block_id: `ask_${a.askId}`, text: { type: "mrkdwn", text }, accessory: doneButton(a.askId) };
}

const more = (shown: number, total: number, where: string): SafeBlock[] =>
  total > shown ? [{ type: "context", elements: [{ type: "mrkdwn", text: mrkdwn`…and ${total - shown} more: ${where}` }] }] : [];

/**
 * Several asks of one pairing channel that fell due in the same sweep: one message listing them
 * (Slack takes about one message per second per channel; 50 asks due at once are not 50 posts).
 */
export function renderOverdueBatch(d: { asks: BatchedAsk[]; total: number }): SafeMessage & { blocks: SafeBlock[] } {
  const escalated = d.asks.filter((a) => a.level === 2).length;
  const owners = [...new Set(d.asks.map((a) => a.ownerUserId))];
  const text = mrkdwn`⏰ ${d.total} asks went overdue${escalated ? mrkdwn` (${escalated} escalated)` : ""}: ${joinMrkdwn(
    owners.slice(0, 10).map((o) => mention(o)),
    ", ",
  )}`;
  const shown = d.asks.slice(0, ALERT_LIST_MAX);
  return {
    text,
    blocks: [
      {
        type: "section",
        text: { type: "mrkdwn", text: mrkdwn`*⏰ ${d.total} asks went overdue${escalated ? mrkdwn`, ${escalated} of them escalated` : ""}*` },
      },
      ...shown.map(batchLine),
      ...more(shown.length, d.total, "each deal's card marks its overdue asks, and *My asks* on the pairing panel lists yours."),
    ],
  };
}

/** Several escalations to one relationship owner in the same sweep: one DM. */
export function renderEscalationDmBatch(d: { asks: BatchedAsk[]; total: number }): SafeMessage & { blocks: SafeBlock[] } {
  const text = mrkdwn`🚨 ${d.total} asks on deals you're the relationship owner of haven't been answered for twice the response SLA. Please unblock them.`;
  const shown = d.asks.slice(0, ALERT_LIST_MAX);
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text } },
      ...shown.map(batchLine),
      ...more(shown.length, d.total, "each deal's card marks its overdue asks."),
    ],
  };
}
