import { ROLES, type AttributionModel, type CoSellModel, type Role } from "./vocabulary";
import { parseCalendarDate } from "./calendar-date";
import { normalizeDomain } from "./domain-name";
import { parseAmount } from "./money";
import { checkText } from "./text-input";
import { TIMING_ANSWERS, type TimingAnswer } from "./incentives";
import type { Stage } from "./stages";

// Validation of a deal registration. Pure: the Slack layer maps the field names to the
// modal's block_ids; nothing is written unless this says ok.

export const LIMITS = {
  accountName: 120,
  title: 120, // the card header is "CS-123 · <title>" within Slack's 150
  notes: 2000,
} as const;

export const CURRENCIES = ["USD", "EUR", "GBP", "CAD", "AUD", "CHF", "JPY", "SEK", "NOK", "DKK", "INR", "SGD", "BRL"] as const;

export interface RegistrationDraft {
  accountName: string;
  accountDomain: string;
  title: string;
  amount: string;
  currency: string;
  expectedCloseDate: string | null; // YYYY-MM-DD
  coSellModel: CoSellModel | null;
  explicitModel: AttributionModel | null;
  pairingId: string | null;
  /** organization ids per role, as picked */
  roles: Partial<Record<Role, string[]>>;
  relationshipOwnerUserId: string | null;
  postSaleOwnerOrgId: string | null;
  notes: string;
  /** "Has anyone met the customer about this yet?" (null: not asked, e.g. an older client → No) */
  customerMet?: string | null;
  /** the stage the deal is at now (null → Registered) */
  currentStage?: string | null;
  /** may record a deal that already closed ("claimed after close") */
  isAdmin?: boolean;
}

export interface PairingContext {
  id: string;
  name: string;
  orgs: { id: string; name: string; internal: boolean }[];
}

export type RegistrationField =
  | "accountName"
  | "accountDomain"
  | "title"
  | "amount"
  | "currency"
  | "expectedCloseDate"
  | "coSellModel"
  | "pairing"
  | "relationshipOwner"
  | "postSaleOwner"
  | "notes"
  | "customerMet"
  | "currentStage"
  | `role:${Role}`;

export interface ValidRegistration {
  accountName: string;
  accountDomain: string;
  title: string;
  amountMinor: number;
  currency: string;
  expectedCloseDate: string;
  coSellModel: CoSellModel;
  explicitModel: AttributionModel | null;
  pairingId: string;
  participants: { orgId: string; roles: Role[] }[];
  relationshipOwnerUserId: string | null;
  postSaleOwnerOrgId: string | null;
  notes: string | null;
  /** absent (a caller from before incentives): No */
  timingDeclared?: TimingAnswer;
  /** the deal starts here; CLOSED_WON = claimed after close (admins). Absent: Registered */
  stageAtRegistration?: Stage;
}

/** Stages a registrant may state; Closed won is an admin's "claimed after close". */
export const REGISTRATION_STAGES: readonly Stage[] = ["REGISTERED", "DISCOVERY", "TECHNICAL_VALIDATION", "PROPOSAL", "NEGOTIATION", "CLOSED_WON"];

export type RegistrationResult = { ok: true; value: ValidRegistration } | { ok: false; errors: Partial<Record<RegistrationField, string>> };

/** Roles a co-sell model cannot do without. */
const REQUIRED_ROLE: Record<CoSellModel, Role> = {
  SELL_WITH: "SELLING",
  SELL_THROUGH: "SELLING",
  SELL_TO: "SOURCING",
};

export function validateRegistration(d: RegistrationDraft, ctx: { pairing: PairingContext | null; today: string }): RegistrationResult {
  const errors: Partial<Record<RegistrationField, string>> = {};
  const text = (field: RegistrationField, value: string, label: string, max: number, kind: { name?: boolean; multiline?: boolean }, required = true) => {
    const v = value.trim();
    const chars = checkText(value, { field: label, ...kind });
    if (!chars.ok) errors[field] = chars.message;
    else if (required && v === "") errors[field] = `${label} is required.`;
    else if (v.length > max) errors[field] = `${label} is ${v.length} characters; keep it to ${max}.`;
    return v;
  };
  const accountName = text("accountName", d.accountName, "Account name", LIMITS.accountName, { name: true });
  const title = text("title", d.title, "Deal title", LIMITS.title, { name: true });
  const notes = text("notes", d.notes, "Notes", LIMITS.notes, { multiline: true }, false);

  let accountDomain = "";
  if (d.accountDomain.trim() === "")
    errors.accountDomain = "The account's web domain is required (e.g. acme.com); it is how duplicate registrations are found.";
  else {
    const n = normalizeDomain(d.accountDomain);
    if (n.ok) accountDomain = n.domain;
    else errors.accountDomain = n.reason;
  }

  const currency = d.currency.trim().toUpperCase();
  if (!(CURRENCIES as readonly string[]).includes(currency)) errors.currency = `Pick a currency from the list (got "${d.currency}").`;
  let amountMinor = 0;
  if (!errors.currency) {
    const a = parseAmount(d.amount, currency);
    if (a.ok) amountMinor = a.minor;
    else errors.amount = a.reason;
  }

  let expectedCloseDate = "";
  if (!d.expectedCloseDate || d.expectedCloseDate.trim() === "") errors.expectedCloseDate = "Pick the expected close date.";
  else {
    // No lower bound here: a close date before today is refused as "in the past" just below.
    const c = parseCalendarDate(d.expectedCloseDate, { today: ctx.today, label: "the expected close date", yearsBack: null });
    if (!c.ok) errors.expectedCloseDate = c.message;
    else if (c.date < ctx.today) errors.expectedCloseDate = `The expected close date ${c.date} is in the past (today is ${ctx.today}).`;
    else expectedCloseDate = c.date;
  }

  if (!d.coSellModel) errors.coSellModel = "Pick the co-sell model: sell-with, sell-through or sell-to.";

  const pairing = ctx.pairing;
  if (!d.pairingId || !pairing || pairing.id !== d.pairingId) errors.pairing = "Pick the partner pairing this deal belongs to.";

  let participants: { orgId: string; roles: Role[] }[] = [];
  if (pairing) {
    const roles = validateRoleAssignment({ roles: d.roles, pairing, coSellModel: d.coSellModel, postSaleOwnerOrgId: d.postSaleOwnerOrgId });
    Object.assign(errors, roles.errors);
    participants = roles.participants;
  }

  const timingDeclared = (TIMING_ANSWERS as readonly string[]).includes(d.customerMet ?? "") ? (d.customerMet as TimingAnswer) : "NONE";
  if (d.customerMet != null && !(TIMING_ANSWERS as readonly string[]).includes(d.customerMet)) {
    errors.customerMet = "Pick an answer: No, A first meeting happened, or Already in late-stage evaluation.";
  }
  const stageAtRegistration = (d.currentStage ?? "REGISTERED") as Stage;
  if (!REGISTRATION_STAGES.includes(stageAtRegistration)) errors.currentStage = "Pick the stage the deal is at now.";
  else if (stageAtRegistration === "CLOSED_WON" && !d.isAdmin) {
    errors.currentStage = "Only a program admin records a deal that already closed (it pays the not-registered rate). Pick the stage it is at now.";
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      accountName,
      accountDomain,
      title,
      amountMinor,
      currency,
      expectedCloseDate,
      coSellModel: d.coSellModel!,
      explicitModel: d.explicitModel,
      pairingId: pairing!.id,
      participants,
      relationshipOwnerUserId: d.relationshipOwnerUserId,
      postSaleOwnerOrgId: d.postSaleOwnerOrgId,
      notes: notes === "" ? null : notes,
      timingDeclared,
      stageAtRegistration,
    },
  };
}

export type RoleField = `role:${Role}` | "postSaleOwner";

/**
 * Who holds which role: every picked organization must be in the pairing, the co-sell model's
 * key role must be held, at least one partner must hold a role, and the post-sale owner must
 * be on the deal. Shared by registration and role editing.
 */
export function validateRoleAssignment(a: {
  roles: Partial<Record<Role, string[]>>;
  pairing: PairingContext;
  coSellModel: CoSellModel | null;
  postSaleOwnerOrgId: string | null;
}): { participants: { orgId: string; roles: Role[] }[]; errors: Partial<Record<RoleField, string>> } {
  const errors: Partial<Record<RoleField, string>> = {};
  const byOrg = new Map<string, Role[]>();
  for (const role of ROLES) {
    for (const orgId of new Set(a.roles[role] ?? [])) {
      if (!a.pairing.orgs.some((o) => o.id === orgId)) {
        errors[`role:${role}`] = `That organization is not in the pairing ${a.pairing.name}. Pick from: ${a.pairing.orgs.map((o) => o.name).join(", ")}.`;
        continue;
      }
      byOrg.set(orgId, [...(byOrg.get(orgId) ?? []), role]);
    }
  }
  if (a.coSellModel) {
    const needed = REQUIRED_ROLE[a.coSellModel];
    if ((a.roles[needed] ?? []).length === 0 && !errors[`role:${needed}`]) {
      errors[`role:${needed}`] = `A ${modelWord(a.coSellModel)} deal needs an organization in ${roleWord(needed)}.`;
    }
    const partnerOnDeal = [...byOrg.keys()].some((id) => a.pairing.orgs.some((o) => o.id === id && !o.internal));
    if (!partnerOnDeal && !errors["role:SELLING"] && !errors["role:SOURCING"]) {
      errors[`role:${needed}`] = "A co-sell deal needs at least one partner organization in a role.";
    }
  }
  if (a.postSaleOwnerOrgId && !byOrg.has(a.postSaleOwnerOrgId)) {
    errors.postSaleOwner = "The post-sale owner must be one of the organizations on the deal (give it a role first, e.g. Implementation).";
  }
  return { participants: [...byOrg].map(([orgId, roles]) => ({ orgId, roles })), errors };
}

export function roleWord(role: Role): string {
  return { SOURCING: "Sourcing", SELLING: "Selling", TECHNICAL_VALIDATION: "Technical validation", IMPLEMENTATION: "Implementation", INFLUENCE: "Influence" }[
    role
  ];
}

export function modelWord(m: CoSellModel): string {
  return { SELL_WITH: "sell-with", SELL_THROUGH: "sell-through", SELL_TO: "sell-to" }[m];
}

/**
 * First registration wins: an open deal on the same account (normalized domain) whose set of
 * partner organizations differs from the new one is a conflict. The same set of partners on
 * the same account is allowed (an expansion or a second product line is a separate deal).
 */
export function findConflict<D extends { partnerOrgIds: readonly string[]; registeredAt: Date }>(
  newPartnerOrgIds: readonly string[],
  openDeals: readonly D[],
): D | null {
  const key = (ids: readonly string[]) => [...new Set(ids)].sort().join(",");
  const mine = key(newPartnerOrgIds);
  const conflicting = openDeals.filter((d) => key(d.partnerOrgIds) !== mine);
  conflicting.sort((a, b) => a.registeredAt.getTime() - b.registeredAt.getTime());
  return conflicting[0] ?? null;
}

export function formatDealRef(ref: number): string {
  return `CS-${ref}`;
}

/** Accepts "CS-12", "cs12", "#12", "12". */
export function parseDealRef(text: string): number | null {
  const m = text.trim().match(/^(?:cs-?|#)?(\d{1,9})$/i);
  return m ? Number(m[1]) : null;
}
