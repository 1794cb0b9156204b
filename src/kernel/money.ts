// Integer money helpers. Pure: no I/O, no clock.
//
// Money is always an integer number of minor units (cents for USD, yen for JPY,
// fils for BHD). Shares of 100% are integer basis points (1 bp = 0.01%, 100% =
// 10000 bp). Every split of a whole into parts uses largest-remainder rounding so
// the parts add up exactly to the whole. Anything that multiplies two amounts is
// done in bigint so no intermediate product can lose precision above 2^53.

export interface RemainderWeight {
  key: string;
  /** Equal remainders are broken by this, ascending (organization name A→Z). */
  tieBreak: string;
  weight: bigint | number;
}

export interface LargestRemainderDetail {
  parts: Map<string, number>;
  /** Units left after flooring (0 ≤ leftover < number of weights). */
  leftover: number;
  /** Keys that received one leftover unit, in the order they received it. */
  bumped: string[];
  /** True when every weight was 0 and the total was split equally instead. */
  equalFallback: boolean;
}

/**
 * Orders two tie-break strings A→Z: a plain `<` on the lowercased strings, then on
 * the original strings. Returns a negative number, 0 or a positive number.
 */
export function compareTieBreak(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la < lb) return -1;
  if (la > lb) return 1;
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

function toBigWeight(w: bigint | number, key: string): bigint {
  if (typeof w === "bigint") {
    if (w < 0n) throw new RangeError(`largestRemainder: weight for "${key}" is negative`);
    return w;
  }
  if (!Number.isSafeInteger(w) || w < 0) {
    throw new RangeError(`largestRemainder: weight for "${key}" must be a non-negative safe integer (got ${w})`);
  }
  return BigInt(w);
}

/**
 * Same as {@link largestRemainder}, but also reports which keys received the units
 * left over after flooring (used to explain the rounding to people).
 */
export function largestRemainderWithDetail(total: number, weights: readonly RemainderWeight[]): LargestRemainderDetail {
  if (!Number.isSafeInteger(total) || total < 0) {
    throw new RangeError(`largestRemainder: total must be a non-negative safe integer (got ${total})`);
  }
  const seen = new Set<string>();
  for (const w of weights) {
    if (seen.has(w.key)) throw new Error(`largestRemainder: duplicate key "${w.key}"`);
    seen.add(w.key);
  }
  if (weights.length === 0) {
    if (total === 0) return { parts: new Map(), leftover: 0, bumped: [], equalFallback: false };
    throw new RangeError(`largestRemainder: cannot split ${total} over no weights`);
  }

  let big = weights.map((w) => ({ key: w.key, tieBreak: w.tieBreak, weight: toBigWeight(w.weight, w.key) }));
  const sum0 = big.reduce((s, w) => s + w.weight, 0n);
  const equalFallback = sum0 === 0n;
  if (equalFallback) big = big.map((w) => ({ ...w, weight: 1n }));
  const sum = equalFallback ? BigInt(big.length) : sum0;

  const T = BigInt(total);
  const rows = big.map((w) => {
    const product = T * w.weight;
    return { key: w.key, tieBreak: w.tieBreak, floor: product / sum, rem: product % sum };
  });
  const floored = rows.reduce((s, r) => s + r.floor, 0n);
  const leftover = Number(T - floored); // always < rows.length

  const order = [...rows].sort((a, b) => {
    if (a.rem !== b.rem) return a.rem > b.rem ? -1 : 1;
    const t = compareTieBreak(a.tieBreak, b.tieBreak);
    if (t !== 0) return t;
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
  const bumped: string[] = [];
  const bumpSet = new Set<string>();
  for (let i = 0; i < leftover; i++) {
    const row = order[i];
    if (!row) break;
    bumped.push(row.key);
    bumpSet.add(row.key);
  }

  const parts = new Map<string, number>();
  for (const r of rows) parts.set(r.key, Number(r.floor) + (bumpSet.has(r.key) ? 1 : 0));
  return { parts, leftover, bumped, equalFallback };
}

/**
 * Splits the non-negative integer `total` over non-negative integer weights so the
 * parts add up exactly to `total`. Each part is first floored; the units left over
 * go one each to the largest remainders, equal remainders going by `tieBreak`
 * ascending (A→Z, case-insensitive first), then by key. When every weight is 0 the
 * total is split equally (with the same rounding). An empty list is only allowed
 * for a total of 0.
 */
export function largestRemainder(total: number, weights: readonly RemainderWeight[]): Map<string, number> {
  return largestRemainderWithDetail(total, weights).parts;
}

const EXPONENTS: Record<string, number> = {
  JPY: 0,
  KRW: 0,
  BHD: 3,
  KWD: 3,
  JOD: 3,
  OMR: 3,
  TND: 3,
};

/** Number of decimal places of a currency's minor unit (ISO 4217). */
export function currencyExponent(code: string): number {
  return EXPONENTS[code.trim().toUpperCase()] ?? 2;
}

const SYMBOLS: Record<string, string> = { USD: "$", EUR: "€", GBP: "£" };

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Major units with thousands separators and the currency's decimals, no symbol. */
function formatMagnitude(minor: bigint, exponent: number): string {
  const s = minor.toString().padStart(exponent + 1, "0");
  const intPart = exponent === 0 ? s : s.slice(0, s.length - exponent);
  const frac = exponent === 0 ? "" : s.slice(s.length - exponent);
  return groupThousands(intPart) + (frac ? `.${frac}` : "");
}

/**
 * "$12,500.00" (USD), "€1,000.00" (EUR), "£1,000.00" (GBP); any other currency
 * as "1,000.00 CHF" / "1,000 JPY". Negative amounts get a leading "-".
 */
export function formatMoney(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) {
    throw new RangeError(`formatMoney: amount must be an integer number of minor units (got ${minor})`);
  }
  const code = currency.trim().toUpperCase();
  const exponent = currencyExponent(code);
  const negative = minor < 0;
  const body = formatMagnitude(BigInt(Math.abs(minor)), exponent);
  const symbol = SYMBOLS[code];
  const text = symbol ? `${symbol}${body}` : `${body} ${code}`;
  return negative ? `-${text}` : text;
}

/** Basis points as a percentage with exactly two decimals: 3333 → "33.33%". */
export function formatBp(bp: number): string {
  if (!Number.isSafeInteger(bp)) throw new RangeError(`formatBp: basis points must be an integer (got ${bp})`);
  const negative = bp < 0;
  const abs = Math.abs(bp);
  const whole = Math.floor(abs / 100);
  const frac = String(abs % 100).padStart(2, "0");
  return `${negative ? "-" : ""}${groupThousands(String(whole))}.${frac}%`;
}

/** Largest amount accepted by {@link parseAmount}, in major units. */
const MAX_AMOUNT_MAJOR = 1_000_000_000;

export type ParseAmountResult = { ok: true; minor: number } | { ok: false; reason: string };

const SYMBOL_CURRENCIES: Record<string, (code: string) => boolean> = {
  $: (c) => c.endsWith("D"), // USD, CAD, AUD, NZD, SGD, HKD…
  "€": (c) => c === "EUR",
  "£": (c) => c === "GBP",
  "¥": (c) => c === "JPY" || c === "CNY",
};

const EXAMPLES = "e.g. 12500, 12,500.50, $12,500, 12.5k or 1.2m";

/**
 * Parses an amount typed by a person into minor units of `currency`.
 * Accepts "12500", "12,500.50", "$12,500", "USD 12,500", "12.5k", "1.2m".
 * Rejects, with a reason a person can act on: empty or non-numeric text, negative
 * amounts, zero, more decimals than the currency has, badly placed thousands
 * separators, a different currency's symbol or code, and amounts above
 * 1,000,000,000 major units.
 */
export function parseAmount(text: string, currency: string): ParseAmountResult {
  const code = currency.trim().toUpperCase();
  const exponent = currencyExponent(code);
  const original = text.trim();
  if (original === "") return { ok: false, reason: `Enter an amount, ${EXAMPLES}.` };

  let s = original;
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  if (/^[-−]/.test(s)) {
    negative = true;
    s = s.slice(1).trim();
  }

  // Currency code before or after the number.
  const codeMatch = /^([A-Za-z]{3})\s*(?=[\d.$€£¥-])/.exec(s) ?? /(?<=[\d.kKmM])\s*([A-Za-z]{3})$/.exec(s);
  if (codeMatch?.[1]) {
    const written = codeMatch[1];
    const given = written.toUpperCase();
    if (given === code) {
      s = (s.slice(0, codeMatch.index) + s.slice(codeMatch.index + codeMatch[0].length)).trim();
    } else if (written === given) {
      // An upper-case code that is not this amount's currency ("100 EUR" for USD).
      return { ok: false, reason: `"${original}" is in ${given}, but this amount is in ${code}.` };
    }
    // Otherwise (e.g. "12abc") leave it: it fails below as not a number.
  }

  // Currency symbol before the number.
  const sym = s.charAt(0);
  const symbolCheck = SYMBOL_CURRENCIES[sym];
  if (symbolCheck) {
    if (!symbolCheck(code)) {
      return { ok: false, reason: `"${original}" uses the ${sym} symbol, but this amount is in ${code}.` };
    }
    s = s.slice(1).trim();
  }
  if (/^[-−]/.test(s)) {
    negative = true;
    s = s.slice(1).trim();
  }

  // Shorthand suffix.
  let multiplier = 1n;
  const suffix = /\s*([kKmM])$/.exec(s);
  if (suffix?.[1]) {
    multiplier = suffix[1].toLowerCase() === "k" ? 1_000n : 1_000_000n;
    s = s.slice(0, suffix.index);
  }

  const numeric = /^(\d*)(?:\.(\d+))?$/;
  let intDigits: string;
  let fracDigits: string;
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) {
    const [i = "", f = ""] = s.split(".");
    intDigits = i.replace(/,/g, "");
    fracDigits = f;
  } else {
    const m = numeric.exec(s);
    if (!m || (m[1] === "" && m[2] === undefined)) {
      if (/^[\d,]+(\.\d+)?$/.test(s)) {
        return {
          ok: false,
          reason: `"${original}" has commas in the wrong place; use commas only between thousands (12,500.50).`,
        };
      }
      return { ok: false, reason: `"${original}" is not an amount; enter a number, ${EXAMPLES}.` };
    }
    intDigits = m[1] ?? "";
    fracDigits = m[2] ?? "";
  }

  if (negative) return { ok: false, reason: `The amount can't be negative ("${original}"); enter a positive amount.` };

  // value = mantissa / 10^scale × multiplier (major units), all exact.
  const mantissa = BigInt((intDigits || "0") + fracDigits);
  const scaleDiv = 10n ** BigInt(fracDigits.length);
  const numerator = mantissa * multiplier; // major units × scaleDiv
  if (numerator === 0n) return { ok: false, reason: "The amount must be greater than zero." };

  const limitMinor = BigInt(MAX_AMOUNT_MAJOR) * 10n ** BigInt(exponent);
  if (numerator > BigInt(MAX_AMOUNT_MAJOR) * scaleDiv) {
    return {
      ok: false,
      reason: `"${original}" is above the limit of ${formatMoney(Number(limitMinor), code)} per deal.`,
    };
  }

  const minorTimesScale = numerator * 10n ** BigInt(exponent);
  if (minorTimesScale % scaleDiv !== 0n) {
    const reason =
      exponent === 0 ? `${code} amounts can't have decimals ("${original}").` : `${code} amounts can have at most ${exponent} decimal places ("${original}").`;
    return { ok: false, reason };
  }
  return { ok: true, minor: Number(minorTimesScale / scaleDiv) };
}
