import { decideDealAction, type Actor, type Decision } from "../../kernel/access";
import type { Tx } from "../../platform/db/client";
import { pairingContext, visiblePairings } from "../program/pairings";
import { programCurrency } from "../attribution/config";
import type { DeniedMessage, RegistrationDeps, RegistrationDraft } from "./submit-registration";

// What the registration form offers a person: the pairings they may register in, the
// organizations for each role and the values to start from. No Slack here: the modal is
// rendered from this by the adapter.

/** Values the form starts from: a draft, or part of one. */
type RegistrationFormValues = Partial<Omit<RegistrationDraft, "acknowledgedConflictDealId">>;

export interface RegistrationForm {
  /** the pairings the actor may register deals in */
  pairings: { id: string; name: string }[];
  /** the organizations offered for each role: the selected pairing's, or those of every pairing offered */
  orgs: { id: string; name: string; internal: boolean }[];
  initial: RegistrationFormValues;
  /** a program admin may record a deal that already closed ("claimed after close") */
  canClaimAfterClose?: boolean;
}

export interface PrepareRegistrationFormRequest {
  /** the channel the form is opened from: its pairing is preselected */
  channelId?: string | undefined;
  /** the pairing to preselect (when the actor may use it) */
  pairingId?: string | null | undefined;
  /** values over the defaults: what was typed so far, or an account's name and domain */
  prefill?: RegistrationFormValues;
  /** opened from a pairing's own panel: only that pairing's people may use it */
  channelPairingOnly?: boolean;
}

export type PrepareRegistrationFormResult =
  | { kind: "form"; form: RegistrationForm }
  | { kind: "denied"; message: DeniedMessage }
  /** nothing to register in yet (no pairing the actor belongs to) */
  | { kind: "unavailable"; message: string };

export async function prepareRegistrationForm(
  deps: Pick<RegistrationDeps, "db"> & { admins?: readonly string[] },
  actor: Actor,
  req: PrepareRegistrationFormRequest = {},
): Promise<PrepareRegistrationFormResult> {
  const decision = await mayOpen(deps.db.prisma, actor, req);
  if (!decision.allowed) return { kind: "denied", message: decision.message };
  const pairings = await visiblePairings(deps.db.prisma, actor);
  if (pairings.length === 0) return { kind: "unavailable", message: noPairingMessage(actor) };

  const byChannel = req.channelId ? pairings.find((p) => p.channelId === req.channelId) : undefined;
  const selected = pairings.find((p) => p.id === req.pairingId) ?? byChannel ?? (pairings.length === 1 ? pairings[0] : undefined);
  const orgs = selected ? selected.orgs : [...new Map(pairings.flatMap((p) => p.orgs).map((o) => [o.id, o])).values()];
  const currency = await programCurrency(deps.db.prisma);
  return {
    kind: "form",
    form: {
      pairings: pairings.map((p) => ({ id: p.id, name: p.name })),
      orgs,
      initial: { currency, ...(selected ? { pairingId: selected.id, coSellModel: selected.defaultModel } : {}), ...req.prefill },
      canClaimAfterClose: deps.admins?.includes(actor.userId) ?? false,
    },
  };
}

async function mayOpen(db: Tx, actor: Actor, req: PrepareRegistrationFormRequest): Promise<Decision> {
  const channelPairing = req.channelPairingOnly && req.channelId ? await pairingContext(db, { channelId: req.channelId }) : null;
  if (channelPairing) {
    const decision = decideDealAction(
      actor,
      "deal.register",
      channelPairing.orgs.map((o) => o.id),
    );
    if (!decision.allowed) return decision;
  }
  // Strangers see no pairings: say why rather than "no pairings yet".
  return actor.kind === "stranger" ? decideDealAction(actor, "deal.register", []) : { allowed: true };
}

function noPairingMessage(actor: Actor): string {
  return actor.kind === "internal"
    ? 'There are no partner pairings yet. A program admin sets one up first: `/cosell pairing add #channel "Name" "Partner A" "Partner B"`.'
    : "Your organization isn't in a co-sell pairing yet. Ask the partner manager you work with to add it.";
}
