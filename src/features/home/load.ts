import type { Tx } from "../../platform/db/client";
import { withMember } from "../../platform/repos/pairing-repo";
import type { Actor } from "../../kernel/access";
import { OPEN_STAGES } from "../../kernel/stages";
import { countDeals, listDeals, type DealListRow } from "../deals/deal-queries";

interface HomeAsk {
  id: string;
  dealRef: number;
  dealTitle: string;
  text: string;
  ownerUserId: string;
  fromUserId: string;
  dueAt: Date;
}

export interface HomeData {
  deals: DealListRow[];
  dealCount: number;
  asksIOwe: HomeAsk[];
  asksOwedToMe: HomeAsk[];
}

const LIMIT = 15;

/** What the App Home shows one person: their open deals and the asks on both sides. */
export async function loadHome(db: Tx, actor: Actor): Promise<HomeData> {
  if (actor.kind === "stranger") return { deals: [], dealCount: 0, asksIOwe: [], asksOwedToMe: [] };
  const me = actor.userId;
  // A partner person only ever sees deals of their own organization's pairings.
  const scope = actor.kind === "partner" ? { pairing: withMember(actor.orgId) } : {};
  const filter = { involvingUserId: me, memberOrgId: actor.kind === "partner" ? actor.orgId : undefined, stages: OPEN_STAGES, limit: LIMIT };
  const askSelect = { id: true, text: true, ownerUserId: true, fromUserId: true, dueAt: true, deal: { select: { ref: true, title: true } } } as const;
  const [deals, dealCount, iOwe, owedToMe] = await Promise.all([
    listDeals(db, filter),
    countDeals(db, filter),
    db.ask.findMany({ where: { status: "OPEN", ownerUserId: me, deal: scope }, select: askSelect, orderBy: { dueAt: "asc" }, take: LIMIT }),
    db.ask.findMany({ where: { status: "OPEN", fromUserId: me, deal: scope }, select: askSelect, orderBy: { dueAt: "asc" }, take: LIMIT }),
  ]);
  const ask = (a: (typeof iOwe)[number]): HomeAsk => ({
    id: a.id,
    dealRef: a.deal.ref,
    dealTitle: a.deal.title,
    text: a.text,
    ownerUserId: a.ownerUserId,
    fromUserId: a.fromUserId,
    dueAt: a.dueAt,
  });
  return { deals, dealCount, asksIOwe: iOwe.map(ask), asksOwedToMe: owedToMe.map(ask) };
}
