import type { DigestMessage } from "./render";
import type { SafeBlock, SlackText, Wire } from "../../platform/slack/mrkdwn";

// Digests as plain text for the terminal (`npm run cosell -- digest --preview`, `npm run demo`):
// the very messages that would be posted, with Slack's mrkdwn turned into readable text.

/** Slack mrkdwn → plain text: mentions, links and dates readable, bold/italic markers dropped. */
function mrkdwnToText(markup: string | SlackText): string {
  return String(markup)
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, "$1")
    .replace(/<@([A-Z0-9_]+)(?:\|[^>]*)?>/gi, "@$1")
    .replace(/<#([A-Z0-9_]+)(?:\|([^>]*))?>/gi, (_m, id: string, name?: string) => `#${name ?? id}`)
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, "$2 ($1)")
    .replace(/<(https?:[^>]+)>/g, "$1")
    .replace(/(^|[\s(“"])\*([^*\n]+)\*(?=$|[\s).,:;!?”"])/gm, "$1$2")
    .replace(/(^|[\s(“"])_([^_\n]+)_(?=$|[\s).,:;!?”"])/gm, "$1$2")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function blockText(b: SafeBlock | Wire<SafeBlock>): string | null {
  switch (b.type) {
    case "header":
      return `${b.text.text}\n${"=".repeat(Math.min(72, [...b.text.text].length))}`;
    case "section": {
      const parts: string[] = [];
      if (b.text) parts.push(mrkdwnToText(b.text.text));
      for (const f of b.fields ?? []) parts.push(mrkdwnToText(f.text));
      return parts.join("\n");
    }
    case "context": {
      const t = b.elements
        .map((e) => ("text" in e ? mrkdwnToText(e.text) : ""))
        .filter(Boolean)
        .join(" ");
      return t ? `  ${t}` : null;
    }
    case "divider":
      return "";
    default:
      return null;
  }
}

export function digestToText(messages: readonly (DigestMessage | Wire<DigestMessage>)[]): string {
  return `${messages
    .map((m) =>
      m.blocks
        .map(blockText)
        .filter((t): t is string => t !== null)
        .join("\n"),
    )
    .join("\n\n")}\n`;
}
