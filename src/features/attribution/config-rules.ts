// Editing the program's attribution config: what changed between two versions, and the
// percentages people type for pool rates. Pure.

import { ROLES, TOUCHPOINT_TYPES, type AttributionConfig } from "./engine";
import { formatBp } from "../../kernel/money";
import { PARTNER_TIER_LABEL, TIMING_LABEL, TIMING_TIERS, type IncentiveConfig } from "../../kernel/incentives";

/** Human-readable differences from `before` to `after` (the version number is ignored); [] when equal. */
export function configChanges(before: AttributionConfig, after: AttributionConfig): string[] {
  const out: string[] = [];
  for (const r of ROLES) {
    if (before.rolePercents[r] !== after.rolePercents[r]) out.push(`${r} ${before.rolePercents[r]}% → ${after.rolePercents[r]}%`);
  }
  if (before.sellThroughPrimaryPercent !== after.sellThroughPrimaryPercent) {
    out.push(`sell-through primary share ${before.sellThroughPrimaryPercent}% → ${after.sellThroughPrimaryPercent}%`);
  }
  for (const t of TOUCHPOINT_TYPES) {
    if (before.touchpointWeights[t] !== after.touchpointWeights[t]) out.push(`${t} weight ${before.touchpointWeights[t]} → ${after.touchpointWeights[t]}`);
  }
  if (before.soloPoolRateBp !== after.soloPoolRateBp) out.push(`solo pool rate ${formatBp(before.soloPoolRateBp)} → ${formatBp(after.soloPoolRateBp)}`);
  if (before.coSellPoolRateBp !== after.coSellPoolRateBp)
    out.push(`co-sell pool rate ${formatBp(before.coSellPoolRateBp)} → ${formatBp(after.coSellPoolRateBp)}`);
  if (before.currency !== after.currency) out.push(`currency ${before.currency} → ${after.currency}`);
  out.push(...incentiveChanges(before.incentives, after.incentives));
  return out;
}

/** Basis points as the shortest percentage text: 2750 → "27.5", 2000 → "20", 2755 → "27.55". */
export function bpToPercentText(bp: number): string {
  const whole = Math.floor(bp / 100);
  const frac = String(bp % 100)
    .padStart(2, "0")
    .replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : String(whole);
}

/**
 * A percentage with up to 2 decimals, as typed ("27.5", "27,5", "20", "27.50%") → basis points,
 * exactly (no floating point); otherwise why not.
 */
export function parsePercentToBp(text: string): { ok: true; bp: number } | { ok: false; reason: string } {
  const t = text.trim().replace(/\s*%$/, "").replace(",", ".");
  if (t === "") return { ok: false, reason: "Enter a percentage, e.g. 20 or 27.5." };
  const m = /^(\d{1,3})(?:\.(\d*))?$/.exec(t);
  if (!m) return { ok: false, reason: `"${text.trim()}" is not a percentage; enter a number from 0 to 100, e.g. 27.5.` };
  const frac = (m[2] ?? "").replace(/0+$/, "");
  if (frac.length > 2) return { ok: false, reason: `Use at most 2 decimals (e.g. 27.55), not "${text.trim()}".` };
  const bp = Number(m[1]) * 100 + Number(frac.padEnd(2, "0"));
  if (bp > 10000) return { ok: false, reason: `A rate is at most 100% (got ${text.trim()}).` };
  return { ok: true, bp };
}

function incentiveChanges(a: IncentiveConfig, b: IncentiveConfig): string[] {
  const out: string[] = [];
  const mode = (m: IncentiveConfig["rateMode"]) => (m === "FIXED" ? "fixed" : "timing ladder");
  if (a.rateMode !== b.rateMode) out.push(`rate mode ${mode(a.rateMode)} → ${mode(b.rateMode)}`);
  for (const t of TIMING_TIERS) {
    if (a.ladderRatesBp[t] !== b.ladderRatesBp[t]) out.push(`${TIMING_LABEL[t]} rate ${formatBp(a.ladderRatesBp[t])} → ${formatBp(b.ladderRatesBp[t])}`);
  }
  if (a.coSellUpliftBp !== b.coSellUpliftBp) out.push(`co-sell uplift ${formatBp(a.coSellUpliftBp)} → ${formatBp(b.coSellUpliftBp)}`);
  if (a.bonus.threshold !== b.bonus.threshold) out.push(`co-sell bonus threshold ${a.bonus.threshold} → ${b.bonus.threshold} wins`);
  if (a.bonus.kind !== b.bonus.kind) out.push(`co-sell bonus ${a.bonus.kind.toLowerCase()} → ${b.bonus.kind.toLowerCase()}`);
  if (a.bonus.amountMinor !== b.bonus.amountMinor) out.push(`co-sell bonus amount ${a.bonus.amountMinor} → ${b.bonus.amountMinor} (minor units)`);
  if (a.bonus.upliftBp !== b.bonus.upliftBp) out.push(`co-sell bonus uplift ${formatBp(a.bonus.upliftBp)} → ${formatBp(b.bonus.upliftBp)}`);
  for (const t of ["PLATINUM", "GOLD", "SILVER"] as const) {
    if (a.tierThresholdsMinor[t] !== b.tierThresholdsMinor[t])
      out.push(`${PARTNER_TIER_LABEL[t]} threshold ${a.tierThresholdsMinor[t]} → ${b.tierThresholdsMinor[t]} (minor units)`);
    if (a.tierPerks[t].upliftBp !== b.tierPerks[t].upliftBp)
      out.push(`${PARTNER_TIER_LABEL[t]} uplift ${formatBp(a.tierPerks[t].upliftBp)} → ${formatBp(b.tierPerks[t].upliftBp)}`);
    if (a.tierPerks[t].approvalSlaHours !== b.tierPerks[t].approvalSlaHours) {
      out.push(`${PARTNER_TIER_LABEL[t]} approval SLA ${a.tierPerks[t].approvalSlaHours ?? "program's"} → ${b.tierPerks[t].approvalSlaHours ?? "program's"} h`);
    }
  }
  return out;
}
