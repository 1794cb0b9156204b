// Small helpers for the benchmarks: percentiles, timing, a deterministic PRNG, the table.

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(ms: number[]): { p50: number; p99: number; max: number; n: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN, n: s.length };
}

export async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** mulberry32: the same seed gives the same data on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Row {
  benchmark: string;
  db: string;
  size: string;
  result: string;
  target: string;
  verdict: string;
}

export function printTable(rows: Row[]): void {
  const cols: (keyof Row)[] = ["benchmark", "db", "size", "result", "target", "verdict"];
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(c.length, ...rows.map((r) => r[c].length))])) as Record<keyof Row, number>;
  const line = (r: Record<keyof Row, string>) => `| ${cols.map((c) => r[c].padEnd(width[c])).join(" | ")} |`;
  console.log(line(Object.fromEntries(cols.map((c) => [c, c])) as Record<keyof Row, string>));
  console.log(`|${cols.map((c) => "-".repeat(width[c] + 2)).join("|")}|`);
  for (const r of rows) console.log(line(r));
}

export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number`);
  return n;
}

export function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}
