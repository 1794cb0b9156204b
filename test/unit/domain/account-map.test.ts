import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  arrPoints,
  decideImport,
  decideMapView,
  detectHeader,
  firstMonday,
  normalizeDomainCell,
  OVERLAP_KINDS,
  overlapKindOf,
  overlapSets,
  SHARED_KINDS,
  splitTopTargets,
  parseArr,
  parseStatusCell,
  preselectTargets,
  rankTargets,
  readAccountFile,
  refreshQuarterDue,
  scoreTarget,
  SCORE_WEIGHTS,
  type TargetCandidate,
} from "../../../src/features/account-map/rules";
import type { Actor } from "../../../src/kernel/access";
import { normalizeDomain } from "../../../src/kernel/domain-name";

const ok = <T extends { ok: boolean }>(r: T) => {
  if (!r.ok) throw new Error(`expected ok: ${JSON.stringify(r)}`);
  return r as Extract<T, { ok: true }>;
};

describe("header detection", () => {
  const cols = (header: string[]) => ok(detectHeader(header)).columns;

  it("finds the usual CRM export headers, in any order and case", () => {
    expect(cols(["Account Name", "Website", "Type", "Account Owner", "Annual Revenue"])).toEqual({ name: 0, domain: 1, status: 2, owner: 3, arr: 4 });
    expect(cols(["domain", "company", "ARR (USD)", "owner", "strategic"])).toEqual({ domain: 0, name: 1, arr: 2, owner: 3, strategic: 4 });
    expect(cols(["Company Name", "Company Domain", "Lifecycle Stage", "Company owner", "ARR $"])).toEqual({ name: 0, domain: 1, status: 2, owner: 3, arr: 4 });
    expect(cols(["URL", "Name"])).toEqual({ domain: 0, name: 1 });
    expect(cols(["Account", "Account Owner", "Status", "Web-Site"])).toEqual({ name: 0, owner: 1, status: 2, domain: 3 });
  });

  it("prefers the column that names a field best; the others are reported as not used", () => {
    const h = ok(detectHeader(["Website", "Domain", "Name", "Industry"]));
    expect(h.columns.domain).toBe(1);
    expect(h.ignored).toEqual(["Website", "Industry"]);
  });

  it("does not take a contact's name or an ID for the company name", () => {
    expect(cols(["Contact Name", "Domain"]).name).toBeUndefined();
    expect(cols(["Account ID", "Domain"]).name).toBeUndefined();
  });

  it("requires a domain column, and says when the first row is data rather than a header", () => {
    const noDomain = detectHeader(["Name", "Owner"]);
    expect(noDomain.ok).toBe(false);
    expect((noDomain as { reason: string }).reason).toMatch(/No domain column.*Domain, Website or URL.*"Name", "Owner"/);
    const data = detectHeader(["Acme", "acme.com"]);
    expect((data as { reason: string }).reason).toMatch(/looks like data/);
  });
});

describe("domains in a CSV", () => {
  it("normalizes what people paste, exactly like the registration form", () => {
    for (const raw of [
      "https://www.Acme.com/pricing?x=1",
      "ACME.COM",
      "acme.com",
      "www.acme.co.uk",
      "www.com",
      "a.b",
      "1.2.3.4",
      "x-.com",
      "jane@acme.com",
      "acme",
      "münchen.de",
      "xn--mnchen-3ya.de",
      "xn--zz.de",
      `${"a".repeat(64)}.com`,
    ]) {
      expect(normalizeDomainCell(raw)).toEqual(normalizeDomain(raw));
    }
  });

  it("the fast path for already-canonical domains agrees with normalizeDomain on any input", () => {
    const label = fc.stringMatching(/^[a-z0-9-]{1,8}$/);
    const domainish = fc.oneof(
      fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => ls.join(".")),
      fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => `www.${ls.join(".")}`),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(domainish, (raw) => {
        expect(normalizeDomainCell(raw)).toEqual(normalizeDomain(raw));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("ARR parsing", () => {
  const cents = (s: string) => ok(parseArr(s)).minor;
  it.each([
    ["120000", 12_000_000],
    ["$1,200,000", 120_000_000],
    ["1.2m", 120_000_000],
    ["1.2M", 120_000_000],
    ["€300k", 30_000_000],
    ["300 K", 30_000_000],
    ["USD 50,000", 5_000_000],
    ["50,000 USD", 5_000_000],
    ["50000.50", 5_000_050],
    ["1 200 000", 120_000_000],
    ["1.234.567,89", 123_456_789],
    ["1,5 Mio", 150_000_000],
    ["2.5bn", 250_000_000_000],
    ["US$75k", 7_500_000],
    ["£0", 0],
  ])("%s → %d cents", (text, expected) => {
    expect(cents(text)).toBe(expected);
  });

  it.each(["", "n/a", "-", "unknown", "TBD"])("%j → no ARR", (text) => {
    expect(cents(text)).toBeNull();
  });

  it.each([
    ["-5000", /negative/],
    ["(5,000)", /negative/],
    ["lots", /not an amount/],
    ["12,34,567", /not an amount/],
    ["5000000000000000", /over 1 trillion/],
  ])("%s is refused with a reason", (text, reason) => {
    const r = parseArr(text);
    expect(r.ok).toBe(false);
    expect((r as { reason: string }).reason).toMatch(reason);
  });
});

describe("reading an account file", () => {
  const csv = (lines: string[]) => `${lines.join("\r\n")}\r\n`;

  it("normalizes domains as pasted (scheme, www., path, case) and reads every field", () => {
    const f = ok(
      readAccountFile(
        csv([
          "Company,Website,Owner,ARR,Strategic",
          "Acme Corp,https://www.Acme.com/pricing?x=1,Jane Doe,$120k,yes",
          '"Northwind, Inc.",NORTHWIND.COM,,1.2m,',
          "Globex,//globex.io/,Bob,,no",
        ]),
        { status: "CUSTOMER" },
      ),
    );
    expect(f.problems).toEqual([]);
    expect(f.rows).toEqual([
      { row: 2, status: "CUSTOMER", name: "Acme Corp", domain: "acme.com", owner: "Jane Doe", arrMinor: 12_000_000, strategic: true },
      { row: 3, status: "CUSTOMER", name: "Northwind, Inc.", domain: "northwind.com", owner: null, arrMinor: 120_000_000, strategic: false },
      { row: 4, status: "CUSTOMER", name: "Globex", domain: "globex.io", owner: "Bob", arrMinor: null, strategic: false },
    ]);
    expect(f.statuses).toEqual(["CUSTOMER"]);
  });

  it("reports every bad row with its row number and reason, including duplicates after normalization", () => {
    const f = ok(
      readAccountFile(
        csv([
          "Name,Domain,ARR",
          "Good,good.com,10k",
          "No domain,,",
          "Email,jane@acme.com,",
          "Bad ARR,badarr.com,lots",
          "Dup,https://www.GOOD.com/x,",
          "Spaces,not a domain,",
          "Too many,extra.com,1,unquoted",
        ]),
        { status: "PROSPECT" },
      ),
    );
    expect(f.rows.map((r) => r.domain)).toEqual(["good.com"]);
    expect(f.problems.map((p) => p.row)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(f.problems[0]!.reason).toMatch(/no domain/);
    expect(f.problems[1]!.reason).toMatch(/email/i);
    expect(f.problems[2]!.reason).toMatch(/not an amount/);
    expect(f.problems[3]!.reason).toBe("good.com is already in row 2; a domain is listed once per list");
    expect(f.problems[4]!.reason).toMatch(/spaces/);
    expect(f.problems[5]!.reason).toMatch(/4 values but the header has 3 columns/);
  });

  it("an internationalized domain and its punycode are the same account (the second is a duplicate)", () => {
    const f = ok(
      readAccountFile(csv(["Name,Domain", "Bücher,bücher.de", "Bücher GmbH,https://www.xn--bcher-kva.de/", "Broken,xn--zz.de"]), { status: "CUSTOMER" }),
    );
    expect(f.rows.map((r) => r.domain)).toEqual(["xn--bcher-kva.de"]);
    expect(f.problems).toEqual([
      { row: 3, reason: "xn--bcher-kva.de is already in row 2; a domain is listed once per list" },
      { row: 4, reason: expect.stringMatching(/not a valid internationalized domain/) },
    ]);
  });

  it("refuses a row whose name or owner hides control, bidi or zero-width characters, saying which", () => {
    const f = ok(
      readAccountFile(csv(["Name,Domain,Owner", "Acme\u202Etxt.exe,a.com,", "\u200B\u200B,b.com,", "Globex,c.com,Bob\u0000", "Initech,d.com,Ann"]), {
        status: "CUSTOMER",
      }),
    );
    expect(f.rows.map((r) => r.domain)).toEqual(["d.com"]);
    expect(f.problems.map((p) => p.row)).toEqual([2, 3, 4]);
    expect(f.problems[0]!.reason).toMatch(/^the name contains a bidirectional control character, U\+202E RIGHT-TO-LEFT OVERRIDE/);
    expect(f.problems[1]!.reason).toMatch(/^the name is made only of invisible characters/);
    expect(f.problems[2]!.reason).toMatch(/^the owner contains an invisible control character, U\+0000 NUL/);
  });

  it("uses a name-less row's domain as its name, skips empty rows and counts them", () => {
    const f = ok(readAccountFile("Domain,Name\n\nacme.com,\n,\n", { status: "CUSTOMER" }));
    expect(f.rows).toEqual([{ row: 3, status: "CUSTOMER", name: "acme.com", domain: "acme.com", owner: null, arrMinor: null, strategic: false }]);
    expect(f.blankRows).toBe(2);
  });

  it("routes rows by the Status column when no list is chosen, and reports unclear statuses", () => {
    const f = ok(readAccountFile(csv(["Domain,Type", "a.com,Customer", "b.com,prospect", "c.com,Partner", "d.com,", "a.com,Prospect"]), { status: null }));
    expect(f.rows.map((r) => [r.domain, r.status])).toEqual([
      ["a.com", "CUSTOMER"],
      ["b.com", "PROSPECT"],
      ["a.com", "PROSPECT"], // the same domain on both lists is fine
    ]);
    expect(f.problems).toEqual([
      { row: 4, reason: 'Type "Partner" is neither customer nor prospect' },
      { row: 5, reason: "no status (the Type column is empty; use customer or prospect)" },
    ]);
    expect(f.statuses).toEqual(["CUSTOMER", "PROSPECT"]);
  });

  it("with a chosen list, a row whose status says the other list is reported; other status words are ignored", () => {
    const f = ok(readAccountFile(csv(["Domain,Status", "a.com,Prospect", "b.com,Enterprise", "c.com,customer"]), { status: "CUSTOMER" }));
    expect(f.rows.map((r) => r.domain)).toEqual(["b.com", "c.com"]);
    expect(f.problems[0]).toMatchObject({ row: 2 });
    expect(f.problems[0]!.reason).toMatch(/this is the customer list/);
  });

  it("refuses files it cannot read as a whole, with a reason", () => {
    expect(readAccountFile("", { status: "CUSTOMER" })).toMatchObject({ ok: false, reason: expect.stringMatching(/empty/) });
    expect(readAccountFile("Domain\nacme.com\n", { status: null })).toMatchObject({ ok: false, reason: expect.stringMatching(/customers or prospects/) });
    expect(readAccountFile('Domain\n"acme.com\n', { status: "CUSTOMER" })).toMatchObject({ ok: false, reason: expect.stringMatching(/never closed/) });
    const big = ["Domain", ...Array.from({ length: 11 }, (_, i) => `a${i}.com`)].join("\n");
    expect(readAccountFile(big, { status: "CUSTOMER", maxRows: 10 })).toMatchObject({ ok: false, reason: expect.stringMatching(/more than 10 accounts/) });
    expect(ok(readAccountFile(big, { status: "CUSTOMER", maxRows: 11 })).rows).toHaveLength(11);
  });

  it("reads status words people use", () => {
    expect(parseStatusCell("Current Customer")).toBe("CUSTOMER");
    expect(parseStatusCell("closed-won")).toBe("CUSTOMER");
    expect(parseStatusCell("Open Opportunity")).toBe("PROSPECT");
    expect(parseStatusCell("Churned")).toBeUndefined();
  });
});

describe("who sees which map", () => {
  const internal: Actor = { kind: "internal", userId: "U1", teamId: "T0", isAdmin: false, orgId: "ours" };
  const admin: Actor = { ...internal, isAdmin: true };
  const acme: Actor = { kind: "partner", userId: "U2", teamId: "TA", orgId: "acme", orgName: "Acme" };
  const stranger: Actor = { kind: "stranger", userId: "U3", teamId: "TX" };

  it("our people see everything; a partner's people their own map only, as the program shares it", () => {
    expect(decideMapView(internal, "acme", "COUNTS")).toEqual({ allowed: true, level: "internal" });
    expect(decideMapView(acme, "acme", "COUNTS")).toEqual({ allowed: true, level: "counts" });
    expect(decideMapView(acme, "acme", "DETAILS")).toEqual({ allowed: true, level: "details" });
    expect(decideMapView(acme, "globex", "DETAILS")).toMatchObject({ allowed: false });
    expect(decideMapView(stranger, "acme", "DETAILS")).toMatchObject({ allowed: false });
  });

  it("admins import any list; partners their own; reps and strangers none", () => {
    expect(decideImport(admin, "acme", ["U1"]).allowed).toBe(true);
    expect(decideImport(internal, "ours", ["U9"])).toMatchObject({ allowed: false, message: expect.stringMatching(/admin.*<@U9>/) });
    expect(decideImport(acme, "acme", []).allowed).toBe(true);
    expect(decideImport(acme, "ours", []).allowed).toBe(false);
    expect(decideImport(stranger, "acme", []).allowed).toBe(false);
  });
});

const base: TargetCandidate = {
  domain: "x.com",
  name: "X",
  kind: "WHITESPACE",
  ourArrMinor: null,
  theirArrMinor: null,
  ourOwner: null,
  theirOwner: null,
  strategic: false,
  openDeal: null,
};
const c = (over: Partial<TargetCandidate>): TargetCandidate => ({ ...base, ...over });

describe("scoring", () => {
  it("adds up the written-down weights", () => {
    expect(scoreTarget(c({ kind: "CUSTOMER_OVERLAP" }))).toBe(40);
    expect(scoreTarget(c({ kind: "PROSPECT_OVERLAP" }))).toBe(30);
    expect(scoreTarget(c({}))).toBe(15);
    // 40 + Proposal 15 + strategic 10 + two owners 6 + $100k combined (25)
    expect(
      scoreTarget(
        c({
          kind: "CUSTOMER_OVERLAP",
          openDeal: { ref: 1, stage: "PROPOSAL" },
          strategic: true,
          ourOwner: "a",
          theirOwner: "b",
          ourArrMinor: 6_000_000,
          theirArrMinor: 4_000_000,
        }),
      ),
    ).toBe(96);
    expect(arrPoints(100)).toBe(0); // $1
    expect(arrPoints(100_000_000)).toBe(30); // $1M
    expect(arrPoints(1_000_000_000_00)).toBe(SCORE_WEIGHTS.arrMaxPoints); // capped
  });

  it("ranks relationship depth first, then pipeline, strategic value, owners and ARR", () => {
    const ranked = rankTargets([
      c({ domain: "ws.com" }),
      c({ domain: "po.com", kind: "PROSPECT_OVERLAP" }),
      c({ domain: "cc.com", kind: "CUSTOMER_OVERLAP" }),
      c({ domain: "cc-deal.com", kind: "CUSTOMER_OVERLAP", openDeal: { ref: 7, stage: "DISCOVERY" } }),
      c({ domain: "po-negotiation.com", kind: "PROSPECT_OVERLAP", openDeal: { ref: 8, stage: "NEGOTIATION" } }),
      c({ domain: "ws-strategic-owner.com", strategic: true, theirOwner: "Bob" }),
      c({ domain: "ws-big.com", theirArrMinor: 500_000_000 }), // $5M: 15 + 30
    ]);
    expect(ranked.map((t) => t.domain)).toEqual(["cc-deal.com", "po-negotiation.com", "ws-big.com", "cc.com", "po.com", "ws-strategic-owner.com", "ws.com"]);
    expect(ranked[0]!.reasons).toEqual(["customers of both", "open deal CS-7 in Discovery"]);
  });

  it("breaks ties by combined ARR, then domain A→Z, and keeps the top N", () => {
    const ranked = rankTargets(
      [
        c({ domain: "b.com", kind: "CUSTOMER_OVERLAP" }),
        c({ domain: "a.com", kind: "CUSTOMER_OVERLAP" }),
        c({ domain: "z.com", kind: "CUSTOMER_OVERLAP", ourArrMinor: 50 }),
      ],
      2,
    );
    expect(ranked.map((t) => t.domain)).toEqual(["z.com", "a.com"]);
  });

  it("the database's preselection (best N by ARR per feature group) never changes the top N", () => {
    const stages = [null, "REGISTERED", "DISCOVERY", "TECHNICAL_VALIDATION", "PROPOSAL", "NEGOTIATION"] as const;
    const candidate = fc.record({
      domain: fc.stringMatching(/^[a-e]{1,3}\.com$/),
      kind: fc.constantFrom(...OVERLAP_KINDS),
      ourArrMinor: fc.option(fc.integer({ min: 0, max: 300_000_000 }), { nil: null }),
      theirArrMinor: fc.option(fc.integer({ min: 0, max: 300_000_000 }), { nil: null }),
      ourOwner: fc.option(fc.constant("o"), { nil: null }),
      theirOwner: fc.option(fc.constant("t"), { nil: null }),
      strategic: fc.boolean(),
      stage: fc.constantFrom(...stages),
    });
    fc.assert(
      fc.property(fc.uniqueArray(candidate, { selector: (x) => x.domain, maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (raw, limit) => {
        const all: TargetCandidate[] = raw.map(({ stage, ...x }) => ({ ...x, name: x.domain, openDeal: stage ? { ref: 1, stage } : null }));
        expect(rankTargets(preselectTargets(all, limit), limit)).toEqual(rankTargets(all, limit));
      }),
      { numRuns: 300 },
    );
  });
});

describe("overlap sets", () => {
  // Hand-computed. Ours: customers a b c d, prospects e f g (g is also listed as a customer: d
  // counts as ours? no — g is only a prospect; d is only a customer). Theirs: customers a e h i,
  // prospects b f j c (c is also their customer? no). Worked by hand:
  //   a: our customer, their customer          → customers of both
  //   e: our prospect, their customer          → our prospects, their customers
  //   h, i: not ours, their customers          → whitespace
  //   f: our prospect, their prospect          → prospects of both
  //   b, c: our customers, their prospects     → our customers, their prospects (upsell for them)
  //   j: their prospect only; d, g: ours only  → nowhere
  const lists = {
    ourCustomers: ["a.com", "b.com", "c.com", "d.com"],
    ourProspects: ["e.com", "f.com", "g.com"],
    theirCustomers: ["a.com", "e.com", "h.com", "i.com"],
    theirProspects: ["b.com", "f.com", "j.com", "c.com"],
  };

  it("puts each account in the kind its two sides say, against hand-computed lists", () => {
    expect(overlapSets(lists)).toEqual({
      CUSTOMER_OVERLAP: ["a.com"],
      PROSPECT_OVERLAP: ["e.com"],
      PROSPECTS_OF_BOTH: ["f.com"],
      OUR_CUSTOMER_THEIR_PROSPECT: ["b.com", "c.com"],
      WHITESPACE: ["h.com", "i.com"],
    });
  });

  it("a customer beats a prospect on either side: an account listed twice counts once, by its best list", () => {
    const sets = overlapSets({
      ourCustomers: ["x.com"],
      ourProspects: ["x.com", "y.com"], // x is our customer (also listed as a prospect)
      theirCustomers: ["y.com", "z.com"],
      theirProspects: ["x.com", "y.com", "z.com"], // y and z are their customers
    });
    expect(sets).toEqual({
      CUSTOMER_OVERLAP: [],
      PROSPECT_OVERLAP: ["y.com"],
      PROSPECTS_OF_BOTH: [],
      OUR_CUSTOMER_THEIR_PROSPECT: ["x.com"],
      WHITESPACE: ["z.com"],
    });
  });

  it("the kinds are disjoint and cover every account the partner lists, except their prospects we don't have", () => {
    const domain = fc.constantFrom("a.com", "b.com", "c.com", "d.com", "e.com", "f.com");
    fc.assert(
      fc.property(fc.array(domain), fc.array(domain), fc.array(domain), fc.array(domain), (oc, op, tc, tp) => {
        const sets = overlapSets({ ourCustomers: oc, ourProspects: op, theirCustomers: tc, theirProspects: tp });
        const all = OVERLAP_KINDS.flatMap((k) => sets[k]);
        expect(new Set(all).size).toBe(all.length);
        const ours = new Set<string>([...oc, ...op]);
        const expected = new Set([...tc, ...tp.filter((d) => ours.has(d))]);
        expect(new Set(all)).toEqual(expected);
        for (const k of SHARED_KINDS) for (const d of sets[k]) expect(ours.has(d)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("a domain on none of their lists is no target, whatever we have", () => {
    expect(overlapKindOf("CUSTOMER", null)).toBeNull();
    expect(overlapKindOf(null, "PROSPECT")).toBeNull();
    expect(overlapKindOf(null, "CUSTOMER")).toBe("WHITESPACE");
  });

  it("splits the targets into the top shared and the top whitespace, each ranked on its own", () => {
    const top = splitTopTargets(
      [
        c({ domain: "ws1.com", theirArrMinor: 500_000_000 }),
        c({ domain: "cc.com", kind: "CUSTOMER_OVERLAP" }),
        c({ domain: "pb.com", kind: "PROSPECTS_OF_BOTH", strategic: true }),
        c({ domain: "up.com", kind: "OUR_CUSTOMER_THEIR_PROSPECT" }),
        c({ domain: "ws2.com" }),
      ],
      2,
    );
    expect(top.shared.map((t) => t.domain)).toEqual(["pb.com", "cc.com"]); // 35 + 10 strategic > 40 > 20
    expect(top.whitespace.map((t) => t.domain)).toEqual(["ws1.com", "ws2.com"]);
    expect(top.shared[0]!.reasons).toEqual(["prospects of both", "strategic"]);
  });
});

describe("quarterly refresh", () => {
  it("finds the first Monday of a month", () => {
    expect(firstMonday(2027, 1)).toBe(4); // Jan 1, 2027 is a Friday
    expect(firstMonday(2027, 2)).toBe(1); // Feb 1, 2027 is a Monday
    expect(firstMonday(2026, 6)).toBe(1);
    expect(firstMonday(2026, 10)).toBe(5);
  });

  it("is due from 09:00 on the first Monday of Jan/Apr/Jul/Oct until the month ends", () => {
    expect(refreshQuarterDue({ y: 2027, m: 1, d: 4, h: 8 })).toBeNull();
    expect(refreshQuarterDue({ y: 2027, m: 1, d: 4, h: 9 })).toBe("2027-Q1");
    expect(refreshQuarterDue({ y: 2027, m: 1, d: 3, h: 12 })).toBeNull();
    expect(refreshQuarterDue({ y: 2027, m: 1, d: 20, h: 0 })).toBe("2027-Q1"); // catching up
    expect(refreshQuarterDue({ y: 2027, m: 2, d: 1, h: 9 })).toBeNull();
    expect(refreshQuarterDue({ y: 2026, m: 10, d: 5, h: 9 })).toBe("2026-Q4");
  });
});
