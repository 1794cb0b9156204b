import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { currencyExponent } from "../../kernel/money";
import type { ProgramMetrics } from "./metrics";
import { stageLabel } from "../../kernel/stages";

// The manager digest's chart, rendered on the server with no browser and no network:
// vega-lite spec → vega → SVG → resvg → PNG. A pure function of its data (same data, same
// bytes). Text needs a font file: resvg is given DejaVu Sans from the `dejavu-fonts-ttf` npm
// package (installed with the app, so a fresh machine has it), else the system's DejaVu
// (Debian's fonts-dejavu-core), else whatever fonts the system has.

export interface DigestChartData {
  title: string;
  currency: string;
  /** open pipeline by stage, in major units of `currency` */
  stages: { stage: string; amount: number; deals: number }[];
  /** pairings by open pipeline, in major units, best first */
  pairings: { pairing: string; amount: number; winRate: number | null }[];
}

/** How many pairings the ranking chart shows (the digest text lists them all). */
const CHART_PAIRINGS = 12;

/** The chart's data from the program metrics (small and JSON-safe: stored with the job run for retries). */
export function chartDataFromMetrics(m: ProgramMetrics, title: string): DigestChartData {
  const unit = 10 ** currencyExponent(m.currency);
  return {
    title,
    currency: m.currency,
    stages: m.pipelineByStage.map((s) => ({ stage: stageLabel(s.stage), amount: s.amountMinor / unit, deals: s.deals })),
    pairings: m.ranking.slice(0, CHART_PAIRINGS).map((r) => ({ pairing: truncateLabel(r.name), amount: r.pipelineMinor / unit, winRate: r.winRate })),
  };
}

function truncateLabel(s: string, max = 32): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

const FONT_FAMILY = "DejaVu Sans";

/** The font files resvg loads: the npm package's DejaVu Sans first, then the system's. */
export function chartFontFiles(): string[] {
  const out: string[] = [];
  try {
    const require = createRequire(import.meta.url);
    for (const f of ["dejavu-fonts-ttf/ttf/DejaVuSans.ttf", "dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"]) out.push(require.resolve(f));
  } catch {
    // not installed: fall back to the system's fonts
  }
  if (out.length === 0) {
    for (const f of ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"]) if (existsSync(f)) out.push(f);
  }
  return out;
}

/** The vega-lite spec: pipeline by stage on top, the pairing ranking below. */
function digestChartSpec(data: DigestChartData): Record<string, unknown> {
  const money = { format: ",.0f" };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: data.title, fontSize: 16, anchor: "start" },
    background: "white",
    padding: 16,
    config: { font: FONT_FAMILY, view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12 } },
    vconcat: [
      {
        title: { text: `Open pipeline by stage (${data.currency})`, anchor: "start", fontSize: 13 },
        width: 520,
        height: 200,
        data: { values: data.stages },
        layer: [
          {
            mark: { type: "bar", color: "#4C78A8" },
            encoding: {
              x: { field: "stage", type: "nominal", sort: null, axis: { labelAngle: 0, title: null } },
              y: { field: "amount", type: "quantitative", axis: { title: data.currency, ...money } },
            },
          },
          {
            mark: { type: "text", dy: -8, fontSize: 11 },
            encoding: {
              x: { field: "stage", type: "nominal", sort: null },
              y: { field: "amount", type: "quantitative" },
              text: { field: "deals", type: "quantitative", format: "d" },
            },
          },
        ],
      },
      {
        title: { text: `Pairings by open pipeline (${data.currency}; label: win rate)`, anchor: "start", fontSize: 13 },
        width: 520,
        height: { step: 22 },
        data: { values: data.pairings.map((p) => ({ ...p, label: p.winRate === null ? "no closed deals" : `${Math.round(p.winRate * 100)}% won` })) },
        layer: [
          {
            mark: { type: "bar", color: "#F58518" },
            encoding: {
              y: { field: "pairing", type: "nominal", sort: null, axis: { title: null, labelLimit: 280 } },
              x: { field: "amount", type: "quantitative", axis: { title: data.currency, ...money } },
            },
          },
          {
            mark: { type: "text", align: "left", dx: 4, fontSize: 11 },
            encoding: {
              y: { field: "pairing", type: "nominal", sort: null },
              x: { field: "amount", type: "quantitative" },
              text: { field: "label", type: "nominal" },
            },
          },
        ],
      },
    ],
  };
}

/** Renders the chart to a PNG. */
export async function renderDigestChart(data: DigestChartData, opts: { zoom?: number } = {}): Promise<Buffer> {
  return (await renderDigestChartImage(data, opts)).png;
}

/** The PNG with its size and RGBA pixels (tests look for the drawn text). */
export async function renderDigestChartImage(
  data: DigestChartData,
  opts: { zoom?: number } = {},
): Promise<{ png: Buffer; width: number; height: number; pixels: Buffer; svg: string }> {
  // Loaded on first use: vega is large and most processes never draw a chart.
  const [vega, vl, { Resvg }] = await Promise.all([import("vega"), import("vega-lite"), import("@resvg/resvg-js")]);
  const spec = vl.compile(digestChartSpec(data) as unknown as Parameters<typeof vl.compile>[0]).spec;
  // The data is inline: nothing is fetched.
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  const fontFiles = chartFontFiles();
  const resvg = new Resvg(svg, {
    background: "white",
    fitTo: { mode: "zoom", value: opts.zoom ?? 2 },
    font: { loadSystemFonts: fontFiles.length === 0, fontFiles, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  });
  const image = resvg.render();
  return { png: image.asPng(), width: image.width, height: image.height, pixels: image.pixels, svg };
}
