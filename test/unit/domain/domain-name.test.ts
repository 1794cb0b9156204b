import { describe, expect, it } from "vitest";
import { domainOrNull, normalizeDomain } from "../../../src/kernel/domain-name";

describe("normalizeDomain turns what people paste into one account key", () => {
  it.each<[string, string]>([
    ["acme.com", "acme.com"],
    ["Acme.COM", "acme.com"],
    ["  acme.com  ", "acme.com"],
    ["https://www.acme.com/pricing?utm=x#top", "acme.com"],
    ["HTTP://WWW.Acme.com:8080/", "acme.com"],
    ["www.acme.com", "acme.com"],
    ["acme.com.", "acme.com"],
    ["acme.com:443", "acme.com"],
    ["//acme.com/path", "acme.com"],
    ["https://user@acme.com/", "acme.com"],
    ["eu.acme.co.uk", "eu.acme.co.uk"],
    ["my-company.io", "my-company.io"],
    ["xn--mnchen-3ya.de", "xn--mnchen-3ya.de"],
    // internationalized names are stored in their ASCII (punycode) form
    ["München.de", "xn--mnchen-3ya.de"],
    ["https://www.bücher.de/kontakt", "xn--bcher-kva.de"],
    ["例え。テスト", "xn--r8jz45g.xn--zckzah"],
    ["ＡＣＭＥ．com", "acme.com"],
    ["www.com", "www.com"],
  ])("%j → %s", (input, domain) => {
    expect(normalizeDomain(input)).toEqual({ ok: true, domain });
  });

  it("the same company pasted three ways gives the same key", () => {
    const keys = ["https://www.Acme.com/", "acme.com", "WWW.ACME.COM."].map(domainOrNull);
    expect(new Set(keys)).toEqual(new Set(["acme.com"]));
  });

  it.each<[string, RegExp]>([
    ["", /web domain/],
    ["acme", /needs a dot/],
    ["acme..com", /empty part/],
    [".acme.com", /empty part/],
    ["acme com", /spaces/],
    ["Acme Inc.", /spaces/],
    ["acme.c", /not a real domain ending/],
    [`${"a".repeat(64)}.com`, /63 characters/],
    ["acme_corp.com", /characters a domain cannot have/],
    ["-acme.com", /hyphen/],
    ["192.168.1.10", /IP address/],
    ["http://[::1]/", /IP address/],
    ["localhost:3000", /needs a dot/],
  ])("rejects %j", (input, reason) => {
    const r = normalizeDomain(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it.each(["jane@acme.com", "mailto:jane@acme.com", "Jane.Doe@Acme.com"])("an email address (%j) is rejected with a hint to give the web domain", (input) => {
    const r = normalizeDomain(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toContain("email");
      expect(r.reason).toContain("web domain");
    }
  });

  it("an internationalized domain and its punycode are one key, so they conflict", () => {
    const keys = ["bücher.de", "BÜCHER.DE", "xn--bcher-kva.de", "XN--BCHER-KVA.DE", "https://www.bücher.de/", "www.xn--bcher-kva.de"].map(domainOrNull);
    expect(new Set(keys)).toEqual(new Set(["xn--bcher-kva.de"]));
    // UTS #46 mapping: ß is kept (nontransitional), as browsers do
    expect(domainOrNull("faß.de")).toBe("xn--fa-hia.de");
    expect(domainOrNull("fass.de")).toBe("fass.de");
  });

  it("refuses punycode that does not decode, and measures label length in its ASCII form", () => {
    const bad = normalizeDomain("xn--zz.de");
    expect(bad).toMatchObject({ ok: false, reason: expect.stringMatching(/not a valid internationalized domain/) });
    // 60 ü in one label is more than 63 ASCII characters once encoded
    expect(normalizeDomain(`${"ü".repeat(60)}.de`)).toMatchObject({ ok: false, reason: expect.stringMatching(/63 characters/) });
  });

  it("accepts a 63-character label", () => {
    expect(normalizeDomain(`${"a".repeat(63)}.com`).ok).toBe(true);
  });
});
