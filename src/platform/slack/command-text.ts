/** Closest candidate by edit distance, or undefined when nothing is reasonably close. */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (!best || d < best.d) best = { c, d };
  }
  if (!best) return undefined;
  // A prefix ("reg" for "register") or up to ~40% of the letters wrong still counts as close.
  if (best.c.startsWith(input.toLowerCase()) && input.length >= 2) return best.c;
  return best.d <= Math.max(1, Math.floor(best.c.length * 0.4)) ? best.c : undefined;
}

/** Damerau–Levenshtein (optimal string alignment): a swap of two adjacent letters ("hlep") is one edit. */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      cur.push(d);
    }
    before = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** Splits command text into words, keeping "quoted phrases" and “curly quotes” together. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|“([^”]*)”|'([^']*)'|(\S+)/g;
  for (const m of text.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3] ?? m[4] ?? "");
  return out;
}

/**
 * Slack sends message and command text with `&`, `<` and `>` escaped (its own tokens such as
 * `<@U123|ada>` keep literal brackets). Decoded once, at the edge, so what is stored is what the
 * person typed; it is escaped again on the way out.
 */
export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `<@U123|name>` or `<@U123>` (how Slack sends a picked person in command text) → U123. */
export function parseUserMention(word: string): string | undefined {
  const m = word.trim().match(/^<@([UW][A-Z0-9_]+)(?:\|[^>]*)?>$/i);
  return m ? m[1]!.toUpperCase() : undefined;
}
