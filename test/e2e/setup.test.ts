import { unescapeSlack } from "../../src/platform/slack/command-text";
import { describe, expect, it } from "vitest";
import { useTestApp } from "../support/fixtures";

// Program setup through signed /cosell commands into the real app (COSELL_ADMINS = U_ADMIN).
// The tests run in order on one app: the program grows as an admin would set it up.

interface Ack {
  response_type?: string;
  text: string;
  blocks?: { type: string; text?: { text: string }; elements?: { text: string }[] }[];
}

const ADMIN = { user: "U_ADMIN" };
const REP = { user: "U_REP" };

const { t } = useTestApp({ config: { admins: ["U_ADMIN", "U_ADMIN2"] } });

describe("/cosell program setup", () => {
  async function cosell(text: string, as: { user: string; team?: string }): Promise<Ack> {
    const res = await t.command(text, as);
    expect(res.status).toBe(200);
    const body = res.json() as Ack;
    expect(body.response_type).toBe("ephemeral");
    return body;
  }
  const rows = async () => ({
    orgs: await t.db.prisma.organization.count(),
    pairings: await t.db.prisma.pairing.count(),
    audit: await t.db.prisma.auditEvent.count(),
  });
  const blockText = (ack: Ack) => (ack.blocks ?? []).map((b) => b.text?.text ?? (b.elements ?? []).map((e) => e.text).join(" ")).join("\n");

  it("lists the setup subcommands in /cosell help, admin ones apart", async () => {
    const help = await cosell("help", REP);
    // the notification text is mrkdwn: Slack shows &lt; as <
    expect(unescapeSlack(help.text)).toContain('/cosell partner add "<name>" <type>');
    expect(help.text).toContain("/cosell pairing add #channel");
    const admin = help.blocks!.find((b) => b.text?.text.startsWith("*Program admins*"));
    expect(admin?.text?.text).toContain("/cosell org");
    expect(admin?.text?.text).not.toContain("/cosell partners [page]");
  });

  it("an admin sets up our organization, a partner and a pairing; /cosell partners lists them", async () => {
    const org = await cosell('org "Northwind"', ADMIN);
    expect(org.text).toContain("*Northwind*");
    expect(org.text).toContain("T_OURS");

    const acme = await cosell('partner add "Acme Data" ISV T0ACME1,T0ACME2', ADMIN);
    expect(acme.text).toContain("Added partner *Acme Data* (Technology (ISV))");
    await cosell('partner add "Globex &amp; Sons" var', ADMIN); // Slack escapes & in command text

    const pairing = await cosell('pairing add <#C0ACMEGX|acme-globex> "Acme + Globex" "acme" "globex" sell-through', ADMIN);
    expect(pairing.text).toContain("<#C0ACMEGX>");
    expect(pairing.text).toContain("sell-through");

    const list = await cosell("partners", REP);
    const shown = blockText(list);
    expect(shown).toContain("*Northwind*");
    expect(shown).toMatch(/\*Acme Data\* — Technology \(ISV\) · Inactive tier · teams `T0ACME1`, `T0ACME2`/);
    expect(shown).toMatch(/\*Globex &amp; Sons\* — Reseller \(VAR\) · Inactive tier · no Slack teams yet/);
    expect(shown).toMatch(/\*Acme \+ Globex\* in <#C0ACMEGX> — Acme Data, Globex &amp; Sons · default sell-through/);
    expect(list.text).toContain("2 partners, 1 pairing");

    // stored as typed (unescaped), every change audited under the admin
    expect(await t.db.prisma.organization.findUnique({ where: { name: "Globex & Sons" } })).not.toBeNull();
    const audit = await t.db.prisma.auditEvent.findMany({ orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => [a.actor, a.action])).toEqual([
      ["U_ADMIN", "org.create"],
      ["U_ADMIN", "partner.add"],
      ["U_ADMIN", "partner.add"],
      ["U_ADMIN", "pairing.add"],
    ]);
  });

  it("a non-admin gets the admin-only answer naming the admins, and nothing is written", async () => {
    const before = await rows();
    for (const [cmd, doing] of [
      ['partner add "Initech" referral', "add partners"],
      ['partner remove "Acme Data"', "remove partners"],
      ['pairing add C0NEW "X" "Acme Data" "Northwind"', "add pairings"],
      ['org "Hijacked"', "set our organization"],
    ] as const) {
      const ack = await cosell(cmd, REP);
      expect(ack.text).toBe(`Only program admins can ${doing} (ask one of: <@U_ADMIN>, <@U_ADMIN2>).`);
    }
    expect(await rows()).toEqual(before);
  });

  it("a bad team ID shape gets a clear message and writes nothing", async () => {
    const before = await rows();
    const ack = await cosell('partner add "Initech" referral initech.slack.com', ADMIN);
    expect(ack.text).toContain('"initech.slack.com" is not a Slack team ID');
    expect(ack.text).toContain("starts with T");
    expect(await rows()).toEqual(before);
  });

  it("refusals come back with their reason: team taken, channel bound, partner in use, unknown type", async () => {
    const before = await rows();
    expect((await cosell('partner add "Initech" referral T0ACME2', ADMIN)).text).toContain('T0ACME2 already belongs to partner "Acme Data"');
    expect((await cosell('pairing add <#C0ACMEGX> "Acme x Us" "Acme Data" "Northwind"', ADMIN)).text).toContain(
      'already the channel of pairing "Acme + Globex"',
    );
    expect((await cosell('pairing add #acme-us "Acme x Us" "Acme Data" "Northwind"', ADMIN)).text).toContain("pick the channel from Slack's # suggestions");
    expect((await cosell('pairing add C0SOLO "Solo" "Acme Data"', ADMIN)).text).toContain("at least 2 organizations");
    expect((await cosell('partner remove "Acme Data"', ADMIN)).text).toContain('Can\'t remove "Acme Data": it is in 1 pairing ("Acme + Globex")');
    expect((await cosell('partner add "Initech" wholesaler', ADMIN)).text).toContain('"wholesaler" is not a partner type');
    expect((await cosell("partner add Acme Cloud reseller", ADMIN)).text).toContain(
      'Put a name with spaces in quotes: `/cosell partner add "Acme Cloud" reseller …`',
    );
    expect(await rows()).toEqual(before);
  });

  it("names that hide characters are refused with what is wrong, and nothing is written", async () => {
    const before = await rows();
    expect((await cosell('partner add "Acme\u202EataD" technology', ADMIN)).text).toMatch(
      /^The partner name contains a bidirectional control character, U\+202E RIGHT-TO-LEFT OVERRIDE/,
    );
    expect((await cosell('partner add "\u200B\u200B" technology', ADMIN)).text).toMatch(/^The partner name is made only of invisible characters/);
    expect((await cosell('partner add "Acme\u200BData" technology', ADMIN)).text).toMatch(/^The partner name contains an invisible U\+200B ZERO WIDTH SPACE/);
    expect((await cosell('pairing add <#C0NEWPAIR> "Acme\u2066 x Us" "Acme Data" "Northwind"', ADMIN)).text).toMatch(
      /^The pairing name contains a bidirectional control character, U\+2066/,
    );
    expect((await cosell("org Northwind\u0007", ADMIN)).text).toMatch(/^The organization name contains an invisible control character, U\+0007/);
    expect(await rows()).toEqual(before);
  });

  it("replaces a partner's team IDs and removes pairings and partners", async () => {
    expect((await cosell('partner teams "Acme Data" T0ACME3', ADMIN)).text).toContain("*Acme Data* Slack teams: `T0ACME3` (were: `T0ACME1`, `T0ACME2`)");
    expect((await cosell('pairing remove "Acme + Globex"', ADMIN)).text).toContain("Removed pairing *Acme + Globex*");
    expect((await cosell('partner remove "Globex &amp; Sons"', ADMIN)).text).toContain("Removed partner *Globex &amp; Sons*");
    const shown = blockText(await cosell("partners", REP));
    expect(shown).toContain("`T0ACME3`");
    expect(shown).not.toContain("Globex");
    expect(shown).toContain("Pairings (0)");
  });

  it("/cosell partners is for our own workspace: a partner's team is refused", async () => {
    const ack = await cosell("partners", { user: "U_PARTNER", team: "T0ACME3" });
    expect(ack.text).toContain("for our own organization's people only");
    expect(ack.blocks).toBeUndefined();
  });

  it("a long program paginates within Block Kit limits", async () => {
    await t.db.prisma.organization.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({
        name: `Partner ${String(i).padStart(3, "0")} ${"&".repeat(40)}`,
        kind: "PARTNER" as const,
        partnerType: "REFERRAL" as const,
        slackTeamIds: Array.from({ length: 30 }, (_, j) => `T${i}X${j}LONGTEAMID`),
      })),
    });
    const first = await cosell("partners", REP);
    const pages = Number(first.text.match(/121 partners, 0 pairings \(page 1 of (\d+)\)/)?.[1]);
    expect(pages).toBeGreaterThan(1);
    const seen = new Set<string>();
    for (let page = 1; page <= pages; page++) {
      const ack = page === 1 ? first : await cosell(`partners ${page}`, REP);
      expect(ack.blocks!.length).toBeLessThanOrEqual(50);
      for (const b of ack.blocks!) if (b.type === "section") expect(b.text!.text.length).toBeLessThanOrEqual(3000);
      for (const m of blockText(ack).matchAll(/Partner (\d{3})/g)) seen.add(m[1]!);
    }
    expect(seen.size).toBe(120); // every partner is on some page
    expect(blockText(first)).toContain("`/cosell partners 2` for the next page");
    // past the end: the last page, saying so
    expect((await cosell(`partners ${pages + 5}`, REP)).text).toContain(`There are only ${pages} pages`);
  });

  it("warns when two resellers would share a pairing, and binds it all the same", async () => {
    await cosell('partner add "Vandelay Resale" reseller', ADMIN);
    await cosell('partner add "Hooli &amp; Co" var', ADMIN); // Slack escapes & in command text
    const said = (await cosell('pairing add <#C0RESELL|resellers> "Resellers" "Vandelay" "Hooli"', ADMIN)).text;
    expect(said).toContain("is bound to <#C0RESELL>");
    expect(said).toContain("⚠️ Vandelay Resale and Hooli &amp; Co are both resellers: in one pairing they compete for the same customers rather than co-sell.");
    expect(await t.db.prisma.pairing.count({ where: { channelId: "C0RESELL" } })).toBe(1);
  });
});
