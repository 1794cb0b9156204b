import type { PlainTextOption } from "@slack/types";
import { ROLES, TOUCHPOINT_TYPES, validateAttributionConfig, type AttributionConfig } from "./engine";
import { bpToPercentText, parsePercentToBp } from "./config-rules";
import { formatBp } from "../../kernel/money";
import { CURRENCIES, roleWord } from "../../kernel/registration";
import { touchpointLabel } from "../touchpoints/rules";
import { ATTRIBUTION_CONFIG_BLOCK as B, CALLBACK, INPUT } from "../../platform/slack/ids";
import { slackDate } from "../../platform/slack/format";
import { joinMrkdwn, mention, mrkdwn, type SafeBlock, type SafeModalView, type SlackText } from "../../platform/slack/mrkdwn";
import { modalView } from "../../platform/slack/inputs";

// The attribution config editor (an admin's modal), reading it back, and the plain-text
// summary of a version. Pure: plain data in, Block Kit out.

export interface ConfigInfo {
  config: AttributionConfig;
  createdBy: string;
  createdAt: Date;
}

export interface VersionCount {
  version: number;
  deals: number;
}

const roleBlock = (r: string) => `${B.rolePrefix}${r}`;
const weightBlock = (t: string) => `${B.weightPrefix}${t}`;

function numberInput(blockId: string, label: string, initial: string, o: { decimal?: boolean; min: string; max: string; hint?: string }): SafeBlock {
  return {
    type: "input",
    block_id: blockId,
    label: { type: "plain_text", text: label },
    ...(o.hint ? { hint: { type: "plain_text", text: o.hint } } : {}),
    element: { type: "number_input", action_id: INPUT, is_decimal_allowed: o.decimal ?? false, min_value: o.min, max_value: o.max, initial_value: initial },
  };
}

function currencyOptions(current: string): PlainTextOption[] {
  const codes: string[] = [...CURRENCIES];
  if (!codes.includes(current)) codes.unshift(current);
  return codes.slice(0, 100).map((c) => ({ text: { type: "plain_text", text: c }, value: c }));
}

function versionsLine(counts: readonly VersionCount[]): string {
  if (counts.length === 0) return "no deals are registered yet";
  return counts.map((c) => `${c.deals} ${c.deals === 1 ? "deal" : "deals"} on v${c.version}`).join(", ");
}

/** The editor, prefilled from the version in force; private_metadata carries that version. */
export function buildAttributionConfigModal(current: ConfigInfo, counts: readonly VersionCount[] = []): SafeModalView {
  const c = current.config;
  const blocks: SafeBlock[] = [
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: mrkdwn`Editing *version ${c.version}* (saved by ${mention(current.createdBy)} ${slackDate(current.createdAt)}). Saving makes *version ${c.version + 1}*, used by deals registered from then on. Deals already registered keep the version they were registered with (${versionsLine(counts)}).`,
      },
    },
    { type: "header", text: { type: "plain_text", text: "Role split (sell-with), whole %" } },
    {
      type: "context",
      elements: [
        { type: "mrkdwn", text: mrkdwn`The five add up to 100. Roles nobody holds on a deal have their share spread pro rata over the roles that are held.` },
      ],
    },
  ];
  for (const r of ROLES) blocks.push(numberInput(roleBlock(r), `${roleWord(r)} (%)`, String(c.rolePercents[r]), { min: "0", max: "100" }));
  blocks.push(
    { type: "divider" },
    numberInput(B.sellThroughPrimary, "Sell-through: the seller's share (%)", String(c.sellThroughPrimaryPercent), {
      min: "60",
      max: "80",
      hint: "60 to 80. The rest goes to influence and technical-validation partners by weighted touchpoints.",
    }),
    { type: "header", text: { type: "plain_text", text: "Touchpoint weights (0–100)" } },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: mrkdwn`Each logged touchpoint counts this many times in the Influence model and the sell-through remainder; 0 ignores the type.`,
        },
      ],
    },
  );
  for (const t of TOUCHPOINT_TYPES) blocks.push(numberInput(weightBlock(t), touchpointLabel(t), String(c.touchpointWeights[t]), { min: "0", max: "100" }));
  blocks.push(
    { type: "header", text: { type: "plain_text", text: "Partner commission pool" } },
    numberInput(B.soloPoolRate, "Solo rate: one partner with credit (%)", bpToPercentText(c.soloPoolRateBp), {
      decimal: true,
      min: "0",
      max: "100",
      hint: "Percent of the deal amount, up to 2 decimals (e.g. 20).",
    }),
    numberInput(B.coSellPoolRate, "Co-sell rate: two or more partners (%)", bpToPercentText(c.coSellPoolRateBp), {
      decimal: true,
      min: "0",
      max: "100",
      hint: "Percent of the deal amount, up to 2 decimals (e.g. 27.5); at least the solo rate.",
    }),
    {
      type: "input",
      block_id: B.currency,
      label: { type: "plain_text", text: "Program currency" },
      element: {
        type: "static_select",
        action_id: INPUT,
        options: currencyOptions(c.currency),
        initial_option: { text: { type: "plain_text", text: c.currency }, value: c.currency },
      },
    },
  );
  return modalView(
    { callbackId: CALLBACK.attributionConfig, title: "Attribution config", submit: "Save new version", metadata: { baseVersion: c.version } },
    blocks,
  );
}

/** Block ids of every input, in order (the first one takes errors that belong nowhere else). */
export const CONFIG_INPUT_BLOCKS: readonly string[] = [
  ...ROLES.map(roleBlock),
  B.sellThroughPrimary,
  ...TOUCHPOINT_TYPES.map(weightBlock),
  B.soloPoolRate,
  B.coSellPoolRate,
  B.currency,
];

/** A validation field ("rolePercents.SELLING", "currency" …) → the block(s) its message goes under. */
function blocksFor(field: string): string[] {
  const [head, key] = field.split(".", 2);
  switch (head) {
    case "rolePercents":
      // The sum belongs to all five inputs: show it under each, wherever the person looks.
      if (key === undefined) return ROLES.map(roleBlock);
      return [(ROLES as readonly string[]).includes(key) ? roleBlock(key) : roleBlock(ROLES[0])];
    case "sellThroughPrimaryPercent":
      return [B.sellThroughPrimary];
    case "touchpointWeights":
      return [key !== undefined && (TOUCHPOINT_TYPES as readonly string[]).includes(key) ? weightBlock(key) : weightBlock(TOUCHPOINT_TYPES[0])];
    case "soloPoolRateBp":
      return [B.soloPoolRate];
    case "coSellPoolRateBp":
      return [B.coSellPoolRate];
    case "currency":
      return [B.currency];
    default:
      return [CONFIG_INPUT_BLOCKS[0]!];
  }
}

/** A whole number as typed → number; empty → undefined (missing); anything else stays text so the message shows it. */
function wholeOrRaw(raw: string | null | undefined): unknown {
  const t = (raw ?? "").trim();
  if (t === "") return undefined;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

export type ConfigFormResult = { ok: true; config: AttributionConfig } | { ok: false; errors: Record<string, string> };

/**
 * Reads the editor's values (block_id → typed text or selected value) into a config and checks
 * it with validateAttributionConfig; its messages are returned keyed by block_id.
 */
export function readAttributionConfigForm(values: Readonly<Record<string, string | null | undefined>>, version: number): ConfigFormResult {
  const errors: Record<string, string> = {};
  const rate = (block: string): number | undefined => {
    const r = parsePercentToBp(values[block] ?? "");
    if (r.ok) return r.bp;
    errors[block] = r.reason;
    return undefined;
  };
  const candidate = {
    version,
    rolePercents: Object.fromEntries(ROLES.map((r) => [r, wholeOrRaw(values[roleBlock(r)])])),
    sellThroughPrimaryPercent: wholeOrRaw(values[B.sellThroughPrimary]),
    touchpointWeights: Object.fromEntries(TOUCHPOINT_TYPES.map((t) => [t, wholeOrRaw(values[weightBlock(t)])])),
    soloPoolRateBp: rate(B.soloPoolRate),
    coSellPoolRateBp: rate(B.coSellPoolRate),
    currency: values[B.currency] ?? undefined,
  };
  const checked = validateAttributionConfig(candidate);
  if (!checked.ok) {
    const formErrors = new Set(Object.keys(errors));
    for (const e of checked.errors) {
      for (const block of blocksFor(e.field)) {
        if (formErrors.has(block)) continue; // our own message about what was typed says it better
        errors[block] = errors[block] ? `${errors[block]} ${e.message}` : e.message;
      }
    }
  }
  if (Object.keys(errors).length > 0 || !checked.ok) return { ok: false, errors };
  return { ok: true, config: checked.config };
}

/** `/cosell config attribution show`: the version in force and its values (mrkdwn). */
export function renderConfigSummary(current: ConfigInfo, counts: readonly VersionCount[] = []): SlackText {
  const c = current.config;
  const roles = ROLES.map((r) => `${roleWord(r)} ${c.rolePercents[r]}%`).join(" · ");
  const weights = TOUCHPOINT_TYPES.map((t) => `${touchpointLabel(t)} ${c.touchpointWeights[t]}`).join(" · ");
  return joinMrkdwn([
    mrkdwn`*Attribution config v${c.version}* (in force) — saved by ${mention(current.createdBy)} ${slackDate(current.createdAt)}`,
    `• Role split (sell-with; sell-to uses Sourcing and Selling): ${roles}`,
    `• Sell-through: the seller gets ${c.sellThroughPrimaryPercent}%, the rest is shared by weighted touchpoints`,
    `• Touchpoint weights: ${weights}`,
    `• Commission pool: ${formatBp(c.soloPoolRateBp)} of the deal amount with one partner (solo), ${formatBp(c.coSellPoolRateBp)} with two or more (co-sell)`,
    `• Program currency: ${c.currency}`,
    `Each deal keeps the version in force when it was registered (${versionsLine(counts)}); its attribution records say which version they used.`,
  ]);
}

/** What the editor turns into after a submit (response_action: update). */
export function buildConfigResultView(
  r: { kind: "saved"; version: number; previousVersion: number; changes: string[] } | { kind: "unchanged"; version: number },
  counts: readonly VersionCount[] = [],
): SafeModalView {
  const text =
    r.kind === "saved"
      ? mrkdwn`Saved *version ${r.version}* of the attribution config (was v${r.previousVersion}). Deals registered from now on use it.\n\n*Changes*\n${r.changes.map((x) => `• ${x}`).join("\n")}`
      : mrkdwn`Nothing changed: the values are the same as *version ${r.version}*, so no new version was made.`;
  return modalView({ callbackId: `${CALLBACK.attributionConfig}_done`, title: "Attribution config", close: "Done" }, [
    { type: "section", text: { type: "mrkdwn", text } },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: mrkdwn`Existing deals keep the config version they were registered with (${versionsLine(counts)}), and every attribution record keeps the version it used — a recompute uses the deal's own version too.`,
        },
      ],
    },
  ]);
}
