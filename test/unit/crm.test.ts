import { describe, expect, it } from "vitest";
import { crmDate } from "../../src/features/crm/apply-change";
import { hubspotSignatureV3 } from "../../src/features/crm/hubspot-webhook";
import { parseHubSpotRecordRef } from "../../src/features/crm/record-ref";
import { HUBSPOT_DEFAULT_STAGE_MAP } from "../../src/features/crm/stage-map";
import { forEachConcurrent } from "../../src/kernel/collections";

describe("HubSpot record references", () => {
  it.each([
    ["20471358911", "20471358911", null],
    ["https://app.hubspot.com/contacts/4419532/record/0-3/20471358911", "20471358911", "4419532"],
    ["https://app-eu1.hubspot.com/contacts/4419532/record/0-3/20471358911/view/1", "20471358911", "4419532"],
    ["https://app.hubspot.com/contacts/4419532/deal/20471358911/", "20471358911", "4419532"],
    ["<https://app.hubspot.com/contacts/4419532/record/0-3/20471358911>", "20471358911", "4419532"],
  ])("%s → deal %s", (text, objectId, portalId) => {
    expect(parseHubSpotRecordRef(text)).toEqual({ ok: true, objectId, portalId });
  });

  it.each([
    ["", /Paste the HubSpot deal's URL/],
    ["https://app.hubspot.com/contacts/4419532/record/0-1/42", /not a deal/],
    ["https://evil.example.com/contacts/1/record/0-3/2", /not a HubSpot one/],
    ["CS-12", /neither a HubSpot deal URL nor a record id/],
  ])("%j is refused with a reason", (text, reason) => {
    const r = parseHubSpotRecordRef(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});

describe("HubSpot's v3 signature", () => {
  it("is the base64 HMAC-SHA256 of method + URI + body + timestamp (HubSpot's documented example shape)", () => {
    const sig = hubspotSignatureV3("secret", "POST", "https://cosell.example.com/crm/hubspot/webhooks", '[{"eventId":1}]', "1700000000000");
    expect(sig).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    // any part changed, another signature
    expect(hubspotSignatureV3("secret", "POST", "https://cosell.example.com/crm/hubspot/webhooks", '[{"eventId":2}]', "1700000000000")).not.toBe(sig);
    expect(hubspotSignatureV3("secret", "POST", "https://cosell.example.com/crm/hubspot/webhooks", '[{"eventId":1}]', "1700000000001")).not.toBe(sig);
  });
});

describe("CRM values", () => {
  it("reads close dates from epoch milliseconds and ISO strings as UTC calendar dates", () => {
    expect(crmDate(String(Date.parse("2027-03-31T00:00:00Z")))?.toISOString()).toBe("2027-03-31T00:00:00.000Z");
    expect(crmDate("2027-03-31T22:30:00.000Z")?.toISOString()).toBe("2027-03-31T00:00:00.000Z");
    expect(crmDate("")).toBeNull();
    expect(crmDate("soon")).toBeNull();
  });

  it("maps HubSpot's default pipeline onto every stage after Registered, and nothing onto Registered", () => {
    expect(new Set(Object.values(HUBSPOT_DEFAULT_STAGE_MAP))).toEqual(
      new Set(["DISCOVERY", "TECHNICAL_VALIDATION", "PROPOSAL", "NEGOTIATION", "CLOSED_WON", "CLOSED_LOST"]),
    );
  });
});

describe("forEachConcurrent", () => {
  it("never runs more than the limit at once, runs every item, and reports the first failure after all settled", async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachConcurrent([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 1));
      done.push(n);
      running--;
    });
    expect(peak).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const seen: number[] = [];
    await expect(
      forEachConcurrent([1, 2, 3], 2, async (n) => {
        seen.push(n);
        if (n === 1) throw new Error("one");
      }),
    ).rejects.toThrow("one");
    expect(seen.sort()).toEqual([1, 2, 3]);
  });
});
