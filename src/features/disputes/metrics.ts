// Attribution dispute rate, a program metric (DESIGN.md "Program metrics"): "<5% healthy,
// >10% unclear rules, 0 with volume = nobody looking". Pure.
//
// rate = disputed records ÷ attribution records over the same period, where
//   records  = attribution records made in the period (count one per deal: a recompute is not a
//              new chance to dispute, so pass the number of deals with a record), and
//   disputes = records disputed at least once (several organizations disputing the same record
//              count once), so the rate stays within 0..1.
//
// Bands, in this order:
//   "too few"        fewer than MIN_RECORDS records: with under 20 records a single dispute is
//                    more than 5 points and jumps a band, so no band would mean anything;
//   "nobody looking" 0 disputes with at least MIN_RECORDS records: at 20 records one dispute is
//                    exactly the 5% line, so 20 records with none is volume enough to expect one
//                    if the partners actually read their receipts;
//   "healthy"        rate < 5%;
//   "watch"          5% ≤ rate ≤ 10% (the brief names neither side of this gap);
//   "unclear rules"  rate > 10%.

/** Below this many records the rate is reported but not banded; at or above it, 0 disputes means nobody is looking. */
export const MIN_RECORDS = 20;
const HEALTHY_BELOW = 0.05;
const UNCLEAR_ABOVE = 0.1;

export type DisputeBand = "healthy" | "watch" | "unclear rules" | "nobody looking" | "too few";

export interface DisputeRate {
  /** 0..1 (0 when there are no records) */
  rate: number;
  band: DisputeBand;
}

export function disputeRate(input: { records: number; disputes: number }): DisputeRate {
  const { records, disputes } = input;
  if (!Number.isInteger(records) || records < 0) throw new RangeError(`records must be a whole number ≥ 0 (got ${records})`);
  if (!Number.isInteger(disputes) || disputes < 0) throw new RangeError(`disputes must be a whole number ≥ 0 (got ${disputes})`);
  if (disputes > records) throw new RangeError(`disputes (${disputes}) count disputed records, so they cannot exceed the records (${records})`);
  const rate = records === 0 ? 0 : disputes / records;
  if (records < MIN_RECORDS) return { rate, band: "too few" };
  if (disputes === 0) return { rate, band: "nobody looking" };
  if (rate < HEALTHY_BELOW) return { rate, band: "healthy" };
  if (rate > UNCLEAR_ABOVE) return { rate, band: "unclear rules" };
  return { rate, band: "watch" };
}
