import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareTieBreak, currencyExponent, formatBp, formatMoney, largestRemainder, largestRemainderWithDetail, parseAmount } from "../../../src/kernel/money";

const w = (key: string, weight: number | bigint, tieBreak = key) => ({ key, tieBreak, weight });
const asObject = (m: Map<string, number>) => Object.fromEntries(m);

describe("largestRemainder", () => {
  it.each([
    {
      name: "exact split needs no rounding",
      total: 1_000_000,
      weights: [w("a", 4000), w("b", 3500), w("c", 2500)],
      expected: { a: 400_000, b: 350_000, c: 250_000 },
    },
    {
      name: "leftover goes to the largest remainder, not to the first name",
      // 10 × 1/3 = 3.33…, 10 × 2/3 = 6.67… → the 1 unit left goes to Beta (.67 > .33)
      total: 10,
      weights: [w("a", 1, "Alpha"), w("b", 2, "Beta")],
      expected: { a: 3, b: 7 },
    },
    {
      name: "equal remainders go A→Z by name, whatever the input order",
      total: 100,
      weights: [w("g", 1, "Gamma"), w("b", 1, "Beta"), w("a", 1, "Acme")],
      expected: { a: 34, b: 33, g: 33 },
    },
    {
      name: "names compare case-insensitively first (alpha before Zeta)",
      total: 1,
      weights: [w("z", 1, "Zeta"), w("x", 1, "alpha")],
      expected: { x: 1, z: 0 },
    },
    {
      name: "same name in another case: plain comparison decides (Acme before acme)",
      total: 1,
      weights: [w("lower", 1, "acme"), w("upper", 1, "Acme")],
      expected: { lower: 0, upper: 1 },
    },
    {
      name: "two leftover units go to the two largest remainders",
      // 10000 × 20/85 = 2352.94, × 40/85 = 4705.88, × 25/85 = 2941.18
      total: 10000,
      weights: [w("s", 20), w("l", 40), w("t", 25)],
      expected: { s: 2353, l: 4706, t: 2941 },
    },
    {
      name: "zero weight gets nothing",
      total: 7,
      weights: [w("a", 0), w("b", 1)],
      expected: { a: 0, b: 7 },
    },
    {
      name: "all-zero weights: split equally",
      total: 10,
      weights: [w("c", 0, "C"), w("a", 0, "A"), w("b", 0, "B")],
      expected: { a: 4, b: 3, c: 3 },
    },
    {
      name: "total 0 gives zeros",
      total: 0,
      weights: [w("a", 0), w("b", 5)],
      expected: { a: 0, b: 0 },
    },
  ])("$name", ({ total, weights, expected }) => {
    expect(asObject(largestRemainder(total, weights))).toEqual(expected);
  });

  it("is exact with weights and totals whose products exceed 2^53", () => {
    const big = 2n ** 60n;
    const parts = largestRemainder(999_999_999_999, [w("a", big), w("b", big + 1n), w("c", 3n)]);
    const sum = [...parts.values()].reduce((s, v) => s + v, 0);
    expect(sum).toBe(999_999_999_999);
    // a and b are each just under half; c's share is ~3/2^61 of the total: 0 after flooring
    expect(parts.get("c")).toBe(0);
    expect(Math.abs((parts.get("a") ?? 0) - (parts.get("b") ?? 0))).toBeLessThanOrEqual(1);
  });

  it("reports which keys received leftover units", () => {
    const d = largestRemainderWithDetail(100, [w("g", 1, "Gamma"), w("a", 1, "Acme"), w("b", 1, "Beta")]);
    expect(d.leftover).toBe(1);
    expect(d.bumped).toEqual(["a"]);
    expect(d.equalFallback).toBe(false);
    expect(largestRemainderWithDetail(3, [w("a", 0), w("b", 0)]).equalFallback).toBe(true);
  });

  it("allows an empty list only for a total of 0", () => {
    expect(largestRemainder(0, []).size).toBe(0);
    expect(() => largestRemainder(5, [])).toThrow(/no weights/);
  });

  it.each([
    { name: "negative total", total: -1, weights: [w("a", 1)] },
    { name: "fractional total", total: 1.5, weights: [w("a", 1)] },
    { name: "negative weight", total: 1, weights: [w("a", -1)] },
    { name: "negative bigint weight", total: 1, weights: [w("a", -1n)] },
    { name: "fractional weight", total: 1, weights: [w("a", 0.5)] },
    { name: "duplicate key", total: 1, weights: [w("a", 1), w("a", 2)] },
  ])("throws on programmer error: $name", ({ total, weights }) => {
    expect(() => largestRemainder(total, weights)).toThrow();
  });

  it("parts always add up to the total and each is within 1 of its exact share", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.array(fc.integer({ min: 0, max: 1e6 }), { minLength: 1, maxLength: 8 }), (total, ws) => {
        const parts = largestRemainder(
          total,
          ws.map((x, i) => w(`k${i}`, x)),
        );
        const sumW = ws.reduce((s, x) => s + x, 0);
        let sum = 0;
        ws.forEach((x, i) => {
          const p = parts.get(`k${i}`) ?? -1;
          expect(p).toBeGreaterThanOrEqual(0);
          sum += p;
          const wx = BigInt(sumW === 0 ? 1 : x);
          const den = BigInt(sumW === 0 ? ws.length : sumW);
          const exactNum = BigInt(total) * wx; // exact share = exactNum / den
          // |p − exact| < 1
          expect(BigInt(p) * den > exactNum - den).toBe(true);
          expect(BigInt(p) * den < exactNum + den).toBe(true);
        });
        expect(sum).toBe(total);
      }),
    );
  });
});

describe("compareTieBreak", () => {
  it("orders A→Z case-insensitively, then by the original string", () => {
    const sorted = ["beta", "Zeta", "alpha", "Acme", "acme"].sort(compareTieBreak);
    expect(sorted).toEqual(["Acme", "acme", "alpha", "beta", "Zeta"]);
  });
});

describe("currencyExponent", () => {
  it.each([
    ["USD", 2],
    ["EUR", 2],
    ["CHF", 2],
    ["JPY", 0],
    ["KRW", 0],
    ["BHD", 3],
    ["KWD", 3],
    ["JOD", 3],
    ["OMR", 3],
    ["TND", 3],
    ["jpy", 0],
  ])("%s has %i decimals", (code, exp) => {
    expect(currencyExponent(code)).toBe(exp);
  });
});

describe("formatMoney", () => {
  it.each([
    [1_250_000, "USD", "$12,500.00"],
    [100_000, "EUR", "€1,000.00"],
    [100_000, "GBP", "£1,000.00"],
    [100_000, "CHF", "1,000.00 CHF"],
    [1_000, "JPY", "1,000 JPY"],
    [1_234_567, "BHD", "1,234.567 BHD"],
    [5, "USD", "$0.05"],
    [0, "USD", "$0.00"],
    [99, "USD", "$0.99"],
    [-150, "USD", "-$1.50"],
    [1_250_000, "usd", "$12,500.00"],
    [100_000_000_000_000, "USD", "$1,000,000,000,000.00"],
    [Number.MAX_SAFE_INTEGER, "USD", "$90,071,992,547,409.91"],
  ])("%i minor units of %s → %s", (minor, currency, expected) => {
    expect(formatMoney(minor, currency)).toBe(expected);
  });

  it("rejects non-integer minor units", () => {
    expect(() => formatMoney(1.5, "USD")).toThrow();
  });
});

describe("formatBp", () => {
  it.each([
    [3333, "33.33%"],
    [6667, "66.67%"],
    [10000, "100.00%"],
    [2750, "27.50%"],
    [5, "0.05%"],
    [0, "0.00%"],
    [-25, "-0.25%"],
  ])("%i bp → %s", (bp, expected) => {
    expect(formatBp(bp)).toBe(expected);
  });
});

describe("parseAmount", () => {
  it.each([
    ["12500", "USD", 1_250_000],
    ["12,500.50", "USD", 1_250_050],
    ["$12,500", "USD", 1_250_000],
    ["12.5k", "USD", 1_250_000],
    ["12.5K", "USD", 1_250_000],
    ["1.2m", "USD", 120_000_000],
    ["  12500  ", "USD", 1_250_000],
    ["USD 12,500", "USD", 1_250_000],
    ["12,500 usd", "USD", 1_250_000],
    ["€1,000.5", "EUR", 100_050],
    ["0.5", "USD", 50],
    [".75", "USD", 75],
    ["12.50", "USD", 1_250],
    ["1.23456k", "USD", 123_456],
    ["12500", "JPY", 12_500],
    ["1.5k", "JPY", 1_500],
    ["1.234", "BHD", 1_234],
    ["1,000,000,000", "USD", 100_000_000_000],
    ["1000m", "USD", 100_000_000_000],
    ["1,000,000,000", "BHD", 1_000_000_000_000],
  ])("%s (%s) → %i minor units", (text, currency, minor) => {
    expect(parseAmount(text, currency)).toEqual({ ok: true, minor });
  });

  it.each([
    { text: "", currency: "USD", reason: /enter an amount/i },
    { text: "abc", currency: "USD", reason: /not an amount/i },
    { text: "12abc", currency: "USD", reason: /not an amount/i },
    { text: "1e6", currency: "USD", reason: /not an amount/i },
    { text: "1.2.3", currency: "USD", reason: /not an amount/i },
    { text: "-100", currency: "USD", reason: /negative/i },
    { text: "-$100", currency: "USD", reason: /negative/i },
    { text: "(100)", currency: "USD", reason: /negative/i },
    { text: "0", currency: "USD", reason: /greater than zero/i },
    { text: "0.00", currency: "USD", reason: /greater than zero/i },
    { text: "12.345", currency: "USD", reason: /USD amounts can have at most 2 decimal places/ },
    { text: "0.001", currency: "USD", reason: /at most 2 decimal places/ },
    { text: "1.234567k", currency: "USD", reason: /at most 2 decimal places/ },
    { text: "12.5", currency: "JPY", reason: /JPY amounts can't have decimals/ },
    { text: "1.2345", currency: "BHD", reason: /at most 3 decimal places/ },
    { text: "1,25", currency: "USD", reason: /commas/i },
    { text: "12,50,000", currency: "USD", reason: /commas/i },
    { text: "€100", currency: "USD", reason: /€.*USD/ },
    { text: "100 EUR", currency: "USD", reason: /EUR.*USD/ },
    { text: "1,000,000,000.01", currency: "USD", reason: /limit of \$1,000,000,000\.00/ },
  ])("rejects $text ($currency)", ({ text, currency, reason }) => {
    const r = parseAmount(text, currency);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it("names the limit for absurd amounts in the deal's currency", () => {
    const huge = parseAmount("5,000,000,000", "USD");
    expect(huge).toEqual({ ok: false, reason: expect.stringContaining("$1,000,000,000.00") });
    const jpy = parseAmount("1001m", "JPY");
    expect(jpy).toEqual({ ok: false, reason: expect.stringContaining("1,000,000,000 JPY") });
    const long = parseAmount("9".repeat(40), "USD");
    expect(long).toEqual({ ok: false, reason: expect.stringMatching(/limit/) });
  });

  it("round-trips formatMoney output for any amount up to the limit", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("USD", "EUR", "GBP", "CHF", "JPY", "BHD"),
        fc.integer({ min: 1, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 999 }),
        (currency, major, frac) => {
          const exp = currencyExponent(currency);
          const minor = major * 10 ** exp + (exp === 0 ? 0 : frac % 10 ** exp);
          if (minor > 1_000_000_000 * 10 ** exp) return;
          expect(parseAmount(formatMoney(minor, currency), currency)).toEqual({ ok: true, minor });
        },
      ),
    );
  });
});
