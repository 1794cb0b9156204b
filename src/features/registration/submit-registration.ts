import { randomUUID } from "node:crypto";
import { z } from "zod";
import { decideDealAction, type Actor, type Decision } from "../../kernel/access";
import { validateRegistration, type RegistrationField, type RegistrationDraft as TypedDraft } from "../../kernel/registration";
import { localDate } from "../../kernel/sla-clock";
import type { Clock } from "../../platform/clock";
import type { Database } from "../../platform/db/client";
import { ATTRIBUTION_MODELS, CO_SELL_MODELS, ROLES, type AttributionModel, type CoSellModel } from "../attribution/engine";
import { pairingContext } from "../program/pairings";
import { programRepo } from "../../platform/repos/program-repo";
import { registerDeal } from "./register-deal";

// Registering a deal, the one use case behind every way in (the Slack modal, the CLI, the
// playground, a CRM webhook). No Slack here: adapters parse their input into a draft, call
// this, and render the result.

/**
 * A registration as entered: the form's fields as strings (nothing is trusted yet). Missing
 * fields default to empty, so they come back as field errors rather than as a parse failure.
 */
export const registrationDraftSchema = z.object({
  accountName: z.string().default(""),
  /** a domain or a URL: normalized by validation */
  accountDomain: z.string().default(""),
  title: z.string().default(""),
  /** as typed: "48,000", "48k" */
  amount: z.string().default(""),
  currency: z.string().default(""),
  /** YYYY-MM-DD; validation checks it is a real calendar date */
  expectedCloseDate: z.string().nullable().default(null),
  coSellModel: z.string().nullable().default(null),
  explicitModel: z.string().nullable().default(null),
  pairingId: z.string().nullable().default(null),
  /** organization ids per role */
  roles: z.partialRecord(z.enum(ROLES), z.array(z.string())).default({}),
  relationshipOwnerUserId: z.string().nullable().default(null),
  postSaleOwnerOrgId: z.string().nullable().default(null),
  notes: z.string().default(""),
  /** "Has anyone met the customer about this yet?": NONE | FIRST_MEETING | LATE_STAGE (absent: No) */
  customerMet: z.string().nullable().default(null),
  /** the stage the deal is at now (absent: Registered); CLOSED_WON is an admin's claim after close */
  currentStage: z.string().nullable().default(null),
  /**
   * The open deal the person was shown as a conflict and chose to register against anyway.
   * It flags the conflict only if it is still that deal; another one is shown as a new conflict.
   */
  acknowledgedConflictDealId: z.string().nullable().default(null),
});
export type RegistrationDraft = z.infer<typeof registrationDraftSchema>;

export interface RegistrationDeps {
  db: Pick<Database, "prisma">;
  clock: Clock;
  /** program admins (COSELL_ADMINS): told about a registration flagged as a conflict */
  admins: readonly string[];
}

export interface SubmitRegistrationOptions {
  /**
   * One deal per key, ever: a retry or a double click with the same key answers with the deal
   * registered first (`created: false`). Slack passes the modal's view id. Default: a new key.
   */
  idempotencyKey?: string;
}

/**
 * What holds the account, for display. `detail` is only for our own people: a partner's person
 * learns nothing beyond "this account is already protected in the program".
 */
export interface ConflictingRegistration {
  /** the deal (or house account) the person acknowledges by registering anyway */
  dealId: string;
  kind: "deal" | "house";
  detail:
    | { kind: "deal"; ref: number; registeredBy: string; registeredAt: Date; partners: string[] }
    | { kind: "house"; ownerUserId: string; registeredAt: Date; title: string }
    | null;
}

export type DeniedMessage = Extract<Decision, { allowed: false }>["message"];

/**
 * `registered`: the deal exists (`created: false` for a repeated idempotency key);
 * `conflictWith` is the ref it is flagged against; `channelId` is its pairing's channel.
 * `conflict`: an open deal on the account has other partners and the draft does not acknowledge
 * it. `fieldErrors`: keyed by domain field name. `denied`: the actor may not register this.
 * Nothing is written unless the result is `registered`.
 */
export type SubmitRegistrationResult =
  | {
      kind: "registered";
      dealId: string;
      ref: number;
      created: boolean;
      conflictWith?: number;
      channelId: string;
      title: string;
      accountName: string;
      status: "SUBMITTED" | "APPROVED" | "REJECTED" | "RETURNED" | "EXPIRED";
    }
  | { kind: "conflict"; conflict: ConflictingRegistration }
  | { kind: "fieldErrors"; errors: Partial<Record<RegistrationField, string>> }
  | { kind: "denied"; message: DeniedMessage };

const NO_OWN_ORGANIZATION = 'Set up our own organization first: an admin runs `/cosell org "Our Company"`.';

/**
 * Authorizes (the pairing named in the draft must be one the actor may use), validates, then
 * checks for a conflicting registration and writes the deal in one transaction serialized per
 * account domain (registerDeal): participants and roles, the first stage entry, the snapshot
 * of the attribution config, the card post and the admins' conflict notes (outbox), the
 * conflict's audit event.
 */
export async function submitRegistration(
  deps: RegistrationDeps,
  actor: Actor,
  draft: RegistrationDraft,
  opts: SubmitRegistrationOptions = {},
): Promise<SubmitRegistrationResult> {
  const pairing = draft.pairingId ? await pairingContext(deps.db.prisma, { id: draft.pairingId }) : null;
  const decision = decideDealAction(actor, "deal.register", pairing?.orgs.map((o) => o.id) ?? []);
  if (!decision.allowed) return { kind: "denied", message: decision.message };

  const now = deps.clock.now();
  const isAdmin = deps.admins.includes(actor.userId);
  const result = validateRegistration({ ...typed(draft), isAdmin }, { pairing, today: localDate(now, (await programRepo(deps.db.prisma).get()).timezone) });
  if (!result.ok) return { kind: "fieldErrors", errors: result.errors };
  const registeredByOrgId = actor.kind === "stranger" ? null : actor.orgId;
  if (!registeredByOrgId) return { kind: "denied", message: NO_OWN_ORGANIZATION };

  const reg = await registerDeal(deps.db.prisma, {
    reg: result.value,
    registeredBy: actor.userId,
    registeredByOrgId,
    key: opts.idempotencyKey ?? `submit:${randomUUID()}`,
    acknowledgedConflictWithDealId: draft.acknowledgedConflictDealId,
    admins: deps.admins,
    now,
  });
  if (reg.kind === "conflict") {
    const c = reg.conflict;
    const detail: ConflictingRegistration["detail"] =
      actor.kind !== "internal"
        ? null
        : c.kind === "deal"
          ? { kind: "deal", ref: c.ref, registeredBy: c.registeredBy, registeredAt: c.registeredAt, partners: c.partnerNames }
          : { kind: "house", ownerUserId: c.ownerUserId, registeredAt: c.registeredAt, title: c.title };
    return { kind: "conflict", conflict: { dealId: c.id, kind: c.kind, detail } };
  }
  // A valid registration names a pairing that exists (validation checked it).
  return { ...reg, channelId: pairing!.channelId, title: result.value.title, accountName: result.value.accountName };
}

/** The draft with its choices narrowed to the known models: anything else is "not picked". */
function typed(d: RegistrationDraft): TypedDraft {
  const { acknowledgedConflictDealId: _, ...fields } = d;
  return {
    ...fields,
    coSellModel: oneOf(CO_SELL_MODELS, d.coSellModel),
    explicitModel: oneOf(ATTRIBUTION_MODELS, d.explicitModel),
  };
}

function oneOf<T extends CoSellModel | AttributionModel>(known: readonly T[], value: string | null): T | null {
  return (known as readonly string[]).includes(value ?? "") ? (value as T) : null;
}
