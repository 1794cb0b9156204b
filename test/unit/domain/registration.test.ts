import { describe, expect, it } from "vitest";
import { validateRegistration, type PairingContext, type RegistrationDraft } from "../../../src/kernel/registration";

const pairing: PairingContext = {
  id: "p1",
  name: "Ourco + Acme",
  orgs: [
    { id: "ours", name: "Ourco", internal: true },
    { id: "acme", name: "Acme", internal: false },
  ],
};
const draft = (over: Partial<RegistrationDraft> = {}): RegistrationDraft => ({
  accountName: "Northwind Traders",
  accountDomain: "northwind.com",
  title: "Data platform",
  amount: "48,000",
  currency: "USD",
  expectedCloseDate: "2027-01-31",
  coSellModel: "SELL_WITH",
  explicitModel: null,
  pairingId: "p1",
  roles: { SOURCING: ["acme"], SELLING: ["ours"] },
  relationshipOwnerUserId: null,
  postSaleOwnerOrgId: null,
  notes: "",
  ...over,
});
const validate = (over: Partial<RegistrationDraft>) => validateRegistration(draft(over), { pairing, today: "2026-11-16" });
const errors = (over: Partial<RegistrationDraft>) => {
  const r = validate(over);
  return r.ok ? {} : r.errors;
};

describe("registration: the expected close date is a real calendar date", () => {
  it("a valid draft passes and keeps the date", () => {
    expect(validate({})).toMatchObject({ ok: true, value: { expectedCloseDate: "2027-01-31" } });
    expect(validate({ expectedCloseDate: "2028-02-29" })).toMatchObject({ ok: true, value: { expectedCloseDate: "2028-02-29" } });
  });

  it.each([
    ["2027-02-30", /^2027-02-30 is not a calendar date: February has 28 days\.$/],
    ["2027-04-31", /^2027-04-31 is not a calendar date: April has 30 days\.$/],
    ["2027-13-01", /^2027-13-01 is not a calendar date: there is no month 13/],
    ["2027-02-29", /2027 is not a leap year/],
    ["2037-01-01", /more than 10 years ahead \(the latest date accepted is 2036-11-16\)/],
    ["31/01/2027", /give the expected close date as YYYY-MM-DD/],
    ["2026-11-15", /^The expected close date 2026-11-15 is in the past \(today is 2026-11-16\)\.$/],
    ["1999-01-01", /is in the past/],
  ])("%s is refused under the close date only", (date, message) => {
    const e = errors({ expectedCloseDate: date });
    expect(Object.keys(e)).toEqual(["expectedCloseDate"]);
    expect(e.expectedCloseDate).toMatch(message);
  });

  it("no date at all asks for one", () => {
    expect(errors({ expectedCloseDate: null })).toEqual({ expectedCloseDate: "Pick the expected close date." });
  });
});

describe("registration: names and notes refuse hidden characters", () => {
  it("zero-width-only account name, NUL in the title, bidi override in the name, control in notes", () => {
    expect(errors({ accountName: "\u200B\u200B" }).accountName).toMatch(/^Account name is made only of invisible characters/);
    expect(errors({ title: "Data\u0000platform" }).title).toMatch(/^Deal title contains an invisible control character, U\+0000 NUL \(character 5\)/);
    expect(errors({ accountName: "Northwind\u202Eexe.fdp" }).accountName).toMatch(/^Account name contains a bidirectional control character, U\+202E/);
    expect(errors({ notes: "CFO\u001B[2J" }).notes).toMatch(/^Notes contains an invisible control character, U\+001B/);
    expect(errors({ notes: "\uFEFF" }).notes).toMatch(/^Notes is made only of invisible characters/);
  });

  it("a multi-line note with a tab is fine; whitespace-only names keep their own message", () => {
    expect(validate({ notes: "CFO:\n\tannual billing" }).ok).toBe(true);
    expect(errors({ accountName: "   " }).accountName).toBe("Account name is required.");
  });
});
