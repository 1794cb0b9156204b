// The deal vocabulary: roles, touchpoint types, co-sell and attribution models.

export const ROLES = ["SOURCING", "SELLING", "TECHNICAL_VALIDATION", "IMPLEMENTATION", "INFLUENCE"] as const;
export type Role = (typeof ROLES)[number];

export const TOUCHPOINT_TYPES = ["MEETING", "DEMO", "EMAIL", "PROPOSAL_REVIEW", "INTRO", "INTEGRATION_MENTION", "EXEC_ALIGNMENT", "POC", "OTHER"] as const;
export type TouchpointType = (typeof TOUCHPOINT_TYPES)[number];

export type CoSellModel = "SELL_WITH" | "SELL_THROUGH" | "SELL_TO";
export type AttributionModel = "ROLE_SPLIT" | "SELL_THROUGH" | "SELL_TO" | "SOURCE_WINS" | "INFLUENCE";

export const CO_SELL_MODELS: readonly CoSellModel[] = ["SELL_WITH", "SELL_THROUGH", "SELL_TO"];
export const ATTRIBUTION_MODELS: readonly AttributionModel[] = ["ROLE_SPLIT", "SELL_THROUGH", "SELL_TO", "SOURCE_WINS", "INFLUENCE"];

/** Names shown to people. */
export const MODEL_LABELS: Record<AttributionModel, string> = {
  ROLE_SPLIT: "Role Split",
  SELL_THROUGH: "Sell-through",
  SELL_TO: "Sell-to",
  SOURCE_WINS: "Source Wins",
  INFLUENCE: "Influence",
};
