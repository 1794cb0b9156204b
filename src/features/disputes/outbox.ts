import type { Tx } from "../../platform/db/client";
import { post, type Delivery, type IntentRenderer } from "../../platform/outbox/renderers";
import type { AttributionResult } from "../attribution/engine";
import { renderDisputeAdminDm, renderDisputeAnsweredNote, renderDisputeOpenedNote } from "./render";

// The disputes' Slack posts, rendered from the database when their outbox rows are delivered.

const gone: Delivery = { kind: "skip", reason: "the dispute no longer exists" };

function loadDispute(db: Tx, disputeId: string) {
  return db.dispute.findUnique({
    where: { id: disputeId },
    include: { deal: { select: { ref: true, title: true } }, org: { select: { name: true } }, record: { select: { seq: true, result: true } } },
  });
}

/** A new dispute, by DM to one admin: who disputes what and why, with Resolve / Reject. */
export const renderDisputeAdminDmIntent: IntentRenderer<"dispute.adminDm"> = async ({ db }, { disputeId, admin }) => {
  const d = await loadDispute(db, disputeId);
  if (!d) return gone;
  const credits = (d.record.result as unknown as AttributionResult).credits.map((c) => ({ orgName: c.orgName, creditBp: c.creditBp }));
  const dm = renderDisputeAdminDm({
    disputeId: d.id,
    dealRef: d.deal.ref,
    dealTitle: d.deal.title,
    seq: d.record.seq,
    orgName: d.org.name,
    raisedBy: d.raisedBy,
    reason: d.reason,
    createdAt: d.createdAt,
    credits,
  });
  return post({ channel: admin, text: dm.text, blocks: dm.blocks, unfurl_links: false });
};

/** A new dispute, in the deal's thread: the organization and the record, never the reason. */
export const renderDisputeOpened: IntentRenderer<"dispute.opened"> = async ({ db }, { disputeId }) => {
  const d = await loadDispute(db, disputeId);
  if (!d) return gone;
  const note = renderDisputeOpenedNote({ orgName: d.org.name, dealRef: d.deal.ref, seq: d.record.seq });
  return post({ threadOfDealId: d.dealId, text: note.text, unfurl_links: false });
};

/** An answered dispute, in the deal's thread: the admin's note for the organization. */
export const renderDisputeAnswered: IntentRenderer<"dispute.answered"> = async ({ db }, { disputeId }) => {
  const d = await loadDispute(db, disputeId);
  if (!d) return gone;
  if (d.status === "OPEN") return { kind: "skip", reason: "the dispute is not answered" };
  const note = renderDisputeAnsweredNote({ orgName: d.org.name, dealRef: d.deal.ref, raisedBy: d.raisedBy, outcome: d.status, note: d.resolutionNote ?? "" });
  return post({ threadOfDealId: d.dealId, text: note.text, unfurl_links: false });
};
