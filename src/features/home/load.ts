import type { Tx } from "../../platform/db/client";
import { withMember } from "../../platform/repos/pairing-repo";
import type { Actor } from "../../kernel/access";
import { OPEN_STAGES } from "../../kernel/stages";
import type { RegistrationStatus } from "../../generated/prisma/client";
import { registrationStatusLine } from "../../kernel/registration-lifecycle";
import { countDeals, listDeals, type DealListRow } from "../deals/deal-queries";
import { loadPartnerMoney, type PartnerMoney } from "../incentives/standing";
import { programRepo } from "../../platform/repos/program-repo";

interface HomeAsk {
  id: string;
  dealRef: number;
  dealTitle: string;
  text: string;
  ownerUserId: string;
  fromUserId: string;
  dueAt: Date;
}

/** A registration of mine, for "My registrations". */
interface HomeRegistration {
  dealId: string;
  ref: number;
  title: string;
  accountName: string;
  status: RegistrationStatus;
  statusLine: string;
}

export interface HomeData {
  deals: DealListRow[];
  registrations: HomeRegistration[];
  dealCount: number;
  asksIOwe: HomeAsk[];
  asksOwedToMe: HomeAsk[];
  /** a partner's person: its organization's tier, bonus progress and its own payout lines */
  money?: PartnerMoney | null;
}

const LIMIT = 15;

/** What the App Home shows one person: their open deals and the asks on both sides. */
export async function loadHome(db: Tx, actor: Actor, now: Date): Promise<HomeData> {
  if (actor.kind === "stranger") return { deals: [], registrations: [], dealCount: 0, asksIOwe: [], asksOwedToMe: [] };
  const me = actor.userId;
  // A partner person only ever sees deals of their own organization's pairings.
  const scope = actor.kind === "partner" ? { pairing: withMember(actor.orgId) } : {};
  const filter = { involvingUserId: me, memberOrgId: actor.kind === "partner" ? actor.orgId : undefined, stages: OPEN_STAGES, limit: LIMIT };
  const askSelect = { id: true, text: true, ownerUserId: true, fromUserId: true, dueAt: true, deal: { select: { ref: true, title: true } } } as const;
  const [deals, dealCount, iOwe, owedToMe, mine] = await Promise.all([
    listDeals(db, filter),
    countDeals(db, filter),
    db.ask.findMany({ where: { status: "OPEN", ownerUserId: me, deal: scope }, select: askSelect, orderBy: { dueAt: "asc" }, take: LIMIT }),
    db.ask.findMany({ where: { status: "OPEN", fromUserId: me, deal: scope }, select: askSelect, orderBy: { dueAt: "asc" }, take: LIMIT }),
    // My registrations still in play: open deals, newest first.
    db.deal.findMany({ where: { registeredBy: me, stage: { in: [...OPEN_STAGES] }, ...scope }, orderBy: { registeredAt: "desc" }, take: 10 }),
  ]);
  const registrations = mine.map((d) => ({
    dealId: d.id,
    ref: d.ref,
    title: d.title,
    accountName: d.accountName,
    status: d.registrationStatus,
    statusLine: registrationStatusLine(d, now, { daysLeft: true }),
  }));
  const ask = (a: (typeof iOwe)[number]): HomeAsk => ({
    id: a.id,
    dealRef: a.deal.ref,
    dealTitle: a.deal.title,
    text: a.text,
    ownerUserId: a.ownerUserId,
    fromUserId: a.fromUserId,
    dueAt: a.dueAt,
  });
  const money = actor.kind === "partner" ? await loadPartnerMoney(db, { orgId: actor.orgId, now, timezone: await programRepo(db).timezone("UTC") }) : null;
  return { deals, registrations, dealCount, asksIOwe: iOwe.map(ask), asksOwedToMe: owedToMe.map(ask), money };
}
