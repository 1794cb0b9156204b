import type { WebClient } from "@slack/web-api";
import type { AppDeps } from "../../platform/deps";
import { decideDealAction, type Actor, type DealAction } from "../../kernel/access";
import { formatDealRef } from "../../kernel/registration";
import { AccessDenied, assertAllowed, NotFound } from "../../platform/errors";
import { loadDealView, type DealView } from "./deal-view";
import { resolveActor, type Who } from "../../platform/slack/identity";

/**
 * Every deal action starts here: who is this, which deal (from a ref, a button value or
 * private_metadata — never trusted), and may they? Throws the person's message otherwise.
 */
export async function authorizeDeal(
  deps: AppDeps,
  client: WebClient,
  who: Who,
  deal: { id: string } | { ref: number },
  action: DealAction,
  blockId?: string,
): Promise<{ actor: Actor; deal: DealView }> {
  const actor = await resolveActor(deps, client, who);
  // Strangers learn nothing about deals, not even whether one exists.
  if (actor.kind === "stranger") assertAllowed(decideDealAction(actor, action, []), blockId);
  const refOnly = "ref" in deal ? deal.ref : null;
  // A partner's person gets one answer for "no such deal" and "not yours", so refs can't be counted.
  const hide = (err: unknown) => (actor.kind === "partner" && refOnly !== null ? notVisible(refOnly, blockId) : err);
  const view = await loadDealView(deps.db.prisma, "id" in deal ? { id: String(deal.id) } : deal, deps.clock.now()).catch((err: unknown) => {
    throw err instanceof NotFound ? hide(err) : err;
  });
  const canSee = decideDealAction(actor, "deal.view", view.pairing.orgIds);
  if (!canSee.allowed) throw hide(new AccessDenied(canSee.message, blockId));
  assertAllowed(decideDealAction(actor, action, view.pairing.orgIds), blockId);
  return { actor, deal: view };
}

/** The same words whether the deal does not exist or belongs to other pairings. */
function notVisible(ref: number, blockId?: string): NotFound {
  return new NotFound(`There is no deal ${formatDealRef(ref)} among your organization's co-sell deals.`, blockId);
}
