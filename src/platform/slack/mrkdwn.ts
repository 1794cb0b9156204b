import type { HomeView, KnownBlock, ModalView, PlainTextElement } from "@slack/types";

// The one typed path from text into Slack. Slack parses `<!channel>`, `<@U…>` and `<url|label>`
// in every message `text` and mrkdwn field, so anything a person typed must reach Slack with
// `&`, `<` and `>` escaped. Every message builder, outbox intent and send wrapper takes a
// `SlackText` where Slack parses markup, and only this module makes one:
//   - the `mrkdwn` template escapes every interpolated plain string, and nests SlackText as is;
//   - `escapeMrkdwn`, `joinMrkdwn`, `mention`, `slackDate`, `link` build the common pieces;
//   - `trustedMrkdwn` is the named escape hatch for text we wrote ourselves.
// A SlackText is an object, not a string, so the two cannot be confused at run time either:
// it serializes to its markup (`toJSON`), which is how it leaves for Slack (see `toSlack`).

export class SlackText {
  private constructor(readonly markup: string) {}
  /** @internal only this module constructs: through `mrkdwn`, the helpers or `trustedMrkdwn` */
  static make(markup: string): SlackText {
    return new SlackText(markup);
  }
  get length(): number {
    return this.markup.length;
  }
  toJSON(): string {
    return this.markup;
  }
  toString(): string {
    return this.markup;
  }
}

/** Escapes `&`, `<`, `>` (Slack's three control characters) in user-provided text. */
export function escapeMrkdwn(text: string): SlackText {
  return SlackText.make(escapeRaw(text));
}

function escapeRaw(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export type MrkdwnValue = SlackText | string | number | bigint | null | undefined;

function piece(v: MrkdwnValue): string {
  if (v === null || v === undefined) return "";
  if (v instanceof SlackText) return v.markup;
  return escapeRaw(String(v));
}

/**
 * `mrkdwn\`*${title}* moved by ${mention(user)}\`` — the literal parts are ours (trusted);
 * every interpolated plain string is escaped; an interpolated `SlackText` passes as it is.
 */
export function mrkdwn(strings: TemplateStringsArray, ...values: MrkdwnValue[]): SlackText {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    out += piece(v) + (strings[i + 1] ?? "");
  });
  return SlackText.make(out);
}

/** Joins pieces (plain strings are escaped) with a separator we wrote. */
export function joinMrkdwn(parts: readonly MrkdwnValue[], separator = "\n"): SlackText {
  return SlackText.make(parts.map(piece).join(separator));
}

/**
 * The named escape hatch: markup we wrote ourselves (constants, our own formatting of ids,
 * dates and numbers). Never pass anything a person typed.
 */
export function trustedMrkdwn(markup: string): SlackText {
  return SlackText.make(markup);
}

/** Cuts to at most `max` characters without splitting an escape (`&amp;`) or a `<…>` token. */
export function truncateMrkdwn(text: SlackText, max: number): SlackText {
  const s = text.markup;
  if (s.length <= max) return text;
  let cut = max - 1;
  const amp = s.lastIndexOf("&", cut - 1);
  if (amp >= 0 && cut - amp < 6 && !s.slice(amp, cut).includes(";")) cut = amp;
  const open = s.lastIndexOf("<", cut - 1);
  if (open >= 0 && s.indexOf(">", open) >= cut) cut = open;
  return SlackText.make(`${s.slice(0, cut)}…`);
}

/** A Slack user mention from an id Slack gave us; anything else is shown escaped. */
export function mention(userId: string | null | undefined): SlackText {
  if (!userId) return SlackText.make("_nobody yet_");
  return /^[UW][A-Z0-9_]+$/.test(userId) ? SlackText.make(`<@${userId}>`) : escapeMrkdwn(userId);
}

/** Slack renders <!date^…> in each reader's own timezone, with a fallback text. */
export function slackDate(d: Date, format = "{date_short_pretty} {time}"): SlackText {
  return SlackText.make(`<!date^${Math.floor(d.getTime() / 1000)}^${format}|${d.toISOString().slice(0, 16).replace("T", " ")} UTC>`);
}

/** A link to a URL we built or checked (http/https only); the label is escaped. */
export function link(url: string, label: string): SlackText {
  if (!/^https?:\/\/[^\s<>|]+$/.test(url)) return escapeMrkdwn(label);
  return SlackText.make(`<${url}|${escapeRaw(label).replace(/\|/g, "¦")}>`);
}

// --- Block Kit with SlackText where Slack parses markup ----------------------------------
// `Safe<T>` is T with every mrkdwn-capable `text` a SlackText. plain_text objects are shown
// literally by Slack (no mentions, no links), so they keep plain strings.
type Safe<T> = T extends PlainTextElement
  ? T
  : T extends string | number | boolean | null | undefined
    ? T
    : T extends readonly (infer U)[]
      ? Safe<U>[]
      : T extends object
        ? { [K in keyof T]: K extends "text" ? (Exclude<T[K], undefined> extends string ? SlackText | Extract<T[K], undefined> : Safe<T[K]>) : Safe<T[K]> }
        : T;

export type SafeBlock = Safe<KnownBlock>;
export type SafeModalView = Safe<ModalView>;
export type SafeHomeView = Safe<HomeView>;

/** A message as every builder returns it: `text` is the notification fallback Slack shows. */
export interface SafeMessage {
  text: SlackText;
  blocks?: SafeBlock[];
}

/** Safe<T> turned back into what the Web API takes: every SlackText becomes its markup. */
export type Wire<T> = T extends SlackText ? string : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

/** The edge to Slack: a built message, view or argument object, serialized as Slack reads it. */
export function toSlack<T>(value: T): Wire<T> {
  return JSON.parse(JSON.stringify(value)) as Wire<T>;
}

/** A channel link from a channel id Slack gave us; anything else is shown escaped. */
export function channelLink(channelId: string): SlackText {
  return /^[CGD][A-Z0-9_]+$/.test(channelId) ? SlackText.make(`<#${channelId}>`) : escapeMrkdwn(channelId);
}

/** One piece as SlackText: a plain string is escaped, SlackText passes as it is. */
export function asMrkdwn(value: MrkdwnValue): SlackText {
  return SlackText.make(piece(value));
}

/** Slack allows 3,000 characters in one section text. */
export const MAX_SECTION_TEXT = 3000;

/** Packs lines into as few section texts as fit Slack's 3,000 characters each. */
export function packLines(lines: readonly SlackText[], max = MAX_SECTION_TEXT): SlackText[] {
  const out: SlackText[] = [];
  let current: SlackText | null = null;
  for (const raw of lines) {
    const line = truncateMrkdwn(raw, max);
    if (current === null) current = line;
    else if (current.length + 1 + line.length <= max) current = joinMrkdwn([current, line]);
    else {
      out.push(current);
      current = line;
    }
  }
  if (current !== null) out.push(current);
  return out;
}
