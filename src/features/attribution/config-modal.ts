import type { PlainTextOption } from "@slack/types";
import { ROLES, TOUCHPOINT_TYPES, validateAttributionConfig, type AttributionConfig } from "./engine";
import { bpToPercentText, parsePercentToBp } from "./config-rules";
import { currencyExponent, formatBp, formatMoney, parseAmount } from "../../kernel/money";
import { DEFAULT_INCENTIVES, PARTNER_TIER_LABEL, TIMING_LABEL, TIMING_TIERS, type IncentiveConfig } from "../../kernel/incentives";
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
  blocks.push(...incentiveBlocks(c));
  return modalView(
    { callbackId: CALLBACK.attributionConfig, title: "Attribution config", submit: "Save new version", metadata: { baseVersion: c.version } },
    blocks,
  );
}

const TIERS = ["PLATINUM", "GOLD", "SILVER"] as const;
const ladderBlock = (t: string) => `${B.ladderPrefix}${t}`;
const tierMin = (t: string) => `${B.tierMinPrefix}${t}`;
const tierUplift = (t: string) => `${B.tierUpliftPrefix}${t}`;
const tierSla = (t: string) => `${B.tierSlaPrefix}${t}`;

function selectInput(blockId: string, label: string, options: [string, string][], initial: string): SafeBlock {
  const opts: PlainTextOption[] = options.map(([value, text]) => ({ text: { type: "plain_text", text }, value }));
  return {
    type: "input",
    block_id: blockId,
    label: { type: "plain_text", text: label },
    element: { type: "static_select", action_id: INPUT, options: opts, initial_option: opts.find((o) => o.value === initial) ?? opts[0]! },
  };
}

/** Whole or decimal money in major units of the program currency, as the editor shows it. */
function majorText(minor: number, currency: string): string {
  const exp = currencyExponent(currency);
  const s = String(minor).padStart(exp + 1, "0");
  const whole = exp === 0 ? s : s.slice(0, s.length - exp);
  const frac = exp === 0 ? "" : s.slice(s.length - exp).replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : whole;
}

function incentiveBlocks(c: AttributionConfig): SafeBlock[] {
  const inc = c.incentives;
  const pct = { decimal: true, min: "0", max: "100" };
  const blocks: SafeBlock[] = [
    { type: "header", text: { type: "plain_text", text: "Incentives" } },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: mrkdwn`*Fixed* pays the solo and co-sell rates above. *Timing ladder* pays by when the partner registered (the worst of what they declared and what the evidence shows), plus the co-sell uplift when two or more partners have credit.`,
        },
      ],
    },
    selectInput(
      B.rateMode,
      "Rate mode",
      [
        ["FIXED", "Fixed (solo / co-sell rates)"],
        ["TIMING_LADDER", "Timing ladder"],
      ],
      inc.rateMode,
    ),
  ];
  for (const t of TIMING_TIERS) blocks.push(numberInput(ladderBlock(t), `Ladder: ${TIMING_LABEL[t]} (%)`, bpToPercentText(inc.ladderRatesBp[t]), pct));
  blocks.push(
    numberInput(B.coSellUplift, "Ladder: co-sell uplift (%)", bpToPercentText(inc.coSellUpliftBp), {
      ...pct,
      hint: "Added to the ladder rate when two or more partners have credit.",
    }),
    { type: "header", text: { type: "plain_text", text: "Quarterly co-sell bonus" } },
    numberInput(B.bonusThreshold, "Co-sell wins in a quarter to earn it", String(inc.bonus.threshold), {
      min: "1",
      max: "1000",
      hint: "Won deals where two or more partners have credit, counted per partner per quarter (program timezone).",
    }),
    selectInput(
      B.bonusKind,
      "Bonus",
      [
        ["AMOUNT", "A fixed amount, as a payout line"],
        ["UPLIFT", "A rate uplift on next quarter's deals"],
      ],
      inc.bonus.kind,
    ),
    numberInput(B.bonusAmount, `Bonus amount (${c.currency})`, majorText(inc.bonus.amountMinor, c.currency), { decimal: true, min: "0", max: "1000000000" }),
    numberInput(B.bonusUplift, "Bonus uplift (%)", bpToPercentText(inc.bonus.upliftBp), pct),
    { type: "header", text: { type: "plain_text", text: "Partner tiers" } },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: mrkdwn`By trailing-12-month credited revenue (amount × credit share on won deals). Proposed each quarter; an admin confirms. Perks: a rate uplift on the tier's deals (a separate line) and a shorter approval SLA for its registrations (blank: the program's).`,
        },
      ],
    },
  );
  for (const t of TIERS) {
    blocks.push(
      numberInput(tierMin(t), `${PARTNER_TIER_LABEL[t]}: from (${c.currency})`, majorText(inc.tierThresholdsMinor[t], c.currency), {
        decimal: true,
        min: "0",
        max: "1000000000",
      }),
      numberInput(tierUplift(t), `${PARTNER_TIER_LABEL[t]}: rate uplift (%)`, bpToPercentText(inc.tierPerks[t].upliftBp), pct),
      {
        type: "input",
        block_id: tierSla(t),
        optional: true,
        label: { type: "plain_text", text: `${PARTNER_TIER_LABEL[t]}: approval SLA (hours)` },
        element: {
          type: "number_input",
          action_id: INPUT,
          is_decimal_allowed: false,
          min_value: "1",
          max_value: "720",
          ...(inc.tierPerks[t].approvalSlaHours !== null ? { initial_value: String(inc.tierPerks[t].approvalSlaHours) } : {}),
        },
      },
    );
  }
  return blocks;
}

/** The editor's select inputs (the others are typed). */
export const CONFIG_SELECT_BLOCKS: ReadonlySet<string> = new Set([B.currency, B.rateMode, B.bonusKind]);

/** Block ids of every input, in order (the first one takes errors that belong nowhere else). */
export const CONFIG_INPUT_BLOCKS: readonly string[] = [
  ...ROLES.map(roleBlock),
  B.sellThroughPrimary,
  ...TOUCHPOINT_TYPES.map(weightBlock),
  B.soloPoolRate,
  B.coSellPoolRate,
  B.currency,
  B.rateMode,
  ...TIMING_TIERS.map(ladderBlock),
  B.coSellUplift,
  B.bonusThreshold,
  B.bonusKind,
  B.bonusAmount,
  B.bonusUplift,
  ...TIERS.flatMap((t) => [tierMin(t), tierUplift(t), tierSla(t)]),
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
    case "incentives":
      return [incentiveBlockFor(field.slice("incentives.".length))];
    default:
      return [CONFIG_INPUT_BLOCKS[0]!];
  }
}

function incentiveBlockFor(path: string): string {
  const [a, b, c] = path.split(".");
  if (a === "rateMode") return B.rateMode;
  if (a === "ladderRatesBp" && b) return ladderBlock(b);
  if (a === "coSellUpliftBp") return B.coSellUplift;
  if (a === "bonus")
    return (
      ({ threshold: B.bonusThreshold, kind: B.bonusKind, amountMinor: B.bonusAmount, upliftBp: B.bonusUplift } as Record<string, string>)[b ?? ""] ??
      B.bonusThreshold
    );
  if (a === "tierThresholdsMinor") return tierMin(b ?? "SILVER");
  if (a === "tierPerks" && b) return c === "approvalSlaHours" ? tierSla(b) : tierUplift(b);
  return B.rateMode;
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
export function readAttributionConfigForm(
  values: Readonly<Record<string, string | null | undefined>>,
  version: number,
  current: IncentiveConfig = DEFAULT_INCENTIVES,
): ConfigFormResult {
  const errors: Record<string, string> = {};
  const rate = (block: string): number | undefined => {
    const r = parsePercentToBp(values[block] ?? "");
    if (r.ok) return r.bp;
    errors[block] = r.reason;
    return undefined;
  };
  const currency = values[B.currency] ?? "USD";
  // An incentive input the form did not carry (an editor opened before incentives) keeps its value.
  const has = (block: string) => values[block] !== undefined;
  const rateOr = (block: string, keep: number) => (has(block) ? rate(block) : keep);
  const money = (block: string, keep: number): number | undefined => {
    if (!has(block)) return keep;
    const t = (values[block] ?? "").trim();
    if (t === "" || t === "0") return 0;
    const r = parseAmount(t, currency);
    if (r.ok) return r.minor;
    errors[block] = r.reason;
    return undefined;
  };
  const slaOf = (t: (typeof TIERS)[number]) => {
    if (!has(tierSla(t))) return current.tierPerks[t].approvalSlaHours;
    const v = wholeOrRaw(values[tierSla(t)]);
    return v === undefined ? null : v;
  };
  const incentives = {
    rateMode: has(B.rateMode) ? values[B.rateMode] : current.rateMode,
    ladderRatesBp: Object.fromEntries(TIMING_TIERS.map((t) => [t, rateOr(ladderBlock(t), current.ladderRatesBp[t])])),
    coSellUpliftBp: rateOr(B.coSellUplift, current.coSellUpliftBp),
    bonus: {
      threshold: has(B.bonusThreshold) ? wholeOrRaw(values[B.bonusThreshold]) : current.bonus.threshold,
      kind: has(B.bonusKind) ? values[B.bonusKind] : current.bonus.kind,
      amountMinor: money(B.bonusAmount, current.bonus.amountMinor),
      upliftBp: rateOr(B.bonusUplift, current.bonus.upliftBp),
    },
    tierThresholdsMinor: Object.fromEntries(TIERS.map((t) => [t, money(tierMin(t), current.tierThresholdsMinor[t])])),
    tierPerks: Object.fromEntries(TIERS.map((t) => [t, { upliftBp: rateOr(tierUplift(t), current.tierPerks[t].upliftBp), approvalSlaHours: slaOf(t) }])),
  };
  const candidate = {
    version,
    rolePercents: Object.fromEntries(ROLES.map((r) => [r, wholeOrRaw(values[roleBlock(r)])])),
    sellThroughPrimaryPercent: wholeOrRaw(values[B.sellThroughPrimary]),
    touchpointWeights: Object.fromEntries(TOUCHPOINT_TYPES.map((t) => [t, wholeOrRaw(values[weightBlock(t)])])),
    soloPoolRateBp: rate(B.soloPoolRate),
    coSellPoolRateBp: rate(B.coSellPoolRate),
    currency: values[B.currency] ?? undefined,
    incentives,
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
    ...incentiveSummary(c),
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

function incentiveSummary(c: AttributionConfig): string[] {
  const inc = c.incentives;
  const money = (m: number) => formatMoney(m, c.currency);
  const ladder = TIMING_TIERS.map((t) => `${TIMING_LABEL[t]} ${formatBp(inc.ladderRatesBp[t])}`).join(" · ");
  const perks = TIERS.map((t) => {
    const p = inc.tierPerks[t];
    const parts = [p.upliftBp > 0 ? `+${formatBp(p.upliftBp)}` : null, p.approvalSlaHours !== null ? `${p.approvalSlaHours} h approval` : null].filter(Boolean);
    return `${PARTNER_TIER_LABEL[t]} from ${money(inc.tierThresholdsMinor[t])}${parts.length ? ` (${parts.join(", ")})` : ""}`;
  }).join(" · ");
  return [
    inc.rateMode === "FIXED"
      ? "• Rate mode: fixed (the solo and co-sell rates above)"
      : `• Rate mode: timing ladder — ${ladder}; co-sell uplift +${formatBp(inc.coSellUpliftBp)} (the solo and co-sell rates above are not used)`,
    `• Co-sell bonus: ${inc.bonus.threshold}+ co-sell wins in a quarter earn ${
      inc.bonus.kind === "AMOUNT" ? money(inc.bonus.amountMinor) : `+${formatBp(inc.bonus.upliftBp)} on the partner's deals closed next quarter`
    }`,
    `• Partner tiers (trailing 12 months of credited revenue): ${perks}; otherwise Inactive`,
  ];
}
