import type { WebClient } from "@slack/web-api";
import type { AppDeps } from "../../deps";
import { decideDealAction, type Actor, type DealAction } from "../../domain/access";
import { assertAllowed } from "../../errors";
import { loadDealView, type DealView } from "../../store/deal-view";
import { resolveActor, type Who } from "../identity";

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
  const view = await loadDealView(deps.db.prisma, "id" in deal ? { id: String(deal.id) } : deal);
  assertAllowed(decideDealAction(actor, action, view.pairing.orgIds), blockId);
  return { actor, deal: view };
}
