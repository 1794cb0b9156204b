import type { KnownBlock } from "@slack/types";
import type { TouchpointType } from "../../domain/attribution";
import type { DealHistory, DealListRow } from "../../store/deal-queries";
import { escapeMrkdwn, truncate } from "../text";
import { formatDealRef, formatMoney, mention, slackDate, STAGE_EMOJI, stageLabel } from "./format";

// `/cosell list` and the history under `/cosell show`. Pure: plain rows in, Block Kit out.

/** Deals shown in one list message; the rest are counted ("…and N more"). */
export const LIST_MAX_ROWS = 40;
/** Slack's limits for one message. */
export const MAX_BLOCKS = 50;
export const MAX_SECTION_TEXT = 3000;
const MAX_TITLE = 300;
const TITLE_CHARS = 80;
const ACCOUNT_CHARS = 60;
const NOTE_CHARS = 140;

/** One line per deal: `🔎 *CS-12* · title — account · $48,000.00 · Discovery · close 2027-01-31 · 2 open asks`. */
export function dealLine(d: DealListRow): string {
  const asks = d.openAskCount > 0 ? ` · ${d.openAskCount} open ask${d.openAskCount === 1 ? "" : "s"}` : "";
  // Truncate before escaping, so an entity (&amp;) is never cut in half.
  return (
    `${STAGE_EMOJI[d.stage]} *${formatDealRef(d.ref)}* · ${escapeMrkdwn(truncate(d.title, TITLE_CHARS))} — ${escapeMrkdwn(truncate(d.accountName, ACCOUNT_CHARS))}` +
    ` · ${formatMoney(d.amountMinor, d.currency)} · ${stageLabel(d.stage)} · close ${d.expectedCloseDate}${asks}`
  );
}

/** Packs lines into as few section texts as fit Slack's 3,000 characters each. */
export function packLines(lines: readonly string[], max = MAX_SECTION_TEXT): string[] {
  const out: string[] = [];
  let current = "";
  for (const raw of lines) {
    const line = truncate(raw, max);
    if (current === "") current = line;
    else if (current.length + 1 + line.length <= max) current += `\n${line}`;
    else {
      out.push(current);
      current = line;
    }
  }
  if (current !== "") out.push(current);
  return out;
}

export interface DealListOptions {
  /** mrkdwn, already escaped by the caller, e.g. "Open deals — Ourco + Acme" or "Open deals of <@U123>" */
  title: string;
  /** how many deals match in all (rows may hold only the first of them) */
  total: number;
  /** the message when nothing matches; a generic one naming the title otherwise */
  emptyText?: string;
}

export function renderDealList(rows: readonly DealListRow[], opts: DealListOptions): { text: string; blocks: KnownBlock[] } {
  const total = Math.max(opts.total, rows.length);
  if (rows.length === 0) {
    const text = opts.emptyText ?? `No deals to show (${opts.title}). Register one with \`/cosell new\`.`;
    return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text: truncate(text, MAX_SECTION_TEXT) } }] };
  }
  const shown = rows.slice(0, LIST_MAX_ROWS);
  const more = total - shown.length;
  // A bold section rather than a header: the title may name a person (<@U…>), which plain text cannot.
  const blocks: KnownBlock[] = [{ type: "section", text: { type: "mrkdwn", text: `*${truncate(opts.title, MAX_TITLE)}*` } }];
  for (const text of packLines(shown.map(dealLine))) blocks.push({ type: "section", text: { type: "mrkdwn", text } });
  const footer = [`${total} deal${total === 1 ? "" : "s"}, soonest expected close first`];
  if (more > 0) footer.push(`…and ${more} more — narrow with a stage or owner filter, e.g. \`/cosell list negotiation\` or \`/cosell list mine\``);
  footer.push("`/cosell show CS-n` for a deal's card and history");
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: truncate(footer.join(" · "), MAX_SECTION_TEXT) }] });
  const text = `${opts.title}: ${total} deal${total === 1 ? "" : "s"}${more > 0 ? ` (first ${shown.length} shown)` : ""}`;
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

export function touchpointWord(type: TouchpointType): string {
  return TOUCHPOINT_WORDS[type];
}

/** The last stage changes and touchpoints, for under the deal card in `/cosell show`. */
export function renderDealHistory(h: DealHistory): KnownBlock[] {
  const stageLines = h.stageChanges.map((s) => {
    const to = `${STAGE_EMOJI[s.toStage]} ${stageLabel(s.toStage)}`;
    const move = s.fromStage ? `${stageLabel(s.fromStage)} → ${to}` : `registered as ${to}`;
    return `• ${move}${s.reopen ? " (reopened)" : ""} · ${mention(s.changedBy)} · ${slackDate(s.changedAt)}`;
  });
  const touchLines = h.touchpoints.map((t) => {
    const note = t.note.replace(/\s+/g, " ").trim();
    return `• *${touchpointWord(t.type)}* · ${escapeMrkdwn(truncate(t.orgName, ACCOUNT_CHARS))} · ${mention(t.userId)} · ${slackDate(t.occurredAt)}${note ? ` — ${escapeMrkdwn(truncate(note, NOTE_CHARS))}` : ""}`;
  });
  const section = (heading: string, lines: string[], none: string): KnownBlock => ({
    type: "section",
    text: { type: "mrkdwn", text: truncate([heading, ...(lines.length > 0 ? lines : [none])].join("\n"), MAX_SECTION_TEXT) },
  });
  return [
    { type: "divider" },
    section("*Stage history* (latest first)", stageLines, "_no stage changes recorded_"),
    section("*Recent touchpoints* (latest first)", touchLines, "_no touchpoints logged yet — use *Log touchpoint* on the card_"),
  ];
}
