import type { PlainTextOption } from "@slack/types";
import { IMPORT_LIMITS, overlapTotal, PICKS_PER_ALERT, statusWord, type MapLevel, type OverlapCounts, type RankedTarget, type RowProblem } from "./rules";
import { currencyExponent } from "../../kernel/money";
import type { AccountMap, ImportAccountsResult, ListChange } from "./account-map";
import { ACTION, CALLBACK, INPUT, MAP_IMPORT_BLOCK as B, MAP_PICK_BLOCK as PICK } from "../../platform/slack/ids";
import { truncate } from "../../platform/slack/command-text";
import { slackDate } from "../../platform/slack/format";
import { modalView } from "../../platform/slack/inputs";
import {
  channelLink,
  joinMrkdwn,
  mention,
  mrkdwn,
  truncateMrkdwn,
  type MrkdwnValue,
  type SafeBlock,
  type SafeMessage,
  type SafeModalView,
  type SlackText,
} from "../../platform/slack/mrkdwn";

// Block Kit for account mapping: the map (counts and top targets), the import form and its
// report, and the quarterly refresh reminder. Pure functions of plain data.

const n = (x: number) => x.toLocaleString("en-US");
const SYMBOLS: Record<string, string> = { USD: "$", EUR: "€", GBP: "£" };

/** "$1.2M", "$350k", "$900", "€2.5M", "1.2M CHF". */
export function compactMoney(minor: number, currency: string): string {
  const major = minor / 10 ** currencyExponent(currency);
  const body =
    major >= 1e9 ? `${trim(major / 1e9)}B` : major >= 1e6 ? `${trim(major / 1e6)}M` : major >= 1e3 ? `${trim(major / 1e3)}k` : `${Math.round(major)}`;
  const sym = SYMBOLS[currency];
  return sym ? `${sym}${body}` : `${body} ${currency}`;
}
function trim(x: number): string {
  return x >= 100 ? String(Math.round(x)) : String(Math.round(x * 10) / 10);
}

function countsLine(c: OverlapCounts, open?: OverlapCounts, opts: { partnerView?: boolean } = {}): SlackText {
  const deals = (k: keyof OverlapCounts) => (open && open[k] > 0 ? ` (${n(open[k])} with an open deal)` : "");
  const p = opts.partnerView;
  return joinMrkdwn([
    `*${n(c.customerOverlap)}* customers of both${deals("customerOverlap")}`,
    `*${n(c.prospectOverlap)}* ${p ? "our prospects who are your customers" : "our prospects, their customers"}${deals("prospectOverlap")}`,
    `*${n(c.prospectsOfBoth)}* prospects of both: in both pipelines${deals("prospectsOfBoth")}`,
    `*${n(c.ourCustomersTheirProspects)}* ${p ? "your prospects who are our customers (ask us for an intro)" : "our customers, their prospects: upsell paths for them"}${deals("ourCustomersTheirProspects")}`,
    `*${n(c.whitespace)}* ${p ? "your customers we don't work with yet" : "whitespace: their customers, not ours"}${deals("whitespace")}`,
  ]);
}

function listLine(label: string, list: { rowCount: number; importedAt: Date } | null, status: "CUSTOMER" | "PROSPECT"): SlackText {
  return list
    ? mrkdwn`${label} ${n(list.rowCount)} ${statusWord(status)} (${slackDate(list.importedAt, "{date_short}")})`
    : mrkdwn`${label} no ${statusWord(status, false)} list`;
}

export interface MapMessageOptions {
  level: MapLevel;
  /** the program's currency, for ARR */
  currency: string;
  limit?: number;
}

/** The map of us with one partner, as the viewer may see it. */
export function renderAccountMap(map: AccountMap, opts: MapMessageOptions): SafeMessage & { blocks: SafeBlock[] } {
  const partner = map.partner.name;
  const partnerView = opts.level !== "internal";
  const text = mrkdwn`Account map with ${map.partner.name}: ${map.counts.customerOverlap} customers of both, ${map.counts.prospectOverlap} ${partnerView ? "our prospects who are your customers" : "our prospects who are their customers"}, ${map.counts.prospectsOfBoth} prospects of both, ${map.counts.ourCustomersTheirProspects} ${partnerView ? "your prospects who are our customers" : "our customers who are their prospects"}, ${map.counts.whitespace} whitespace.`;
  const blocks: SafeBlock[] = [
    { type: "header", text: { type: "plain_text", text: truncate(`Account map · ${map.partner.name}`, 150) } },
    { type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(countsLine(map.counts, map.withOpenDeals, { partnerView }), 3000) } },
  ];
  const ours = map.ours ? map.ours.name : "Ours";
  const lists = joinMrkdwn(
    [
      listLine(`${ours}:`, map.ourCustomers, "CUSTOMER"),
      listLine("·", map.ourProspects, "PROSPECT"),
      listLine(`· ${partner}:`, map.theirCustomers, "CUSTOMER"),
      listLine("·", map.theirProspects, "PROSPECT"),
    ],
    " ",
  );
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: truncateMrkdwn(lists, 3000) }] });

  if (!map.theirCustomers && !map.theirProspects) {
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: mrkdwn`${partner} has no customer list yet, so there is nothing to map. Import it with \`/cosell map import\` (or \`npm run cosell -- map import --org "${map.partner.name}" --status customers file.csv\`); ${partnerView ? "you can use the *Import a list* button in your pairing channel" : "their people can use the *Import a list* button in the pairing channel"}.`,
      },
    });
    return { text, blocks };
  }
  if (opts.level === "counts") {
    blocks.push({
      type: "context",
      elements: [
        { type: "mrkdwn", text: mrkdwn`The program shares overlap counts with partners; the accounts themselves are discussed with your partner manager.` },
      ],
    });
    return { text, blocks };
  }

  blocks.push({ type: "divider" });
  if (map.topShared.length === 0 && map.topWhitespace.length === 0) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: mrkdwn`No overlapping accounts yet.` } });
    return { text, blocks };
  }
  const section = (title: SlackText, targets: readonly RankedTarget[], empty: SlackText) => {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: targets.length > 0 ? title : empty } });
    targets.forEach((t, i) => blocks.push(...targetBlocks(t, i + 1, map.partner.id, opts)));
  };
  section(
    mrkdwn`*Top ${map.topShared.length} shared accounts* — on both sides' lists, ranked by relationship depth, open pipeline, strategic flag, named owners and combined ARR.`,
    map.topShared,
    mrkdwn`*Shared accounts:* none yet.`,
  );
  section(
    mrkdwn`*Top ${map.topWhitespace.length} whitespace* — ${partnerView ? "your customers we don't work with yet" : `${partner}'s customers, on none of our lists`}: the warm introductions to new logos.`,
    map.topWhitespace,
    mrkdwn`*Whitespace:* none.`,
  );
  if (opts.level === "internal" && map.churned.length > 0) {
    const lines = map.churned.slice(0, 5).map((c) => {
      const who = c.side === "theirs" ? `dropped from ${partner}'s customers` : `dropped from our customers`;
      return mrkdwn`• ${truncate(c.name, 80)} (${c.domain}) — ${who} ${slackDate(c.churnedAt, "{date_short}")}${c.arrMinor !== null ? ` (ARR was ${compactMoney(c.arrMinor, opts.currency)})` : ""}`;
    });
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: truncateMrkdwn(joinMrkdwn([mrkdwn`⚠️ *Churned this quarter* (still on the other side's lists):`, ...lines]), 3000) }],
    });
  }
  return { text, blocks: blocks.slice(0, 50) };
}

function targetBlocks(t: RankedTarget, rank: number, partnerOrgId: string, opts: MapMessageOptions): SafeBlock[] {
  const money = (m: number | null) => (m === null ? "—" : compactMoney(m, opts.currency));
  const details =
    opts.level === "internal"
      ? `ARR ours ${money(t.ourArrMinor)} · theirs ${money(t.theirArrMinor)} · owners: ${t.ourOwner ?? "—"} / ${t.theirOwner ?? "—"}`
      : `your ARR ${money(t.theirArrMinor)} · your owner: ${t.theirOwner ?? "—"}`;
  const line = mrkdwn`*${rank}. ${truncate(t.name, 120)}* (${t.domain}) · score ${t.score}\n${t.reasons.join(" · ")}\n${details}`;
  const value = JSON.stringify({ p: partnerOrgId, d: t.domain });
  const buttons = [
    { type: "button" as const, text: { type: "plain_text" as const, text: "Register co-sell deal" }, action_id: ACTION.mapRegister, value },
    ...(opts.level === "internal"
      ? [{ type: "button" as const, text: { type: "plain_text" as const, text: "Request intro" }, action_id: ACTION.mapIntro, value }]
      : []),
  ];
  return [
    { type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(line, 3000) } },
    { type: "actions", block_id: `map_target_${rank}`, elements: buttons },
  ];
}

// ---------------------------------------------------------------------------------------------
// Import form and report

export interface ImportModalData {
  /** organizations an admin may pick; absent for a partner person (their own organization) */
  orgs?: { id: string; name: string; internal: boolean }[];
  /** the organization imported for (fixed for a partner person, preselected for an admin) */
  org?: { id: string; name: string } | undefined;
  channelId?: string | undefined;
}

const opt = (value: string, text: string): PlainTextOption => ({ text: { type: "plain_text", text: truncate(text, 75) }, value });

export const STATUS_AUTO = "AUTO";

export function buildImportModal(data: ImportModalData): SafeModalView {
  const blocks: SafeBlock[] = [];
  if (data.orgs) {
    const options = data.orgs.slice(0, 100).map((o) => opt(o.id, o.internal ? `${o.name} (us)` : o.name));
    const initial = options.find((o) => o.value === data.org?.id);
    blocks.push({
      type: "input",
      block_id: B.org,
      label: { type: "plain_text", text: "Whose list" },
      element: { type: "static_select", action_id: INPUT, options, ...(initial ? { initial_option: initial } : {}) },
    });
  } else if (data.org) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: mrkdwn`Importing an account list of *${data.org.name}*.` } });
  }
  const statusOptions = [opt("CUSTOMER", "Customers"), opt("PROSPECT", "Prospects"), opt(STATUS_AUTO, "Both — each row's Status/Type column says")];
  blocks.push(
    {
      type: "input",
      block_id: B.status,
      label: { type: "plain_text", text: "Which list" },
      element: { type: "static_select", action_id: INPUT, options: statusOptions, initial_option: statusOptions[0]! },
    },
    {
      type: "input",
      block_id: B.file,
      label: { type: "plain_text", text: "CSV file" },
      element: { type: "file_input", action_id: INPUT, filetypes: ["csv", "txt"], max_files: 1 },
    },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: mrkdwn`A header row, then one account per row: *Domain* (or Website/URL; required), Name, Status/Type, Owner, ARR (e.g. $120k, 1.2m), Strategic (yes/no). Up to ${n(IMPORT_LIMITS.maxRows)} rows and ${IMPORT_LIMITS.maxBytes / 1024 / 1024} MB. Importing *replaces* the list; you get a report of what changed and of every row that could not be imported.`,
        },
      ],
    },
  );
  return modalView({ callbackId: CALLBACK.mapImport, title: "Import account list", submit: "Import", metadata: { channelId: data.channelId } }, blocks);
}

/** Problems listed in the Slack report; the rest go into an attached CSV. */
export const REPORT_PROBLEM_LINES = 25;

function changeLine(c: ListChange): string {
  const what = `${statusWord(c.status, false)} list`;
  if (c.created) return `• ${what}: ${n(c.rowCount)} accounts (new list)`;
  const churned = c.churned > 0 ? ` (flagged as churned customers)` : "";
  return `• ${what}: ${n(c.rowCount)} accounts (was ${n(c.previousRowCount)}) — ${n(c.added)} added, ${n(c.removed)} removed${churned}, ${n(c.changed)} changed`;
}

function problemLines(problems: readonly RowProblem[], max = REPORT_PROBLEM_LINES): string[] {
  const lines = problems.slice(0, max).map((p) => `• Row ${p.row}: ${truncate(p.reason, 200)}`);
  if (problems.length > max) lines.push(`…and ${n(problems.length - max)} more (all of them are in the attached CSV).`);
  return lines;
}

export function renderImportReport(r: {
  fileName: string;
  result: ImportAccountsResult | null;
  problems: readonly RowProblem[];
  blankRows: number;
  ignoredColumns: readonly string[];
  /** why nothing was imported (a file-level problem) */
  refused?: string;
}): SlackText {
  const file = `\`${truncate(r.fileName, 80)}\``;
  const out: MrkdwnValue[] = [];
  if (r.refused) out.push(`⚠️ Could not import ${file}: ${r.refused}${/Nothing was/.test(r.refused) ? "" : " Nothing was changed."}`);
  else if (r.result) {
    out.push(`✅ Imported ${file} for *${r.result.orgName}*:`, ...r.result.lists.map(changeLine));
    const fresh = r.result.newOverlaps.reduce((x, a) => Math.max(x, a.total), 0);
    if (fresh > 0) {
      out.push(
        mrkdwn`🆕 ${n(fresh)} new ${fresh === 1 ? "overlap" : "overlaps"}: posted in ${joinMrkdwn(
          [...new Set(r.result.newOverlaps.map((a) => a.channelId))].map((c) => channelLink(c)),
          ", ",
        )} with *Pick 5 to pursue*.`,
      );
    }
  }
  if (r.problems.length > 0) {
    out.push(
      r.result
        ? `⚠️ ${n(r.problems.length)} ${r.problems.length === 1 ? "row was" : "rows were"} not imported (row numbers as in a spreadsheet, the header is row 1); fix them and import the whole file again:`
        : `${n(r.problems.length)} ${r.problems.length === 1 ? "row has" : "rows have"} problems (the header is row 1):`,
      ...problemLines(r.problems),
    );
  }
  if (r.blankRows > 0) out.push(`(${n(r.blankRows)} empty ${r.blankRows === 1 ? "row was" : "rows were"} skipped.)`);
  if (r.ignoredColumns.length > 0) out.push(`Columns not used: ${r.ignoredColumns.map((c) => truncate(c, 40)).join(", ")}.`);
  return joinMrkdwn(out);
}

// ---------------------------------------------------------------------------------------------
// Quarterly refresh reminder (posted in the pairing channel: counts only, partner-safe)

export interface RefreshPartner {
  orgId: string;
  name: string;
  counts: OverlapCounts;
  /** overlaps recorded at the previous reminder; null for the first */
  previousOverlap: number | null;
  hasCustomerList: boolean;
}

export function renderRefreshReminder(r: {
  pairingName: string;
  quarter: string;
  ourName: string | null;
  partners: RefreshPartner[];
}): SafeMessage & { blocks: SafeBlock[] } {
  const lines = r.partners.map((p) => {
    const total = overlapTotal(p.counts);
    if (!p.hasCustomerList) return `• *${p.name}*: no customer list yet — import it to see the overlap.`;
    const delta =
      p.previousOverlap === null
        ? "first mapping"
        : total - p.previousOverlap >= 0
          ? `*${n(total - p.previousOverlap)} new overlaps since the last refresh* (was ${n(p.previousOverlap)})`
          : `${n(p.previousOverlap - total)} fewer overlaps than at the last refresh (was ${n(p.previousOverlap)})`;
    return `• *${p.name}*: ${n(total)} overlaps — ${n(p.counts.customerOverlap)} customers of both, ${n(p.counts.prospectOverlap)} ${r.ourName ? `${r.ourName} prospects` : "our prospects"} who are their customers; ${n(p.counts.whitespace)} whitespace · ${delta}`;
  });
  const text = mrkdwn`Quarterly account mapping for ${r.pairingName} (${r.quarter}): refresh your lists and pick the accounts to pursue together.`;
  const buttons = [
    ...r.partners.slice(0, 4).map((p) => ({
      type: "button" as const,
      text: { type: "plain_text" as const, text: truncate(`Account map · ${p.name}`, 75) },
      action_id: ACTION.mapShow,
      value: p.orgId,
    })),
    { type: "button" as const, text: { type: "plain_text" as const, text: "Import a list" }, action_id: ACTION.mapImport, value: "import" },
  ];
  return {
    text,
    blocks: [
      { type: "header", text: { type: "plain_text", text: truncate(`Quarterly account mapping · ${r.quarter}`, 150) } },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: truncateMrkdwn(
            mrkdwn`Account maps go stale: customers churn, prospects close, new logos arrive. Re-import your customer and prospect lists, then use this as the co-sell planning session — which of the new overlaps should we pursue together?\n${joinMrkdwn(lines)}`,
            3000,
          ),
        },
      },
      { type: "actions", block_id: "map_refresh", elements: buttons },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// "Request intro" without a deal and a person to ask: a post in the pairing channel

export interface IntroRequestData {
  requestedBy: string;
  partnerName: string;
  accountName: string;
  accountDomain: string;
  /** the open deal with this partner on the account, if any */
  dealRef: number | null;
  /** the partner's person asked to help, if one is known */
  contactUserId: string | null;
}

export function renderIntroRequest(d: IntroRequestData): SafeMessage {
  const who = `${truncate(d.accountName, 120)} (${d.accountDomain})`;
  return {
    text: mrkdwn`🤝 ${mention(d.requestedBy)} asks *${d.partnerName}* for a warm introduction to ${who}, one of your customers${d.dealRef !== null ? ` (open deal CS-${d.dealRef})` : ""}. ${d.contactUserId ? mrkdwn`${mention(d.contactUserId)}, could you help or point to the right person?` : "Who on your side knows them best?"}`,
  };
}

// ---------------------------------------------------------------------------------------------
// New overlaps after an import (pairing channel: counts only) and Pick 5 to pursue

export interface NewOverlapsData {
  alertId: string;
  partner: { id: string; name: string };
  ourName: string | null;
  importedOrgName: string;
  importedBy: string;
  counts: OverlapCounts;
  total: number;
}

/** The counts by kind, named for a shared channel (both sides by name). */
function sharedKindsLine(c: OverlapCounts, ours: string, theirs: string): string[] {
  const one = (x: number, single: string, plural: string) => (x === 0 ? "" : `${n(x)} ${x === 1 ? single : plural}`);
  return [
    one(c.customerOverlap, "customer of both", "customers of both"),
    one(c.prospectOverlap, `${ours} prospect among ${theirs}'s customers`, `${ours} prospects among ${theirs}'s customers`),
    one(c.prospectsOfBoth, "prospect of both", "prospects of both"),
    one(c.ourCustomersTheirProspects, `${ours} customer in ${theirs}'s pipeline`, `${ours} customers in ${theirs}'s pipeline`),
  ].filter(Boolean);
}

export function renderNewOverlaps(d: NewOverlapsData): SafeMessage & { blocks: SafeBlock[] } {
  const ours = d.ourName ?? "our";
  const kinds = sharedKindsLine(d.counts, ours, d.partner.name).join(", ");
  const what = `${d.total === 1 ? "1 new overlap" : `${n(d.total)} new overlaps`}`;
  const text = mrkdwn`🆕 ${mention(d.importedBy)}'s import of ${d.importedOrgName}'s accounts added ${what} between ${ours === "our" ? "us" : ours} and ${d.partner.name}: ${kinds}.`;
  return {
    text,
    blocks: [
      {
        type: "section",
        text: { type: "mrkdwn", text: truncateMrkdwn(mrkdwn`${text}\nPick up to 5 to pursue together: each becomes an intro request.`, 3000) },
      },
      {
        type: "actions",
        block_id: "map_new_overlaps",
        elements: [
          { type: "button", text: { type: "plain_text", text: "Pick 5 to pursue" }, action_id: ACTION.mapPickOverlaps, value: d.alertId, style: "primary" },
          {
            type: "button",
            text: { type: "plain_text", text: truncate(`Account map · ${d.partner.name}`, 75) },
            action_id: ACTION.mapShow,
            value: d.partner.id,
          },
        ],
      },
    ],
  };
}

const KIND_SHORT: Record<RankedTarget["kind"], string> = {
  CUSTOMER_OVERLAP: "customers of both",
  PROSPECT_OVERLAP: "our prospect, their customer",
  PROSPECTS_OF_BOTH: "prospects of both",
  OUR_CUSTOMER_THEIR_PROSPECT: "our customer, their prospect",
  WHITESPACE: "whitespace",
};

export function buildPickOverlapsModal(d: { alertId: string; channelId: string; partnerName: string; choices: readonly RankedTarget[] }): SafeModalView {
  const options = d.choices.slice(0, 100).map((c) => opt(c.domain, `${c.name} (${c.domain}) · ${KIND_SHORT[c.kind]}`));
  const blocks: SafeBlock[] =
    options.length === 0
      ? [
          {
            type: "section",
            text: {
              type: "mrkdwn",
              text: mrkdwn`These overlaps are no longer on both lists (a later import changed them). Open \`/cosell map ${d.partnerName}\` instead.`,
            },
          },
        ]
      : [
          {
            type: "input",
            block_id: PICK.picks,
            label: { type: "plain_text", text: "Accounts to pursue (up to 5)" },
            element: {
              type: "multi_static_select",
              action_id: INPUT,
              options,
              max_selected_items: PICKS_PER_ALERT,
              placeholder: { type: "plain_text", text: "Pick accounts" },
            },
          },
          {
            type: "context",
            elements: [
              {
                type: "mrkdwn",
                text: mrkdwn`Best first (relationship depth, open pipeline, strategic, owners, ARR). Each pick becomes an intro request: an ask to ${d.partnerName}'s person on the open deal where there is one, else one post in the pairing channel.`,
              },
            ],
          },
        ];
  return modalView(
    {
      callbackId: CALLBACK.mapPickOverlaps,
      title: "Pick 5 to pursue",
      ...(options.length > 0 ? { submit: "Pursue" } : { close: "Close" }),
      metadata: { alertId: d.alertId, channelId: d.channelId },
    },
    blocks,
  );
}

export interface IntrosPickedData {
  pickedBy: string;
  partnerPicker: string | null;
  partnerName: string;
  names: boolean;
  accounts: { name: string; domain: string; dealRef: number | null; askedUserId: string | null }[];
}

export function renderIntrosPicked(d: IntrosPickedData): SafeMessage {
  const count = d.accounts.length === 1 ? "1 account" : `${d.accounts.length} accounts`;
  const head = d.partnerPicker
    ? mrkdwn`🎯 ${mention(d.pickedBy)} (${d.partnerPicker}) picked ${count} of the new overlaps to pursue together, and asks us for the intros${d.names ? ":" : "."}`
    : mrkdwn`🎯 ${mention(d.pickedBy)} picked ${count} of the new overlaps to pursue with *${d.partnerName}*${d.names ? ":" : "."}`;
  if (!d.names) {
    return { text: joinMrkdwn([head, mrkdwn`The accounts are in \`/cosell map ${d.partnerName}\` for those who may see them.`], " ") };
  }
  const lines = d.accounts.map((a) => {
    const deal = a.dealRef !== null ? ` · CS-${a.dealRef}` : "";
    const ask = a.askedUserId ? mrkdwn` · asked ${mention(a.askedUserId)}` : d.partnerPicker ? "" : " · who on your side knows them best?";
    return mrkdwn`• ${truncate(a.name, 120)} (${a.domain})${deal}${ask}`;
  });
  return { text: joinMrkdwn([head, ...lines]) };
}
