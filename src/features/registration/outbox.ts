import { post, type Delivery, type IntentRenderer } from "../../platform/outbox/renderers";
import { renderExpiredPost, renderExtensionRequest, renderNotice, renderReviewDm } from "./review-render";
import { loadReviewView } from "./review-view";
import { renderConflictDm } from "./render";

/** A registration conflict, by DM to one admin. */
export const renderRegistrationConflict: IntentRenderer<"registration.conflict"> = async ({ db }, { dealId, conflictWithDealId, admin }) => {
  const select = { ref: true, registeredBy: true, accountName: true, accountDomain: true } as const;
  const [deal, other] = await Promise.all([
    db.deal.findUnique({ where: { id: dealId }, select }),
    db.deal.findUnique({ where: { id: conflictWithDealId }, select: { ref: true } }),
  ]);
  if (!deal || !other) return { kind: "skip", reason: "the deal no longer exists" };
  const dm = renderConflictDm({
    registeredBy: deal.registeredBy,
    ref: deal.ref,
    accountName: deal.accountName,
    accountDomain: deal.accountDomain,
    conflictRef: other.ref,
  });
  return post({ channel: admin, text: dm.text });
};

// The registration lifecycle's posts (review.ts, lifecycle-sweep.ts, register-deal.ts), rendered
// from the database when delivered, so a DM says what is true when it is sent.

const noDeal: Delivery = { kind: "skip", reason: "the deal no longer exists" };

/** A review DM to one admin; its ts is kept so a decision updates it in place. */
export const renderReviewIntent: IntentRenderer<"registration.review"> = async ({ db, now }, { dealId, admin }) => {
  const v = await loadReviewView(db, dealId, now);
  if (!v) return noDeal;
  const dm = renderReviewDm(v);
  return post({ channel: admin, text: dm.text, blocks: dm.blocks, unfurl_links: false }, async (posted) => {
    await db.registrationReviewMessage.upsert({
      where: { dealId_admin: { dealId, admin } },
      create: { dealId, admin, round: v.reviewRound, channel: posted.channel, ts: posted.ts },
      update: { round: v.reviewRound, channel: posted.channel, ts: posted.ts },
    });
  });
};

/** A decided registration: the admin's review DM, updated in place. */
export const renderReviewUpdateIntent: IntentRenderer<"registration.reviewUpdate"> = async ({ db, now }, { dealId, admin }) => {
  const [v, dm] = await Promise.all([loadReviewView(db, dealId, now), db.registrationReviewMessage.findUnique({ where: { dealId_admin: { dealId, admin } } })]);
  if (!v) return noDeal;
  // Not posted: the DM, when it goes out, renders the decision itself.
  if (!dm) return { kind: "skip", reason: "the review DM was not posted" };
  const m = renderReviewDm(v);
  return { kind: "update", message: { channel: dm.channel, ts: dm.ts, text: m.text, blocks: m.blocks } };
};

export const renderRegistrationNoticeIntent: IntentRenderer<"registration.notice"> = async ({ db, now }, { dealId, to, event }) => {
  const v = await loadReviewView(db, dealId, now);
  if (!v) return noDeal;
  if (event === "review-reminder" && v.status !== "SUBMITTED") return { kind: "skip", reason: "the registration was decided" };
  const m = renderNotice(v, event, now);
  return post({ channel: to, text: m.text, blocks: m.blocks, unfurl_links: false });
};

export const renderRegistrationExpiredIntent: IntentRenderer<"registration.expired"> = async ({ db, now }, { dealId }) => {
  const v = await loadReviewView(db, dealId, now);
  if (!v) return noDeal;
  return post({ channel: v.channelId, text: renderExpiredPost(v).text, unfurl_links: false });
};

export const renderExtensionRequestIntent: IntentRenderer<"registration.extensionRequest"> = async ({ db, now }, { dealId, admin }) => {
  const v = await loadReviewView(db, dealId, now);
  if (!v) return noDeal;
  if (!v.extensionRequestedBy) return { kind: "skip", reason: "the extension request was decided" };
  const m = renderExtensionRequest(v);
  return post({ channel: admin, text: m.text, blocks: m.blocks, unfurl_links: false });
};
