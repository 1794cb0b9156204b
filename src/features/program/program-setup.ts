import { toJsonColumn } from "../../platform/db/json";
import type { Tx } from "../../platform/db/client";
import { channelLink, mrkdwn } from "../../platform/slack/mrkdwn";
import { checkText } from "../../kernel/text-input";
import { UserError } from "../../platform/errors";
import type { CoSellModel, PartnerType } from "../../generated/prisma/client";
import type { PartnerTier } from "../../kernel/incentives";

// Program setup: our own organization, partner organizations and pairings.
// Use cases only: plain data in, a Prisma transaction in, no Slack. Each function must run
// inside one `prisma.$transaction(async (tx) => …)`; it checks everything before it writes,
// so a refusal (UserError) leaves nothing behind, and every change writes an AuditEvent row.

const NAME_MAX = 80;
/** Slack team IDs as people type them (ours comes from Slack itself and is not shape-checked). */
const TEAM_ID_PATTERN = /^T[A-Z0-9]{2,}$/;
const CHANNEL_ID_PATTERN = /^[CG][A-Z0-9]{2,}$/;

// Arbitrary constant: program-setup writes serialize on this transaction-level advisory lock,
// so rules the schema cannot express (one internal organization, a team ID on one organization
// only) hold under concurrent commands too.
const SETUP_LOCK_KEY = 7_042_020;

export interface ProgramOverview {
  ours: { name: string; teamIds: string[] } | null;
  partners: { name: string; type: PartnerType | null; teamIds: string[]; tier: PartnerTier; tierSince: Date | null }[];
  pairings: { name: string; channelId: string; members: string[]; defaultModel: CoSellModel }[];
}

export interface SetOrganizationResult {
  name: string;
  teamIds: string[];
  created: boolean;
  renamedFrom: string | null;
  teamAdded: boolean;
}

interface OrgRow {
  id: string;
  name: string;
  kind: "INTERNAL" | "PARTNER";
  partnerType: PartnerType | null;
  slackTeamIds: string[];
  partnerTier?: string;
  tierSince?: Date | null;
}

async function lock(tx: Tx): Promise<void> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${SETUP_LOCK_KEY})`);
}

async function audit(tx: Tx, actor: string, action: string, subject: string, detail: Record<string, unknown>): Promise<void> {
  await tx.auditEvent.create({ data: { actor, action, subject, detail: toJsonColumn(detail) } });
}

/** Trims, collapses whitespace, and checks a display name (organization or pairing). */
function cleanName(raw: string, what: string): string {
  const chars = checkText(raw, { field: `The ${what} name`, name: true });
  if (!chars.ok) throw new UserError(chars.message);
  const name = raw.replace(/\s+/g, " ").trim();
  if (name === "") throw new UserError(`The ${what} name is empty — put it in quotes, e.g. "Acme Data".`);
  if (name.length > NAME_MAX) throw new UserError(`The ${what} name is ${name.length} characters; keep it to ${NAME_MAX}.`);
  if (/[<>]/.test(name)) throw new UserError(`The ${what} name can't contain < or >.`);
  return name;
}

/** Upper-cases, de-duplicates and shape-checks Slack team IDs typed by a person. */
function cleanTeamIds(raw: readonly string[]): string[] {
  const ids = [...new Set(raw.map((t) => t.trim().toUpperCase()).filter(Boolean))];
  const bad = raw.map((t) => t.trim()).filter((t) => t !== "" && !TEAM_ID_PATTERN.test(t.toUpperCase()));
  if (bad.length > 0) {
    throw new UserError(
      `${bad.map((b) => `"${b}"`).join(", ")} ${bad.length === 1 ? "is not a Slack team ID" : "are not Slack team IDs"}: ` +
        "a team ID starts with T followed by letters and digits, e.g. T0ACME123 (Slack shows it in the workspace's URL and under About this workspace).",
    );
  }
  return ids;
}

function listNames(names: readonly string[], max = 20): string {
  if (names.length === 0) return "none yet";
  const shown = names.slice(0, max).join(", ");
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/**
 * Finds one item by name: an exact (case-insensitive) match wins, otherwise an unambiguous
 * prefix. `what` names the kind in messages ("organization", "pairing", "partner").
 */
function resolveByName<T extends { name: string }>(items: readonly T[], query: string, what: string, opts: { exact?: boolean } = {}): T {
  const q = query.replace(/\s+/g, " ").trim().toLowerCase();
  const sorted = [...items].sort((a, b) => a.name.localeCompare(b.name));
  const known = sorted.map((i) => i.name);
  if (q === "") throw new UserError(`Name the ${what} — known: ${listNames(known)}.`);
  const exact = sorted.filter((i) => i.name.toLowerCase() === q);
  if (exact.length === 1) return exact[0]!;
  const prefix = sorted.filter((i) => i.name.toLowerCase().startsWith(q));
  if (opts.exact && prefix.length > 0) {
    // Destructive commands do not guess: a prefix is only a suggestion.
    throw new UserError(
      `No ${what} named exactly "${query}" — did you mean ${listNames(
        prefix.map((p) => `"${p.name}"`),
        5,
      )}? Use the full name to remove it.`,
    );
  }
  if (prefix.length === 1) return prefix[0]!;
  if (prefix.length > 1) {
    throw new UserError(`"${query}" matches several ${what}s: ${listNames(prefix.map((p) => p.name))} — use more of the name.`);
  }
  throw new UserError(`No ${what} named "${query}" — known: ${listNames(known)}.`);
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

async function allOrgs(tx: Tx): Promise<OrgRow[]> {
  const orgs = await tx.organization.findMany({
    select: { id: true, name: true, kind: true, partnerType: true, slackTeamIds: true, partnerTier: true, tierSince: true },
  });
  return orgs.sort(byName);
}

function assertNameFree(orgs: readonly OrgRow[], name: string, exceptId?: string): void {
  const clash = orgs.find((o) => o.id !== exceptId && o.name.toLowerCase() === name.toLowerCase());
  if (clash) {
    throw new UserError(
      clash.name === name
        ? `An organization named "${clash.name}" already exists.`
        : `An organization named "${clash.name}" already exists (names are compared without case).`,
    );
  }
}

function assertTeamsFree(orgs: readonly OrgRow[], teamIds: readonly string[], exceptId?: string): void {
  for (const t of teamIds) {
    const owner = orgs.find((o) => o.id !== exceptId && o.slackTeamIds.includes(t));
    if (owner) {
      throw new UserError(
        `Slack team ${t} already belongs to ${owner.kind === "INTERNAL" ? "our organization" : "partner"} "${owner.name}" — a Slack team ID may belong to one organization only.`,
      );
    }
  }
}

/** Creates or renames our own (internal) organization and records the Slack team it is run from. */
export async function setOurOrganization(tx: Tx, input: { name: string; teamId: string; actor: string }): Promise<SetOrganizationResult> {
  const name = cleanName(input.name, "organization");
  await lock(tx);
  const orgs = await allOrgs(tx);
  const ours = orgs.find((o) => o.kind === "INTERNAL");
  assertNameFree(orgs, name, ours?.id);
  const teamId = input.teamId.trim();
  if (teamId !== "") assertTeamsFree(orgs, [teamId], ours?.id);

  if (!ours) {
    const teamIds = teamId ? [teamId] : [];
    const created = await tx.organization.create({ data: { name, kind: "INTERNAL", slackTeamIds: teamIds } });
    await audit(tx, input.actor, "org.create", `organization:${created.id}`, { name, teamIds });
    return { name, teamIds, created: true, renamedFrom: null, teamAdded: teamIds.length > 0 };
  }
  const renamed = ours.name !== name;
  const teamAdded = teamId !== "" && !ours.slackTeamIds.includes(teamId);
  const teamIds = teamAdded ? [...ours.slackTeamIds, teamId] : ours.slackTeamIds;
  if (renamed || teamAdded) {
    await tx.organization.update({ where: { id: ours.id }, data: { name, slackTeamIds: teamIds } });
    await audit(tx, input.actor, renamed ? "org.rename" : "org.team", `organization:${ours.id}`, {
      before: { name: ours.name, teamIds: ours.slackTeamIds },
      after: { name, teamIds },
    });
  }
  return { name, teamIds, created: false, renamedFrom: renamed ? ours.name : null, teamAdded };
}

/** Adds a partner organization. Team IDs are shape-checked and must not belong to another organization. */
export async function addPartner(
  tx: Tx,
  input: { name: string; type: PartnerType; teamIds?: readonly string[]; actor: string },
): Promise<{ id: string; name: string; type: PartnerType; teamIds: string[] }> {
  const name = cleanName(input.name, "partner");
  const teamIds = cleanTeamIds(input.teamIds ?? []);
  await lock(tx);
  const orgs = await allOrgs(tx);
  assertNameFree(orgs, name);
  assertTeamsFree(orgs, teamIds);
  const org = await tx.organization.create({ data: { name, kind: "PARTNER", partnerType: input.type, slackTeamIds: teamIds } });
  await audit(tx, input.actor, "partner.add", `organization:${org.id}`, { name, type: input.type, teamIds });
  return { id: org.id, name, type: input.type, teamIds };
}

function resolvePartner(orgs: readonly OrgRow[], query: string, opts: { exact?: boolean } = {}): OrgRow {
  const org = resolveByName(orgs, query, "organization", opts);
  if (org.kind === "INTERNAL") throw new UserError(`"${org.name}" is our own organization, not a partner — use \`/cosell org\` to change it.`);
  return org;
}

/** Replaces a partner's Slack team IDs (an empty list clears them). */
export async function setPartnerTeams(
  tx: Tx,
  input: { name: string; teamIds: readonly string[]; actor: string },
): Promise<{ name: string; before: string[]; teamIds: string[] }> {
  const teamIds = cleanTeamIds(input.teamIds);
  await lock(tx);
  const orgs = await allOrgs(tx);
  const org = resolvePartner(orgs, input.name);
  assertTeamsFree(orgs, teamIds, org.id);
  const same = teamIds.length === org.slackTeamIds.length && teamIds.every((t) => org.slackTeamIds.includes(t));
  if (!same) {
    await tx.organization.update({ where: { id: org.id }, data: { slackTeamIds: teamIds } });
    await audit(tx, input.actor, "partner.teams", `organization:${org.id}`, { name: org.name, before: org.slackTeamIds, after: teamIds });
  }
  return { name: org.name, before: org.slackTeamIds, teamIds };
}

function refList(refs: readonly number[]): string {
  const sorted = [...new Set(refs)].sort((a, b) => a - b);
  const shown = sorted
    .slice(0, 5)
    .map((r) => `CS-${r}`)
    .join(", ");
  return sorted.length > 5 ? `${shown} and ${sorted.length - 5} more` : shown;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Removes a partner organization; refused while it is on any deal or in any pairing. */
export async function removePartner(tx: Tx, input: { name: string; actor: string }): Promise<{ name: string }> {
  await lock(tx);
  const orgs = await allOrgs(tx);
  const org = resolvePartner(orgs, input.name, { exact: true });
  // Sequential on purpose: one transaction is one connection.
  const participants = await tx.participant.findMany({ where: { orgId: org.id }, select: { deal: { select: { ref: true } } } });
  const touchpoints = await tx.touchpoint.findMany({ where: { orgId: org.id }, select: { deal: { select: { ref: true } } }, distinct: ["dealId"] });
  const disputes = await tx.dispute.findMany({ where: { orgId: org.id }, select: { deal: { select: { ref: true } } }, distinct: ["dealId"] });
  const memberships = await tx.pairingMember.findMany({ where: { orgId: org.id }, select: { pairing: { select: { name: true } } } });
  const refs = [...new Set([...participants, ...touchpoints, ...disputes].map((p) => p.deal.ref))];
  const pairings = memberships.map((m) => m.pairing.name).sort((a, b) => a.localeCompare(b));
  if (refs.length > 0 || pairings.length > 0) {
    const reasons: string[] = [];
    if (refs.length > 0) reasons.push(`it is on ${plural(refs.length, "deal")} (${refList(refs)})`);
    if (pairings.length > 0)
      reasons.push(
        `it is in ${plural(pairings.length, "pairing")} (${listNames(
          pairings.map((p) => `"${p}"`),
          5,
        )})`,
      );
    throw new UserError(
      `Can't remove "${org.name}": ${reasons.join(" and ")}. ` +
        (refs.length > 0 ? "Deals keep their organizations for attribution, so a partner with deals stays." : "Remove those pairings first."),
    );
  }
  const accountLists = await tx.accountList.count({ where: { orgId: org.id } });
  await tx.organization.delete({ where: { id: org.id } });
  await audit(tx, input.actor, "partner.remove", `organization:${org.id}`, {
    name: org.name,
    type: org.partnerType,
    teamIds: org.slackTeamIds,
    accountListsDeleted: accountLists,
  });
  return { name: org.name };
}

/** Binds a new pairing of ≥ 2 organizations to a channel that no other pairing uses. */
export async function addPairing(
  tx: Tx,
  input: { channelId: string; name: string; orgNames: readonly string[]; model?: CoSellModel; actor: string },
): Promise<{ id: string; name: string; channelId: string; members: string[]; defaultModel: CoSellModel; warnings: string[] }> {
  const name = cleanName(input.name, "pairing");
  const channelId = input.channelId.trim().toUpperCase();
  if (!CHANNEL_ID_PATTERN.test(channelId)) {
    throw new UserError(`"${input.channelId}" is not a Slack channel ID: pick the channel with # (it arrives as a link) or paste its ID, e.g. C0123ABCD.`);
  }
  const model = input.model ?? "SELL_WITH";
  await lock(tx);
  const orgs = await allOrgs(tx);
  const members: OrgRow[] = [];
  for (const q of input.orgNames) {
    const org = resolveByName(orgs, q, "organization");
    if (!members.some((m) => m.id === org.id)) members.push(org);
  }
  if (members.length < 2) {
    throw new UserError(
      `A pairing needs at least 2 organizations; ${members.length === 0 ? "none were named" : `only "${members[0]!.name}" was named`}. ` +
        `Name them in quotes after the pairing name — known: ${listNames(orgs.map((o) => o.name))}.`,
    );
  }
  const pairings = await tx.pairing.findMany({ select: { name: true, channelId: true } });
  const bound = pairings.find((p) => p.channelId === channelId);
  if (bound) throw new UserError(mrkdwn`${channelLink(channelId)} is already the channel of pairing "${bound.name}" — each pairing has its own channel.`);
  const clash = pairings.find((p) => p.name.toLowerCase() === name.toLowerCase());
  if (clash) throw new UserError(`A pairing named "${clash.name}" already exists.`);

  const pairing = await tx.pairing.create({
    data: { name, channelId, defaultModel: model, createdBy: input.actor, members: { create: members.map((m) => ({ orgId: m.id })) } },
  });
  const memberNames = members.map((m) => m.name);
  await audit(tx, input.actor, "pairing.add", `pairing:${pairing.id}`, { name, channelId, members: memberNames, defaultModel: model });
  return { id: pairing.id, name, channelId, members: memberNames, defaultModel: model, warnings: pairingWarnings(members) };
}

/**
 * What a partner manager would want to hear at `pairing add`: two resellers in one pairing sell
 * the same products to the same customers, which the reference calls competition, not co-selling.
 */
function pairingWarnings(members: readonly OrgRow[]): string[] {
  const resellers = members.filter((m) => m.kind === "PARTNER" && m.partnerType === "RESELLER").map((m) => m.name);
  if (resellers.length < 2) return [];
  return [
    `${resellers.join(" and ")} are both resellers: in one pairing they compete for the same customers rather than co-sell. A pairing per reseller, each with a technology or services partner, usually works better.`,
  ];
}

/** Removes a pairing; refused while any deal belongs to it. */
export async function removePairing(tx: Tx, input: { name: string; actor: string }): Promise<{ name: string; channelId: string }> {
  await lock(tx);
  const pairings = await tx.pairing.findMany({
    select: { id: true, name: true, channelId: true, members: { select: { org: { select: { name: true } } } } },
  });
  const pairing = resolveByName(pairings, input.name, "pairing", { exact: true });
  const deals = await tx.deal.findMany({ where: { pairingId: pairing.id }, select: { ref: true } });
  if (deals.length > 0) {
    throw new UserError(
      `Can't remove pairing "${pairing.name}": it has ${plural(deals.length, "deal")} (${refList(deals.map((d) => d.ref))}). Deals keep their pairing for attribution and history.`,
    );
  }
  await tx.pairing.delete({ where: { id: pairing.id } });
  await audit(tx, input.actor, "pairing.remove", `pairing:${pairing.id}`, {
    name: pairing.name,
    channelId: pairing.channelId,
    members: pairing.members.map((m) => m.org.name).sort((a, b) => a.localeCompare(b)),
  });
  return { name: pairing.name, channelId: pairing.channelId };
}

/**
 * A pairing's own 90-day targets (registrations; active deals), or back to the defaults with
 * null. Shown in its digest and used by the QBR's next-quarter targets. Audited.
 */
export async function setPairingTargets(
  tx: Tx,
  input: { name: string; registrations: number | null; activeDeals: number | null; actor: string },
): Promise<{ name: string; registrations: number | null; activeDeals: number | null }> {
  const pairings = await tx.pairing.findMany({
    select: {
      id: true,
      name: true,
      channelId: true,
      targetRegistrations: true,
      targetActiveDeals: true,
      members: { select: { org: { select: { name: true } } } },
    },
  });
  const pairing = resolveByName(pairings, input.name, "pairing", { exact: true });
  await tx.pairing.update({ where: { id: pairing.id }, data: { targetRegistrations: input.registrations, targetActiveDeals: input.activeDeals } });
  await audit(tx, input.actor, "pairing.targets", `pairing:${pairing.id}`, {
    name: pairing.name,
    before: { registrations: pairing.targetRegistrations, activeDeals: pairing.targetActiveDeals },
    after: { registrations: input.registrations, activeDeals: input.activeDeals },
  });
  return { name: pairing.name, registrations: input.registrations, activeDeals: input.activeDeals };
}

/** Everything `/cosell partners` shows, sorted by name. */
export async function listProgram(tx: Tx): Promise<ProgramOverview> {
  const orgs = await allOrgs(tx);
  const pairings = await tx.pairing.findMany({
    select: { name: true, channelId: true, defaultModel: true, members: { select: { org: { select: { name: true, kind: true } } } } },
  });
  pairings.sort(byName);
  const ours = orgs.find((o) => o.kind === "INTERNAL");
  return {
    ours: ours ? { name: ours.name, teamIds: ours.slackTeamIds } : null,
    partners: orgs
      .filter((o) => o.kind === "PARTNER")
      .map((o) => ({
        name: o.name,
        type: o.partnerType,
        teamIds: o.slackTeamIds,
        tier: (o.partnerTier ?? "INACTIVE") as PartnerTier,
        tierSince: o.tierSince ?? null,
      })),
    pairings: pairings.map((p) => ({
      name: p.name,
      channelId: p.channelId,
      defaultModel: p.defaultModel,
      // ours first, then partners A→Z
      members: p.members
        .map((m) => m.org)
        .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === "INTERNAL" ? -1 : 1))
        .map((o) => o.name),
    })),
  };
}

/** Is this Slack team ours? True when it is on our organization, or our organization isn't set up yet. */
export async function isOurTeam(tx: Tx, teamId: string): Promise<boolean> {
  const ours = await tx.organization.findFirst({ where: { kind: "INTERNAL" }, select: { slackTeamIds: true } });
  return !ours || ours.slackTeamIds.includes(teamId);
}
