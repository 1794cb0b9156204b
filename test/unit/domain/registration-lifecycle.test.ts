import { describe, expect, it } from "vitest";
import {
  addDays,
  autoApproves,
  daysLeft,
  holdsAccount,
  percentile,
  registrationBadge,
  registrationStatusLine,
  stageAllowedForStatus,
  type LifecycleSettings,
} from "../../../src/kernel/registration-lifecycle";

const settings: LifecycleSettings = {
  protectionDays: 90,
  protectionWarnDays: 14,
  extensionDays: 30,
  maxExtensions: 2,
  approvalSlaHours: 48,
  autoApproveInternal: true,
  autoApproveMaxAmount: null,
};
const now = new Date("2026-12-03T12:00:00Z");

describe("registration lifecycle rules", () => {
  it("auto-approves our own people's and small registrations, never a conflict", () => {
    const reg = { byInternal: true, conflict: false, amountMinor: 10_000_000, currencyExponent: 2 };
    expect(autoApproves(settings, reg)).toBe("internal");
    expect(autoApproves(settings, { ...reg, conflict: true })).toBeNull();
    expect(autoApproves({ ...settings, autoApproveInternal: false }, reg)).toBeNull();
    const partner = { ...reg, byInternal: false };
    expect(autoApproves(settings, partner)).toBeNull();
    // 25,000 whole units: $25,000.00 passes, $25,000.01 does not; ¥25,000 (no minor unit) passes.
    const small = { ...settings, autoApproveMaxAmount: 25_000 };
    expect(autoApproves(small, { ...partner, amountMinor: 2_500_000 })).toBe("amount");
    expect(autoApproves(small, { ...partner, amountMinor: 2_500_001 })).toBeNull();
    expect(autoApproves(small, { ...partner, amountMinor: 25_000, currencyExponent: 0 })).toBe("amount");
  });

  it("a registration holds its account while pending or protected, not once rejected, expired, closed or past its end", () => {
    const open = { stage: "DISCOVERY" as const, protectedUntil: addDays(now, 10) };
    expect(holdsAccount({ ...open, registrationStatus: "SUBMITTED" }, now)).toBe(true);
    expect(holdsAccount({ ...open, registrationStatus: "RETURNED" }, now)).toBe(true);
    expect(holdsAccount({ ...open, registrationStatus: "APPROVED" }, now)).toBe(true);
    expect(holdsAccount({ ...open, registrationStatus: "APPROVED", protectedUntil: null }, now)).toBe(true);
    expect(holdsAccount({ ...open, registrationStatus: "APPROVED", protectedUntil: now }, now)).toBe(false);
    expect(holdsAccount({ ...open, registrationStatus: "REJECTED" }, now)).toBe(false);
    expect(holdsAccount({ ...open, registrationStatus: "EXPIRED" }, now)).toBe(false);
    expect(holdsAccount({ ...open, registrationStatus: "APPROVED", stage: "CLOSED_LOST" }, now)).toBe(false);
    expect(holdsAccount({ ...open, registrationStatus: "SUBMITTED", stage: "CLOSED_WON" }, now)).toBe(false);
  });

  it("a deal waiting for review goes as far as Discovery (or lost) unless an admin moves it", () => {
    for (const to of ["REGISTERED", "DISCOVERY", "CLOSED_LOST"] as const) expect(stageAllowedForStatus("SUBMITTED", to, false).ok).toBe(true);
    for (const to of ["TECHNICAL_VALIDATION", "PROPOSAL", "NEGOTIATION", "CLOSED_WON"] as const) {
      expect(stageAllowedForStatus("SUBMITTED", to, false)).toMatchObject({ ok: false, reason: expect.stringMatching(/as far as Discovery/) });
      expect(stageAllowedForStatus("RETURNED", to, false)).toMatchObject({ ok: false, reason: expect.stringMatching(/returned/) });
      expect(stageAllowedForStatus("SUBMITTED", to, true).ok).toBe(true);
      expect(stageAllowedForStatus("EXPIRED", to, false).ok).toBe(true);
    }
  });

  it("says the status as the card, App Home and the list show it", () => {
    const base = {
      stage: "PROPOSAL" as const,
      protectedUntil: new Date("2027-03-02T09:00:00Z"),
      decisionReason: null,
      decisionNote: null,
      conflictException: false,
    };
    expect(registrationStatusLine({ ...base, registrationStatus: "SUBMITTED" }, now)).toBe("Pending review");
    expect(registrationStatusLine({ ...base, registrationStatus: "APPROVED" }, now)).toBe("Approved · protected until 2027-03-02");
    expect(registrationStatusLine({ ...base, registrationStatus: "APPROVED" }, now, { daysLeft: true })).toBe(
      "Approved · protected until 2027-03-02 (89 days left)",
    );
    expect(registrationStatusLine({ ...base, registrationStatus: "APPROVED", conflictException: true }, now)).toBe(
      "Approved (exception) · protected until 2027-03-02",
    );
    expect(registrationStatusLine({ ...base, registrationStatus: "APPROVED", stage: "CLOSED_WON" }, now)).toBe("Approved · closed");
    expect(registrationStatusLine({ ...base, registrationStatus: "RETURNED", decisionNote: "needs the customer's budget owner" }, now)).toBe(
      "Returned: needs the customer's budget owner",
    );
    expect(registrationStatusLine({ ...base, registrationStatus: "REJECTED", decisionReason: "DUPLICATE" }, now)).toBe("Rejected: duplicate");
    expect(registrationStatusLine({ ...base, registrationStatus: "EXPIRED" }, now)).toBe("Expired");
    expect(registrationBadge("APPROVED", base.protectedUntil, "PROPOSAL")).toBe(" · 🛡️ until 2027-03-02");
    expect(registrationBadge("APPROVED", null, "PROPOSAL")).toBe("");
  });

  it("counts days left up to the end and takes percentiles by nearest rank", () => {
    expect(daysLeft(now, addDays(now, 14))).toBe(14);
    expect(daysLeft(now, new Date(now.getTime() + 1))).toBe(1);
    expect(daysLeft(now, now)).toBe(0);
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  });
});
