import type { TouchpointType } from "../attribution/engine";
import type { DealHistory, DealListRow } from "./deal-queries";
import { truncate } from "../../platform/slack/command-text";
import { registrationBadge } from "../../kernel/registration-lifecycle";
import { formatDealRef, formatMoney, mention, slackDate, STAGE_EMOJI, stageLabel } from "../../platform/slack/format";
import { joinMrkdwn, MAX_SECTION_TEXT, mrkdwn, packLines, truncateMrkdwn, type SafeBlock, type SafeMessage, type SlackText } from "../../platform/slack/mrkdwn";

// `/cosell list` and the history under `/cosell show`. Pure: plain rows in, Block Kit out.

/** Deals shown in one list message; the rest are counted ("…and N more"). */
export const LIST_MAX_ROWS = 40;
/** Slack's limits for one message. */
export const MAX_BLOCKS = 50;
export { MAX_SECTION_TEXT } from "../../platform/slack/mrkdwn";
const MAX_TITLE = 300;
const TITLE_CHARS = 80;
const ACCOUNT_CHARS = 60;
const NOTE_CHARS = 140;

/** One line per deal: `🔎 *CS-12* · title — account · $48,000.00 · Discovery · close 2027-01-31 · 2 open asks`. */
function dealLine(d: DealListRow): SlackText {
  const asks = d.openAskCount > 0 ? ` · ${d.openAskCount} open ask${d.openAskCount === 1 ? "" : "s"}` : "";
  const registration = registrationBadge(d.registrationStatus, d.protectedUntil, d.stage);
  // Truncate before escaping, so an entity (&amp;) is never cut in half.
  return mrkdwn`${STAGE_EMOJI[d.stage]} *${formatDealRef(d.ref)}* · ${truncate(d.title, TITLE_CHARS)} — ${truncate(d.accountName, ACCOUNT_CHARS)} · ${formatMoney(d.amountMinor, d.currency)} · ${stageLabel(d.stage)} · close ${d.expectedCloseDate}${registration}${asks}`;
}

export interface DealListOptions {
  /** mrkdwn, already escaped by the caller, e.g. "Open deals — Ourco + Acme" or "Open deals of <@U123>" */
  title: SlackText;
  /** how many deals match in all (rows may hold only the first of them) */
  total: number;
  /** the message when nothing matches; a generic one naming the title otherwise */
  emptyText?: SlackText;
}

export function renderDealList(rows: readonly DealListRow[], opts: DealListOptions): SafeMessage & { blocks: SafeBlock[] } {
  const total = Math.max(opts.total, rows.length);
  if (rows.length === 0) {
    const text = opts.emptyText ?? mrkdwn`No deals to show (${opts.title}). Register one with \`/cosell new\`.`;
    return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(text, MAX_SECTION_TEXT) } }] };
  }
  const shown = rows.slice(0, LIST_MAX_ROWS);
  const more = total - shown.length;
  // A bold section rather than a header: the title may name a person (<@U…>), which plain text cannot.
  const blocks: SafeBlock[] = [{ type: "section", text: { type: "mrkdwn", text: mrkdwn`*${truncateMrkdwn(opts.title, MAX_TITLE)}*` } }];
  for (const text of packLines(shown.map(dealLine))) blocks.push({ type: "section", text: { type: "mrkdwn", text } });
  const footer = [mrkdwn`${total} deal${total === 1 ? "" : "s"}, soonest expected close first`];
  if (more > 0) footer.push(mrkdwn`…and ${more} more — narrow with a stage or owner filter, e.g. \`/cosell list negotiation\` or \`/cosell list mine\``);
  footer.push(mrkdwn`\`/cosell show CS-n\` for a deal's card and history`);
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: truncateMrkdwn(joinMrkdwn(footer, " · "), MAX_SECTION_TEXT) }] });
  const text = mrkdwn`${opts.title}: ${total} deal${total === 1 ? "" : "s"}${more > 0 ? ` (first ${shown.length} shown)` : ""}`;
  return { text, blocks: blocks.slice(0, MAX_BLOCKS) };
}

const TOUCHPOINT_WORDS: Record<TouchpointType, string> = {
  MEETING: "Meeting",
  DEMO: "Demo",
  EMAIL: "Email",
  PROPOSAL_REVIEW: "Proposal review",
  INTRO: "Intro",
  INTEGRATION_MENTION: "Integration mention",
  EXEC_ALIGNMENT: "Exec alignment",
  POC: "POC",
  OTHER: "Other",
};

function touchpointWord(type: TouchpointType): string {
  return TOUCHPOINT_WORDS[type];
}

/** The last stage changes and touchpoints, for under the deal card in `/cosell show`. */
export function renderDealHistory(h: DealHistory): SafeBlock[] {
  const stageLines = h.stageChanges.map((s) => {
    const to = `${STAGE_EMOJI[s.toStage]} ${stageLabel(s.toStage)}`;
    const move = s.fromStage ? `${stageLabel(s.fromStage)} → ${to}` : `registered as ${to}`;
    return mrkdwn`• ${move}${s.reopen ? " (reopened)" : ""} · ${mention(s.changedBy)} · ${slackDate(s.changedAt)}`;
  });
  const touchLines = h.touchpoints.map((t) => {
    const note = t.note.replace(/\s+/g, " ").trim();
    return mrkdwn`• *${touchpointWord(t.type)}* · ${truncate(t.orgName, ACCOUNT_CHARS)} · ${mention(t.userId)} · ${slackDate(t.occurredAt)}${note ? ` — ${truncate(note, NOTE_CHARS)}` : ""}`;
  });
  const section = (heading: SlackText, lines: SlackText[], none: SlackText): SafeBlock => ({
    type: "section",
    text: { type: "mrkdwn", text: truncateMrkdwn(joinMrkdwn([heading, ...(lines.length > 0 ? lines : [none])]), MAX_SECTION_TEXT) },
  });
  return [
    { type: "divider" },
    section(mrkdwn`*Stage history* (latest first)`, stageLines, mrkdwn`_no stage changes recorded_`),
    section(mrkdwn`*Recent touchpoints* (latest first)`, touchLines, mrkdwn`_no touchpoints logged yet — use *Log touchpoint* on the card_`),
  ];
}
