import { joinMrkdwn, mrkdwn, type SafeBlock, type SafeMessage, type SlackText } from "./mrkdwn";
import { packLines } from "./mrkdwn";

export interface HelpEntry {
  usage: string;
  example: string;
  summary: string;
  adminOnly?: boolean;
}

/** The /cosell help: every subcommand with an example. Pure, so it can be snapshot-tested. */
export function renderHelpMessage(entries: HelpEntry[]): SafeMessage & { blocks: SafeBlock[] } {
  const line = (e: HelpEntry) => mrkdwn`• \`${e.usage}\` — ${e.summary}\n   e.g. \`${e.example}\``;
  const everyone = entries.filter((e) => !e.adminOnly);
  const admin = entries.filter((e) => e.adminOnly);
  const blocks: SafeBlock[] = [{ type: "header", text: { type: "plain_text", text: "cosell — co-sell deals in Slack" } }, ...sections(everyone.map(line))];
  if (admin.length > 0) blocks.push({ type: "divider" }, ...sections([mrkdwn`*Program admins*`, ...admin.map(line)]));
  blocks.push({
    type: "context",
    elements: [{ type: "mrkdwn", text: mrkdwn`Partner people in a shared channel: use the buttons on deal cards and the pinned pairing panel.` }],
  });
  const text = joinMrkdwn(["cosell commands:", ...entries.map((e) => `${e.usage} — ${e.summary} (e.g. ${e.example})`)]);
  return { text, blocks };
}

/** Packs lines into sections within Slack's 3,000 characters per section text. */
function sections(lines: SlackText[]): SafeBlock[] {
  return packLines(lines).map((text) => ({ type: "section", text: { type: "mrkdwn", text } }));
}
