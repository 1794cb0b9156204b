import { statusWord } from "./rules";
import { compactMoney } from "./render";
import type { AccountMap, ImportOutcome, ListChange } from "./account-map";

// Account mapping as plain text, for the CLI (`map import`, `map show`).

const n = (x: number) => x.toLocaleString("en-US");

function changeText(orgName: string, c: ListChange): string {
  const what = `${orgName} ${statusWord(c.status, false)} list`;
  if (c.created) return `${what}: ${n(c.rowCount)} accounts (new list)`;
  return `${what}: ${n(c.rowCount)} accounts (was ${n(c.previousRowCount)}): ${n(c.added)} added, ${n(c.removed)} removed${c.churned > 0 ? " (flagged as churned)" : ""}, ${n(c.changed)} changed`;
}

/** stdout (what was imported) and stderr (every row not imported, and why nothing was, if so). */
export function importOutcomeText(o: ImportOutcome, fileName: string, opts: { dryRun?: boolean; rowsReady?: number } = {}): { out: string; err: string } {
  const err: string[] = o.problems.map((p) => `row ${p.row}: ${p.reason}`);
  if (o.problems.length > 0)
    err.push(
      `${n(o.problems.length)} ${o.problems.length === 1 ? "row was" : "rows were"} not imported (row numbers as in a spreadsheet; the header is row 1).`,
    );
  if (o.refused) err.push(`Could not import ${fileName}: ${o.refused}${/Nothing was/.test(o.refused) ? "" : " Nothing was changed."}`);
  const out: string[] = [];
  if (o.result) {
    out.push(...o.result.lists.map((c) => changeText(o.result!.orgName, c)));
    for (const a of o.result.newOverlaps) out.push(`${n(a.total)} new overlaps posted in channel ${a.channelId}, with Pick 5 to pursue.`);
  } else if (opts.dryRun && !o.refused) out.push(`Dry run: the file reads cleanly apart from the rows above; nothing was changed.`);
  if (o.blankRows > 0) out.push(`${n(o.blankRows)} empty ${o.blankRows === 1 ? "row was" : "rows were"} skipped.`);
  if (o.ignoredColumns.length > 0) out.push(`Columns not used: ${o.ignoredColumns.join(", ")}.`);
  const lines = (xs: string[]) => (xs.length > 0 ? `${xs.join("\n")}\n` : "");
  return { out: lines(out), err: lines(err) };
}

/** The map of us with one partner, with everything (the CLI runs on the program's own database). */
export function accountMapText(map: AccountMap, currency: string): string {
  const c = map.counts;
  const lines = [
    `Account map: ${map.ours?.name ?? "us"} × ${map.partner.name}`,
    `  customers of both:                ${n(c.customerOverlap)} (${n(map.withOpenDeals.customerOverlap)} with an open deal)`,
    `  our prospects, their customers:   ${n(c.prospectOverlap)} (${n(map.withOpenDeals.prospectOverlap)} with an open deal)`,
    `  prospects of both:                ${n(c.prospectsOfBoth)} (${n(map.withOpenDeals.prospectsOfBoth)} with an open deal)`,
    `  our customers, their prospects:   ${n(c.ourCustomersTheirProspects)} (${n(map.withOpenDeals.ourCustomersTheirProspects)} with an open deal)`,
    `  whitespace (theirs, not ours):    ${n(c.whitespace)} (${n(map.withOpenDeals.whitespace)} with an open deal)`,
  ];
  if (!map.theirCustomers) lines.push(`  ${map.partner.name} has no customer list yet.`);
  for (const ch of map.churned) {
    lines.push(
      `  churned: ${ch.name} (${ch.domain}), dropped from ${ch.side === "theirs" ? `${map.partner.name}'s` : "our"} customers on ${ch.churnedAt.toISOString().slice(0, 10)}`,
    );
  }
  if (map.targets.length > 0) {
    lines.push("", `Top ${map.targets.length} co-sell targets:`);
    map.targets.forEach((t, i) => {
      const money = (m: number | null) => (m === null ? "-" : compactMoney(m, currency));
      lines.push(
        `${String(i + 1).padStart(3)}. ${t.name} (${t.domain})  score ${t.score}  [${t.reasons.join("; ")}]  ARR ours ${money(t.ourArrMinor)} / theirs ${money(t.theirArrMinor)}  owners ${t.ourOwner ?? "-"} / ${t.theirOwner ?? "-"}`,
      );
    });
  }
  return `${lines.join("\n")}\n`;
}
