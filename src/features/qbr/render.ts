import { formatMoney } from "../../kernel/money";
import { PARTNER_TIER_LABEL } from "../../kernel/incentives";
import { truncate } from "../../platform/slack/command-text";
import { stageLabel } from "../../platform/slack/format";
import { joinMrkdwn, mrkdwn, truncateMrkdwn, type SafeBlock, type SafeMessage, type SlackText } from "../../platform/slack/mrkdwn";
import type { QbrData } from "./qbr";
import { DEFAULT_TARGETS, FIRST_CLOSE_TARGET_DAYS, type Money, type QuarterFigures } from "./rules";

// Block Kit for the QBR pack. Two versions of one document: `internal` (admins and the manager
// channel: everything, with the tier proposal) and `partner` (the pairing channel: only that
// partner's own numbers — nothing of other partners, no proposal under decision, no money of
// payouts). Pure.

export type QbrVersion = "internal" | "partner";

const pct = (x: number | null) => (x === null ? "n/a" : `${Math.round(x * 100)}%`);
const days = (x: number | null) => (x === null ? "n/a" : `${x} days`);

function moneyText(m: Money, currency: string): string {
  const other = m.otherCurrency > 0 ? ` (+${m.otherCurrency} in other currencies)` : "";
  return `${formatMoney(m.amountMinor, currency)} in ${m.deals} deal${m.deals === 1 ? "" : "s"}${other}`;
}

function versus(now: number | null, before: number | null, fmt: (x: number | null) => string): string {
  if (now === null || before === null || now === before) return `${fmt(now)} (last quarter ${fmt(before)})`;
  return `${fmt(now)} (last quarter ${fmt(before)}, ${now > before ? "▲" : "▼"})`;
}

function figuresLines(c: QuarterFigures, l: QuarterFigures, currency: string): SlackText[] {
  const avgMoney = (x: number | null) => (x === null ? "n/a" : formatMoney(x, currency));
  return [
    mrkdwn`*Pipeline registered* — sourced: ${moneyText(c.pipeline.sourced, currency)} · influenced: ${moneyText(c.pipeline.influenced, currency)}`,
    mrkdwn`*Revenue won* — sourced: ${moneyText(c.revenue.sourced, currency)} · influenced: ${moneyText(c.revenue.influenced, currency)}`,
    mrkdwn`*Co-sold deals* ${c.won} won, ${c.lost} lost · win rate ${versus(c.winRate, l.winRate, pct)}`,
    mrkdwn`*Average deal size* ${versus(c.avgWonMinor, l.avgWonMinor, avgMoney)} · *days to close* ${versus(c.avgDaysToClose, l.avgDaysToClose, days)}`,
    mrkdwn`*Registrations* ${c.registrations.count} (last quarter ${l.registrations.count}) · approved ${c.registrations.approved}, rejected ${c.registrations.rejected}, pending ${c.registrations.pending} · approval rate ${pct(c.registrations.approvalRate)}`,
  ];
}

const BAR = 16;

/** The quarter's open pipeline by stage beside last quarter's, as bars (amounts in the program currency). */
function stageChart(d: QbrData): SlackText {
  const max = Math.max(1, ...d.stages.now.map((s) => s.amountMinor), ...d.stages.before.map((s) => s.amountMinor));
  const bar = (x: number) => "█".repeat(Math.round((x / max) * BAR)).padEnd(BAR, "·");
  const lines = d.stages.now.map((s, i) => {
    const b = d.stages.before[i]!;
    return `${stageLabel(s.stage).padEnd(21)} ${bar(s.amountMinor)} ${formatMoney(s.amountMinor, d.currency)} (${s.deals})   ${bar(b.amountMinor)} ${formatMoney(b.amountMinor, d.currency)} (${b.deals})`;
  });
  const head = `${"".padEnd(21)} ${d.quarter.label.padEnd(BAR)} ${"".padEnd(14)}${d.previous.label}`;
  return mrkdwn`\`\`\`${[head, ...lines].join("\n")}\`\`\``;
}

export function renderQbr(d: QbrData, version: QbrVersion): SafeMessage & { blocks: SafeBlock[] } {
  const title = `Quarterly partner review · ${d.partner.name} · ${d.quarter.label}${d.toDate ? " (to date)" : ""}`;
  const plural = (x: number, one: string) => `${x} ${one}${x === 1 ? "" : "s"}`;
  const text = mrkdwn`${title}: ${plural(d.current.won, "deal")} won, win rate ${pct(d.current.winRate)}, ${plural(d.current.registrations.count, "registration")}.`;
  const tier = mrkdwn`*Tier* ${PARTNER_TIER_LABEL[d.partner.tier]}${
    version === "internal" && d.proposal ? ` · proposal: ${PARTNER_TIER_LABEL[d.proposal.toTier]} (${d.proposal.status.toLowerCase()})` : ""
  }`;
  const pairingLines = d.pairings.map((p) => {
    const first =
      p.daysToFirstWin !== null
        ? `first win after ${p.daysToFirstWin} days ${p.firstWinMark === "good" ? "✅" : "❌"}`
        : `no win yet (day ${p.ageDays})${p.firstWinMark === "bad" ? " ❌" : ""}`;
    const targets = `next quarter: ${p.targets.registrations} registrations${p.targets.raised ? " (raised: scale)" : p.targets.overridden ? " (set by an admin)" : ""}, ${p.targets.activeDeals}+ active deals`;
    return mrkdwn`• *${truncate(p.name, 80)}* — win rate ${pct(p.winRate)} (${p.won}/${p.won + p.lost}) · days to close ${days(p.avgDaysToClose)} · ${first} · ${p.call === "scale" ? "🚀 scale" : p.call === "kill" ? "❌ review" : "➖ keep going"}\n   ${targets}`;
  });
  const i = d.intros;
  const m = d.mapping;
  const blocks: SafeBlock[] = [
    { type: "header", text: { type: "plain_text", text: truncate(title, 150) } },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text:
            version === "internal"
              ? mrkdwn`Internal version (our people): includes the tier proposal. The partner-safe version, for ${d.partner.name}'s pairing channels, leaves it out.${d.toDate ? " The quarter is still running: figures to date." : ""}`
              : mrkdwn`${d.partner.name}'s own numbers in this program; sourced = ${d.partner.name} holds the Sourcing role, influenced = involved without it.`,
        },
      ],
    },
    { type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(joinMrkdwn(figuresLines(d.current, d.last, d.currency)), 3000) } },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncateMrkdwn(
          joinMrkdwn([
            mrkdwn`*Intro requests → registrations* ${i.converted} of ${i.requests} (${pct(i.rate)})`,
            m.hasLists
              ? mrkdwn`*Mapping coverage* ${m.withDeal} of ${m.overlaps} overlapping accounts have an open deal (${pct(m.coverage)})`
              : mrkdwn`*Mapping coverage* no account lists yet: import them with \`/cosell map import\``,
            mrkdwn`*Disputes* ${d.disputes.opened} opened, ${d.disputes.resolved} resolved this quarter · ${d.disputes.openNow} open now`,
            tier,
          ]),
          3000,
        ),
      },
    },
    { type: "section", text: { type: "mrkdwn", text: mrkdwn`*Open pipeline by stage* at the quarter's end, and last quarter's` } },
    { type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(stageChart(d), 3000) } },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncateMrkdwn(
          joinMrkdwn([
            mrkdwn`*Pairings* (time to the first won deal: target under ${FIRST_CLOSE_TARGET_DAYS} days)`,
            ...(pairingLines.length > 0 ? pairingLines : [mrkdwn`_no pairing yet_`]),
          ]),
          3000,
        ),
      },
    },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: mrkdwn`Next quarter's targets: ${DEFAULT_TARGETS.registrations} registrations and ${DEFAULT_TARGETS.activeDeals} active deals per pairing by default; a pairing to scale (open pipeline and a win) gets its registration target raised by half. An admin sets a pairing's own with \`/cosell setup targets\`.`,
        },
      ],
    },
  ];
  return { text, blocks };
}
