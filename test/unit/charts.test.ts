import { describe, expect, it } from "vitest";
import { chartDataFromMetrics, chartFontFiles, renderDigestChart, renderDigestChartImage, type DigestChartData } from "../../src/features/digests/chart";
import { computeProgramMetrics } from "../../src/features/digests/metrics";

const data: DigestChartData = {
  title: "Co-sell program · 2026-W47",
  currency: "USD",
  stages: [
    { stage: "Registered", amount: 120_000, deals: 3 },
    { stage: "Discovery", amount: 250_000, deals: 5 },
    { stage: "Technical validation", amount: 0, deals: 0 },
    { stage: "Proposal", amount: 90_000, deals: 2 },
    { stage: "Negotiation", amount: 310_000, deals: 4 },
  ],
  pairings: [
    { pairing: "Northwind + Acme + Globex", amount: 400_000, winRate: 0.6 },
    { pairing: "Northwind + Initech", amount: 250_000, winRate: 0.4 },
    { pairing: "Northwind + Umbrella", amount: 0, winRate: null },
  ],
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe("digest chart", () => {
  it("renders a PNG (signature, IHDR) of plausible size", async () => {
    const png = await renderDigestChart(data);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.subarray(12, 16).toString("ascii")).toBe("IHDR");
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    // two 520 px wide panels plus axes and padding, at zoom 2
    expect(width).toBeGreaterThan(1000);
    expect(width).toBeLessThan(2400);
    expect(height).toBeGreaterThan(600);
    expect(height).toBeLessThan(2400);
    expect(png.length).toBeGreaterThan(10_000);
  }, 30_000);

  it("draws its text with a font shipped in an npm package (works on a fresh machine)", async () => {
    const fonts = chartFontFiles();
    expect(fonts[0]).toMatch(/node_modules\/dejavu-fonts-ttf\/ttf\/DejaVuSans\.ttf$/);
    const img = await renderDigestChartImage(data, { zoom: 1 });
    expect(img.svg).toContain("Co-sell program · 2026-W47");
    expect(img.svg).toContain("Northwind + Initech");
    // The title sits alone in the top strip: with a usable font it has dark pixels, without one it is blank.
    let dark = 0;
    for (let y = 16; y < 40; y++) {
      for (let x = 16; x < 300; x++) {
        const i = (y * img.width + x) * 4;
        if (img.pixels[i]! < 128 && img.pixels[i + 1]! < 128 && img.pixels[i + 2]! < 128) dark++;
      }
    }
    expect(dark).toBeGreaterThan(100);
  }, 30_000);

  it("takes its data from the program metrics (major units, ranking order)", () => {
    const m = computeProgramMetrics({
      now: new Date("2026-07-01T00:00:00Z"),
      currency: "JPY",
      orgs: [{ id: "a", name: "A", internal: false }],
      pairings: [{ id: "p", name: "A pairing", createdAt: new Date("2026-01-01T00:00:00Z") }],
      deals: [
        {
          id: "d",
          ref: 1,
          pairingId: "p",
          amountMinor: 5000,
          currency: "JPY",
          stage: "PROPOSAL",
          registeredAt: new Date("2026-05-01T00:00:00Z"),
          closedAt: null,
          orgIds: ["a"],
        },
      ],
      touchpoints: [],
      records: [],
      disputes: [],
      period: { start: new Date("2026-06-24T00:00:00Z"), end: new Date("2026-07-01T00:00:00Z") },
    });
    const c = chartDataFromMetrics(m, "t");
    expect(c.stages.find((s) => s.stage === "Proposal")).toEqual({ stage: "Proposal", amount: 5000, deals: 1 });
    expect(c.pairings).toEqual([{ pairing: "A pairing", amount: 5000, winRate: null }]);
  });
});
