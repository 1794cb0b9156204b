import type { Database } from "../../src/platform/db/client";
import { programRepo } from "../../src/platform/repos/program-repo";
import type { FakeChannel, FakeSlack } from "./fake-slack";

// Who is in the playground's Slack and which channels they see. Read from the program in the
// database (our organization, partners with their Slack team IDs, pairings with their channels)
// plus four people to switch between: our admin, our rep, a partner's rep and a person from an
// unrelated company.

type PersonKind = "internal" | "partner" | "stranger";

export interface PlaygroundPerson {
  id: string;
  name: string;
  /** what @-mentions in the composer match */
  handle: string;
  title: string;
  teamId: string;
  /** the company the person works for */
  company: string;
  kind: PersonKind;
  isAdmin: boolean;
}

export interface PlaygroundChannel extends FakeChannel {
  id: string;
  name: string;
  kind: "channel" | "dm";
  /** organizations on the other side of a Slack Connect channel */
  sharedWith: string[];
  /** teams whose people are in the channel (ours included) */
  teams: string[];
  /** the pairing bound to the channel */
  pairing?: string;
}

/**
 * The people of the playground: the four to switch between (our admin, our rep, a partner's rep
 * and someone from an unrelated company) and everyone else the demo program mentions. Slack-shaped
 * IDs; teams come from the organizations in the database.
 */
export interface CastSpec {
  /** our team, when our organization records none */
  ourTeam: string;
  admin: string;
  rep: string;
  partner: string;
  stranger: string;
  strangerTeam: string;
  strangerCompany: string;
  /** an internal channel of ours (the digest's manager channel) */
  internalChannel: string;
  /** names and titles by user ID; `org` is the organization's name (ours when absent) */
  people: Record<string, { name: string; title: string; org?: string }>;
}

/** The demo program's people (src/demo/seed.ts). */
export const PLAYGROUND_CAST: CastSpec = {
  ourTeam: "T0NORTHWIND",
  admin: "U0DEMOADMIN",
  rep: "U0NWREP1",
  partner: "U0ACMEREP",
  stranger: "U0STRANGER",
  strangerTeam: "T0HOOLI",
  strangerCompany: "Hooli",
  internalChannel: "C0PARTNERMGRS",
  people: {
    U0DEMOADMIN: { name: "Ada Admin", title: "Partner manager · program admin" },
    U0NWREP1: { name: "Ravi Rep", title: "Account executive" },
    U0NWREP2: { name: "Rosa Reyes", title: "Account executive" },
    U0NWSE1: { name: "Sol Ortega", title: "Solutions engineer" },
    U0ACMEREP: { name: "Priya Partner", title: "Partner account executive", org: "Acme Data" },
    U0ACMESE: { name: "Arjun Mehta", title: "Sales engineer", org: "Acme Data" },
    U0GLOBEXPM: { name: "Gina Lopez", title: "Partner manager", org: "Globex Systems" },
    U0GLOBEXCONS: { name: "Gus Olsen", title: "Consultant", org: "Globex Systems" },
    U0INITECHREP: { name: "Irene Torres", title: "Reseller account manager", org: "Initech Resale" },
    U0UMBRELLA: { name: "Ulla Berg", title: "Referral partner", org: "Umbrella Referrals" },
    U0STARK: { name: "Tess Marlow", title: "Alliance manager", org: "Stark Alliances" },
    U0STRANGER: { name: "Sam Stranger", title: "Consultant, not in the program" },
  },
};

export class Cast {
  /** the four people to switch between */
  people: PlaygroundPerson[] = [];
  /** everyone Slack knows (the four and the people the program mentions) */
  directory: PlaygroundPerson[] = [];
  channels: PlaygroundChannel[] = [];
  ourTeam: string;
  ourName = "Our company";

  constructor(
    private readonly db: Database,
    readonly spec: CastSpec,
  ) {
    this.ourTeam = spec.ourTeam;
  }

  person(id: string): PlaygroundPerson | undefined {
    return this.people.find((p) => p.id === id);
  }

  /** Re-reads the program (pairings may be added from the playground) and updates the fake's directory. */
  async refresh(fake: FakeSlack): Promise<void> {
    const prisma = this.db.prisma;
    const spec = this.spec;
    const [orgs, pairings, program] = await Promise.all([
      prisma.organization.findMany({ orderBy: { createdAt: "asc" } }),
      prisma.pairing.findMany({ orderBy: { createdAt: "asc" }, include: { members: { include: { org: true } } } }),
      programRepo(prisma).find(),
    ]);
    const ours = orgs.find((o) => o.kind === "INTERNAL");
    this.ourTeam = ours?.slackTeamIds[0] ?? spec.ourTeam;
    this.ourName = ours?.name ?? "Our company";
    const byName = new Map(orgs.map((o) => [o.name, o]));
    const fallbackPartner = pairings.flatMap((p) => p.members.map((m) => m.org)).find((o) => o.kind === "PARTNER" && o.slackTeamIds.length > 0);

    const make = (id: string, kind: PersonKind): PlaygroundPerson => {
      const info = spec.people[id] ?? { name: id, title: "" };
      let teamId = this.ourTeam;
      let company = this.ourName;
      if (kind === "stranger") {
        teamId = spec.strangerTeam;
        company = spec.strangerCompany;
      } else if (info.org) {
        const org = byName.get(info.org) ?? (kind === "partner" ? fallbackPartner : undefined);
        teamId =
          org?.slackTeamIds[0] ??
          `T0${info.org
            .replace(/[^A-Za-z0-9]/g, "")
            .toUpperCase()
            .slice(0, 9)}`;
        company = org?.name ?? info.org;
      }
      return { id, name: info.name, handle: info.name.toLowerCase().split(/\s+/)[0]!, title: info.title, teamId, company, kind, isAdmin: id === spec.admin };
    };
    this.people = [make(spec.admin, "internal"), make(spec.rep, "internal"), make(spec.partner, "partner"), make(spec.stranger, "stranger")];
    const four = new Set(this.people.map((p) => p.id));
    this.directory = [
      ...this.people,
      ...Object.entries(spec.people)
        .filter(([id]) => !four.has(id))
        .map(([id, info]) => make(id, info.org ? "partner" : "internal")),
    ];

    const teamOwner = new Map<string, string>();
    for (const o of orgs) for (const t of o.slackTeamIds) teamOwner.set(t, o.name);
    teamOwner.set(spec.strangerTeam, spec.strangerCompany);
    const ourTeams = new Set([this.ourTeam, ...(ours?.slackTeamIds ?? [])]);
    const channels: PlaygroundChannel[] = [];
    pairings.forEach((p, i) => {
      const teams = new Set<string>([this.ourTeam]);
      for (const m of p.members) for (const t of m.org.slackTeamIds) teams.add(t);
      // Someone from an unrelated company is a guest in the first pairing's channel.
      if (i === 0) teams.add(spec.strangerTeam);
      const external = [...teams].filter((t) => !ourTeams.has(t));
      channels.push({
        id: p.channelId,
        name: slug(p.name),
        kind: "channel",
        is_ext_shared: external.length > 0,
        connected_team_ids: external,
        sharedWith: [...new Set(external.map((t) => teamOwner.get(t) ?? t))],
        teams: [...teams],
        pairing: p.name,
        topic: `Co-sell pairing “${p.name}”`,
      });
    });
    const internalId = program?.managerChannelId ?? spec.internalChannel;
    if (!channels.some((c) => c.id === internalId)) {
      channels.push({
        id: internalId,
        name: "partner-managers",
        kind: "channel",
        is_ext_shared: false,
        connected_team_ids: [],
        sharedWith: [],
        teams: [this.ourTeam],
        topic: "Partner managers: digests, alerts and admin notes",
      });
    }
    for (const person of this.people) {
      channels.push({ id: `D_${person.id}`, name: "cosell", kind: "dm", is_im: true, user: person.id, sharedWith: [], teams: [person.teamId] });
    }
    this.channels = channels;

    fake.teamId = this.ourTeam;
    fake.teamName = this.ourName;
    fake.users.clear();
    for (const p of this.directory) fake.users.set(p.id, { id: p.id, team_id: p.teamId, name: p.name, title: p.title });
    fake.channels.clear();
    for (const c of channels) {
      const { kind: _k, sharedWith: _s, teams: _t, pairing: _p, ...slackSide } = c;
      fake.channels.set(c.id, slackSide);
    }
  }

  /** Channels a person is in: their DM with the app, and channels their team is part of. */
  visibleChannels(person: PlaygroundPerson): PlaygroundChannel[] {
    return this.channels.filter((c) => (c.kind === "dm" ? c.user === person.id : c.teams.includes(person.teamId)));
  }

  channel(id: string): PlaygroundChannel | undefined {
    return this.channels.find((c) => c.id === id);
  }

  /** Slack Connect: people of another organization can't run our app's slash commands or shortcuts. */
  isExternal(person: PlaygroundPerson): boolean {
    return person.teamId !== this.ourTeam;
  }
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 80) || "channel"
  );
}
