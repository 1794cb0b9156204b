import { describe, expect, it } from "vitest";
import { disputeRate, MIN_RECORDS } from "../../../src/features/disputes/metrics";

describe("dispute rate", () => {
  it("is disputed records over records", () => {
    expect(disputeRate({ records: 40, disputes: 1 })).toEqual({ rate: 0.025, band: "healthy" });
    expect(disputeRate({ records: 100, disputes: 7 }).rate).toBeCloseTo(0.07);
  });

  it("bands: <5% healthy, 5–10% watch, >10% unclear rules (the edges are 'watch')", () => {
    expect(disputeRate({ records: 100, disputes: 4 }).band).toBe("healthy");
    expect(disputeRate({ records: 100, disputes: 5 }).band).toBe("watch");
    expect(disputeRate({ records: 100, disputes: 10 }).band).toBe("watch");
    expect(disputeRate({ records: 100, disputes: 11 }).band).toBe("unclear rules");
    expect(disputeRate({ records: 20, disputes: 20 })).toEqual({ rate: 1, band: "unclear rules" });
  });

  it("0 disputes with volume is 'nobody looking', not healthy", () => {
    expect(MIN_RECORDS).toBe(20);
    expect(disputeRate({ records: 20, disputes: 0 })).toEqual({ rate: 0, band: "nobody looking" });
    expect(disputeRate({ records: 500, disputes: 0 }).band).toBe("nobody looking");
    expect(disputeRate({ records: 20, disputes: 1 }).band).toBe("watch");
  });

  it("below 20 records the rate is reported but not banded", () => {
    expect(disputeRate({ records: 0, disputes: 0 })).toEqual({ rate: 0, band: "too few" });
    expect(disputeRate({ records: 19, disputes: 0 }).band).toBe("too few");
    expect(disputeRate({ records: 10, disputes: 5 })).toEqual({ rate: 0.5, band: "too few" });
  });

  it("refuses impossible counts", () => {
    expect(() => disputeRate({ records: -1, disputes: 0 })).toThrow(RangeError);
    expect(() => disputeRate({ records: 10.5, disputes: 0 })).toThrow(RangeError);
    expect(() => disputeRate({ records: 3, disputes: 4 })).toThrow(/cannot exceed/);
  });
});
