import type { WebClient } from "@slack/web-api";
import type { AppDeps } from "../deps";
import type { Actor } from "../../kernel/access";

// Resolves a Slack person to an organization: ours (our Slack team), a partner (a team ID
// recorded on a partner organization) or a stranger. Interaction payloads carry the person's
// own team (`user.team_id`); otherwise users.info answers, cached in SlackUserCache.

const USER_CACHE_MS = 24 * 60 * 60 * 1000;
const installTeams = new WeakMap<WebClient, Promise<string>>();

/** The team that installed the app (auth.test), cached per client. */
function installTeamId(client: WebClient): Promise<string> {
  let p = installTeams.get(client);
  if (!p) {
    p = client.auth.test().then((r) => String(r.team_id ?? ""));
    p.catch(() => installTeams.delete(client));
    installTeams.set(client, p);
  }
  return p;
}

export interface Who {
  userId: string;
  /** the person's own Slack team, when the payload says it */
  teamId?: string | undefined;
}

export async function resolveActor(deps: AppDeps, client: WebClient, who: Who): Promise<Actor> {
  const teamId = who.teamId || (await teamOf(deps, client, who.userId));
  const prisma = deps.db.prisma;
  const [ours, partner, homeTeam] = await Promise.all([
    prisma.organization.findFirst({ where: { kind: "INTERNAL" }, select: { id: true, slackTeamIds: true } }),
    prisma.organization.findFirst({ where: { kind: "PARTNER", slackTeamIds: { has: teamId } }, select: { id: true, name: true } }),
    installTeamId(client),
  ]);
  if (teamId === homeTeam || ours?.slackTeamIds.includes(teamId)) {
    return { kind: "internal", userId: who.userId, teamId, isAdmin: deps.config.admins.includes(who.userId), orgId: ours?.id ?? null };
  }
  if (partner) return { kind: "partner", userId: who.userId, teamId, orgId: partner.id, orgName: partner.name };
  return { kind: "stranger", userId: who.userId, teamId };
}

async function teamOf(deps: AppDeps, client: WebClient, userId: string): Promise<string> {
  const cached = await deps.db.prisma.slackUserCache.findUnique({ where: { userId } });
  if (cached && deps.clock.now().getTime() - cached.fetchedAt.getTime() < USER_CACHE_MS) return cached.teamId;
  const res = await client.users.info({ user: userId });
  const user = res.user as { team_id?: string; real_name?: string; name?: string; is_bot?: boolean } | undefined;
  const teamId = user?.team_id ?? "";
  const data = { teamId, name: user?.real_name ?? user?.name ?? null, isBot: Boolean(user?.is_bot), fetchedAt: deps.clock.now() };
  await deps.db.prisma.slackUserCache.upsert({ where: { userId }, update: data, create: { userId, ...data } });
  return teamId;
}

/** Whether Slack said (users.info, as cached by resolveActor) that this user is a bot. */
export async function isKnownBot(deps: Pick<AppDeps, "db">, userId: string): Promise<boolean> {
  const cached = await deps.db.prisma.slackUserCache.findUnique({ where: { userId }, select: { isBot: true } });
  return cached?.isBot === true;
}
