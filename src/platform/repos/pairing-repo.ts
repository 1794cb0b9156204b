import type { CoSellModel, Prisma } from "../../generated/prisma/client";
import type { Actor } from "../../kernel/access";
import type { PairingContext } from "../../kernel/registration";
import type { Tx } from "../db/client";

// Pairings and who may see them. A partner's people only ever see pairings their organization
// belongs to; the filter lives here (and in `withMember` for queries through a pairing relation).

/** A pairing with its member organizations (sorted by name). */
export interface PairingRecord extends PairingContext {
  channelId: string;
  defaultModel: CoSellModel;
  /** ts of the pinned pairing panel, when one was posted */
  panelTs: string | null;
}

/** Where-fragment: pairings this organization is a member of (also inside `deal: { pairing: … }`). */
export function withMember(orgId: string): Prisma.PairingWhereInput {
  return { members: { some: { orgId } } };
}

/** Where-fragment: pairings this person may see (all for our people, their organization's for a partner's), or null for none. */
function visibleWhere(actor: Actor): Prisma.PairingWhereInput | null {
  if (actor.kind === "stranger") return null;
  return actor.kind === "partner" ? withMember(actor.orgId) : {};
}

const include = { members: { include: { org: { select: { id: true, name: true, kind: true } } } } } as const;

type Row = Prisma.PairingGetPayload<{ include: typeof include }>;

function toRecord(p: Row): PairingRecord {
  return {
    id: p.id,
    name: p.name,
    channelId: p.channelId,
    defaultModel: p.defaultModel,
    panelTs: p.panelTs,
    orgs: p.members.map((m) => ({ id: m.org.id, name: m.org.name, internal: m.org.kind === "INTERNAL" })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** Reads (and the panel write) of pairings; `db` is a Prisma client or a transaction. */
export function pairingRepo(db: Tx) {
  return {
    /** Pairings the person may see, by name: all for our people, their own organization's for partners, none for strangers. */
    async visibleTo(actor: Actor): Promise<PairingRecord[]> {
      const where = visibleWhere(actor);
      if (!where) return [];
      const rows = await db.pairing.findMany({ where, include, orderBy: { name: "asc" } });
      return rows.map(toRecord);
    },
    async byId(id: string): Promise<PairingRecord | null> {
      const row = await db.pairing.findUnique({ where: { id }, include });
      return row ? toRecord(row) : null;
    },
    /** The pairing bound to this Slack channel, if any. */
    async forChannel(channelId: string): Promise<PairingRecord | null> {
      const row = await db.pairing.findUnique({ where: { channelId }, include });
      return row ? toRecord(row) : null;
    },
    /** The member organizations' ids (what access decisions on the pairing's deals need). */
    async memberOrgIds(pairingId: string): Promise<string[]> {
      const rows = await db.pairingMember.findMany({ where: { pairingId }, select: { orgId: true } });
      return rows.map((m) => m.orgId);
    },
    /** Remembers the pinned panel's message, so `/cosell panel` refreshes it in place. */
    async setPanelTs(pairingId: string, ts: string): Promise<void> {
      await db.pairing.update({ where: { id: pairingId }, data: { panelTs: ts } });
    },
  };
}
