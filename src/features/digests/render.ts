import { MIN_SAMPLE, TARGETS, type Mark, type ProgramMetrics } from "./metrics";
import { MIN_RECORDS } from "../disputes/metrics";
import { formatMoney } from "../../kernel/money";
import { localParts } from "../../kernel/sla-clock";
import type { DigestDealLine, ManagerDigestData, PairingDigestData } from "./load";
import { checkInDigestSection } from "../checkins/render";
import { truncate } from "../../platform/slack/command-text";
import { packLines } from "../../platform/slack/mrkdwn";
import { formatDealRef, STAGE_EMOJI, stageLabel } from "../../platform/slack/format";
import { asMrkdwn, mention, mrkdwn, truncateMrkdwn, type SafeBlock, type SlackText, type MrkdwnValue } from "../../platform/slack/mrkdwn";

// The weekly digests as Block Kit. Pure: plain data in, messages out.
//
// A digest is first built as a document (a title, an intro, sections of mrkdwn lines), then
// packed into as many messages as needed within Slack's limits: 50 blocks per message, 3,000
// characters per section text, 150 per header, and at most MAX_MESSAGE_CHARS of text per
// message (so one message stays readable and well under Slack's message size limits). The CLI
// and the demo print the same messages as text (src/text/digest.ts).
//
// The pairing digest goes into the pairing's channel, which is shared with the partner: it is
// built only from PairingDigestData, which carries no internal notes and no commissions.

export const MAX_BLOCKS = 50;
export const MAX_SECTION_TEXT = 3000;
export const MAX_HEADER = 150;
export const MAX_MESSAGE_CHARS = 12_000;
/** Lines shown per list (asks, close dates, gaps, ranking…); the rest are counted. */
export const MAX_LIST_LINES = 100;
const TITLE_CHARS = 70;
const ASK_CHARS = 140;

export interface DigestMessage {
  text: SlackText;
  blocks: SafeBlock[];
}

// Lines are mrkdwn: a plain string is escaped when packed (our *bold* survives, a person's
// `<!channel>` does not); SlackText (mentions, dates) passes as it is.
interface DigestSection {
  heading: MrkdwnValue;
  lines: MrkdwnValue[];
  /** shown in small print under the section */
  note?: MrkdwnValue;
}

interface DigestDoc {
  /** plain text: the header (and the notification text, escaped) */
  title: string;
  intro: MrkdwnValue;
  sections: DigestSection[];
}

const MARK_EMOJI: Record<Mark, string> = { good: "✅", watch: "⚠️", bad: "❌", none: "➖" };

// ---------------------------------------------------------------------------
// Packing a document into messages.

function packDigest(doc: DigestDoc): DigestMessage[] {
  const title = truncate(doc.title, MAX_HEADER);
  const units: SafeBlock[][] = [];
  for (const s of doc.sections) {
    const texts = packLines([mrkdwn`*${s.heading}*`, ...(s.lines.length > 0 ? s.lines : ["_nothing this week_"]).map(asMrkdwn)], MAX_SECTION_TEXT);
    const blocks: SafeBlock[] = texts.map((text) => ({ type: "section", text: { type: "mrkdwn", text } }));
    if (s.note) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: truncateMrkdwn(asMrkdwn(s.note), MAX_SECTION_TEXT) }] });
    // A long section is split over messages block by block; a short one stays together.
    if (blocks.length <= 4) units.push(blocks);
    else for (const b of blocks) units.push([b]);
  }

  const messages: SafeBlock[][] = [];
  let current: SafeBlock[] = [
    { type: "header", text: { type: "plain_text", text: title } },
    { type: "context", elements: [{ type: "mrkdwn", text: truncateMrkdwn(asMrkdwn(doc.intro), MAX_SECTION_TEXT) }] },
  ];
  let chars = blockChars(current);
  for (const unit of units) {
    const unitChars = blockChars(unit);
    const needed = unit.length + 1; // + the divider before it
    const hasContent = current.length > (messages.length === 0 ? 2 : 1);
    if (hasContent && (current.length + needed > MAX_BLOCKS || chars + unitChars > MAX_MESSAGE_CHARS)) {
      messages.push(current);
      current = [{ type: "context", elements: [{ type: "mrkdwn", text: mrkdwn`` }] }];
      // The continuation line ("*title* — continued (part 2 of 3)") replaces this context below.
      chars = doc.title.length + 40;
    }
    if (current.length > 1 || current[0]?.type === "header") current.push({ type: "divider" });
    current.push(...unit);
    chars += unitChars;
  }
  messages.push(current);

  const n = messages.length;
  return messages.map((blocks, i) => {
    if (i > 0)
      blocks[0] = {
        type: "context",
        elements: [{ type: "mrkdwn", text: truncateMrkdwn(mrkdwn`*${doc.title}* — continued (part ${i + 1} of ${n})`, MAX_SECTION_TEXT) }],
      };
    const part = n > 1 ? ` (part ${i + 1} of ${n})` : "";
    return { text: truncateMrkdwn(mrkdwn`${doc.title}${part}`, 300), blocks };
  });
}

function blockChars(blocks: readonly SafeBlock[]): number {
  let n = 0;
  for (const b of blocks) {
    if (b.type === "section" && b.text) n += b.text.text.length;
    else if (b.type === "header") n += b.text.text.length;
    else if (b.type === "context") for (const e of b.elements) n += "text" in e ? e.text.length : 0;
  }
  return n;
}

// ---------------------------------------------------------------------------
// Small formatters.

function pct(x: number | null, digits = 1): string {
  return x === null ? "n/a" : `${(x * 100).toFixed(digits)}%`;
}

const HOUR_MS = 3_600_000;
/** timezone → (hour bucket → UTC offset in ms): offsets change on whole or half hours at most, so a digest of thousands of dates asks Intl a few times. */
const offsetCache = new Map<string, Map<number, number>>();

function offsetAt(d: Date, timezone: string): number {
  let byHour = offsetCache.get(timezone);
  if (!byHour) {
    byHour = new Map();
    offsetCache.set(timezone, byHour);
  }
  if (byHour.size > 50_000) byHour.clear();
  // Quarter-hour buckets: exact for every real zone's transitions (on :00, :30 or :45).
  const bucket = Math.floor(d.getTime() / (HOUR_MS / 4));
  let off = byHour.get(bucket);
  if (off === undefined) {
    const start = new Date(bucket * (HOUR_MS / 4));
    const p = localParts(start, timezone);
    off = Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) - start.getTime();
    byHour.set(bucket, off);
  }
  return off;
}

/** "2026-11-16 14:00" in the program's timezone. */
export function localDateTime(d: Date, timezone: string): string {
  const local = new Date(d.getTime() + offsetAt(d, timezone));
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
}

function localDay(d: Date, timezone: string): string {
  return localDateTime(d, timezone).slice(0, 10);
}

function amounts(list: { currency: string; minor: number }[]): string {
  return list.length === 0 ? "—" : list.map((a) => formatMoney(a.minor, a.currency)).join(" + ");
}

function capped(lines: MrkdwnValue[], more: (n: number) => string): MrkdwnValue[] {
  if (lines.length <= MAX_LIST_LINES) return lines;
  return [...lines.slice(0, MAX_LIST_LINES), more(lines.length - MAX_LIST_LINES)];
}

function dealText(d: { ref: number; title: string }): string {
  return `*${formatDealRef(d.ref)}* · ${truncate(d.title, TITLE_CHARS)}`;
}

function dealLineText(d: DigestDealLine): string {
  return `${dealText(d)} — ${truncate(d.accountName, 50)} · ${formatMoney(d.amountMinor, d.currency)}`;
}

// ---------------------------------------------------------------------------
// The pairing digest: the weekly 15-minute standup of one pairing (partner-safe).

function pairingDigestDoc(d: PairingDigestData): DigestDoc {
  const tz = d.timezone;
  const orgs = d.pairing.orgs.map((o) => o.name).join(" · ");
  const intro =
    `Week ${localDay(d.window.start, tz)} → ${localDay(d.window.end, tz)} (${tz}) · ${orgs} · ` +
    `15-minute standup: review the pipeline, clear the blockers, schedule the intros`;

  // Pipeline by stage.
  const total = new Map<string, number>();
  for (const s of d.pipeline) for (const a of s.amounts) total.set(a.currency, (total.get(a.currency) ?? 0) + a.minor);
  const pipeline = d.pipeline.map((s) => `${STAGE_EMOJI[s.stage]} ${stageLabel(s.stage)}: ${s.deals} deal${s.deals === 1 ? "" : "s"} · ${amounts(s.amounts)}`);
  pipeline.push(
    `*Open pipeline: ${d.openDeals} deal${d.openDeals === 1 ? "" : "s"} · ${amounts([...total.entries()].map(([currency, minor]) => ({ currency, minor })))}*`,
  );

  // What moved.
  const moved: MrkdwnValue[] = [];
  for (const r of d.registrations) moved.push(`🆕 Registered: ${dealLineText(r)}`);
  for (const m of d.moves.filter((x) => x.to !== "CLOSED_WON" && x.to !== "CLOSED_LOST")) {
    moved.push(
      mrkdwn`${m.reopen ? "♻️ Reopened" : "➡️"} ${dealText(m)}: ${stageLabel(m.from)} → *${stageLabel(m.to)}* by ${mention(m.by)} · ${localDay(m.at, tz)}`,
    );
  }
  for (const w of d.wins) moved.push(`🏆 Won: ${dealLineText(w)}`);
  for (const l of d.losses) moved.push(`🪦 Lost: ${dealLineText(l)}`);
  const movedSummary = `${d.registrations.length} registered · ${d.moves.length} stage change${d.moves.length === 1 ? "" : "s"} · ${d.wins.length} won · ${d.losses.length} lost`;

  // Touchpoints per organization.
  const tpTotal = d.touchpoints.reduce((s, t) => s + t.count, 0);
  const touchpoints = d.touchpoints.map((t) => `• ${t.orgName}: ${t.count} touchpoint${t.count === 1 ? "" : "s"}${t.count === 0 ? " ⚠️" : ""}`);

  // Blockers.
  const overdue = d.asks.filter((a) => a.overdue).length;
  const asks = capped(
    d.asks.map(
      (a) =>
        mrkdwn`${a.overdue ? "⏰ *overdue*" : "⏳"} ${dealText(a)} — ${mention(a.ownerUserId)} for ${mention(a.fromUserId)}: “${truncate(a.text.replace(/\s+/g, " "), ASK_CHARS)}” · due ${localDateTime(a.dueAt, tz)}`,
    ),
    (n) => `…and ${n} more open asks — see the deal cards`,
  );

  const closing = capped(
    d.closingSoon.map((c) => `${c.passed ? "⚠️ *passed*" : "📅"} ${c.expectedCloseDate} · ${dealLineText(c)} · ${stageLabel(c.stage)}`),
    (n) => `…and ${n} more — \`/cosell list\` in this channel`,
  );

  const gaps = capped(
    d.gaps.map((g) => `⬜ ${dealText(g)} (${stageLabel(g.stage)}): ${g.gaps.join(", ")}`),
    (n) => `…and ${n} more deals with open role questions`,
  );

  const t = d.targets;
  const targets = [`${MARK_EMOJI[t.registrations.mark]} ${t.registrations.text}`, `${MARK_EMOJI[t.active.mark]} ${t.active.text}`];

  return {
    title: `🗓️ Weekly co-sell standup · ${d.pairing.name}`,
    intro,
    sections: [
      { heading: "Pipeline by stage", lines: pipeline },
      { heading: `What moved this week (${movedSummary})`, lines: capped(moved, (n) => `…and ${n} more changes`) },
      ...(d.checkIn ? [checkInDigestSection(d.checkIn)] : []),
      {
        heading: `Touchpoints this week (${tpTotal})`,
        lines: touchpoints,
        note:
          tpTotal === 0
            ? "Log every call and follow-up with the deal card's *Log touchpoint* button: it is the evidence attribution is computed from."
            : undefined,
      },
      { heading: `Blockers: open asks (${d.asks.length}, ${overdue} overdue)`, lines: asks },
      { heading: `Close dates in the next 30 days (${d.closingSoon.length})`, lines: closing },
      ...(d.expiringSoon.length > 0
        ? [
            {
              heading: `Registrations expiring in the next 14 days (${d.expiringSoon.length})`,
              lines: capped(
                d.expiringSoon.map(
                  (e) => `⏳ ${localDay(e.protectedUntil, tz)} (${e.daysLeft} day${e.daysLeft === 1 ? "" : "s"}) · ${dealLineText(e)} · ${stageLabel(e.stage)}`,
                ),
                (n) => `…and ${n} more`,
              ),
              note: "Protection ends on these dates unless the deal closes first. The registrant can request an extension from the warning DM.",
            },
          ]
        : []),
      {
        heading: `Role-clarity gaps (${d.gaps.length} deal${d.gaps.length === 1 ? "" : "s"})`,
        lines: gaps,
        note:
          d.gaps.length > 0
            ? "One answer each before the first customer conversation: quarterback, a lead per stage, post-sale owner, each partner's response SLA. Use *Edit roles* on the card."
            : undefined,
      },
      { heading: `90-day playbook targets (day ${t.day} since the pairing started)`, lines: targets },
      ...(d.bonusProgress.partners.length > 0
        ? [
            {
              heading: `Co-sell bonus progress (${d.bonusProgress.quarter})`,
              lines: d.bonusProgress.partners.map((b) =>
                b.wins >= d.bonusProgress.threshold
                  ? `✅ ${b.orgName}: ${b.wins} co-sell wins this quarter: bonus reached`
                  : `🏁 ${b.orgName}: ${b.wins} of ${d.bonusProgress.threshold} co-sell wins this quarter`,
              ),
              note: "A co-sell win is a deal won with two or more partners credited. The bonus is awarded when the quarter closes.",
            },
          ]
        : []),
    ],
  };
}

export function renderPairingDigest(d: PairingDigestData): DigestMessage[] {
  return packDigest(pairingDigestDoc(d));
}

// ---------------------------------------------------------------------------
// The manager digest: every program metric with its definition, value, target and mark.

interface MetricRow {
  key: string;
  label: string;
  mark: Mark;
  value: string;
  target: string;
  definition: string;
}

function metricRows(m: ProgramMetrics): MetricRow[] {
  const c = m.currency;
  const money = (x: number | null) => (x === null ? "n/a" : formatMoney(x, c));
  const wr = m.winRate;
  const rate = (g: typeof wr.coSell) => `${pct(g.winRate)} (${g.won} won / ${g.won + g.lost} closed)`;
  const fd = m.firstDeal.pairings;
  const measured = fd.filter((f) => f.days !== null);
  return [
    {
      key: "partnerPipeline",
      label: "Partner pipeline",
      mark: "none",
      value: `${money(m.partnerPipeline.amountMinor)} in ${m.partnerPipeline.deals} open deals`,
      target: "no target (the base of the shares below)",
      definition: `Amount of every open deal (Registered … Negotiation) in ${c}`,
    },
    {
      key: "coSellPipeline",
      label: "Co-sell pipeline",
      mark: m.coSellPipeline.mark,
      value: `${money(m.coSellPipeline.amountMinor)} in ${m.coSellPipeline.deals} deals = *${pct(m.coSellPipeline.share)}* of partner pipeline`,
      target: `${TARGETS.coSellShare.low * 100}–${TARGETS.coSellShare.high * 100}% of partner pipeline`,
      definition: "Open deals with 2 or more partner organizations",
    },
    {
      key: "influencedPipeline",
      label: "Partner-influenced pipeline",
      mark: m.influencedPipeline.mark,
      value: `${money(m.influencedPipeline.amountMinor)} in ${m.influencedPipeline.deals} deals = *${pct(m.influencedPipeline.share)}*`,
      target: `${TARGETS.influencedShare.low * 100}–${TARGETS.influencedShare.high * 100}% of partner pipeline`,
      definition: "Open deals with at least one touchpoint logged by a partner organization",
    },
    {
      key: "winRate",
      label: "Win rate, co-sell vs solo",
      mark: wr.mark,
      value: `co-sell ${rate(wr.coSell)} vs solo ${rate(wr.solo)} → *${wr.liftPoints === null ? "n/a" : `${wr.liftPoints > 0 ? "+" : ""}${wr.liftPoints} points`}*`,
      target: `co-sell +${TARGETS.winRateLift.low}–${TARGETS.winRateLift.high} points above solo (below solo: the pairing adds complexity, not value)`,
      definition: `Won ÷ (won + lost), every closed deal to date; co-sell = 2+ partner organizations, solo = exactly one; marked with ${MIN_SAMPLE}+ closed deals in each group`,
    },
    {
      key: "dealSize",
      label: "Average deal size, co-sell vs solo",
      mark: m.dealSize.mark,
      value: `co-sell ${money(m.dealSize.coSellAvgMinor)} vs solo ${money(m.dealSize.soloAvgMinor)}${m.dealSize.ratio === null ? "" : ` → *${m.dealSize.ratio.toFixed(2)}×*`}`,
      target: "co-sell larger than solo (same size: partners show up together but don't cross-sell)",
      definition: `Average amount of won deals in ${c}`,
    },
    {
      key: "daysToClose",
      label: "Days to close, co-sell vs solo",
      mark: m.daysToClose.mark,
      value: `co-sell ${m.daysToClose.coSellAvgDays ?? "n/a"} days vs solo ${m.daysToClose.soloAvgDays ?? "n/a"} days`,
      target: "co-sell no slower than solo (slower: streamline coordination before scaling)",
      definition: "Average days from registration to Closed won",
    },
    {
      key: "disputeRate",
      label: "Attribution dispute rate",
      mark: m.disputes.mark,
      value: `${m.disputes.disputed} of ${m.disputes.records} attributed deals disputed = *${pct(m.disputes.rate)}* (${m.disputes.band})`,
      target: `<5% healthy, 5–10% watch, >10% unclear rules, 0 with ${MIN_RECORDS}+ deals = nobody looking`,
      definition: "Deals with an attribution record that were disputed at least once, to date",
    },
    {
      key: "firstDeal",
      label: "Time to first co-sell deal",
      mark: m.firstDeal.mark,
      value: `${measured.filter((f) => (f.days ?? 0) <= TARGETS.firstDealDays).length} of ${fd.length} pairings within ${TARGETS.firstDealDays} days; ${fd.filter((f) => f.days === null).length} without a deal yet`,
      target: `≤ ${TARGETS.firstDealDays} days per pairing`,
      definition: "Days from a pairing's creation to its first registered deal (per pairing below)",
    },
    {
      key: "scaleOrKill",
      label: "Pairings past 90 days with no pipeline",
      mark: m.scaleOrKill.mark,
      value: `*${m.scaleOrKill.kill}* to end (scale or kill) · ${m.scaleOrKill.scale} to scale · of ${m.scaleOrKill.pairings.length} pairings past day ${TARGETS.scaleOrKillDays}`,
      target: "0 pairings with nothing after 90 days",
      definition: "Kill = 90+ days old, no open pipeline and no win; scale = open pipeline and at least one win",
    },
    {
      key: "payoutCycle",
      label: "Days from won to paid, co-sell vs solo",
      mark: m.payoutCycle.mark,
      value: `co-sell ${m.payoutCycle.coSell.avgDaysToPaid ?? "n/a"} days (${m.payoutCycle.coSell.paid} paid, ${m.payoutCycle.coSell.waiting} waiting) vs solo ${m.payoutCycle.solo.avgDaysToPaid ?? "n/a"} days (${m.payoutCycle.solo.paid} paid, ${m.payoutCycle.solo.waiting} waiting)${m.payoutCycle.coSellTax ? " → *co-sell tax*: co-sell commissions wait longer" : ""}`,
      target: "co-sell paid no later than solo (eliminate the co-sell tax: the same cycle for both)",
      definition: `Average days from Closed won to the payout line marked paid; co-sell = 2+ partners credited; marked with ${MIN_SAMPLE}+ paid lines in each group`,
    },
    {
      key: "concentration",
      label: "Revenue concentration by partner",
      mark: m.concentration.mark,
      value:
        m.concentration.topShare === null
          ? "no partner-credited won revenue yet"
          : `top partner ${m.concentration.partners[0]!.name} = *${pct(m.concentration.topShare)}* of ${money(m.concentration.totalMinor)}`,
      target: `top partner ≤ ${TARGETS.concentration.watch * 100}% (over ${TARGETS.concentration.bad * 100}%: the program depends on one partner)`,
      definition: `Won revenue × each partner's credit share (latest attribution record), in ${c}`,
    },
  ];
}

function managerDigestDoc(d: ManagerDigestData, opts: { week?: string } = {}): DigestDoc {
  const m = d.metrics;
  const tz = d.program.timezone;
  const rows = metricRows(m);
  // Targets and definitions are our own text, but they contain < and > (e.g. "<5%"): plain lines are escaped when packed.
  const metricLines = rows.map((r) => `${MARK_EMOJI[r.mark]} *${r.label}*: ${r.value}\n      target: ${r.target} · _${r.definition}_`);
  const good = rows.filter((r) => r.mark === "good").length;
  const bad = rows.filter((r) => r.mark === "bad").length;

  const money = (x: number | null) => (x === null ? "n/a" : formatMoney(x, m.currency));
  const ranking = capped(
    m.ranking.map(
      (r) =>
        `${r.rank}. *${r.name}*${r.call === "invest" ? " — invest" : r.call === "review" ? " — review" : ""} · pipeline ${money(r.pipelineMinor)} (${r.openDeals} open) · win rate ${pct(r.winRate, 0)} (${r.won}/${r.won + r.lost}) · avg won ${money(r.avgWonMinor)}`,
    ),
    (n) => `…and ${n} more pairings — \`npm run cosell -- digest --preview --manager\` prints them all`,
  );
  const firstDeal = capped(
    m.firstDeal.pairings.map((f) => `${MARK_EMOJI[f.mark]} ${f.name}: ${f.days === null ? `no deal yet after ${f.ageDays} days` : `${f.days} days`}`),
    (n) => `…and ${n} more pairings`,
  );
  const sok = capped(
    m.scaleOrKill.pairings.map(
      (s) =>
        `${s.call === "kill" ? "❌ end it" : s.call === "scale" ? "🚀 scale" : "➖ keep going"} · ${s.name} (day ${s.ageDays}) · pipeline ${money(s.pipelineMinor)} · ${s.won} won`,
    ),
    (n) => `…and ${n} more pairings`,
  );
  const conc = capped(
    m.concentration.partners.map((p) => `• ${p.name}: ${money(p.revenueMinor)} (${pct(p.share)})`),
    (n) => `…and ${n} more partners`,
  );
  const attribution: MrkdwnValue[] = [];
  for (const s of m.attribution) {
    attribution.push(
      `*${s.currency}*: ${s.deals} deal${s.deals === 1 ? "" : "s"} · ${formatMoney(s.amountMinor, s.currency)} · commission pool ${formatMoney(s.poolMinor, s.currency)}`,
    );
    for (const l of s.lines) {
      attribution.push(
        `• ${l.name}${l.internal ? " (us, reported, never paid)" : ""}: credit ${formatMoney(l.creditedMinor, s.currency)} on ${l.deals} deal${l.deals === 1 ? "" : "s"}${l.internal ? "" : ` · commission ${formatMoney(l.commissionMinor, s.currency)}`}`,
      );
    }
  }
  const others = m.otherCurrencies.map(
    (o) =>
      `• ${o.currency}: ${o.openDeals} open deal${o.openDeals === 1 ? "" : "s"}, ${formatMoney(o.openMinor, o.currency)} — not converted, not in the shares above`,
  );

  const sections: DigestSection[] = [
    {
      heading: `Program metrics (${good} on target, ${bad} off target)`,
      lines: metricLines,
      note: `✅ on target · ⚠️ watch · ❌ off target · ➖ not enough data (comparisons need ${MIN_SAMPLE}+ deals per group). Money in ${m.currency}; every metric is to date unless it says otherwise.`,
    },
    {
      heading: "Pairing ranking (open pipeline, then win rate, then deal size)",
      lines: ranking,
      note: "Invest in the top 3 pairings, review the bottom 3 (marked once there are more than 3).",
    },
    { heading: `Time to first co-sell deal per pairing (target ≤ ${TARGETS.firstDealDays} days)`, lines: firstDeal },
    { heading: `Scale or kill (pairings past day ${TARGETS.scaleOrKillDays})`, lines: sok.length > 0 ? sok : ["_no pairing is 90 days old yet_"] },
    { heading: "Revenue concentration by partner (won, credited)", lines: conc.length > 0 ? conc : ["_no won revenue with partner credit yet_"] },
    reviewSection(d.reviews),
    {
      heading: `Registration conflicts (${d.conflicts.open.length} open, ${d.conflicts.inWindow} registered this week)`,
      lines: capped(
        d.conflicts.open.map((c) => mrkdwn`⚠️ ${formatDealRef(c.ref)} by ${mention(c.registeredBy)} conflicts with ${formatDealRef(c.conflictWithRef)}`),
        (n) => `…and ${n} more`,
      ),
      note: "Open deals registered on an account another registration held with other partners. Admins decide each one: keep the first, approve both (an exception) or move protection.",
    },
    {
      heading: `Attribution this week (${localDay(d.window.start, tz)} → ${localDay(d.window.end, tz)})`,
      lines: attribution.length > 0 ? attribution : ["_no attribution computed this week_"],
      note: "Latest record per deal computed in the week, as in the finance export (`/cosell export attribution`).",
    },
  ];
  if (d.checkIns && d.checkIns.length > 0) sections.push(checkInParticipationSection(d.checkIns));
  if (others.length > 0) sections.push({ heading: "Open pipeline in other currencies", lines: others });
  return {
    title: `📊 Co-sell program digest${opts.week ? ` · ${opts.week}` : ""}`,
    intro: `${d.program.name} · ${d.pairings} pairings · ${d.deals} deals · as of ${localDateTime(d.now, tz)} (${tz}) · *internal: includes commissions — do not share with partners*`,
    sections,
  };
}

/** Check-in participation by organization (all pairings) and by pairing. */
function checkInParticipationSection(rows: NonNullable<ManagerDigestData["checkIns"]>): DigestSection {
  const byOrg = new Map<string, { asked: number; answered: number }>();
  for (const r of rows) {
    const o = byOrg.get(r.orgName) ?? { asked: 0, answered: 0 };
    o.asked += r.asked;
    o.answered += r.answered;
    byOrg.set(r.orgName, o);
  }
  const rate = (a: number, b: number) => `${a}/${b} (${pct(b === 0 ? null : a / b, 0)})`;
  const lines: MrkdwnValue[] = [
    `By organization: ${[...byOrg].map(([name, o]) => `${name} ${rate(o.answered, o.asked)}`).join(" · ")}`,
    ...capped(
      [...new Set(rows.map((r) => r.pairingName))].map(
        (p) =>
          `• ${p}: ${rows
            .filter((r) => r.pairingName === p)
            .map((r) => `${r.orgName} ${r.answered}/${r.asked}`)
            .join(" · ")}`,
      ),
      (n) => `…and ${n} more pairings`,
    ),
  ];
  const asked = rows.reduce((n, r) => n + r.asked, 0);
  const answered = rows.reduce((n, r) => n + r.answered, 0);
  return {
    heading: `Check-in participation this week (${rate(answered, asked)})`,
    lines,
    note: "Answered ÷ asked. Those asked are the people active on each pairing's open deals; a low share on one side is a pairing whose standup only one company attends.",
  };
}

function reviewSection(r: ManagerDigestData["reviews"]): DigestSection {
  const hours = (h: number | null) => (h === null ? "n/a" : `${h} h`);
  const lines: MrkdwnValue[] = [
    `Approval time p50 ${hours(r.approvalHoursP50)} · p90 ${hours(r.approvalHoursP90)} (${r.decided} decided) · approval rate ${pct(r.approvalRate, 0)}`,
    `${r.expired} expired, ${r.expiredWithoutProgress} of them without progress (still at Registered or Discovery) · ${r.exceptions} exception${r.exceptions === 1 ? "" : "s"} granted`,
    ...r.pending.map(
      (p) =>
        mrkdwn`${p.pastSla ? "⏰ *past SLA*" : "⏳"} ${formatDealRef(p.ref)} · ${truncate(p.title, 80)} by ${mention(p.registeredBy)} — waiting ${p.ageHours} h`,
    ),
  ];
  if (r.pendingTotal > r.pending.length) lines.push(`…and ${r.pendingTotal - r.pending.length} more — \`/cosell approvals\``);
  return {
    heading: `Registration reviews (${r.pendingTotal} pending)`,
    lines,
    note: "Last 90 days. Approval time counts from (re)submission to an admin's decision; automatic approvals are not counted. Decide pending ones with `/cosell approvals`.",
  };
}

export function renderManagerDigest(d: ManagerDigestData, opts: { week?: string } = {}): DigestMessage[] {
  return packDigest(managerDigestDoc(d, opts));
}
