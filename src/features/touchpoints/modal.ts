import type { PlainTextOption } from "@slack/types";
import { TOUCHPOINT_TYPES, type TouchpointType } from "../attribution/engine";
import { TOUCHPOINT_NOTE_MAX, touchpointLabel } from "./rules";
import { CALLBACK, INPUT, TOUCHPOINT_BLOCK as B } from "../../platform/slack/ids";
import { truncate } from "../../platform/slack/command-text";
import { formatDealRef } from "../../platform/slack/format";
import { link, mrkdwn, truncateMrkdwn, type SafeBlock, type SafeModalView } from "../../platform/slack/mrkdwn";
import { modalView } from "../../platform/slack/inputs";

export interface TouchpointDealChoice {
  id: string;
  ref: number;
  title: string;
  accountName: string;
}

/** Carried in private_metadata; re-checked on submit (never trusted). */
interface TouchpointMetadata {
  /** the deal, when it was fixed by the card button or the command (re-authorized on submit) */
  dealId?: string | undefined;
  /** the Slack message the touchpoint comes from (message shortcut) */
  link?: string | undefined;
  /** where the modal was opened, for the confirmation */
  channelId?: string | undefined;
}

export interface TouchpointModalData {
  /** the deal, fixed (card button, command): shown as text */
  deal: TouchpointDealChoice | null;
  /** otherwise the deals to pick from, most recently active first (Slack shows at most 100) */
  dealOptions: TouchpointDealChoice[];
  /** how many deals could be picked in all (when more than the options given) */
  dealTotal?: number | undefined;
  selectedDealId: string | null;
  /** the organization the touchpoint will count for */
  orgName: string;
  initial: { type?: TouchpointType | null | undefined; note?: string | undefined; occurredAt: Date };
  messageLink: string | null;
  channelId?: string | undefined;
}

export const MAX_DEAL_OPTIONS = 100;

const dealText = (d: TouchpointDealChoice) => `${formatDealRef(d.ref)} · ${d.accountName} — ${d.title}`;
const opt = (value: string, text: string): PlainTextOption => ({ text: { type: "plain_text", text: truncate(text, 75) }, value });

/** Log a touchpoint: deal (fixed or picked), type, when, note, and the source message if any. */
export function buildTouchpointModal(data: TouchpointModalData): SafeModalView {
  const blocks: SafeBlock[] = [];
  if (data.deal) {
    blocks.push({ type: "section", block_id: B.deal, text: { type: "mrkdwn", text: truncateMrkdwn(mrkdwn`*${dealText(data.deal)}*`, 3000) } });
  } else {
    let choices = data.dealOptions.slice(0, MAX_DEAL_OPTIONS);
    // The preselected deal must be among the options, even when more than 100 are more recent.
    const selected = data.dealOptions.find((d) => d.id === data.selectedDealId);
    if (selected && !choices.includes(selected)) choices = [selected, ...choices.slice(0, MAX_DEAL_OPTIONS - 1)];
    const options = choices.map((d) => opt(d.id, dealText(d)));
    const initial = options.find((o) => o.value === data.selectedDealId);
    blocks.push({
      type: "input",
      block_id: B.deal,
      label: { type: "plain_text", text: "Deal" },
      ...(Math.max(data.dealTotal ?? 0, data.dealOptions.length) > MAX_DEAL_OPTIONS
        ? {
            hint: {
              type: "plain_text" as const,
              text: `The ${MAX_DEAL_OPTIONS} most recently active open deals; for another one use the Log touchpoint button on its card.`,
            },
          }
        : {}),
      element: {
        type: "static_select",
        action_id: INPUT,
        placeholder: { type: "plain_text", text: "Pick the deal" },
        options,
        ...(initial ? { initial_option: initial } : {}),
      },
    });
  }

  const typeOptions = TOUCHPOINT_TYPES.map((t) => opt(t, touchpointLabel(t)));
  const initialType = typeOptions.find((o) => o.value === data.initial.type);
  blocks.push(
    {
      type: "input",
      block_id: B.type,
      label: { type: "plain_text", text: "Type" },
      element: {
        type: "static_select",
        action_id: INPUT,
        placeholder: { type: "plain_text", text: "What happened?" },
        options: typeOptions,
        ...(initialType ? { initial_option: initialType } : {}),
      },
    },
    {
      type: "input",
      block_id: B.when,
      label: { type: "plain_text", text: "When" },
      hint: { type: "plain_text", text: "When it happened (in your own timezone); not in the future." },
      element: { type: "datetimepicker", action_id: INPUT, initial_date_time: Math.floor(data.initial.occurredAt.getTime() / 1000) },
    },
    {
      type: "input",
      block_id: B.note,
      label: { type: "plain_text", text: "Note" },
      element: {
        type: "plain_text_input",
        action_id: INPUT,
        multiline: true,
        max_length: TOUCHPOINT_NOTE_MAX,
        placeholder: { type: "plain_text", text: "What happened, who was there, what's next" },
        ...(data.initial.note ? { initial_value: truncate(data.initial.note, TOUCHPOINT_NOTE_MAX) } : {}),
      },
    },
  );
  blocks.push({
    type: "context",
    elements: [{ type: "mrkdwn", text: truncateMrkdwn(mrkdwn`Counts for *${data.orgName}* — the evidence attribution is computed from.`, 3000) }],
  });
  if (data.messageLink) {
    blocks.push({
      type: "context",
      block_id: B.link,
      elements: [{ type: "mrkdwn", text: truncateMrkdwn(mrkdwn`From this Slack message: ${link(data.messageLink, "view message")}`, 3000) }],
    });
  }

  const metadata: TouchpointMetadata = { dealId: data.deal?.id, link: data.messageLink ?? undefined, channelId: data.channelId };
  return modalView({ callbackId: CALLBACK.logTouchpoint, title: "Log touchpoint", submit: "Log", metadata: metadata }, blocks);
}
