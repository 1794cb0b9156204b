import { decideAdminAction, type Actor, type Decision } from "../../kernel/access";
import { normalizeDomain } from "../../kernel/domain-name";
import { holdsAccount } from "../../kernel/registration-lifecycle";
import { checkText } from "../../kernel/text-input";
import type { Clock } from "../../platform/clock";
import type { Database, Tx } from "../../platform/db/client";
import { toJsonColumn } from "../../platform/db/json";
import { lockAccountDomain } from "./register-deal";

// House accounts: our own direct deals, with no partner. A partner registration on the same
// account is a conflict ("direct sales already active"), and one of our reps adding a direct
// deal on an account a partner holds is told so. Slack-free; `/cosell direct` is its adapter
// (a CRM import will be another).

export interface DirectDealDeps {
  db: Pick<Database, "prisma">;
  clock: Clock;
  admins: readonly string[];
}

interface PartnerHold {
  ref: number;
  partners: string[];
  status: string;
  protectedUntil: Date | null;
}

export type AddDirectDealResult =
  | { kind: "added"; id: string; domain: string; accountName: string; created: boolean; partnerHolds: PartnerHold[] }
  | { kind: "invalid"; message: string }
  | { kind: "denied"; message: Extract<Decision, { allowed: false }>["message"] };

const NOT_OURS = "Direct deals are our own sales: only our people can record them.";

/** Records a direct deal of ours on an account (one open per domain: a repeat answers with it). */
export async function addDirectDeal(
  deps: DirectDealDeps,
  actor: Actor,
  input: { domain: string; accountName: string; title: string },
): Promise<AddDirectDealResult> {
  if (actor.kind !== "internal") return { kind: "denied", message: NOT_OURS };
  const d = normalizeDomain(input.domain);
  if (!d.ok) return { kind: "invalid", message: d.reason };
  const name = input.accountName.trim();
  const title = input.title.trim() || "Direct deal";
  for (const [value, field] of [
    [input.accountName, "The account name"],
    [input.title, "The title"],
  ] as const) {
    const chars = checkText(value, { field, name: true });
    if (!chars.ok) return { kind: "invalid", message: chars.message };
  }
  if (name === "") return { kind: "invalid", message: 'Name the account in quotes, e.g. `/cosell direct add globex.com "Globex"`.' };
  if (name.length > 120 || title.length > 120) return { kind: "invalid", message: "Keep the account name and title to 120 characters." };
  const now = deps.clock.now();
  return deps.db.prisma.$transaction(async (tx): Promise<AddDirectDealResult> => {
    // The same lock as registrations of this domain: a registration and a direct deal cannot miss each other.
    await lockAccountDomain(tx, d.domain);
    const partnerHolds = await partnerHoldsOn(tx, d.domain, now);
    const open = await tx.directDeal.findFirst({ where: { accountDomain: d.domain, closedAt: null } });
    if (open) return { kind: "added", id: open.id, domain: d.domain, accountName: open.accountName, created: false, partnerHolds };
    const row = await tx.directDeal.create({ data: { accountName: name, accountDomain: d.domain, title, ownerUserId: actor.userId, createdAt: now } });
    await tx.auditEvent.create({
      data: {
        actor: actor.userId,
        action: "direct.add",
        subject: row.id,
        detail: toJsonColumn({ domain: d.domain, partnerHolds: partnerHolds.map((h) => h.ref) }),
        createdAt: now,
      },
    });
    return { kind: "added", id: row.id, domain: d.domain, accountName: name, created: true, partnerHolds };
  });
}

/** Registrations of partners that hold this account now. */
async function partnerHoldsOn(tx: Tx, domain: string, now: Date): Promise<PartnerHold[]> {
  const deals = await tx.deal.findMany({
    where: { accountDomain: domain, stage: { notIn: ["CLOSED_WON", "CLOSED_LOST"] } },
    include: { participants: { include: { org: { select: { name: true, kind: true } } } } },
    orderBy: { ref: "asc" },
  });
  return deals
    .filter((x) => holdsAccount(x, now) && x.participants.some((p) => p.org.kind === "PARTNER"))
    .map((x) => ({
      ref: x.ref,
      partners: x.participants.filter((p) => p.org.kind === "PARTNER").map((p) => p.org.name),
      status: x.registrationStatus,
      protectedUntil: x.protectedUntil,
    }));
}

export type CloseDirectDealResult =
  | { kind: "closed"; domain: string }
  | { kind: "none"; domain: string }
  | { kind: "invalid"; message: string }
  | { kind: "denied"; message: string };

/** Our direct deal on this account is over: the account is free for partner registrations again. */
export async function closeDirectDeal(deps: DirectDealDeps, actor: Actor, input: { domain: string }): Promise<CloseDirectDealResult> {
  if (actor.kind !== "internal") return { kind: "denied", message: NOT_OURS };
  const d = normalizeDomain(input.domain);
  if (!d.ok) return { kind: "invalid", message: d.reason };
  const now = deps.clock.now();
  return deps.db.prisma.$transaction(async (tx): Promise<CloseDirectDealResult> => {
    const open = await tx.directDeal.findFirst({ where: { accountDomain: d.domain, closedAt: null } });
    if (!open) return { kind: "none", domain: d.domain };
    if (open.ownerUserId !== actor.userId && !decideAdminAction(actor, "registration.review", deps.admins).allowed)
      return { kind: "denied", message: "Only the deal's owner or a program admin can close it." };
    await tx.directDeal.update({ where: { id: open.id }, data: { closedAt: now } });
    await tx.auditEvent.create({
      data: { actor: actor.userId, action: "direct.close", subject: open.id, detail: toJsonColumn({ domain: d.domain }), createdAt: now },
    });
    return { kind: "closed", domain: d.domain };
  });
}

export async function listDirectDeals(
  db: Tx,
): Promise<{ accountName: string; domain: string; title: string; ownerUserId: string; since: Date; source: string }[]> {
  const rows = await db.directDeal.findMany({ where: { closedAt: null }, orderBy: { createdAt: "asc" }, take: 50 });
  return rows.map((r) => ({
    accountName: r.accountName,
    domain: r.accountDomain,
    title: r.title,
    ownerUserId: r.ownerUserId,
    since: r.createdAt,
    source: r.source,
  }));
}
