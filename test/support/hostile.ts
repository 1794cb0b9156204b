// Hostile user text for the "no typed text reaches Slack unescaped" e2e test.
//
// Every payload starts with a field tag «tag» (survives escaping, tells which input a piece of
// text came from) followed by strings a person can type that Slack would act on if the app
// passed them through: broadcast mentions, a user/channel/user-group mention, a labelled link,
// a bare ampersand and an HTML-ish tag, text that looks already escaped, and mrkdwn (which is
// allowed to render). The ids (UHOSTILE1, CHOSTILE1, SHOSTILE1) and the host (evil.example)
// are distinctive, so the app's own legitimate mentions (<@U_REP>, <#C_ACME>, <!date^…>) never
// look like a leak.

export interface HostileToken {
  /** what a person typed */
  typed: string;
  /** matches the unescaped form in outgoing mrkdwn (a leak) */
  raw: RegExp;
  /** how it reads when escaped correctly (& < > → &amp; &lt; &gt;) */
  escaped: string;
  /** mrkdwn formatting is allowed to render: only its presence is tracked */
  allowed?: boolean;
}

export const TOKENS: readonly HostileToken[] = [
  { typed: "<!channel>", raw: /<!channel\b/, escaped: "&lt;!channel&gt;" },
  { typed: "<!here>", raw: /<!here\b/, escaped: "&lt;!here&gt;" },
  { typed: "<!everyone>", raw: /<!everyone\b/, escaped: "&lt;!everyone&gt;" },
  { typed: "<@UHOSTILE1>", raw: /<@UHOSTILE1/, escaped: "&lt;@UHOSTILE1&gt;" },
  { typed: "<#CHOSTILE1>", raw: /<#CHOSTILE1/, escaped: "&lt;#CHOSTILE1&gt;" },
  { typed: "<!subteam^SHOSTILE1>", raw: /<!subteam\^/, escaped: "&lt;!subteam^SHOSTILE1&gt;" },
  { typed: "<https://evil.example|click here>", raw: /<https?:\/\/evil\.example/, escaped: "&lt;https://evil.example|click here&gt;" },
  // A bare & and an HTML-ish tag: escaped they read AT&amp;T and &lt;b&gt;.
  { typed: "AT&T", raw: /AT&T/, escaped: "AT&amp;T" },
  { typed: "<b>", raw: /<b>/, escaped: "&lt;b&gt;" },
  // Text that already looks escaped must be escaped again (&amp;lt;…), or Slack shows "<LIT>".
  { typed: "&lt;LIT&gt;", raw: /&lt;LIT/, escaped: "&amp;lt;LIT&amp;gt;" },
  { typed: "*bold* _x_ ~y~ `code`", raw: /(?!)/, escaped: "*bold* _x_ ~y~ `code`", allowed: true },
];

const T = Object.fromEntries(TOKENS.map((t) => [t.typed, t.typed])) as Record<string, string>;
const tag = (name: string) => `«${name}»`;

/** Mentions and bracketed tokens (fits the 120-character account name and title). */
export const P1 = (name: string) =>
  [tag(name), T["<!channel>"], T["<!here>"], T["<!everyone>"], T["<@UHOSTILE1>"], T["<#CHOSTILE1>"], T["<!subteam^SHOSTILE1>"], T["AT&T"], T["<b>"]].join(" ");
/** The link, entities and mrkdwn (also fits 120). */
export const P2 = (name: string) =>
  [tag(name), T["<https://evil.example|click here>"], T["AT&T"], T["<b>"], T["&lt;LIT&gt;"], T["*bold* _x_ ~y~ `code`"]].join(" ");
/** Every token (notes, asks, reasons: up to 500–2000 characters). */
export const FULL = (name: string) => [tag(name), ...TOKENS.map((t) => t.typed)].join(" ");
/** Organization and pairing names: the app refuses < and > there, so & and mrkdwn only. */
export const NAME = (name: string) => [tag(name), T["AT&T"], T["&lt;LIT&gt;"], T["*bold* _x_ ~y~ `code`"]].join(" ");

const TAG_RE = /«([a-zA-Z0-9_-]+)»/g;
const SLACK_NATIVE =
  /<(?:!channel|!here|!everyone|@[UW][A-Z0-9_]+(?:\|[^>]*)?|#C[A-Z0-9_]+(?:\|[^>]*)?|!subteam\^[A-Z0-9]+(?:\|[^>]*)?|https?:\/\/[^>|\s]+(?:\|[^>]*)?)>/g;

/**
 * What Slack puts in a slash command's text (or a message's `text`) when a person types `raw`
 * in the composer: mentions and links picked from the composer arrive as Slack's own <…>
 * tokens (that is how a real @channel arrives), every other &, < and > is escaped.
 */
export function slackEncode(raw: string): string {
  let out = "";
  let last = 0;
  for (const m of raw.matchAll(SLACK_NATIVE)) {
    out += escapeAll(raw.slice(last, m.index)) + m[0];
    last = m.index! + m[0].length;
  }
  return out + escapeAll(raw.slice(last));
}

function escapeAll(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A string Slack parses as mrkdwn in an outgoing body, with where it was found. */
export interface MrkdwnText {
  path: string;
  text: string;
}

const PARSED_KEYS = new Set(["text", "pretext", "initial_comment"]);
/** Text objects whose text Slack shows literally (no mentions, links or formatting). */
const LITERAL_TYPES = new Set(["plain_text"]);

/**
 * Every string at a message `text` (or pretext / initial_comment) and every mrkdwn text object,
 * recursively; plain_text objects are skipped (Slack does not parse them). Strings that are
 * JSON (form-encoded arguments) are parsed first.
 */
export function mrkdwnTexts(value: unknown, path = ""): MrkdwnText[] {
  const out: MrkdwnText[] = [];
  const walk = (v: unknown, p: string) => {
    if (typeof v === "string") {
      // form-encoded arguments carry objects and arrays as JSON
      try {
        v = JSON.parse(v);
      } catch {
        return;
      }
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${p}[${i}]`));
      return;
    }
    if (!v || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    const type = typeof o.type === "string" ? o.type : undefined;
    if (type && LITERAL_TYPES.has(type)) return;
    for (const [k, x] of Object.entries(o)) {
      const kp = p ? `${p}.${k}` : k;
      if (typeof x === "string") {
        // private_metadata, values, ids and urls are not displayed; errors are shown as plain text
        if (PARSED_KEYS.has(k)) out.push({ path: kp, text: x });
        else if (k === "view" || k === "blocks" || k === "attachments") walk(x, kp);
        continue;
      }
      if (k === "errors") continue;
      walk(x, kp);
    }
  };
  walk(value, path);
  return out;
}

export interface Leak {
  token: string;
  path: string;
  /** the field tag nearest before the leak: which input it came from */
  field: string | null;
  context: string;
}

/** Unescaped hostile tokens in one mrkdwn string. */
export function leaksIn(t: MrkdwnText): Leak[] {
  const leaks: Leak[] = [];
  for (const token of TOKENS) {
    if (token.allowed) continue;
    const re = new RegExp(token.raw.source, "g");
    for (const m of t.text.matchAll(re)) {
      const at = m.index!;
      leaks.push({
        token: token.typed,
        path: t.path,
        field: fieldBefore(t.text, at),
        context: t.text.slice(Math.max(0, at - 40), at + 60).replace(/\n/g, "⏎"),
      });
    }
  }
  return leaks;
}

function fieldBefore(text: string, at: number): string | null {
  let found: string | null = null;
  for (const m of text.matchAll(TAG_RE)) {
    if (m.index! > at) break;
    found = m[1]!;
  }
  return found;
}

/** The field tags found in a string (which inputs reached it). */
export function fieldsIn(text: string): string[] {
  return [...text.matchAll(TAG_RE)].map((m) => m[1]!);
}

export type TokenStatus = "leak" | "escaped" | "absent";

/** Per token: leaked raw somewhere, only escaped, or not in these texts at all. */
export function tokenStatus(texts: readonly MrkdwnText[]): Record<string, TokenStatus> {
  const out: Record<string, TokenStatus> = {};
  for (const token of TOKENS) {
    const leaked = !token.allowed && texts.some((t) => token.raw.test(t.text));
    const escaped = texts.some((t) => t.text.includes(token.escaped));
    out[token.typed] = leaked ? "leak" : escaped ? "escaped" : "absent";
  }
  return out;
}

/** Escaping applied twice (a fidelity bug, not a leak): text that arrived escaped from Slack was escaped again. */
export const DOUBLE_ESCAPED = /&amp;amp;|&amp;lt;(?:!|@|#|b&amp;gt;|https)/;

export function doubleEscaped(texts: readonly MrkdwnText[]): MrkdwnText[] {
  return texts.filter((t) => DOUBLE_ESCAPED.test(t.text));
}
