import type { Tx } from "../../platform/db/client";
import type { Actor } from "../../kernel/access";
import { pairingRepo, type PairingRecord } from "../../platform/repos/pairing-repo";

/** Pairings the person may register deals in: all for our people, their own for partners. */
export async function visiblePairings(db: Tx, actor: Actor): Promise<PairingRecord[]> {
  return pairingRepo(db).visibleTo(actor);
}

export async function pairingContext(db: Tx, where: { id: string } | { channelId: string }): Promise<PairingRecord | null> {
  return "id" in where ? pairingRepo(db).byId(where.id) : pairingRepo(db).forChannel(where.channelId);
}
