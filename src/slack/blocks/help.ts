import type { KnownBlock } from "@slack/types";

export interface HelpEntry {
  usage: string;
  example: string;
  summary: string;
  adminOnly?: boolean;
}

/** The /cosell help: every subcommand with an example. Pure, so it can be snapshot-tested. */
export function renderHelpMessage(entries: HelpEntry[]): { text: string; blocks: KnownBlock[] } {
  const line = (e: HelpEntry) => `• \`${e.usage}\` — ${e.summary}\n   e.g. \`${e.example}\``;
  const everyone = entries.filter((e) => !e.adminOnly);
  const admin = entries.filter((e) => e.adminOnly);
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: "cosell — co-sell deals in Slack" } },
    ...sections(everyone.map(line)),
  ];
  if (admin.length > 0) blocks.push({ type: "divider" }, ...sections(["*Program admins*", ...admin.map(line)]));
  blocks.push({
    type: "context",
    elements: [{ type: "mrkdwn", text: "Partner people in a shared channel: use the buttons on deal cards and the pinned pairing panel." }],
  });
  const text = ["cosell commands:", ...entries.map((e) => `${e.usage} — ${e.summary} (e.g. ${e.example})`)].join("\n");
  return { text, blocks };
}

/** Packs lines into sections within Slack's 3,000 characters per section text. */
function sections(lines: string[]): KnownBlock[] {
  const out: KnownBlock[] = [];
  let current = "";
  for (const l of lines) {
    if (current && current.length + l.length + 1 > 3000) {
      out.push({ type: "section", text: { type: "mrkdwn", text: current } });
      current = "";
    }
    current = current ? `${current}\n${l}` : l;
  }
  if (current) out.push({ type: "section", text: { type: "mrkdwn", text: current } });
  return out;
}
