import { z } from "zod";
import { ROLES } from "../../kernel/vocabulary";
import { TIMING_TIERS } from "../../kernel/incentives";
import type { AttributionResult } from "./engine";

// An attribution record's `result` is a JSON column: parse it on read, so a record written by an
// older version (or edited by hand) fails loudly where it is read instead of rendering nonsense.

const minor = z.number().int();
const bp = z.number().int().min(0).max(10_000);

const attributionResultSchema = z.object({
  model: z.enum(["ROLE_SPLIT", "SELL_THROUGH", "SELL_TO", "SOURCE_WINS", "INFLUENCE"]),
  modelReason: z.string(),
  configVersion: z.number().int(),
  amountMinor: minor,
  currency: z.string(),
  credits: z.array(
    z.object({
      orgId: z.string(),
      orgName: z.string(),
      internal: z.boolean(),
      roles: z.array(z.enum(ROLES)),
      creditBp: bp,
      weightedTouchpoints: z.number(),
    }),
  ),
  pool: z
    .object({
      rateBp: z.number().int(),
      rateKind: z.enum(["solo", "co-sell"]),
      amountMinor: minor,
      mode: z.enum(["FIXED", "TIMING_LADDER"]).optional(),
      timingTier: z.enum(TIMING_TIERS).optional(),
      timingReason: z.string().optional(),
    })
    .nullable(),
  payouts: z.array(z.object({ orgId: z.string(), orgName: z.string(), amountMinor: minor })),
  uplifts: z.array(z.object({ orgId: z.string(), orgName: z.string(), label: z.string(), bp: z.number().int(), amountMinor: minor })).optional(),
  steps: z.array(z.string()),
}) satisfies z.ZodType<AttributionResult>;

/** The stored result of an attribution record, checked against the engine's shape. */
export function readAttributionResult(json: unknown): AttributionResult {
  return attributionResultSchema.parse(json);
}
