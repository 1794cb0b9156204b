import { post, type Delivery, type IntentRenderer } from "../../platform/outbox/renderers";
import { readAttributionResult } from "../attribution/result-schema";
import { disputeById } from "./disputes";
import { renderDisputeAdminDm, renderDisputeAnsweredNote, renderDisputeOpenedNote } from "./render";

// The disputes' Slack posts, rendered from the database when their outbox rows are delivered.

const gone: Delivery = { kind: "skip", reason: "the dispute no longer exists" };

/** A new dispute, by DM to one admin: who disputes what and why, with Resolve / Reject. */
export const renderDisputeAdminDmIntent: IntentRenderer<"dispute.adminDm"> = async ({ db }, { disputeId, admin }) => {
  const d = await disputeById(db, disputeId);
  if (!d) return gone;
  const record = await db.attributionRecord.findUniqueOrThrow({ where: { id: d.recordId }, select: { result: true } });
  const credits = readAttributionResult(record.result).credits.map((c) => ({ orgName: c.orgName, creditBp: c.creditBp }));
  const dm = renderDisputeAdminDm({ ...d, disputeId: d.id, credits });
  return post({ channel: admin, text: dm.text, blocks: dm.blocks, unfurl_links: false });
};

/** A new dispute, in the deal's thread: the organization and the record, never the reason. */
export const renderDisputeOpened: IntentRenderer<"dispute.opened"> = async ({ db }, { disputeId }) => {
  const d = await disputeById(db, disputeId);
  if (!d) return gone;
  const note = renderDisputeOpenedNote(d);
  return post({ threadOfDealId: d.dealId, text: note.text, unfurl_links: false });
};

/** An answered dispute, in the deal's thread: the admin's note for the organization. */
export const renderDisputeAnswered: IntentRenderer<"dispute.answered"> = async ({ db }, { disputeId }) => {
  const d = await disputeById(db, disputeId);
  if (!d) return gone;
  if (d.status === "OPEN") return { kind: "skip", reason: "the dispute is not answered" };
  const note = renderDisputeAnsweredNote({ ...d, outcome: d.status, note: d.resolutionNote ?? "" });
  return post({ threadOfDealId: d.dealId, text: note.text, unfurl_links: false });
};
