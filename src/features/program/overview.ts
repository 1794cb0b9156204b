import type { ProgramOverview } from "./program-setup";
import { channelLink, joinMrkdwn, mrkdwn, slackDate, type SafeBlock, type SlackText } from "../../platform/slack/mrkdwn";
import { PARTNER_TIER_LABEL } from "../../kernel/incentives";

// `/cosell partners`: our organization, the partners and the pairings. Pure: data in, Block Kit
// out. Long programs paginate (`/cosell partners 2`) so a message stays within Slack's limits:
// 50 blocks per message and 3,000 characters per section text.

const LINES_PER_PAGE = 40;
/** Keeps one page a readable message (and far below Slack's message size limits). */
const CHARS_PER_PAGE = 12_000;
const SECTION_MAX = 3000;
/** Budget for a list inside one line (team IDs, pairing members), so one line stays far below a section. */
const LIST_BUDGET = 1200;

type PartnerType = NonNullable<ProgramOverview["partners"][number]["type"]>;
type CoSellModel = ProgramOverview["pairings"][number]["defaultModel"];

const PARTNER_TYPE_WORDS: Record<PartnerType, string> = {
  TECHNOLOGY: "Technology (ISV)",
  RESELLER: "Reseller (VAR)",
  SI: "SI",
  REFERRAL: "Referral",
  ALLIANCE: "Alliance",
};

const MODEL_WORDS: Record<CoSellModel, string> = { SELL_WITH: "sell-with", SELL_THROUGH: "sell-through", SELL_TO: "sell-to" };

export function partnerTypeWord(t: PartnerType | null): string {
  return t ? PARTNER_TYPE_WORDS[t] : "partner";
}

export function coSellModelWord(m: CoSellModel): string {
  return MODEL_WORDS[m];
}

/** Joins items until the character budget is spent, then "and N more". */
function boundedList(items: readonly string[], budget = LIST_BUDGET): SlackText {
  const shown: string[] = [];
  let used = 0;
  for (const item of items) {
    if (shown.length > 0 && used + item.length + 2 > budget) break;
    shown.push(item);
    used += item.length + 2;
  }
  const rest = items.length - shown.length;
  return rest > 0 ? mrkdwn`${joinMrkdwn(shown, ", ")} and ${rest} more` : joinMrkdwn(shown, ", ");
}

function teams(ids: readonly string[]): SlackText {
  return ids.length === 0 ? mrkdwn`no Slack teams yet` : mrkdwn`${ids.length === 1 ? "team" : "teams"} ${boundedList(ids.map((t) => `\`${t}\``))}`;
}

type Group = "ours" | "partners" | "pairings";
interface Line {
  group: Group;
  text: SlackText;
}

function lines(data: ProgramOverview): Line[] {
  const out: Line[] = [];
  out.push({
    group: "ours",
    text: data.ours
      ? mrkdwn`*${data.ours.name}* · ${teams(data.ours.teamIds)}`
      : mrkdwn`_Not set up yet: a program admin runs \`/cosell org "Our Company"\` from our workspace._`,
  });
  if (data.partners.length === 0) out.push({ group: "partners", text: mrkdwn`_None yet: \`/cosell partner add "Acme Data" technology T0ACME1\`._` });
  for (const p of data.partners) {
    out.push({
      group: "partners",
      text: mrkdwn`• *${p.name}* — ${partnerTypeWord(p.type)} · ${PARTNER_TIER_LABEL[p.tier]} tier${p.tierSince ? mrkdwn` since ${slackDate(p.tierSince, "{date_short}")}` : ""} · ${teams(p.teamIds)}`,
    });
  }
  if (data.pairings.length === 0) {
    out.push({ group: "pairings", text: mrkdwn`_None yet: \`/cosell pairing add #channel "Acme + Us" "Acme Data" "Our Company"\`._` });
  }
  for (const p of data.pairings) {
    out.push({
      group: "pairings",
      text: mrkdwn`• *${p.name}* in ${channelLink(p.channelId)} — ${boundedList(p.members)} · default ${coSellModelWord(p.defaultModel)}`,
    });
  }
  return out;
}

function heading(group: Group, data: ProgramOverview, continued: boolean): SlackText {
  const title = group === "ours" ? "Our organization" : group === "partners" ? `Partners (${data.partners.length})` : `Pairings (${data.pairings.length})`;
  return mrkdwn`*${title}*${continued ? " _(continued)_" : ""}`;
}

/** Packs one group's lines into sections of at most SECTION_MAX characters, heading first. */
function sections(head: SlackText, texts: readonly SlackText[]): SafeBlock[] {
  const blocks: SafeBlock[] = [];
  let current = head;
  for (const t of texts) {
    if (current.length + 1 + t.length > SECTION_MAX) {
      blocks.push({ type: "section", text: { type: "mrkdwn", text: current } });
      current = t;
    } else {
      current = joinMrkdwn([current, t]);
    }
  }
  blocks.push({ type: "section", text: { type: "mrkdwn", text: current } });
  return blocks;
}

/** Index of the first line of each page: at most LINES_PER_PAGE lines and CHARS_PER_PAGE characters a page. */
function pageStarts(all: readonly Line[]): number[] {
  const starts = [0];
  let count = 0;
  let chars = 0;
  all.forEach((l, i) => {
    if (count > 0 && (count === LINES_PER_PAGE || chars + l.text.length > CHARS_PER_PAGE)) {
      starts.push(i);
      count = 0;
      chars = 0;
    }
    count++;
    chars += l.text.length + 1;
  });
  return starts;
}

export interface ProgramMessage {
  text: SlackText;
  blocks: SafeBlock[];
  page: number;
  pages: number;
}

/** Renders one page (1-based; out-of-range pages are clamped) of the program overview. */
export function renderProgramMessage(data: ProgramOverview, opts: { page?: number } = {}): ProgramMessage {
  const all = lines(data);
  const starts = pageStarts(all);
  const pages = starts.length;
  const page = Math.min(Math.max(1, Math.floor(opts.page ?? 1)), pages);
  const start = starts[page - 1]!;
  const onPage = all.slice(start, starts[page] ?? all.length);

  const blocks: SafeBlock[] = [{ type: "header", text: { type: "plain_text", text: "Co-sell program" } }];
  for (const group of ["ours", "partners", "pairings"] as const) {
    const texts = onPage.filter((l) => l.group === group).map((l) => l.text);
    if (texts.length === 0) continue;
    const continued = all.slice(0, start).some((l) => l.group === group);
    blocks.push(...sections(heading(group, data, continued), texts));
  }
  const footer =
    pages > 1
      ? mrkdwn`Page ${page} of ${pages}${page < pages ? ` · \`/cosell partners ${page + 1}\` for the next page` : ""}`
      : mrkdwn`Admins change this with \`/cosell org\`, \`/cosell partner …\` and \`/cosell pairing …\`.`;
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: footer }] });

  const summary = mrkdwn`Co-sell program: ${data.ours ? data.ours.name : "our organization not set up yet"}, ${data.partners.length} partner${data.partners.length === 1 ? "" : "s"}, ${data.pairings.length} pairing${data.pairings.length === 1 ? "" : "s"}${pages > 1 ? ` (page ${page} of ${pages})` : ""}`;
  return { text: summary, blocks, page, pages };
}
