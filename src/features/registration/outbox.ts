import { post, type IntentRenderer } from "../../platform/outbox/renderers";
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
