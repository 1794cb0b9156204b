import type { PrismaClient } from "../../src/generated/prisma/client";

// A small program for tests: our company, two partners, a pairing with its shared channel.

export const TEAMS = { ours: "T_OURS", acme: "T_ACME", globex: "T_GLOBEX", stranger: "T_NOBODY" } as const;
export const PEOPLE = {
  admin: { user: "U_ADMIN", team: TEAMS.ours },
  rep: { user: "U_REP", team: TEAMS.ours },
  acmeRep: { user: "U_ACME", team: TEAMS.acme },
  globexRep: { user: "U_GLOBEX", team: TEAMS.globex },
  stranger: { user: "U_STRANGER", team: TEAMS.stranger },
} as const;

export interface SeededProgram {
  ours: { id: string; name: string };
  acme: { id: string; name: string };
  globex: { id: string; name: string };
  /** ours + Acme, in C_ACME (shared with Acme) */
  acmePairing: { id: string; channelId: string };
  /** ours + Globex, in C_GLOBEX */
  globexPairing: { id: string; channelId: string };
}

export async function seedProgram(prisma: PrismaClient): Promise<SeededProgram> {
  const ours = await prisma.organization.create({ data: { name: "Ourco", kind: "INTERNAL", slackTeamIds: [TEAMS.ours] } });
  const acme = await prisma.organization.create({ data: { name: "Acme Data", kind: "PARTNER", partnerType: "TECHNOLOGY", slackTeamIds: [TEAMS.acme] } });
  const globex = await prisma.organization.create({ data: { name: "Globex", kind: "PARTNER", partnerType: "RESELLER", slackTeamIds: [TEAMS.globex] } });
  const acmePairing = await prisma.pairing.create({
    data: {
      name: "Ourco + Acme",
      channelId: "C_ACME",
      defaultModel: "SELL_WITH",
      createdBy: "U_ADMIN",
      members: { create: [{ orgId: ours.id }, { orgId: acme.id }] },
    },
  });
  const globexPairing = await prisma.pairing.create({
    data: {
      name: "Ourco + Globex",
      channelId: "C_GLOBEX",
      defaultModel: "SELL_THROUGH",
      createdBy: "U_ADMIN",
      members: { create: [{ orgId: ours.id }, { orgId: globex.id }] },
    },
  });
  return {
    ours: { id: ours.id, name: ours.name },
    acme: { id: acme.id, name: acme.name },
    globex: { id: globex.id, name: globex.name },
    acmePairing: { id: acmePairing.id, channelId: acmePairing.channelId },
    globexPairing: { id: globexPairing.id, channelId: globexPairing.channelId },
  };
}
