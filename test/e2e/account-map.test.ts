import { beforeAll, describe, expect, it } from "vitest";
import { ACTION, CALLBACK, INPUT, MAP_IMPORT_BLOCK, MAP_PICK_BLOCK, REGISTER_BLOCK } from "../../src/platform/slack/ids";
import { importAccountFile } from "../../src/features/account-map/account-map";
import { useTestApp } from "../support/fixtures";
import { blockAction, stateValues, viewSubmission, type Person } from "../support/payloads";
import { PEOPLE } from "../support/seed";

// Account mapping through Slack: the import form (file_input → files.info → download), the map
// with its buttons, and what a partner's people may see.

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { action_id?: string; value?: string; text?: { text: string } }[];
  element?: Record<string, unknown>;
};

const { t, p } = useTestApp({ seed: true, resetFake: true });

describe("account mapping through Slack", () => {
  let viewSeq = 0;
  let respSeq = 0;

  const csv = (lines: string[]) => Buffer.from(`${lines.join("\r\n")}\r\n`);
  const load = (orgId: string, status: "CUSTOMER" | "PROSPECT", lines: string[]) =>
    importAccountFile(t.db.prisma, {
      orgId,
      status,
      bytes: csv(lines),
      fileName: "seed.csv",
      actor: "U_ADMIN",
      source: "cli",
      now: new Date("2026-11-10T10:00:00Z"),
    });

  beforeAll(async () => {
    await load(p.ours.id, "CUSTOMER", ["Name,Domain,Owner,ARR", "Initech,initech.com,Jane,$200k", "Umbrella,umbrella.com,,"]);
    await load(p.ours.id, "PROSPECT", ["Name,Domain,ARR,Strategic", "Hooli,hooli.com,$500k,yes"]);
    await load(p.globex.id, "CUSTOMER", ["Name,Domain", "Initech,initech.com", "Soylent,soylent.com"]);
  });

  const setSharing = (mapSharing: "COUNTS" | "DETAILS") => t.db.prisma.program.update({ where: { id: 1 }, data: { mapSharing } });

  /** `/cosell map …` as someone; the answer comes through the command's response_url (the helper returns it). */
  async function mapCommand(text: string, as: Person, channel = "C_GENERAL") {
    const res = await t.command(text, { user: as.user, team: as.team, channel });
    expect(res.status).toBe(200);
    const body = res.json() as { text: string; blocks?: Block[] };
    return { blocks: body.blocks ?? [], text: body.text };
  }

  const buttonsOf = (blocks: Block[], actionId: string) => blocks.flatMap((b) => b.elements ?? []).filter((e) => e.action_id === actionId);

  async function submitImport(as: Person, values: Record<string, Record<string, unknown>>, viewId = `V_MAP_${++viewSeq}`) {
    return t.interact(viewSubmission({ as, viewId, callbackId: CALLBACK.mapImport, values, blocks: [{ type: "input", block_id: MAP_IMPORT_BLOCK.org }] }));
  }
  const fileValue = (fileId: string, name: string) => ({ [INPUT]: { type: "file_input", files: [{ id: fileId, name }] } });

  it("/cosell map import opens the import form with a file input (admins)", async () => {
    await t.command("map import Acme", { user: "U_ADMIN" });
    await t.fake.waitFor((c) => c.some((x) => x.method === "views.open"));
    const view = t.fake.callsTo("views.open")[0]!.args.view as { callback_id: string; blocks: Block[] };
    expect(view.callback_id).toBe(CALLBACK.mapImport);
    const file = view.blocks.find((b) => b.block_id === MAP_IMPORT_BLOCK.file)!;
    expect(file.element).toMatchObject({ type: "file_input", filetypes: ["csv", "txt"], max_files: 1 });
    const org = view.blocks.find((b) => b.block_id === MAP_IMPORT_BLOCK.org)!;
    expect((org.element as { initial_option: { value: string } }).initial_option.value).toBe(p.acme.id);

    const rep = await t.command("map import", { user: "U_REP" });
    expect((rep.json() as { text: string }).text).toMatch(/Only a program admin can import/);
  });

  it("an uploaded CSV is fetched, imported, and the uploader gets a per-row error report", async () => {
    const fileId = t.fake.shareFile(
      "acme-customers.csv",
      csv([
        "Account Name,Website,Account Owner,ARR",
        "Initech,https://www.initech.com/,Bob,$150k",
        "Hooli,hooli.com,Carla,1.2m",
        "Pied Piper,piedpiper.com,,",
        "Broken Row,not a domain,,",
        "Initech Dup,INITECH.COM,,",
        "Bad Money,badmoney.com,,lots",
        "Vandelay,vandelay.com,,",
      ]),
    );
    const values = {
      ...stateValues({ [MAP_IMPORT_BLOCK.org]: { select: p.acme.id }, [MAP_IMPORT_BLOCK.status]: { select: "CUSTOMER" } }),
      [MAP_IMPORT_BLOCK.file]: fileValue(fileId, "acme-customers.csv"),
    };
    // Submitted twice (a double click): one import, one report.
    const [res, again] = await Promise.all([submitImport(PEOPLE.admin, values, "V_MAP_UPLOAD"), submitImport(PEOPLE.admin, values, "V_MAP_UPLOAD")]);
    expect([res.status, again.status]).toEqual([200, 200]);
    expect(res.text).toBe(""); // the form closes; the report follows
    await t.fake.waitFor((c) => c.some((x) => x.method === "chat.postMessage" && x.args.channel === "U_ADMIN"));
    await t.cosell.inflight.idle(10_000);
    expect(t.fake.callsTo("chat.postMessage").filter((x) => x.args.channel === "U_ADMIN")).toHaveLength(1);
    expect(await t.db.prisma.auditEvent.count({ where: { action: "account-list.import", subject: `org:${p.acme.id}` } })).toBe(1);
    const report = String(t.fake.callsTo("chat.postMessage").find((x) => x.args.channel === "U_ADMIN")!.args.text);
    expect(report).toContain("Imported `acme-customers.csv` for *Acme Data*");
    expect(report).toContain("customer list: 4 accounts (new list)");
    expect(report).toContain("3 rows were not imported");
    expect(report).toMatch(/Row 5: domain "not a domain"/);
    expect(report).toContain("Row 6: initech.com is already in row 2");
    expect(report).toMatch(/Row 7: ARR "lots" is not an amount/);
    expect(t.fake.callsTo("files.info")[0]!.args.file).toBe(fileId);
    const accounts = await t.db.prisma.account.findMany({ where: { orgId: p.acme.id }, orderBy: { domain: "asc" } });
    expect(accounts.map((a) => a.domain)).toEqual(["hooli.com", "initech.com", "piedpiper.com", "vandelay.com"]);
  });

  it("refuses, under the field, a missing file, a file over 10 MB, and a person who may not import that list", async () => {
    const noFile = await submitImport(
      PEOPLE.admin,
      stateValues({ [MAP_IMPORT_BLOCK.org]: { select: p.acme.id }, [MAP_IMPORT_BLOCK.status]: { select: "CUSTOMER" } }),
    );
    expect((noFile.json() as { errors: Record<string, string> }).errors[MAP_IMPORT_BLOCK.file]).toMatch(/Attach one CSV/);

    const bigId = t.fake.shareFile("big.csv", Buffer.alloc(10 * 1024 * 1024 + 10, 0x61));
    const big = await submitImport(PEOPLE.admin, {
      ...stateValues({ [MAP_IMPORT_BLOCK.org]: { select: p.acme.id }, [MAP_IMPORT_BLOCK.status]: { select: "CUSTOMER" } }),
      [MAP_IMPORT_BLOCK.file]: fileValue(bigId, "big.csv"),
    });
    expect((big.json() as { errors: Record<string, string> }).errors[MAP_IMPORT_BLOCK.file]).toMatch(/at most 10 MB/);

    // A partner person imports for their own organization only, whatever the form says.
    const okId = t.fake.shareFile("ours.csv", csv(["Domain", "evil.com"]));
    const forged = await submitImport(PEOPLE.acmeRep, {
      ...stateValues({ [MAP_IMPORT_BLOCK.org]: { select: p.ours.id }, [MAP_IMPORT_BLOCK.status]: { select: "PROSPECT" } }),
      [MAP_IMPORT_BLOCK.file]: fileValue(okId, "ours.csv"),
    });
    expect(forged.text).toBe("");
    await t.fake.waitFor((c) => c.some((x) => x.method === "chat.postMessage" && x.args.channel === "U_ACME"));
    expect(await t.db.prisma.account.count({ where: { domain: "evil.com", orgId: p.ours.id } })).toBe(0);
    expect(await t.db.prisma.account.count({ where: { domain: "evil.com", orgId: p.acme.id, status: "PROSPECT" } })).toBe(1);

    const rep = await submitImport(PEOPLE.rep, {
      ...stateValues({ [MAP_IMPORT_BLOCK.org]: { select: p.acme.id }, [MAP_IMPORT_BLOCK.status]: { select: "CUSTOMER" } }),
      [MAP_IMPORT_BLOCK.file]: fileValue(okId, "ours.csv"),
    });
    expect((rep.json() as { errors: Record<string, string> }).errors[MAP_IMPORT_BLOCK.org]).toMatch(/Only a program admin/);
  });

  it("/cosell map Acme shows the counts and the top targets with Register and Request intro buttons", async () => {
    const r = await mapCommand("map Acme", PEOPLE.rep);
    const json = JSON.stringify(r.blocks);
    expect(json).toContain("Account map · Acme Data");
    expect(json).toContain("*1* customers of both"); // initech.com
    expect(json).toContain("*1* our prospects, their customers"); // hooli.com
    expect(json).toContain("*2* whitespace"); // piedpiper.com, vandelay.com
    expect(json).toContain("Top 2 shared accounts");
    expect(json).toContain("Top 2 whitespace");
    const register = buttonsOf(r.blocks, ACTION.mapRegister);
    expect(register).toHaveLength(4);
    expect(buttonsOf(r.blocks, ACTION.mapIntro)).toHaveLength(4);
    // Initech (customers of both, two owners, $350k) first, then Hooli (strategic prospect, $1.7M).
    expect(JSON.parse(register[0]!.value!)).toEqual({ p: p.acme.id, d: "initech.com" });
    expect(JSON.parse(register[1]!.value!)).toEqual({ p: p.acme.id, d: "hooli.com" });
    expect(json).toContain("owners: Jane / Bob");
  });

  it("Register co-sell deal opens the registration form prefilled with the account and the pairing", async () => {
    const res = await t.interact(
      blockAction({ as: PEOPLE.rep, actionId: ACTION.mapRegister, value: JSON.stringify({ p: p.acme.id, d: "hooli.com" }), channel: "C_GENERAL" }),
    );
    expect(res.status).toBe(200);
    await t.fake.waitFor((c) => c.some((x) => x.method === "views.open"));
    const view = t.fake.callsTo("views.open")[0]!.args.view as { callback_id: string; blocks: Block[] };
    expect(view.callback_id).toBe(CALLBACK.registerDeal);
    const block = (id: string) => view.blocks.find((b) => b.block_id === id)!.element as { initial_value?: string; initial_option?: { value: string } };
    expect(block(REGISTER_BLOCK.accountName).initial_value).toBe("Hooli"); // our name for it
    expect(block(REGISTER_BLOCK.accountDomain).initial_value).toBe("hooli.com");
    expect(block(REGISTER_BLOCK.pairing).initial_option?.value).toBe(p.acmePairing.id);
  });

  it("Request intro posts the request in the pairing channel (no deal yet)", async () => {
    const responseUrl = t.fake.responseUrl(`intro${++respSeq}`);
    await t.interact(
      blockAction({ as: PEOPLE.rep, actionId: ACTION.mapIntro, value: JSON.stringify({ p: p.acme.id, d: "vandelay.com" }), channel: "C_GENERAL", responseUrl }),
    );
    const isIntro = (x: { method: string; args: Record<string, unknown> }) =>
      x.method === "chat.postMessage" && x.args.channel === "C_ACME" && String(x.args.text).includes("warm introduction");
    await t.fake.waitFor((c) => c.some(isIntro));
    const post = t.fake.calls.find(isIntro)!;
    expect(String(post.args.text)).toContain("asks *Acme Data* for a warm introduction to Vandelay (vandelay.com)");
    await expect.poll(() => t.fake.responses.some((r) => r.url.endsWith(`intro${respSeq}`))).toBe(true);
    expect(String(t.fake.responses.find((r) => r.url.endsWith(`intro${respSeq}`))!.body.text)).toMatch(
      /Posted your intro request for vandelay\.com in <#C_ACME>/,
    );
  });

  it("a partner's people see only their own organization's map: counts only, or details as the program shares", async () => {
    await setSharing("COUNTS");
    const counts = await mapCommand("map", PEOPLE.acmeRep); // no name: their own organization
    const cj = JSON.stringify(counts.blocks);
    expect(cj).toContain("Account map · Acme Data");
    expect(cj).toContain("*1* customers of both");
    expect(cj).not.toContain("initech.com");
    expect(buttonsOf(counts.blocks, ACTION.mapRegister)).toHaveLength(0);
    expect(cj).toContain("shares overlap counts with partners");

    const other = await mapCommand("map Globex", PEOPLE.acmeRep);
    expect(other.text).toMatch(/your own organization only/);
    const unknown = await mapCommand("map Initrode", PEOPLE.acmeRep);
    expect(unknown.text).toMatch(/your own organization only/);
    expect(unknown.text).not.toContain("Globex"); // other partners' names are never listed to a partner

    // A forged Register click under counts-only sharing is refused.
    const responseUrl = t.fake.responseUrl(`forged${++respSeq}`);
    await t.interact(
      blockAction({
        as: PEOPLE.acmeRep,
        actionId: ACTION.mapRegister,
        value: JSON.stringify({ p: p.acme.id, d: "hooli.com" }),
        channel: "C_ACME",
        responseUrl,
      }),
    );
    await expect.poll(() => t.fake.responses.some((r) => r.url.endsWith(`forged${respSeq}`))).toBe(true);
    expect(t.fake.callsTo("views.open")).toHaveLength(0);

    const refused = await mapCommand("map sharing details", PEOPLE.rep);
    expect(refused.text).toMatch(/Only a program admin/);
    const set = await mapCommand("map sharing details", PEOPLE.admin);
    expect(set.text).toMatch(/now \*details\*/);
    expect((await t.db.prisma.program.findUniqueOrThrow({ where: { id: 1 } })).mapSharing).toBe("DETAILS");
    const details = await mapCommand("map", PEOPLE.acmeRep);
    const dj = JSON.stringify(details.blocks);
    expect(dj).toContain("initech.com");
    expect(dj).toContain("your owner: Bob");
    expect(dj).not.toContain("Jane"); // our owner stays internal
    expect(dj).not.toContain("$200k"); // and our ARR
    expect(buttonsOf(details.blocks, ACTION.mapRegister).length).toBeGreaterThan(0);
    expect(buttonsOf(details.blocks, ACTION.mapIntro)).toHaveLength(0);

    // The reminder's "Account map" button: a Globex person cannot open Acme's map.
    const url = t.fake.responseUrl(`show${++respSeq}`);
    await t.interact(blockAction({ as: PEOPLE.globexRep, actionId: ACTION.mapShow, value: p.acme.id, channel: "C_GLOBEX", responseUrl: url }));
    await expect.poll(() => t.fake.responses.some((r) => r.url.endsWith(`show${respSeq}`))).toBe(true);
    expect(String(t.fake.responses.find((r) => r.url.endsWith(`show${respSeq}`))!.body.text)).toMatch(/your own organization only/);
    await setSharing("COUNTS");
  });

  it("a re-import that adds overlaps posts once in the pairing channel (counts only); Pick 5 to pursue records intro requests", async () => {
    await load(p.ours.id, "PROSPECT", ["Name,Domain,ARR,Strategic", "Hooli,hooli.com,$500k,yes", "Stark,stark.com,$90k,"]);
    const alertsBefore = await t.db.prisma.overlapAlert.count();
    // Acme's prospects: umbrella.com is our customer (their upsell path), stark.com is in both
    // pipelines, hooli.com is already Acme's customer (not new), nowhere.com is not ours.
    const prospects = ["Name,Domain", "Umbrella,umbrella.com", "Stark,stark.com", "Hooli,hooli.com", "Nowhere,nowhere.com"];
    const first = await load(p.acme.id, "PROSPECT", prospects);
    expect(first.result!.newOverlaps).toEqual([
      expect.objectContaining({ partnerOrgId: p.acme.id, pairingId: p.acmePairing.id, channelId: "C_ACME", total: 2 }),
    ]);
    const again = await load(p.acme.id, "PROSPECT", prospects);
    expect(again.result!.newOverlaps).toEqual([]); // nothing new the second time: no second post
    expect(await t.db.prisma.overlapAlert.count()).toBe(alertsBefore + 1);
    const alertId = first.result!.newOverlaps[0]!.alertId;

    const isAlert = (x: { method: string; args: Record<string, unknown> }) =>
      x.method === "chat.postMessage" && JSON.stringify(x.args.blocks ?? "").includes(alertId);
    await t.fake.waitFor((c) => c.some(isAlert));
    const alert = t.fake.calls.find(isAlert)!;
    expect(alert.args.channel).toBe("C_ACME");
    expect(String(alert.args.text)).toContain("added 2 new overlaps between Ourco and Acme Data: 1 prospect of both, 1 Ourco customer in Acme Data's pipeline");
    expect(JSON.stringify(alert.args)).not.toMatch(/umbrella|stark/i); // counts only in a shared channel
    const pick = buttonsOf(alert.args.blocks as Block[], ACTION.mapPickOverlaps)[0]!;
    expect(pick.value).toBe(alertId);

    // A partner's person, while the program shares counts only: refused, no form.
    await setSharing("COUNTS");
    const url = t.fake.responseUrl(`pick${++respSeq}`);
    await t.interact(blockAction({ as: PEOPLE.acmeRep, actionId: ACTION.mapPickOverlaps, value: alertId, channel: "C_ACME", responseUrl: url }));
    await expect.poll(() => t.fake.responses.some((r) => r.url.endsWith(`pick${respSeq}`))).toBe(true);
    expect(String(t.fake.responses.find((r) => r.url.endsWith(`pick${respSeq}`))!.body.text)).toMatch(/counts only/);
    expect(t.fake.callsTo("views.open")).toHaveLength(0);

    // Our rep: the picker, best first.
    await t.interact(blockAction({ as: PEOPLE.rep, actionId: ACTION.mapPickOverlaps, value: alertId, channel: "C_ACME" }));
    await t.fake.waitFor((c) => c.some((x) => x.method === "views.open"));
    const view = t.fake.callsTo("views.open")[0]!.args.view as { callback_id: string; private_metadata: string; blocks: Block[] };
    expect(view.callback_id).toBe(CALLBACK.mapPickOverlaps);
    const select = view.blocks.find((b) => b.block_id === MAP_PICK_BLOCK.picks)!.element as {
      max_selected_items: number;
      options: { value: string; text: { text: string } }[];
    };
    expect(select.max_selected_items).toBe(5);
    expect(select.options.map((o) => o.value)).toEqual(["stark.com", "umbrella.com"]);
    expect(select.options[0]!.text.text).toBe("Stark (stark.com) · prospects of both");

    const submit = (picks: string[], viewId: string) =>
      t.interact(
        viewSubmission({
          as: PEOPLE.rep,
          viewId,
          callbackId: CALLBACK.mapPickOverlaps,
          privateMetadata: view.private_metadata,
          values: stateValues({ [MAP_PICK_BLOCK.picks]: { multi: picks } }),
        }),
      );
    const none = await submit([], "V_PICK_0");
    expect((none.json() as { errors: Record<string, string> }).errors[MAP_PICK_BLOCK.picks]).toMatch(/Pick at least one/);
    const ok = await submit(["stark.com", "umbrella.com"], "V_PICK_1");
    expect(ok.text).toBe("");
    const isPicked = (x: { method: string; args: Record<string, unknown> }) =>
      x.method === "chat.postMessage" && String(x.args.text).includes("picked 2 accounts");
    await t.fake.waitFor((c) => c.some(isPicked));
    const picked = String(t.fake.calls.find(isPicked)!.args.text);
    expect(picked).toContain("<@U_REP> picked 2 accounts of the new overlaps to pursue with *Acme Data*:");
    expect(picked).toContain("• Stark (stark.com)");
    expect(picked).toContain("• Umbrella (umbrella.com)");
    const rows = await t.db.prisma.introRequest.findMany({ where: { source: "overlap-alert" }, orderBy: { domain: "asc" } });
    expect(rows.map((r) => [r.domain, r.requestedBy, r.partnerOrgId])).toEqual([
      ["stark.com", "U_REP", p.acme.id],
      ["umbrella.com", "U_REP", p.acme.id],
    ]);
    await t.fake.waitFor((c) => c.some((x) => x.method === "chat.postEphemeral" && x.args.user === "U_REP"));
    expect(String(t.fake.callsTo("chat.postEphemeral").find((x) => x.args.user === "U_REP")!.args.text)).toContain("Recorded 2 intro requests");

    // The same picks again (another submission): nothing new.
    await submit(["stark.com", "umbrella.com"], "V_PICK_2");
    await t.cosell.inflight.idle(10_000);
    expect(await t.db.prisma.introRequest.count({ where: { source: "overlap-alert" } })).toBe(2);
    expect(t.fake.calls.filter(isPicked)).toHaveLength(1);
  });
});
