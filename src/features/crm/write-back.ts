import { formatBp, formatMoney } from "../../kernel/money";
import { formatDealRef } from "../../kernel/registration";
import { MODEL_LABELS } from "../../kernel/vocabulary";
import type { Tx } from "../../platform/db/client";
import { enqueue } from "../../platform/outbox/enqueue";
import type { IntentRenderer } from "../../platform/outbox/renderers";
import { loadReceipt } from "../attribution/records";

// At won, the attribution goes back to the deal's CRM record as one timeline note: the shares,
// the pool, the model and where the receipt is. Queued in the transaction that computed the
// record (one per record: its dedupe key), delivered by the outbox with its retries; the note
// carries a marker the outbox looks for before writing, so a retry after a lost answer adopts
// the note instead of writing a second one.

/** Queues the write-back of an attribution record when the deal is linked to a CRM record. */
export async function enqueueCrmWriteBack(tx: Tx, dealId: string, recordId: string, now: Date): Promise<boolean> {
  const link = await tx.crmLink.findFirst({ where: { dealId, unlinkedAt: null }, select: { provider: true, objectId: true } });
  if (link?.provider !== "HUBSPOT") return false;
  return enqueue(
    tx,
    { method: "crm.attributionNote", payload: { recordId, provider: "hubspot", objectId: link.objectId }, dedupeKey: `crm-note:${recordId}` },
    now,
  );
}

/** The marker of a record's note: one token (HubSpot's search splits words on punctuation). */
function noteMarker(recordId: string): string {
  return `cosellrecord${recordId.replace(/[^a-zA-Z0-9]/g, "")}`;
}

const html = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

type Receipt = Awaited<ReturnType<typeof loadReceipt>>;

/** The note's HTML (HubSpot renders note bodies as HTML): every name is escaped. */
function renderAttributionNote(r: Receipt): string {
  const res = r.result;
  const money = (minor: number) => formatMoney(minor, res.currency);
  const payouts = new Map(res.payouts.map((p) => [p.orgId, p.amountMinor]));
  const shares = res.credits.map((c) => {
    const payout = payouts.get(c.orgId);
    return `<li>${html(c.orgName)}${c.internal ? " (us)" : ""}: ${formatBp(c.creditBp)} credit${payout !== undefined ? ` · ${money(payout)} from the pool` : ""}</li>`;
  });
  const pool = res.pool
    ? `<p>Partner pool: ${money(res.pool.amountMinor)} (${formatBp(res.pool.rateBp)} ${res.pool.rateKind} rate on ${money(res.amountMinor)}).</p>`
    : "<p>No partner pool on this deal.</p>";
  return [
    `<p><strong>cosell attribution · ${formatDealRef(r.dealRef)} · ${html(r.dealTitle)}</strong></p>`,
    `<p>Model: ${html(MODEL_LABELS[res.model])} (${html(res.modelReason)}). Deal amount ${money(res.amountMinor)}.</p>`,
    `<ul>${shares.join("")}</ul>`,
    pool,
    `<p>Receipt with the math: the deal card's thread in Slack, or <code>/cosell attribution ${formatDealRef(r.dealRef)}</code> (record #${r.seq}).</p>`,
    `<p style="color:#999">${noteMarker(r.recordId)}</p>`,
  ].join("");
}

export const renderCrmAttributionNote: IntentRenderer<"crm.attributionNote"> = async ({ db }, intent) => {
  const receipt = await loadReceipt(db, intent.recordId);
  return {
    kind: "crm",
    provider: intent.provider,
    note: { objectId: intent.objectId, marker: noteMarker(intent.recordId), html: renderAttributionNote(receipt) },
  };
};
