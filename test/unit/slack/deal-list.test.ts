import { describe, expect, it } from "vitest";
import { LIST_MAX_ROWS, MAX_BLOCKS, MAX_SECTION_TEXT, renderDealHistory, renderDealList } from "../../../src/features/deals/list-view";
import { packLines } from "../../../src/platform/slack/mrkdwn";
import { toSlack, trustedMrkdwn } from "../../../src/platform/slack/mrkdwn";
import { STAGES } from "../../../src/kernel/stages";
import type { DealListRow } from "../../../src/features/deals/deal-queries";

function row(i: number, over: Partial<DealListRow> = {}): DealListRow {
  return {
    id: `d${i}`,
    ref: i,
    title: `Deal number ${i}`,
    accountName: `Account ${i}`,
    amountMinor: 4_800_000,
    currency: "USD",
    stage: STAGES[i % STAGES.length]!,
    expectedCloseDate: "2027-01-31",
    pairingName: "Ourco + Acme",
    relationshipOwnerUserId: "U_REP",
    registeredBy: "U_REP",
    registrationStatus: "APPROVED",
    protectedUntil: null,
    openAskCount: i % 3,
    ...over,
  };
}

type Block = { type: string; text?: { type: string; text: string }; elements?: { text: string }[] };

function sectionTexts(blocks: unknown[]): string[] {
  return (blocks as Block[]).flatMap((b) => [b.text?.text ?? "", ...(b.elements ?? []).map((e) => e.text)]);
}

/** What Slack receives: the rendered message serialized. */
const render = (...args: Parameters<typeof renderDealList>) => toSlack(renderDealList(...args));

describe("renderDealList", () => {
  it("renders one line per deal with emoji, ref, title, account, amount, stage, close date and open asks", () => {
    const { blocks, text } = render([row(1, { stage: "DISCOVERY", openAskCount: 2 })], { title: trustedMrkdwn("Open deals — Ourco + Acme"), total: 1 });
    const all = sectionTexts(blocks).join("\n");
    expect(all).toContain("🔎 *CS-1* · Deal number 1 — Account 1 · $48,000.00 · Discovery · close 2027-01-31 · 2 open asks");
    expect(all).toContain("*Open deals — Ourco + Acme*");
    expect(text).toContain("1 deal");
  });

  it("keeps to Slack's limits with 500 rows: ≤ 50 blocks, ≤ 3,000 chars per section, 40 shown and the rest counted", () => {
    const long = "x".repeat(500);
    const rows = Array.from({ length: 500 }, (_, i) => row(i + 1, { title: `${long}&<>${i}`, accountName: `<${long}>` }));
    const { blocks, text } = render(rows, { title: trustedMrkdwn("Open deals"), total: 500 });
    expect(blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    for (const t of sectionTexts(blocks)) expect(t.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
    const lines = sectionTexts(blocks)
      .join("\n")
      .split("\n")
      .filter((l) => /\*CS-\d+\*/.test(l));
    expect(lines).toHaveLength(LIST_MAX_ROWS);
    expect(sectionTexts(blocks).join("\n")).toContain(`…and ${500 - LIST_MAX_ROWS} more — narrow with a stage or owner filter`);
    expect(text).toContain("500 deals");
    // the whole message, as JSON, stays far below what Slack accepts
    expect(JSON.stringify(blocks).length).toBeLessThan(40_000);
  });

  it("counts deals beyond the rows it was given (the query fetched only the first page)", () => {
    const rows = Array.from({ length: LIST_MAX_ROWS }, (_, i) => row(i + 1));
    const all = sectionTexts(render(rows, { title: trustedMrkdwn("Open deals"), total: 73 }).blocks).join("\n");
    expect(all).toContain("…and 33 more");
  });

  it("escapes <, > and & in titles and account names, and never cuts an entity in half", () => {
    const rows = [row(1, { title: "R&D <script> deal", accountName: "Smith & Sons <UK>" }), row(2, { title: `${"a".repeat(79)}&more` })];
    const all = sectionTexts(render(rows, { title: trustedMrkdwn("Open deals"), total: 2 }).blocks).join("\n");
    expect(all).toContain("R&amp;D &lt;script&gt; deal — Smith &amp; Sons &lt;UK&gt;");
    expect(all).not.toContain("<script>");
    expect(all).not.toMatch(/&(?!amp;|lt;|gt;)/);
  });

  it("says so when nothing matches", () => {
    const { blocks, text } = render([], {
      title: trustedMrkdwn("Your won deals"),
      total: 0,
      emptyText: trustedMrkdwn("No deals match *Your won deals*. Register a deal with `/cosell new`."),
    });
    expect(blocks).toHaveLength(1);
    expect(text).toContain("/cosell new");
    expect(render([], { title: trustedMrkdwn("Open deals"), total: 0 }).text).toMatch(/Open deals.*\/cosell new/);
  });
});

describe("packLines", () => {
  it("packs lines into sections of at most the limit, keeping their order", () => {
    const lines = Array.from({ length: 100 }, (_, i) => `${i}:${"y".repeat(95)}`);
    const packed = packLines(lines.map(trustedMrkdwn), 1000).map(String);
    for (const p of packed) expect(p.length).toBeLessThanOrEqual(1000);
    expect(packed.join("\n").split("\n")).toEqual(lines);
  });
});

describe("renderDealHistory", () => {
  it("lists stage changes (from → to, who, when) and touchpoints with escaped, truncated notes", () => {
    const at = new Date("2026-11-10T09:00:00Z");
    const blocks = toSlack(
      renderDealHistory({
        stageChanges: [
          { fromStage: "REGISTERED", toStage: "DISCOVERY", changedBy: "U_REP", changedAt: at, reopen: false },
          { fromStage: null, toStage: "REGISTERED", changedBy: "U_ACME", changedAt: at, reopen: false },
        ],
        touchpoints: [{ type: "PROPOSAL_REVIEW", orgName: "Acme & Co", userId: "U_ACME", occurredAt: at, note: `Reviewed <pricing>\n${"z".repeat(400)}` }],
      }),
    );
    const all = sectionTexts(blocks).join("\n");
    expect(all).toContain("Registered → 🔎 Discovery · <@U_REP> · <!date^");
    expect(all).toContain("registered as 🆕 Registered · <@U_ACME>");
    expect(all).toContain("*Proposal review* · Acme &amp; Co · <@U_ACME>");
    expect(all).toContain("Reviewed &lt;pricing&gt; zzz");
    expect(all).not.toContain("z".repeat(200));
    for (const t of sectionTexts(blocks)) expect(t.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
  });

  it("says when there is no history yet", () => {
    const all = sectionTexts(toSlack(renderDealHistory({ stageChanges: [], touchpoints: [] }))).join("\n");
    expect(all).toContain("no stage changes recorded");
    expect(all).toContain("no touchpoints logged yet");
  });
});
