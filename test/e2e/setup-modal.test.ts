import { describe, expect, it } from "vitest";
import { NEW_PARTNER } from "../../src/features/program/setup-modal";
import { CALLBACK, INPUT, SETUP_BLOCK as B } from "../../src/platform/slack/ids";
import { useTestApp } from "../support/fixtures";
import { stateValues, viewSubmission } from "../support/payloads";
import { PEOPLE } from "../support/seed";

const { t } = useTestApp();

describe("the program setup modal", () => {
  const values = (over: Record<string, Record<string, unknown>> = {}) => {
    const v = stateValues({
      [B.ourOrg]: { text: "Northwind" },
      [B.timezone]: { text: "Europe/Berlin" },
      [B.responseSlaHours]: { text: "24" },
      [B.useBusinessHours]: { checked: ["yes"] },
      [B.startHour]: { text: "9" },
      [B.endHour]: { text: "17" },
      [B.workdays]: { checked: ["1", "2", "3", "4", "5"] },
      [B.staleDays]: { text: "10" },
      [B.digestWeekday]: { select: "1" },
      [B.digestHour]: { text: "9" },
      [B.shareAmounts]: { checked: [] },
      [B.partnerName]: { text: "Acme Data" },
      [B.partnerType]: { select: "TECHNOLOGY" },
      [B.partnerTeams]: { text: "T0ACME1" },
      [B.pairingName]: { text: "Northwind + Acme" },
      [B.pairingModel]: { select: "SELL_WITH" },
    });
    v[B.managerChannel] = { [INPUT]: { type: "conversations_select", selected_conversation: "C_MGMT" } };
    v[B.pairingChannel] = { [INPUT]: { type: "conversations_select", selected_conversation: "C0ACMEPAIR" } };
    for (const [k, e] of Object.entries(over)) v[k] = { [INPUT]: e };
    return v;
  };
  const submit = (v: ReturnType<typeof values>, as = PEOPLE.admin) =>
    t.interact(
      viewSubmission({ as, viewId: `V_SETUP_${Math.random()}`, callbackId: CALLBACK.setup, values: v, blocks: [{ type: "input", block_id: B.ourOrg }] }),
    );

  it("/cosell setup opens the form for an admin and refuses a rep", async () => {
    const res = await t.command("setup", { user: "U_ADMIN" });
    expect(res.status).toBe(200);
    await t.fake.waitFor((c) => c.some((x) => x.method === "views.open"));
    expect((t.fake.callsTo("views.open")[0]!.args.view as { callback_id: string }).callback_id).toBe(CALLBACK.setup);
    const denied = await t.command("setup", { user: "U_REP" });
    expect((denied.json() as { text: string }).text).toMatch(/Only a program admin/);
  });

  it("bad settings come back as field errors and nothing is written", async () => {
    const res = await submit(
      values({
        [B.timezone]: { type: "plain_text_input", value: "Mars/Base" },
        [B.endHour]: { type: "plain_text_input", value: "8" },
        [B.pairingOrgs]: { type: "multi_static_select", selected_options: [{ value: NEW_PARTNER }] },
      }),
    );
    const body = res.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe("errors");
    expect(body.errors[B.timezone]).toMatch(/not a timezone/);
    expect(body.errors[B.startHour]).toMatch(/start before the end/);
    expect(body.errors[B.pairingOrgs]).toMatch(/at least 2/);
    expect(await t.db.prisma.organization.count()).toBe(0);
    expect((await t.db.prisma.program.findUniqueOrThrow({ where: { id: 1 } })).timezone).toBe("UTC");
  });

  it("names that hide characters are field errors under each name, and nothing is written", async () => {
    const res = await submit(
      values({
        [B.ourOrg]: { type: "plain_text_input", value: "\u200B\uFEFF" },
        [B.partnerName]: { type: "plain_text_input", value: "Acme\u202EataD" },
        [B.pairingName]: { type: "plain_text_input", value: "Northwind\u0000Acme" },
        [B.pairingOrgs]: { type: "multi_static_select", selected_options: [{ value: NEW_PARTNER }, { value: "someone" }] },
      }),
    );
    const body = res.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe("errors");
    expect(body.errors[B.ourOrg]).toMatch(/^Our organization's name is made only of invisible characters/);
    expect(body.errors[B.partnerName]).toMatch(/^The partner name contains a bidirectional control character, U\+202E/);
    expect(body.errors[B.pairingName]).toMatch(/^The pairing name contains an invisible control character, U\+0000 NUL/);
    expect(await t.db.prisma.organization.count()).toBe(0);
    expect(await t.db.prisma.pairing.count()).toBe(0);
    expect((await t.db.prisma.program.findUniqueOrThrow({ where: { id: 1 } })).timezone).toBe("UTC");
  });

  it("saves our organization, the settings, a new partner and its pairing in one go", async () => {
    const res = await submit(values({ [B.pairingOrgs]: { type: "multi_static_select", selected_options: [{ value: NEW_PARTNER }] } }));
    // only one organization picked plus the new partner: our org must be picked too
    expect((res.json() as { errors: Record<string, string> }).errors[B.pairingOrgs]).toMatch(/at least 2/);
    // Our org does not exist yet, so it cannot be picked in the form; name it instead through a second save.
    const first = await submit(
      values({ [B.pairingChannel]: { type: "conversations_select", selected_conversation: null }, [B.pairingName]: { type: "plain_text_input", value: "" } }),
    );
    expect(first.text).toBe("");
    const ours = await t.db.prisma.organization.findFirstOrThrow({ where: { kind: "INTERNAL" } });
    expect(ours).toMatchObject({ name: "Northwind", slackTeamIds: ["T_OURS"] });
    const program = await t.db.prisma.program.findUniqueOrThrow({ where: { id: 1 } });
    expect(program).toMatchObject({
      timezone: "Europe/Berlin",
      staleDays: 10,
      managerChannelId: "C_MGMT",
      businessHours: { startHour: 9, endHour: 17, workdays: [1, 2, 3, 4, 5] },
    });
    expect(await t.db.prisma.organization.findUnique({ where: { name: "Acme Data" } })).toMatchObject({ partnerType: "TECHNOLOGY", slackTeamIds: ["T0ACME1"] });

    const second = await submit(
      values({
        [B.partnerName]: { type: "plain_text_input", value: "Globex" },
        [B.partnerTeams]: { type: "plain_text_input", value: "" },
        [B.pairingOrgs]: { type: "multi_static_select", selected_options: [{ value: ours.id }, { value: NEW_PARTNER }] },
      }),
    );
    expect(second.text).toBe("");
    const pairing = await t.db.prisma.pairing.findUniqueOrThrow({ where: { channelId: "C0ACMEPAIR" }, include: { members: { include: { org: true } } } });
    expect(pairing.members.map((m) => m.org.name).sort()).toEqual(["Globex", "Northwind"]);
    await t.fake.waitFor((c) => c.some((x) => x.method === "chat.postMessage" && x.args.channel === "U_ADMIN"));
  });

  it("a refused part (partner name taken) leaves nothing half-written", async () => {
    const before = { orgs: await t.db.prisma.organization.count(), pairings: await t.db.prisma.pairing.count() };
    const ours = await t.db.prisma.organization.findFirstOrThrow({ where: { kind: "INTERNAL" } });
    const res = await submit(
      values({
        [B.ourOrg]: { type: "plain_text_input", value: "Northwind Renamed" },
        [B.pairingChannel]: { type: "conversations_select", selected_conversation: "C0OTHER" },
        [B.pairingOrgs]: { type: "multi_static_select", selected_options: [{ value: ours.id }, { value: NEW_PARTNER }] },
      }),
    );
    const body = res.json() as { response_action: string; errors: Record<string, string> };
    expect(body.errors[B.partnerName]).toMatch(/already/);
    expect(await t.db.prisma.organization.findFirst({ where: { name: "Northwind Renamed" } })).toBeNull();
    expect({ orgs: await t.db.prisma.organization.count(), pairings: await t.db.prisma.pairing.count() }).toEqual(before);
  });
});
