import { describe, expect, it } from "vitest";
import { ROLES } from "../../src/features/attribution/engine";
import { CSV_HEADER, parseCsv } from "../../src/features/attribution/export-rules";
import { ATTRIBUTION_CONFIG_BLOCK as B, CALLBACK } from "../../src/platform/slack/ids";
import { createDeal } from "../support/deals";
import { useTestApp } from "../support/fixtures";
import { stateValues, viewSubmission, type Person } from "../support/payloads";
import { PEOPLE } from "../support/seed";

interface ModalBlock {
  type: string;
  block_id?: string;
  element?: { type: string; initial_value?: string; initial_option?: { value: string } };
}
interface OpenedModal {
  callback_id: string;
  private_metadata: string;
  blocks: ModalBlock[];
}

/** The file part of the multipart body @slack/web-api POSTs to the upload URL (or the raw bytes). */
function uploadedText(bytes: Buffer): string {
  const text = bytes.toString("utf8");
  if (!text.startsWith("--")) return text;
  const boundary = text.slice(0, text.indexOf("\r\n"));
  const start = text.indexOf("\r\n\r\n") + 4;
  return text.slice(start, text.indexOf(`\r\n${boundary}`, start));
}

const cents = (s: string) => Math.round(Number(s) * 100);

const { t, p } = useTestApp({ seed: true, resetFake: true });

describe("attribution config editor and finance export", () => {
  async function openEditor(as: Person = PEOPLE.admin): Promise<OpenedModal> {
    const res = await t.command("config attribution", as);
    expect(res.text).toBe("");
    await t.fake.waitFor((c) => c.some((x) => x.method === "views.open"));
    return t.fake.callsTo("views.open")[0]!.args.view as OpenedModal;
  }

  /** The modal's values as prefilled, with some changed. */
  function submission(modal: OpenedModal, changes: Record<string, string>, as: Person = PEOPLE.admin) {
    const values: Parameters<typeof stateValues>[0] = {};
    for (const b of modal.blocks) {
      if (b.type !== "input" || !b.block_id) continue;
      const v = changes[b.block_id] ?? b.element?.initial_value ?? b.element?.initial_option?.value ?? "";
      values[b.block_id] = b.element?.type === "static_select" ? { select: v } : { text: v };
    }
    return t.interact(
      viewSubmission({
        as,
        viewId: `V_CFG_${Math.random()}`,
        callbackId: modal.callback_id,
        values: stateValues(values),
        privateMetadata: modal.private_metadata,
        blocks: modal.blocks,
      }),
    );
  }

  const versions = () => t.db.prisma.attributionConfigVersion.count();
  const pointer = async () => (await t.db.prisma.program.findUniqueOrThrow({ where: { id: 1 } })).attributionVersion;

  it("an admin edits the config: prefilled modal; a wrong sum keeps it open with the message; a valid change makes version 2", async () => {
    const modal = await openEditor();
    expect(modal.callback_id).toBe(CALLBACK.attributionConfig);
    const initial = (id: string) => modal.blocks.find((b) => b.block_id === id)?.element;
    expect(initial(`${B.rolePrefix}SOURCING`)?.initial_value).toBe("20");
    expect(initial(`${B.rolePrefix}SELLING`)?.initial_value).toBe("40");
    expect(initial(B.sellThroughPrimary)?.initial_value).toBe("70");
    expect(initial(`${B.weightPrefix}MEETING`)?.initial_value).toBe("1");
    expect(initial(B.coSellPoolRate)?.initial_value).toBe("27.5");
    expect(initial(B.currency)?.initial_option?.value).toBe("USD");

    const bad = await submission(modal, { [`${B.rolePrefix}SELLING`]: "35" });
    const body = bad.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe("errors");
    for (const r of ROLES) expect(body.errors[`${B.rolePrefix}${r}`]).toBe("Role percentages add up to 95, they must add up to 100");
    expect(await versions()).toBe(1);
    expect(await pointer()).toBe(1);

    const ok = await submission(modal, { [`${B.rolePrefix}SOURCING`]: "25", [`${B.rolePrefix}SELLING`]: "35", [B.coSellPoolRate]: "30" });
    const done = ok.json() as { response_action: string; view: { blocks: unknown[] } };
    expect(done.response_action).toBe("update");
    const doneText = JSON.stringify(done.view.blocks);
    expect(doneText).toContain("version 2");
    expect(doneText).toContain("SOURCING 20% → 25%");
    expect(doneText).toContain("co-sell pool rate 27.50% → 30.00%");
    expect(doneText).toContain("Existing deals keep the config version they were registered with");
    expect(await versions()).toBe(2);
    expect(await pointer()).toBe(2);
    const v2 = await t.db.prisma.attributionConfigVersion.findUniqueOrThrow({ where: { version: 2 } });
    expect(v2.createdBy).toBe("U_ADMIN");
    expect(v2.config).toMatchObject({ version: 2, rolePercents: { SOURCING: 25, SELLING: 35 }, coSellPoolRateBp: 3000 });
    expect(await t.db.prisma.auditEvent.count({ where: { action: "attribution.config.change", actor: "U_ADMIN" } })).toBe(1);

    // The same values again (a double-clicked submit): nothing new.
    const again = await submission(modal, { [`${B.rolePrefix}SOURCING`]: "25", [`${B.rolePrefix}SELLING`]: "35", [B.coSellPoolRate]: "30" });
    expect(JSON.stringify(again.json())).toContain("Nothing changed");
    expect(await versions()).toBe(2);

    // An editor opened on v1 cannot overwrite v2 with other values.
    const stale = await submission(modal, { [B.sellThroughPrimary]: "75" });
    const staleBody = stale.json() as { response_action: string; errors: Record<string, string> };
    expect(staleBody.response_action).toBe("errors");
    expect(Object.values(staleBody.errors).join(" ")).toMatch(/Version 2 was saved .* nothing was saved/);
    expect(await versions()).toBe(2);

    // Anyone internal can read it.
    const show = await t.command("config attribution show", PEOPLE.rep);
    const shown = (show.json() as { text: string }).text;
    expect(shown).toContain("*Attribution config v2*");
    expect(shown).toContain("Sourcing 25%");
    expect(shown).toContain("30.00%");
  });

  it("a non-admin is refused, by command and by a forged submission", async () => {
    const res = await t.command("config attribution", PEOPLE.rep);
    expect((res.json() as { text: string }).text).toMatch(/Only a program admin can do that/);
    const partner = await t.command("config attribution", PEOPLE.acmeRep);
    expect((partner.json() as { text: string }).text).toMatch(/Only a program admin/);
    expect(t.fake.callsTo("views.open")).toHaveLength(0);

    const before = await versions();
    const forged = await t.interact(
      viewSubmission({
        as: PEOPLE.rep,
        viewId: "V_FORGED",
        callbackId: CALLBACK.attributionConfig,
        values: stateValues({ [`${B.rolePrefix}SOURCING`]: { text: "100" } }),
        privateMetadata: JSON.stringify({ baseVersion: await pointer() }),
        blocks: [{ type: "input", block_id: `${B.rolePrefix}SOURCING` }],
      }),
    );
    const body = forged.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe("errors");
    expect(body.errors[`${B.rolePrefix}SOURCING`]).toMatch(/Only a program admin/);
    expect(await versions()).toBe(before);
  });

  it("/cosell export attribution: a CSV in the requester's DM, one row per organization per won deal; partners are refused", async () => {
    const trio = await t.db.prisma.pairing.create({
      data: {
        name: "Ourco + Acme + Globex",
        channelId: "C_TRIO",
        createdBy: "U_ADMIN",
        members: { create: [{ orgId: p.ours.id }, { orgId: p.acme.id }, { orgId: p.globex.id }] },
      },
    });
    const solo = await createDeal(t.db.prisma, p, { accountName: 'Initech, "the" Company' });
    const coSell = await createDeal(t.db.prisma, p, {
      pairingId: trio.id,
      amountMinor: 20_000_000,
      participants: [
        { orgId: p.acme.id, roles: ["SOURCING", "TECHNICAL_VALIDATION"] },
        { orgId: p.globex.id, roles: ["SELLING"] },
        { orgId: p.ours.id, roles: ["INFLUENCE"] },
      ],
    });
    // A lost deal has no attribution and is not exported.
    const lost = await createDeal(t.db.prisma, p);
    for (const [d, word] of [
      [solo, "won"],
      [coSell, "won"],
      [lost, "lost"],
    ] as const) {
      await t.command(`stage CS-${d.ref} ${word} --confirm`, { user: "U_REP", channel: "C_ACME" });
    }
    await expect.poll(async () => t.db.prisma.attributionRecord.count({ where: { dealId: { in: [solo.dealId, coSell.dealId] } } })).toBe(2);
    await expect.poll(async () => (await t.db.prisma.deal.findUniqueOrThrow({ where: { id: lost.dealId } })).stage).toBe("CLOSED_LOST");
    t.fake.reset();
    t.fake.uploads.length = 0;

    const ack = await t.command("export attribution 2026-Q4", PEOPLE.rep);
    expect((ack.json() as { text: string }).text).toMatch(/Sending `cosell-attribution-2026-Q4\.csv` \(5 rows, 2 deals\)/);
    await t.fake.waitFor((c) => c.some((x) => x.method === "files.completeUploadExternal"));
    expect(t.fake.callsTo("conversations.open")[0]!.args.users).toBe("U_REP");
    const getUrl = t.fake.callsTo("files.getUploadURLExternal")[0]!;
    expect(getUrl.args.filename).toBe("cosell-attribution-2026-Q4.csv");
    const complete = t.fake.callsTo("files.completeUploadExternal")[0]!;
    expect(complete.args.channel_id).toBe("D_U_REP");
    expect(String(complete.args.initial_comment)).toContain("2026-Q4 (2026-10-01 to 2026-12-31, UTC)");
    expect(t.fake.uploads).toHaveLength(1);

    const csv = uploadedText(t.fake.uploads[0]!.bytes);
    expect(Number(getUrl.args.length)).toBe(Buffer.byteLength(csv));
    const [header, ...rows] = parseCsv(csv);
    expect(header).toEqual([...CSV_HEADER]);
    const col = (name: (typeof CSV_HEADER)[number]) => CSV_HEADER.indexOf(name);
    const byDeal = new Map<string, string[][]>();
    for (const r of rows) byDeal.set(r[col("deal")]!, [...(byDeal.get(r[col("deal")]!) ?? []), r]);
    expect([...byDeal.keys()].sort()).toEqual([`CS-${solo.ref}`, `CS-${coSell.ref}`].sort());
    expect(
      byDeal
        .get(`CS-${solo.ref}`)!
        .map((r) => r[col("organization")])
        .sort(),
    ).toEqual(["Acme Data", "Ourco"]);
    expect(
      byDeal
        .get(`CS-${coSell.ref}`)!
        .map((r) => r[col("organization")])
        .sort(),
    ).toEqual(["Acme Data", "Globex", "Ourco"]);
    expect(byDeal.get(`CS-${solo.ref}`)![0]![col("account")]).toBe('Initech, "the" Company');

    // Pools under config v2 (registered after the change): solo 20% of $100,000; co-sell 30% of $200,000.
    const pools: Record<string, number> = { [`CS-${solo.ref}`]: 2_000_000, [`CS-${coSell.ref}`]: 6_000_000 };
    for (const [deal, dealRows] of byDeal) {
      const credit = dealRows.reduce((s, r) => s + cents(r[col("credit_pct")]!), 0);
      expect(credit, deal).toBe(10_000);
      const paid = dealRows.filter((r) => r[col("payable")] === "yes");
      expect(
        paid.reduce((s, r) => s + cents(r[col("payout")]!), 0),
        deal,
      ).toBe(pools[deal]);
      for (const r of dealRows) {
        expect(r[col("payout")]).toMatch(/^\d+\.\d{2}$/);
        expect(r[col("credit_pct")]).toMatch(/^\d+\.\d{2}$/);
        expect(r[col("currency")]).toBe("USD");
        expect(r[col("config_version")]).toBe("2");
        expect(r[col("record_seq")]).toBe("1");
        expect(r[col("computed_at")]).toBe("2026-11-16T10:00:00.000Z");
      }
      const ours = dealRows.find((r) => r[col("organization")] === "Ourco")!;
      expect(ours[col("org_kind")]).toBe("internal");
      expect(ours[col("payout")]).toBe("0.00");
      expect(ours[col("payable")]).toBe("no");
    }
    await expect.poll(() => t.db.prisma.auditEvent.count({ where: { action: "attribution.export", actor: "U_REP" } })).toBe(1);

    // Partners and strangers never get it; a period outside the records gives no file.
    t.fake.reset();
    const partner = await t.command("export attribution 2026-Q4", PEOPLE.acmeRep);
    expect((partner.json() as { text: string }).text).toMatch(/for our own team only/);
    const stranger = await t.command("export attribution 2026-Q4", PEOPLE.stranger);
    expect((stranger.json() as { text: string }).text).toMatch(/own team only/);
    const empty = await t.command("export attribution 2026-Q3", PEOPLE.admin);
    expect((empty.json() as { text: string }).text).toMatch(/No attribution records were computed in 2026-Q3/);
    const typo = await t.command("export attribution 2026-Q5", PEOPLE.admin);
    expect((typo.json() as { text: string }).text).toMatch(/Q1 to Q4/);
    await t.settled(); // the refused exports' listeners are done: any upload would have been made
    expect(t.fake.callsTo("files.getUploadURLExternal")).toHaveLength(0);
    expect(t.fake.uploads).toHaveLength(1);
  });
});
