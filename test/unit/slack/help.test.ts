import { describe, expect, it } from "vitest";
import { renderHelpMessage } from "../../../src/platform/slack/help";
import { toSlack } from "../../../src/platform/slack/mrkdwn";

describe("renderHelpMessage", () => {
  it("keeps every section within Slack's 3,000 characters however many subcommands there are", () => {
    const entries = Array.from({ length: 80 }, (_, i) => ({
      usage: `/cosell thing${i} <arg>`,
      example: `/cosell thing${i} CS-${i}`,
      summary: "does a thing ".repeat(5),
      adminOnly: i % 2 === 0,
    }));
    const { blocks, text } = toSlack(renderHelpMessage(entries));
    for (const b of blocks) if (b.type === "section") expect((b as { text: { text: string } }).text.text.length).toBeLessThanOrEqual(3000);
    expect(blocks.length).toBeLessThanOrEqual(50);
    // `<arg>` is escaped: Slack shows it as typed, and never parses it as a link
    for (const e of entries) expect(JSON.stringify(blocks)).toContain(e.usage.replace("<", "&lt;").replace(">", "&gt;"));
    expect(text).toContain("/cosell thing79");
  });
});
