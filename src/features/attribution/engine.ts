// The attribution engine: who gets how much credit for a closed deal, and how the
// partner commission pool follows that credit. Pure: no I/O, no clock.
//
// Credit is kept in integer basis points (10000 bp = 100%). Each model turns the
// deal into exact integer weights per organization and then makes ONE
// largest-remainder split of 10000 bp, so nothing is rounded twice and credits
// always add up to exactly 100.00%. The pool is then split over the partners'
// credits with one more largest-remainder split of its minor units.
//
// Degenerate deals never throw (a closed deal must always get a record): the engine
// falls back to an equal split over every organization on the deal and says why.
// Only programmer errors throw (no participants, negative amount, bad config…).

import { compareTieBreak, formatBp, formatMoney, largestRemainderWithDetail, type RemainderWeight } from "../../kernel/money";

// The deal vocabulary lives in the kernel; re-exported here for the engine's callers.
import {
  DEFAULT_INCENTIVES,
  TIMING_LABEL,
  upliftAmount,
  validateIncentives,
  type IncentiveConfig,
  type RateMode,
  type TimingTier,
} from "../../kernel/incentives";

export { ATTRIBUTION_MODELS, CO_SELL_MODELS, MODEL_LABELS, ROLES, TOUCHPOINT_TYPES } from "../../kernel/vocabulary";
export type { AttributionModel, CoSellModel, Role, TouchpointType } from "../../kernel/vocabulary";
import {
  ATTRIBUTION_MODELS,
  CO_SELL_MODELS,
  MODEL_LABELS,
  ROLES,
  TOUCHPOINT_TYPES,
  type AttributionModel,
  type CoSellModel,
  type Role,
  type TouchpointType,
} from "../../kernel/vocabulary";

const CO_SELL_LABELS: Record<CoSellModel, string> = {
  SELL_WITH: "sell-with",
  SELL_THROUGH: "sell-through",
  SELL_TO: "sell-to",
};

export interface AttributionConfig {
  version: number;
  /** Whole percents, sum 100. */
  rolePercents: Record<Role, number>;
  /** 60..80 */
  sellThroughPrimaryPercent: number;
  /** Non-negative integers (0..100). */
  touchpointWeights: Record<TouchpointType, number>;
  /** 2000 = 20% */
  soloPoolRateBp: number;
  /** 2750 = 27.5% */
  coSellPoolRateBp: number;
  /** Program default currency. */
  currency: string;
  /** Rate mode, timing ladder, co-sell bonus, partner tiers (README "Incentives"). */
  incentives: IncentiveConfig;
}

export const DEFAULT_ATTRIBUTION_CONFIG: AttributionConfig = Object.freeze({
  version: 1,
  rolePercents: Object.freeze({
    SOURCING: 20,
    SELLING: 40,
    TECHNICAL_VALIDATION: 25,
    INFLUENCE: 15,
    IMPLEMENTATION: 0,
  }),
  sellThroughPrimaryPercent: 70,
  touchpointWeights: Object.freeze({
    MEETING: 1,
    DEMO: 1,
    EMAIL: 1,
    PROPOSAL_REVIEW: 1,
    INTRO: 1,
    INTEGRATION_MENTION: 1,
    EXEC_ALIGNMENT: 1,
    POC: 1,
    OTHER: 1,
  }),
  soloPoolRateBp: 2000,
  coSellPoolRateBp: 2750,
  currency: "USD",
  incentives: DEFAULT_INCENTIVES,
}) as AttributionConfig;

export interface AttributionParticipant {
  orgId: string;
  orgName: string;
  internal: boolean;
  roles: Role[];
}

export interface AttributionInput {
  amountMinor: number;
  currency: string;
  coSellModel: CoSellModel;
  explicitModel?: AttributionModel | null;
  participants: AttributionParticipant[];
  /** Aggregated per org and type (several rows for one org and type are added up). */
  touchpoints: { orgId: string; type: TouchpointType; count: number }[];
  /** What the incentive rules need (absent: as before incentives, fixed rates, no uplifts). */
  incentive?: IncentiveInput;
}

interface IncentiveInput {
  /** frozen at registration; null for deals registered before incentives */
  timingTier: TimingTier | null;
  timingReason: string | null;
  /** the registration's status at win: anything but APPROVED pays the "not registered" rate */
  registrationStatus: string;
  /** per-partner uplifts in force at win (co-sell bonus uplift, tier perk), each its own line */
  uplifts: { orgId: string; bp: number; label: string }[];
}

interface UpliftLine {
  orgId: string;
  orgName: string;
  label: string;
  bp: number;
  amountMinor: number;
}

interface OrgCredit {
  orgId: string;
  orgName: string;
  internal: boolean;
  roles: Role[];
  creditBp: number;
  weightedTouchpoints: number;
}

interface Payout {
  orgId: string;
  orgName: string;
  amountMinor: number;
}

export interface AttributionResult {
  model: AttributionModel;
  modelReason: string;
  configVersion: number;
  amountMinor: number;
  currency: string;
  /** Every participant, sorted by creditBp desc then name. */
  credits: OrgCredit[];
  pool: {
    rateBp: number;
    rateKind: "solo" | "co-sell";
    amountMinor: number;
    /** absent on records from before incentives (= FIXED) */
    mode?: RateMode;
    timingTier?: TimingTier;
    timingReason?: string;
  } | null;
  /** Partner orgs with credit > 0 only, in the same order as credits. */
  payouts: Payout[];
  /** Uplift lines, separate from the pool (absent on records from before incentives). */
  uplifts?: UpliftLine[];
  /** Human-readable math. */
  steps: string[];
}

// ---------------------------------------------------------------------------
// Config validation

export type ConfigValidation = { ok: true; config: AttributionConfig } | { ok: false; errors: { field: string; message: string }[] };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isIntIn(v: unknown, min: number, max: number): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
}

function show(v: unknown): string {
  if (v === undefined) return "nothing";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean" || v === null) return String(v);
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return typeof v;
  }
}

/**
 * Checks a program's attribution config (e.g. as stored or as edited by an admin)
 * and returns a clean copy, or every problem found with a message a person can act on.
 */
export function validateAttributionConfig(input: unknown): ConfigValidation {
  const errors: { field: string; message: string }[] = [];
  if (!isRecord(input)) {
    return { ok: false, errors: [{ field: "", message: `The attribution config must be an object (got ${show(input)})` }] };
  }

  const version = input.version;
  if (!(typeof version === "number" && Number.isSafeInteger(version) && version >= 1)) {
    errors.push({ field: "version", message: `Version must be a whole number of at least 1 (got ${show(version)})` });
  }

  const rolePercents = {} as Record<Role, number>;
  const rp = input.rolePercents;
  if (!isRecord(rp)) {
    errors.push({ field: "rolePercents", message: `Role percentages are missing (got ${show(rp)})` });
  } else {
    let allValid = true;
    for (const role of ROLES) {
      const v = rp[role];
      if (isIntIn(v, 0, 100)) {
        rolePercents[role] = v;
      } else {
        allValid = false;
        errors.push({
          field: `rolePercents.${role}`,
          message:
            v === undefined ? `The percentage for ${role} is missing` : `The percentage for ${role} must be a whole number from 0 to 100 (got ${show(v)})`,
        });
      }
    }
    for (const key of Object.keys(rp)) {
      if (!(ROLES as readonly string[]).includes(key)) {
        allValid = false;
        errors.push({
          field: `rolePercents.${key}`,
          message: `"${key}" is not a role; the roles are ${ROLES.join(", ")}`,
        });
      }
    }
    if (allValid) {
      const sum = ROLES.reduce((s, r) => s + rolePercents[r], 0);
      if (sum !== 100) {
        errors.push({
          field: "rolePercents",
          message: `Role percentages add up to ${sum}, they must add up to 100`,
        });
      }
    }
  }

  const primary = input.sellThroughPrimaryPercent;
  if (!isIntIn(primary, 60, 80)) {
    errors.push({
      field: "sellThroughPrimaryPercent",
      message: `The sell-through primary share must be a whole percentage from 60 to 80 (got ${show(primary)})`,
    });
  }

  const touchpointWeights = {} as Record<TouchpointType, number>;
  const tw = input.touchpointWeights;
  if (!isRecord(tw)) {
    errors.push({ field: "touchpointWeights", message: `Touchpoint weights are missing (got ${show(tw)})` });
  } else {
    for (const type of TOUCHPOINT_TYPES) {
      const v = tw[type];
      if (isIntIn(v, 0, 100)) {
        touchpointWeights[type] = v;
      } else {
        errors.push({
          field: `touchpointWeights.${type}`,
          message:
            v === undefined
              ? `The weight for ${type} touchpoints is missing`
              : `The weight for ${type} touchpoints must be a whole number from 0 to 100 (got ${show(v)})`,
        });
      }
    }
    for (const key of Object.keys(tw)) {
      if (!(TOUCHPOINT_TYPES as readonly string[]).includes(key)) {
        errors.push({
          field: `touchpointWeights.${key}`,
          message: `"${key}" is not a touchpoint type; the types are ${TOUCHPOINT_TYPES.join(", ")}`,
        });
      }
    }
  }

  const solo = input.soloPoolRateBp;
  const soloOk = isIntIn(solo, 0, 10000);
  if (!soloOk) {
    errors.push({
      field: "soloPoolRateBp",
      message: `The solo pool rate must be a whole number of basis points from 0 to 10000 (got ${show(solo)})`,
    });
  }
  const coSell = input.coSellPoolRateBp;
  const coSellOk = isIntIn(coSell, 0, 10000);
  if (!coSellOk) {
    errors.push({
      field: "coSellPoolRateBp",
      message: `The co-sell pool rate must be a whole number of basis points from 0 to 10000 (got ${show(coSell)})`,
    });
  }
  if (soloOk && coSellOk && coSell < solo) {
    errors.push({
      field: "coSellPoolRateBp",
      message: `The co-sell pool rate (${formatBp(coSell)}) must be at least the solo pool rate (${formatBp(solo)})`,
    });
  }

  const incentives = validateIncentives(input.incentives);
  errors.push(...incentives.errors);

  const currency = input.currency;
  if (!(typeof currency === "string" && /^[A-Z]{3}$/.test(currency))) {
    errors.push({
      field: "currency",
      message: `The currency must be a 3-letter uppercase code such as USD (got ${show(currency)})`,
    });
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    config: {
      version: version as number,
      rolePercents,
      sellThroughPrimaryPercent: primary as number,
      touchpointWeights,
      soloPoolRateBp: solo as number,
      coSellPoolRateBp: coSell as number,
      currency: currency as string,
      incentives: incentives.config,
    },
  };
}

// ---------------------------------------------------------------------------
// Model choice

/** Hybrid: an explicit model chosen at registration wins; otherwise the co-sell model decides. */
export function chooseModel(coSellModel: CoSellModel, explicitModel?: AttributionModel | null): { model: AttributionModel; reason: string } {
  if (explicitModel != null) {
    if (!ATTRIBUTION_MODELS.includes(explicitModel)) {
      throw new Error(`chooseModel: unknown attribution model ${show(explicitModel)}`);
    }
    return {
      model: explicitModel,
      reason: `${MODEL_LABELS[explicitModel]} was chosen explicitly when the deal was registered.`,
    };
  }
  const byCoSell: Record<CoSellModel, AttributionModel> = {
    SELL_WITH: "ROLE_SPLIT",
    SELL_THROUGH: "SELL_THROUGH",
    SELL_TO: "SELL_TO",
  };
  const model = byCoSell[coSellModel];
  if (model === undefined) throw new Error(`chooseModel: unknown co-sell model ${show(coSellModel)}`);
  return {
    model,
    reason: `No model was chosen at registration; the deal is ${CO_SELL_LABELS[coSellModel]}, so ${MODEL_LABELS[model]} applies.`,
  };
}

// ---------------------------------------------------------------------------
// Engine

interface Org {
  orgId: string;
  orgName: string;
  internal: boolean;
  roles: Role[];
  roleSet: Set<Role>;
  /** count per type, only types with a logged row */
  touchpoints: Map<TouchpointType, number>;
  weightedTouchpoints: bigint;
}

/** Either exact weights per org (plus an explanation per org), or a reason to fall back. */
type Plan = { kind: "weights"; steps: string[]; weights: Map<string, bigint>; lines: Map<string, string> } | { kind: "fallback"; steps: string[]; why: string };

function compareOrgs(a: { orgName: string; orgId: string }, b: { orgName: string; orgId: string }): number {
  const t = compareTieBreak(a.orgName, b.orgName);
  if (t !== 0) return t;
  return a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b;
}

function names(orgs: readonly Org[]): string {
  const ns = orgs.map((o) => o.orgName);
  if (ns.length <= 1) return ns.join("");
  return `${ns.slice(0, -1).join(", ")} and ${ns[ns.length - 1]}`;
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

function touchpointDetail(org: Org, config: AttributionConfig): string {
  const terms: string[] = [];
  for (const type of TOUCHPOINT_TYPES) {
    const count = org.touchpoints.get(type);
    if (count === undefined || count === 0) continue;
    terms.push(`${count} ${type} × ${config.touchpointWeights[type]}`);
  }
  if (terms.length === 0) return `${org.orgName}: no touchpoints logged`;
  return `${org.orgName}: ${terms.join(" + ")} = ${org.weightedTouchpoints} weighted ${plural(Number(org.weightedTouchpoints), "touchpoint", "touchpoints")}`;
}

function planRoleSplit(orgs: Org[], config: AttributionConfig, considered: readonly Role[], sellTo: boolean): Plan {
  const steps: string[] = [];
  const pct = (r: Role) => config.rolePercents[r];
  if (sellTo) {
    steps.push(`Sell-to uses only ${considered.map((r) => `${r} (${pct(r)}%)`).join(" and ")} from the program's role split.`);
  }
  const holders = new Map<Role, Org[]>();
  for (const r of considered)
    holders.set(
      r,
      orgs.filter((o) => o.roleSet.has(r)),
    );
  const n = (r: Role) => holders.get(r)?.length ?? 0;

  const held = considered.filter((r) => n(r) > 0);
  const paying = held.filter((r) => pct(r) > 0);
  const heldPct = held.reduce((s, r) => s + pct(r), 0);

  if (held.length === 0) {
    return { kind: "fallback", steps, why: `nobody on the deal holds ${considered.join(" or ")}` };
  }
  const heldList = held.map((r) => `${r} (${pct(r)}%)`).join(", ");
  if (heldPct === 0) {
    return {
      kind: "fallback",
      steps,
      why: `the only ${plural(held.length, "role", "roles")} held (${heldList}) ${plural(held.length, "earns", "earn")} 0% in the program's role split`,
    };
  }

  const notHeld = considered.filter((r) => n(r) === 0 && pct(r) > 0);
  // Display only: each held role's share of 100% after redistribution.
  const roleShares = largestRemainderWithDetail(
    10000,
    paying.map((r) => ({ key: r, tieBreak: String(ROLES.indexOf(r)), weight: pct(r) })),
  ).parts;
  const roleShare = (r: Role) => formatBp(roleShares.get(r) ?? 0);
  if (!sellTo && heldPct === 100) {
    steps.push(`Roles held: ${heldList} — together 100%, nothing to redistribute.`);
  } else {
    steps.push(`Roles held: ${heldList} → redistributed over ${heldPct}%: ${paying.map((r) => `${r} ${roleShare(r)}`).join(", ")}`);
    if (notHeld.length > 0) {
      steps.push(
        `Not held by anyone: ${notHeld.map((r) => `${r} (${pct(r)}%)`).join(", ")} — ${plural(
          notHeld.length,
          "its share goes",
          "their shares go",
        )} pro rata to the roles that are held.`,
      );
    }
  }
  for (const r of paying) {
    const hs = holders.get(r) ?? [];
    if (hs.length > 1) {
      steps.push(`${r} (${roleShare(r)}) is shared equally by ${hs.length} organizations: ${names(hs)}.`);
    }
  }

  // Exact integer weights: weight_org = Σ pct_role × (L / n_role), L = lcm of the n_role.
  let L = 1n;
  for (const r of paying) L = lcm(L, BigInt(n(r)));
  const weights = new Map<string, bigint>();
  const lines = new Map<string, string>();
  for (const o of orgs) {
    let w = 0n;
    const parts: string[] = [];
    for (const r of considered) {
      if (!o.roleSet.has(r)) continue;
      if (pct(r) === 0) {
        parts.push(`${r} (0%)`);
        continue;
      }
      w += (BigInt(pct(r)) * L) / BigInt(n(r));
      parts.push(n(r) > 1 ? `${r} (1/${n(r)})` : r);
    }
    weights.set(o.orgId, w);
    lines.set(o.orgId, parts.length > 0 ? parts.join(" + ") : sellTo ? "no SOURCING or SELLING role" : "no role on the deal");
  }
  return { kind: "weights", steps, weights, lines };
}

function planSellThrough(orgs: Org[], config: AttributionConfig): Plan {
  const steps: string[] = [];
  const sellers = orgs.filter((o) => o.roleSet.has("SELLING"));
  if (sellers.length === 0) {
    return { kind: "fallback", steps, why: "nobody on the deal holds SELLING, so there is no one for the primary share" };
  }
  const supporters = orgs.filter((o) => o.roleSet.has("INFLUENCE") || o.roleSet.has("TECHNICAL_VALIDATION"));
  const weights = new Map<string, bigint>();
  const lines = new Map<string, string>();
  const nS = sellers.length;

  if (supporters.length === 0) {
    steps.push(
      `Nobody holds INFLUENCE or TECHNICAL_VALIDATION, so the selling ${plural(nS, "organization", "organizations")} (${names(
        sellers,
      )}) ${plural(nS, "gets", "get")} 100%${nS > 1 ? " equally" : ""}.`,
    );
    for (const o of orgs) {
      const isSeller = o.roleSet.has("SELLING");
      weights.set(o.orgId, isSeller ? 1n : 0n);
      lines.set(o.orgId, isSeller ? (nS > 1 ? `SELLING: 100% ÷ ${nS}` : "SELLING: 100%") : "not selling");
    }
    return { kind: "weights", steps, weights, lines };
  }

  const P = config.sellThroughPrimaryPercent;
  const rest = 100 - P;
  const T = supporters.reduce((s, o) => s + o.weightedTouchpoints, 0n);
  const nSup = supporters.length;
  steps.push(`Primary share ${P}% to the selling ${plural(nS, "organization", "organizations")}: ${names(sellers)}${nS > 1 ? " (equally)" : ""}.`);
  if (T > 0n) {
    steps.push(
      `The other ${rest}% goes to the INFLUENCE / TECHNICAL_VALIDATION ${plural(
        nSup,
        "organization",
        "organizations",
      )} in proportion to weighted touchpoints (${T} in total):`,
    );
    for (const o of supporters) steps.push(touchpointDetail(o, config));
  } else {
    steps.push(
      `The other ${rest}% goes to ${names(supporters)} (INFLUENCE / TECHNICAL_VALIDATION)${
        nSup > 1 ? " equally" : ""
      }: no weighted touchpoints were logged by ${plural(nSup, "it", "them")}.`,
    );
  }

  // Common denominator nS × D (D = total weighted touchpoints, or nSup when none):
  // seller P/nS = P·D / (nS·D); supporter rest·t/D = rest·t·nS / (nS·D).
  const D = T > 0n ? T : BigInt(nSup);
  for (const o of orgs) {
    let w = 0n;
    const parts: string[] = [];
    if (o.roleSet.has("SELLING")) {
      w += BigInt(P) * D;
      parts.push(nS > 1 ? `${P}% ÷ ${nS} (SELLING)` : `${P}% (SELLING)`);
    }
    if (o.roleSet.has("INFLUENCE") || o.roleSet.has("TECHNICAL_VALIDATION")) {
      const t = T > 0n ? o.weightedTouchpoints : 1n;
      w += BigInt(rest) * t * BigInt(nS);
      parts.push(T > 0n ? `${o.weightedTouchpoints}/${T} of ${rest}% (touchpoints)` : nSup > 1 ? `${rest}% ÷ ${nSup}` : `${rest}%`);
    }
    weights.set(o.orgId, w);
    lines.set(o.orgId, parts.length > 0 ? parts.join(" + ") : "no SELLING, INFLUENCE or TECHNICAL_VALIDATION role");
  }
  return { kind: "weights", steps, weights, lines };
}

function planSourceWins(orgs: Org[]): Plan {
  const steps: string[] = [];
  const sourcers = orgs.filter((o) => o.roleSet.has("SOURCING"));
  if (sourcers.length === 0) return { kind: "fallback", steps, why: "nobody on the deal holds SOURCING" };
  const n = sourcers.length;
  steps.push(
    n === 1 ? `The sourcing organization (${names(sourcers)}) gets 100%.` : `The ${n} sourcing organizations (${names(sourcers)}) share 100% equally.`,
  );
  const weights = new Map<string, bigint>();
  const lines = new Map<string, string>();
  for (const o of orgs) {
    const s = o.roleSet.has("SOURCING");
    weights.set(o.orgId, s ? 1n : 0n);
    lines.set(o.orgId, s ? (n > 1 ? `SOURCING: 100% ÷ ${n}` : "SOURCING: 100%") : "not sourcing");
  }
  return { kind: "weights", steps, weights, lines };
}

function planInfluence(orgs: Org[], config: AttributionConfig): Plan {
  const steps: string[] = [];
  const T = orgs.reduce((s, o) => s + o.weightedTouchpoints, 0n);
  const weights = new Map<string, bigint>();
  const lines = new Map<string, string>();
  const n = orgs.length;
  if (T === 0n) {
    steps.push(`No weighted touchpoints were logged, so the ${n} ${plural(n, "organization", "organizations")} on the deal share equally.`);
    for (const o of orgs) {
      weights.set(o.orgId, 1n);
      lines.set(o.orgId, n > 1 ? `equal share (1/${n})` : "only organization");
    }
    return { kind: "weights", steps, weights, lines };
  }
  steps.push(`Credit is shared in proportion to weighted touchpoints (${T} in total):`);
  for (const o of orgs) {
    steps.push(touchpointDetail(o, config));
    weights.set(o.orgId, o.weightedTouchpoints);
    lines.set(o.orgId, `${o.weightedTouchpoints}/${T} weighted touchpoints`);
  }
  return { kind: "weights", steps, weights, lines };
}

function validateInput(input: AttributionInput): void {
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor < 0) {
    throw new RangeError(`computeAttribution: amountMinor must be a non-negative integer number of minor units (got ${show(input.amountMinor)})`);
  }
  if (!CO_SELL_MODELS.includes(input.coSellModel)) {
    throw new Error(`computeAttribution: unknown co-sell model ${show(input.coSellModel)}`);
  }
  if (input.participants.length === 0) {
    throw new Error("computeAttribution: a deal needs at least one participant organization");
  }
  const ids = new Set<string>();
  for (const p of input.participants) {
    if (ids.has(p.orgId)) throw new Error(`computeAttribution: organization ${p.orgId} is listed twice`);
    ids.add(p.orgId);
    for (const r of p.roles) {
      if (!(ROLES as readonly string[]).includes(r)) {
        throw new Error(`computeAttribution: unknown role ${show(r)} for organization ${p.orgId}`);
      }
    }
  }
  for (const t of input.touchpoints) {
    if (!(TOUCHPOINT_TYPES as readonly string[]).includes(t.type)) {
      throw new Error(`computeAttribution: unknown touchpoint type ${show(t.type)}`);
    }
    if (!Number.isSafeInteger(t.count) || t.count < 0) {
      throw new RangeError(`computeAttribution: touchpoint count must be a non-negative integer (got ${show(t.count)})`);
    }
  }
}

/**
 * Computes credit per organization (basis points), the partner commission pool and
 * the payouts, with every step of the math spelled out.
 */
export function computeAttribution(input: AttributionInput, config: AttributionConfig): AttributionResult {
  const checked = validateAttributionConfig(config);
  if (!checked.ok) {
    throw new Error(`computeAttribution: invalid attribution config: ${checked.errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`);
  }
  const cfg = checked.config;
  validateInput(input);

  const currency = input.currency;
  const money = (minor: number) => formatMoney(minor, currency);
  const chosen = chooseModel(input.coSellModel, input.explicitModel);

  // Canonical order (name A→Z, then id) so the result never depends on input order.
  const orgs: Org[] = input.participants
    .map((p) => {
      const roleSet = new Set<Role>(p.roles);
      return {
        orgId: p.orgId,
        orgName: p.orgName,
        internal: p.internal,
        roles: ROLES.filter((r) => roleSet.has(r)),
        roleSet,
        touchpoints: new Map<TouchpointType, number>(),
        weightedTouchpoints: 0n,
      };
    })
    .sort(compareOrgs);
  const byId = new Map(orgs.map((o) => [o.orgId, o]));
  const strangers = new Set<string>();
  for (const t of input.touchpoints) {
    const o = byId.get(t.orgId);
    if (!o) {
      if (t.count > 0) strangers.add(t.orgId);
      continue;
    }
    o.touchpoints.set(t.type, (o.touchpoints.get(t.type) ?? 0) + t.count);
    o.weightedTouchpoints += BigInt(t.count) * BigInt(cfg.touchpointWeights[t.type]);
  }

  const steps: string[] = [`Model: ${MODEL_LABELS[chosen.model]}. ${chosen.reason}`];
  if (strangers.size > 0) {
    steps.push(`Ignored touchpoints logged by organizations not on the deal: ${[...strangers].sort().join(", ")}.`);
  }

  let plan: Plan;
  switch (chosen.model) {
    case "ROLE_SPLIT":
      plan = planRoleSplit(orgs, cfg, ROLES, false);
      break;
    case "SELL_TO":
      plan = planRoleSplit(orgs, cfg, ["SOURCING", "SELLING"], true);
      break;
    case "SELL_THROUGH":
      plan = planSellThrough(orgs, cfg);
      break;
    case "SOURCE_WINS":
      plan = planSourceWins(orgs);
      break;
    case "INFLUENCE":
      plan = planInfluence(orgs, cfg);
      break;
  }

  steps.push(...plan.steps);
  let modelReason = chosen.reason;
  let weights: Map<string, bigint>;
  let lines: Map<string, string>;
  if (plan.kind === "fallback") {
    const n = orgs.length;
    const fallback =
      n === 1
        ? `Fallback: ${plan.why}, so all credit goes to the only organization on the deal.`
        : `Fallback: ${plan.why}, so credit is split equally over all ${n} organizations on the deal.`;
    steps.push(fallback);
    modelReason = `${modelReason} ${fallback}`;
    weights = new Map(orgs.map((o) => [o.orgId, 1n]));
    lines = new Map(orgs.map((o) => [o.orgId, n > 1 ? `equal share (1/${n})` : "only organization"]));
  } else {
    weights = plan.weights;
    lines = plan.lines;
  }

  // ONE largest-remainder split of 10000 bp.
  const split = largestRemainderWithDetail(
    10000,
    orgs.map((o): RemainderWeight => ({ key: o.orgId, tieBreak: o.orgName, weight: weights.get(o.orgId) ?? 0n })),
  );
  const creditOf = (o: Org) => split.parts.get(o.orgId) ?? 0;
  for (const o of orgs) {
    steps.push(`${o.orgName}${o.internal ? " (internal)" : ""}: ${lines.get(o.orgId) ?? ""} → ${formatBp(creditOf(o))}`);
  }
  if (split.leftover > 0) {
    steps.push(
      `Rounding: credits are rounded down to 0.01% and the ${split.leftover} bp left over ${plural(
        split.leftover,
        "goes",
        "go",
      )} to the largest remainder${split.leftover > 1 ? "s" : ""} (equal remainders by name, A→Z): ${split.bumped
        .map((id) => byId.get(id)?.orgName ?? id)
        .join(", ")}. Credits add up to exactly 100.00%.`,
    );
  }

  const credits: OrgCredit[] = orgs
    .map((o) => ({
      orgId: o.orgId,
      orgName: o.orgName,
      internal: o.internal,
      roles: [...o.roles],
      creditBp: creditOf(o),
      weightedTouchpoints: Number(o.weightedTouchpoints),
    }))
    .sort((a, b) => (a.creditBp !== b.creditBp ? b.creditBp - a.creditBp : compareOrgs(a, b)));

  // Commission follows attribution.
  const partners = credits.filter((c) => !c.internal && c.creditBp > 0);
  const internalsWithCredit = credits.filter((c) => c.internal && c.creditBp > 0);
  let pool: AttributionResult["pool"] = null;
  const payouts: Payout[] = [];
  if (partners.length === 0) {
    steps.push(`No commission pool: no partner organization has credit${internalsWithCredit.length > 0 ? " (internal credit is reported, never paid)" : ""}.`);
  } else {
    const rateKind = partners.length === 1 ? "solo" : "co-sell";
    const inc = cfg.incentives;
    let rateBp: number;
    let ladder: { timingTier: TimingTier; timingReason: string } | null = null;
    if (inc.rateMode === "TIMING_LADDER") {
      const given = input.incentive;
      const approved = (given?.registrationStatus ?? "APPROVED") === "APPROVED";
      const timingTier: TimingTier = !approved ? "UNREGISTERED" : (given?.timingTier ?? "AFTER_FIRST_MEETING");
      const timingReason = !approved
        ? `Not registered: the registration was ${String(given?.registrationStatus).toLowerCase()} when the deal was won.`
        : (given?.timingReason ?? "After first meeting: the deal has no registration timing on record.");
      ladder = { timingTier, timingReason };
      rateBp = inc.ladderRatesBp[timingTier] + (partners.length > 1 ? inc.coSellUpliftBp : 0);
      steps.push(
        `Rate: timing ladder, ${TIMING_LABEL[timingTier]} ${formatBp(inc.ladderRatesBp[timingTier])}${
          partners.length > 1 ? ` + co-sell uplift ${formatBp(inc.coSellUpliftBp)}` : ""
        } = ${formatBp(rateBp)}. ${timingReason}`,
      );
    } else {
      rateBp = partners.length === 1 ? cfg.soloPoolRateBp : cfg.coSellPoolRateBp;
    }
    // amount × rate / 10000, rounded half up: floor((2·a·r + 10000) / 20000).
    const poolMinor = Number((2n * BigInt(input.amountMinor) * BigInt(rateBp) + 10000n) / 20000n);
    pool = { rateBp, rateKind, amountMinor: poolMinor, ...(ladder ? { mode: "TIMING_LADDER" as const, ...ladder } : {}) };
    steps.push(
      `Pool: ${money(input.amountMinor)} × ${formatBp(rateBp)} = ${money(poolMinor)} (${ladder ? `${TIMING_LABEL[ladder.timingTier]}, ${rateKind}` : `${rateKind} rate`}: ${
        partners.length
      } ${plural(partners.length, "partner has", "partners have")} credit; rounded half up to the nearest ${money(1)})`,
    );
    const partnerBp = partners.reduce((s, c) => s + c.creditBp, 0);
    if (partnerBp !== 10000) {
      steps.push(
        `The pool is shared by the partners in proportion to their credit (partners hold ${formatBp(partnerBp)} in total; internal credit is not paid).`,
      );
    }
    const paySplit = largestRemainderWithDetail(
      poolMinor,
      partners.map((c) => ({ key: c.orgId, tieBreak: c.orgName, weight: c.creditBp })),
    );
    for (const c of partners) {
      const amount = paySplit.parts.get(c.orgId) ?? 0;
      payouts.push({ orgId: c.orgId, orgName: c.orgName, amountMinor: amount });
      steps.push(
        partnerBp === 10000
          ? `${c.orgName}: ${formatBp(c.creditBp)} of credit → ${money(amount)}`
          : `${c.orgName}: ${formatBp(c.creditBp)} of credit ÷ ${formatBp(partnerBp)} partner credit → ${money(amount)}`,
      );
    }
    if (paySplit.leftover > 0) {
      steps.push(
        `Rounding: payouts are rounded down to ${money(1)} and the ${money(paySplit.leftover)} left over ${plural(
          paySplit.leftover,
          "goes",
          "go",
        )} to the largest remainder${paySplit.leftover > 1 ? "s" : ""} (equal remainders by name, A→Z): ${paySplit.bumped
          .map((id) => byId.get(id)?.orgName ?? id)
          .join(", ")}. Payouts add up to exactly ${money(poolMinor)}.`,
      );
    }
  }
  const uplifts: UpliftLine[] = [];
  if (pool) {
    const partnerBp = partners.reduce((s, c) => s + c.creditBp, 0);
    for (const c of partners) {
      for (const u of (input.incentive?.uplifts ?? []).filter((x) => x.orgId === c.orgId && x.bp > 0)) {
        const amountMinor = upliftAmount(input.amountMinor, u.bp, c.creditBp, partnerBp);
        uplifts.push({ orgId: c.orgId, orgName: c.orgName, label: u.label, bp: u.bp, amountMinor });
        steps.push(
          `${c.orgName}: ${u.label} ${formatBp(u.bp)} → ${money(input.amountMinor)} × ${formatBp(u.bp)} × ${formatBp(c.creditBp)} ÷ ${formatBp(partnerBp)} = ${money(amountMinor)}, rounded half up; a separate line, the pool is unchanged.`,
        );
      }
    }
  }
  for (const c of internalsWithCredit) {
    steps.push(`${c.orgName} (internal): ${formatBp(c.creditBp)} of credit — reported, not paid.`);
  }

  return {
    model: chosen.model,
    modelReason,
    configVersion: cfg.version,
    amountMinor: input.amountMinor,
    currency,
    credits,
    pool,
    payouts,
    uplifts,
    steps,
  };
}
