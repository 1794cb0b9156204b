import { describe, expect, it } from "vitest";
import { CALLBACK, REGISTER_BLOCK as B } from "../../src/platform/slack/ids";
import { loadManagerDigest } from "../../src/features/digests/load";
import { useTestApp } from "../support/fixtures";
import { stateValues, viewSubmission, type Person } from "../support/payloads";
import { PEOPLE } from "../support/seed";

// The clock is pinned at 2026-11-16 10:00 UTC.
const { t, p } = useTestApp({ seed: true, resetFake: true });

describe("deal registration through Slack", () => {
  let viewSeq = 0;

  const goodValues = () =>
    stateValues({
      [B.accountName]: { text: "Northwind Traders" },
      [B.accountDomain]: { text: "https://www.Northwind.com/about" },
      [B.title]: { text: "Data platform, 400 seats" },
      [B.amount]: { text: "48,000" },
      [B.currency]: { select: "USD" },
      [B.closeDate]: { date: "2027-01-31" },
      [B.pairing]: { select: p.acmePairing.id },
      [B.coSellModel]: { select: "SELL_WITH" },
      [B.explicitModel]: { select: null },
      [`${B.rolePrefix}SOURCING`]: { multi: [p.acme.id] },
      [`${B.rolePrefix}SELLING`]: { multi: [p.ours.id] },
      [`${B.rolePrefix}TECHNICAL_VALIDATION`]: { multi: [p.acme.id] },
      [`${B.rolePrefix}IMPLEMENTATION`]: { multi: [] },
      [`${B.rolePrefix}INFLUENCE`]: { multi: [] },
      [B.relationshipOwner]: { user: "U_REP" },
      [B.postSaleOwner]: { select: null },
      [B.notes]: { text: "Their CFO prefers annual billing" },
    });
  /** good values with some inputs replaced by raw Slack input entries */
  const withValues = (over: Record<string, Record<string, unknown>>) => {
    const v = goodValues();
    for (const [k, e] of Object.entries(over)) v[k] = { value: e };
    return v;
  };

  const submit = (
    values: ReturnType<typeof goodValues>,
    as: Person = PEOPLE.rep,
    viewId = `V_REG_${++viewSeq}`,
    privateMetadata = JSON.stringify({ channelId: "C_ACME" }),
  ) =>
    t.interact(
      viewSubmission({ as, viewId, callbackId: CALLBACK.registerDeal, values, privateMetadata, blocks: [{ type: "input", block_id: B.accountName }] }),
    );

  it("/cosell new opens the registration modal with the channel's pairing preselected", async () => {
    const res = await t.command("new Northwind Traders", { user: "U_REP", channel: "C_ACME" });
    expect(res.status).toBe(200);
    await t.fake.waitFor((c) => c.some((x) => x.method === "views.open"));
    const view = t.fake.callsTo("views.open")[0]!.args.view as {
      callback_id: string;
      blocks: { block_id?: string; element?: { initial_option?: { value: string }; initial_value?: string } }[];
    };
    expect(view.callback_id).toBe(CALLBACK.registerDeal);
    const block = (id: string) => view.blocks.find((b) => b.block_id === id)!;
    expect(block(B.pairing).element!.initial_option!.value).toBe(p.acmePairing.id);
    expect(block(B.accountName).element!.initial_value).toBe("Northwind Traders");
    expect(block(B.coSellModel).element!.initial_option!.value).toBe("SELL_WITH");
  });

  it("a valid submission writes the deal and posts its card to the pairing channel", async () => {
    const res = await submit(goodValues());
    expect(res.status).toBe(200);
    expect(res.text).toBe(""); // modal closes
    const deal = await t.db.prisma.deal.findFirstOrThrow({ where: { accountDomain: "northwind.com" }, include: { participants: true, stageChanges: true } });
    expect(deal.ref).toBe(1);
    expect(deal.amountMinor).toBe(4_800_000n);
    expect(deal.stage).toBe("REGISTERED");
    expect(deal.participants.map((x) => [x.orgId, [...x.roles].sort()]).sort()).toEqual(
      [
        [p.acme.id, ["SOURCING", "TECHNICAL_VALIDATION"]],
        [p.ours.id, ["SELLING"]],
      ].sort(),
    );
    expect(deal.stageChanges).toHaveLength(1);
    const snapshot = deal.registrationSnapshot as { attributionConfigVersion: number; roles: unknown[] };
    expect(snapshot.attributionConfigVersion).toBe(1);
    expect(snapshot.roles).toHaveLength(2);

    await t.fake.waitFor((c) => c.some((x) => x.method === "chat.postMessage" && x.args.channel === "C_ACME"));
    const card = t.fake.callsTo("chat.postMessage").find((x) => x.args.channel === "C_ACME")!;
    const cardJson = JSON.stringify(card.args.blocks);
    expect(cardJson).toContain("CS-1 · Data platform, 400 seats");
    expect(cardJson).toContain("$48,000.00");
    expect(cardJson).toContain("Role clarity");
    for (const label of ["Log touchpoint", "Change stage", "Edit roles", "Ask", "Attribution"]) expect(cardJson).toContain(label);
    // internal notes never reach the shared channel
    expect(cardJson).not.toContain("annual billing");
    // the registrant got an ephemeral confirmation
    await t.fake.waitFor((c) => c.some((x) => x.method === "chat.postEphemeral"));
    expect(String(t.fake.callsTo("chat.postEphemeral")[0]!.args.text)).toContain("CS-1");
    // the card's ts is kept for in-place updates
    await expect.poll(async () => (await t.db.prisma.deal.findUniqueOrThrow({ where: { id: deal.id } })).cardTs).toBeTruthy();
  });

  it("the same submission twice (retry, double click) creates one deal", async () => {
    const before = await t.db.prisma.deal.count();
    const values = withValues({ [B.accountDomain]: { type: "plain_text_input", value: "contoso.com" } });
    const [a, b] = await Promise.all([submit(values, PEOPLE.rep, "V_DOUBLE"), submit(values, PEOPLE.rep, "V_DOUBLE")]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const c = await submit(values, PEOPLE.rep, "V_DOUBLE");
    expect(c.status).toBe(200);
    expect(await t.db.prisma.deal.count()).toBe(before + 1);
  });

  const invalid: [string, Record<string, unknown>, string, RegExp][] = [
    ["non-numeric amount", { [B.amount]: { type: "plain_text_input", value: "lots" } }, B.amount, /number|amount/i],
    ["negative amount", { [B.amount]: { type: "plain_text_input", value: "-5000" } }, B.amount, /negative|greater than zero|positive/i],
    ["absurd amount", { [B.amount]: { type: "plain_text_input", value: "5,000,000,000,000" } }, B.amount, /limit/i],
    ["close date in the past", { [B.closeDate]: { type: "datepicker", selected_date: "2026-11-01" } }, B.closeDate, /in the past/],
    ["malformed domain", { [B.accountDomain]: { type: "plain_text_input", value: "northwind" } }, B.accountDomain, /domain|\./i],
    [
      "no partner organization",
      {
        [`${B.rolePrefix}SOURCING`]: { type: "multi_static_select", selected_options: [] },
        [`${B.rolePrefix}TECHNICAL_VALIDATION`]: { type: "multi_static_select", selected_options: [] },
      },
      `${B.rolePrefix}SELLING`,
      /partner organization/,
    ],
    [
      "selling role with no organization",
      { [`${B.rolePrefix}SELLING`]: { type: "multi_static_select", selected_options: [] } },
      `${B.rolePrefix}SELLING`,
      /needs an organization in Selling/,
    ],
    [
      "organization not in the pairing",
      { [`${B.rolePrefix}INFLUENCE`]: { type: "multi_static_select", selected_options: [{ value: "GLOBEX_PLACEHOLDER" }] } },
      `${B.rolePrefix}INFLUENCE`,
      /not in the pairing/,
    ],
    ["title over the limit", { [B.title]: { type: "plain_text_input", value: "x".repeat(200) } }, B.title, /keep it to 120/],
    // dates must be real calendar dates: never rolled over into the next month, never the generic apology
    [
      "close date 2027-02-30",
      { [B.closeDate]: { type: "datepicker", selected_date: "2027-02-30" } },
      B.closeDate,
      /^2027-02-30 is not a calendar date: February has 28 days\.$/,
    ],
    [
      "close date 2027-04-31",
      { [B.closeDate]: { type: "datepicker", selected_date: "2027-04-31" } },
      B.closeDate,
      /^2027-04-31 is not a calendar date: April has 30 days\.$/,
    ],
    ["close date 2027-13-01", { [B.closeDate]: { type: "datepicker", selected_date: "2027-13-01" } }, B.closeDate, /there is no month 13/],
    ["close date 2027-02-29 (not a leap year)", { [B.closeDate]: { type: "datepicker", selected_date: "2027-02-29" } }, B.closeDate, /2027 is not a leap year/],
    ["close date more than 10 years ahead", { [B.closeDate]: { type: "datepicker", selected_date: "2040-06-30" } }, B.closeDate, /more than 10 years ahead/],
    ["close date not in YYYY-MM-DD", { [B.closeDate]: { type: "datepicker", selected_date: "31/01/2027" } }, B.closeDate, /YYYY-MM-DD/],
    // text that hides characters
    [
      "account name of zero-width spaces only",
      { [B.accountName]: { type: "plain_text_input", value: "\u200B\u200B\u200B" } },
      B.accountName,
      /^Account name is made only of invisible characters/,
    ],
    [
      "NUL in the title",
      { [B.title]: { type: "plain_text_input", value: "Data\u0000platform" } },
      B.title,
      /^Deal title contains an invisible control character, U\+0000 NUL/,
    ],
    [
      "bidi override in the account name",
      { [B.accountName]: { type: "plain_text_input", value: "Northwind\u202Eslx.exe" } },
      B.accountName,
      /bidirectional control character, U\+202E RIGHT-TO-LEFT OVERRIDE/,
    ],
    ["control character in the notes", { [B.notes]: { type: "plain_text_input", value: "CFO\u001B[31m" } }, B.notes, /U\+001B/],
  ];
  it.each(invalid)("%s → a field error under that field, nothing written", async (_name, override, blockId, message) => {
    const fixed = JSON.parse(JSON.stringify(override).replace("GLOBEX_PLACEHOLDER", p.globex.id)) as Record<string, Record<string, unknown>>;
    const values = withValues(fixed);
    const before = { deals: await t.db.prisma.deal.count(), outbox: await t.db.prisma.outboxMessage.count() };
    const res = await submit(values);
    expect(res.status).toBe(200);
    const body = res.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe("errors");
    expect(Object.keys(body.errors)).toContain(blockId);
    expect(body.errors[blockId]).toMatch(message);
    expect(await t.db.prisma.deal.count()).toBe(before.deals);
    expect(await t.db.prisma.outboxMessage.count()).toBe(before.outbox);
  });

  it("an impossible close date gets only its own field error (not the apology under the account name)", async () => {
    const values = withValues({ [B.closeDate]: { type: "datepicker", selected_date: "2027-13-01" } });
    const res = await submit(values);
    const body = res.json() as { response_action: string; errors: Record<string, string> };
    expect(body).toEqual({ response_action: "errors", errors: { [B.closeDate]: expect.stringMatching(/not a calendar date/) } });
    expect(JSON.stringify(body)).not.toMatch(/Sorry, something went wrong/);
  });

  it("29 February of a leap year is a valid close date", async () => {
    const res = await submit(
      withValues({
        [B.closeDate]: { type: "datepicker", selected_date: "2028-02-29" },
        [B.accountDomain]: { type: "plain_text_input", value: "leapyear.com" },
      }),
    );
    expect(res.text).toBe("");
    const deal = await t.db.prisma.deal.findFirstOrThrow({ where: { accountDomain: "leapyear.com" } });
    expect(deal.expectedCloseDate.toISOString().slice(0, 10)).toBe("2028-02-29");
  });

  it("an internationalized domain and its punycode are the same account: the second registration is a conflict", async () => {
    const first = await submit(withValues({ [B.accountDomain]: { type: "plain_text_input", value: "https://www.bücher.de/" } }));
    expect(first.text).toBe("");
    const deal = await t.db.prisma.deal.findFirstOrThrow({ where: { accountDomain: "xn--bcher-kva.de" } });
    // the same account by its ASCII name, with another partner (Globex) → shown as a conflict
    const res = await submit(
      withValues({
        [B.accountDomain]: { type: "plain_text_input", value: "XN--BCHER-KVA.DE" },
        [B.pairing]: { type: "static_select", selected_option: { value: p.globexPairing.id } },
        [`${B.rolePrefix}SOURCING`]: { type: "multi_static_select", selected_options: [{ value: p.globex.id }] },
        [`${B.rolePrefix}TECHNICAL_VALIDATION`]: { type: "multi_static_select", selected_options: [] },
      }),
    );
    const body = res.json() as { response_action: string; view: { blocks: { block_id?: string; text?: { text: string } }[] } };
    expect(body.response_action).toBe("update");
    expect(body.view.blocks.find((b) => b.block_id === "conflict_notice")!.text!.text).toContain(`CS-${deal.ref} already holds this account`);
  });

  it("a person from an unrelated company cannot register, and sees why", async () => {
    const before = await t.db.prisma.deal.count();
    const res = await submit(goodValues(), PEOPLE.stranger);
    const body = res.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe("errors");
    expect(Object.values(body.errors).join(" ")).toMatch(/isn't one of them|isn't in a co-sell pairing/);
    expect(await t.db.prisma.deal.count()).toBe(before);
  });

  it("a partner person registers in their own pairing but not in another pairing", async () => {
    const before = await t.db.prisma.deal.count();
    const res = await submit(withValues({ [B.pairing]: { type: "static_select", selected_option: { value: p.globexPairing.id } } }), PEOPLE.acmeRep);
    expect((res.json() as { errors: Record<string, string> }).errors[B.pairing]).toMatch(/isn't in a co-sell pairing your organization belongs to/);
    expect(await t.db.prisma.deal.count()).toBe(before);

    const ok = withValues({ [B.accountDomain]: { type: "plain_text_input", value: "fabrikam.com" } });
    const res2 = await submit(ok, PEOPLE.acmeRep);
    expect(res2.text).toBe("");
    const deal = await t.db.prisma.deal.findFirstOrThrow({ where: { accountDomain: "fabrikam.com" } });
    expect(deal.registeredByOrgId).toBe(p.acme.id);
  });

  it("shows an existing registration with other partners inside the modal; submitting anyway flags a conflict to admins", async () => {
    // Northwind (CS-1) is open with Acme; now register it with Globex in the Globex pairing.
    const values = withValues({
      [B.pairing]: { type: "static_select", selected_option: { value: p.globexPairing.id } },
      [`${B.rolePrefix}SOURCING`]: { type: "multi_static_select", selected_options: [{ value: p.globex.id }] },
      [`${B.rolePrefix}TECHNICAL_VALIDATION`]: { type: "multi_static_select", selected_options: [] },
    });
    const before = await t.db.prisma.deal.count();
    const res = await submit(values, PEOPLE.rep, "V_CONFLICT");
    const body = res.json() as { response_action: string; view: { blocks: { block_id?: string; text?: { text: string } }[]; private_metadata: string } };
    expect(body.response_action).toBe("update");
    const notice = body.view.blocks.find((b) => b.block_id === "conflict_notice")!;
    expect(notice.text!.text).toContain("CS-1 already holds this account");
    expect(notice.text!.text).toContain("<@U_REP>");
    expect(await t.db.prisma.deal.count()).toBe(before);

    values[B.conflict] = { value: { type: "checkboxes", selected_options: [{ value: "yes" }] } };
    const res2 = await submit(values, PEOPLE.rep, "V_CONFLICT", body.view.private_metadata);
    expect(res2.text).toBe("");
    const deal = await t.db.prisma.deal.findFirstOrThrow({ where: { accountDomain: "northwind.com", pairingId: p.globexPairing.id } });
    const first = await t.db.prisma.deal.findFirstOrThrow({ where: { ref: 1 } });
    expect(deal.conflictWithDealId).toBe(first.id);
    await t.fake.waitFor((c) => c.some((x) => x.method === "chat.postMessage" && x.args.channel === "U_ADMIN"));
    // The review DM shows the conflict side by side, with the ways of deciding it.
    await t.fake.waitFor((c) =>
      c.some((x) => x.method === "chat.postMessage" && x.args.channel === "U_ADMIN" && JSON.stringify(x.args.blocks).includes(deal.id)),
    );
    const review = JSON.stringify(
      t.fake.callsTo("chat.postMessage").find((x) => x.args.channel === "U_ADMIN" && JSON.stringify(x.args.blocks).includes(deal.id))!.args.blocks,
    );
    expect(review).toContain("Conflict");
    expect(review).toContain("First: CS-1");
    // …and counted in the manager digest
    const digest = await loadManagerDigest(t.db.prisma, {
      now: t.clock.now(),
      window: { start: new Date("2026-11-09T00:00:00Z"), end: new Date("2026-11-17T00:00:00Z") },
    });
    expect(digest.conflicts.open).toEqual([{ ref: deal.ref, conflictWithRef: 1, registeredBy: "U_REP" }]);
    expect(digest.conflicts.inWindow).toBe(1);
  });
});
