// Editing the program's attribution config: what changed between two versions, and the
// percentages people type for pool rates. Pure.

import { ROLES, TOUCHPOINT_TYPES, type AttributionConfig } from "./engine";
import { formatBp } from "../../kernel/money";

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
