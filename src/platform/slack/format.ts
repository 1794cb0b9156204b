import type { CoSellModel, Role } from "../../features/attribution/engine";
import { formatMoney } from "../../kernel/money";
import { roleWord, modelWord, formatDealRef } from "../../kernel/registration";
import { stageLabel, type Stage } from "../../kernel/stages";

// Small shared formatters for Block Kit renderers.

export { formatDealRef, formatMoney, roleWord, stageLabel };

export const STAGE_EMOJI: Record<Stage, string> = {
  REGISTERED: "🆕",
  DISCOVERY: "🔎",
  TECHNICAL_VALIDATION: "🧪",
  PROPOSAL: "📝",
  NEGOTIATION: "🤝",
  CLOSED_WON: "🏆",
  CLOSED_LOST: "🪦",
};

export function rolesText(roles: readonly Role[]): string {
  return roles.length === 0 ? "no role" : roles.map(roleWord).join(", ");
}

export function modelText(model: CoSellModel, explicit: string | null): string {
  return explicit ? `${modelWord(model)} (attribution: ${explicit.toLowerCase().replace(/_/g, " ")})` : modelWord(model);
}

export { mention, slackDate } from "./mrkdwn";
