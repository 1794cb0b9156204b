import type { Tx } from "../../platform/db/client";
import type { Actor } from "../../kernel/access";
import type { PairingContext } from "../../kernel/registration";

/** A pairing's members, with its channel and default co-sell model. */
export type PairingInfo = PairingContext & { channelId: string; defaultModel: string };

/** Pairings the person may register deals in: all for our people, their own for partners. */
export async function visiblePairings(db: Tx, actor: Actor): Promise<PairingInfo[]> {
  if (actor.kind === "stranger") return [];
  const rows = await db.pairing.findMany({
    where: actor.kind === "partner" ? { members: { some: { orgId: actor.orgId } } } : {},
    include: { members: { include: { org: { select: { id: true, name: true, kind: true } } } } },
    orderBy: { name: "asc" },
  });
  return rows.map(toContext);
}

export async function pairingContext(db: Tx, where: { id: string } | { channelId: string }): Promise<PairingInfo | null> {
  const row = await db.pairing.findUnique({
    where,
    include: { members: { include: { org: { select: { id: true, name: true, kind: true } } } } },
  });
  return row ? toContext(row) : null;
}

function toContext(p: {
  id: string;
  name: string;
  channelId: string;
  defaultModel: string;
  members: { org: { id: string; name: string; kind: string } }[];
}): PairingInfo {
  return {
    id: p.id,
    name: p.name,
    channelId: p.channelId,
    defaultModel: p.defaultModel,
    orgs: p.members.map((m) => ({ id: m.org.id, name: m.org.name, internal: m.org.kind === "INTERNAL" })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}
