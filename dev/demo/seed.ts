import type { Database } from "../../src/platform/db/client";
import type { PrismaClient } from "../../src/generated/prisma/client";
import type { CoSellModel, Role, TouchpointType } from "../../src/features/attribution/engine";
import type { Stage } from "../../src/kernel/stages";
import { UserError } from "../../src/platform/errors";
import { closeAsk, createAsk } from "../../src/features/asks/asks";
import { registerDeal } from "../../src/features/registration/register-deal";
import { runLifecycleSweep } from "../../src/features/registration/lifecycle-sweep";
import { decideRegistration } from "../../src/features/registration/review";
import { answerDispute, openDispute } from "../../src/features/disputes/disputes";
import { ensureProgram } from "../../src/features/program/program";
import { addPairing, addPartner, setOurOrganization } from "../../src/features/program/program-setup";
import { editRoles } from "../../src/features/roles/edit-roles";
import { changeStage } from "../../src/features/stages/change-stage";
import { logTouchpoint } from "../../src/features/touchpoints/log-touchpoint";
import { currentAttributionConfig, saveAttributionConfig } from "../../src/features/attribution/config";
import { approvePayouts, markPayoutsPaid } from "../../src/features/incentives/payouts";
import { runQuarterClose } from "../../src/features/incentives/quarter-close-job";
import { previousQuarter, quarterAt } from "../../src/kernel/incentives";

// A realistic sample program, for `npm run demo` and the playground: our company, five partners,
// three pairings and ~60 deals over the six months before `now`, with touchpoints, asks, wins,
// losses, a few attribution disputes and the incentives (the timing ladder, registrations early,
// late and after close, payouts of past quarters paid, the last quarter closed with its co-sell
// bonuses and tier proposals waiting for the admin). Written through the real use cases (registerDeal,
// editRoles, changeStage, logTouchpoint, createAsk, closeAsk, openDispute, answerDispute) in
// time order, each with its own moment as the clock. Deterministic: a seeded PRNG, so the same
// `now` gives the same program.
//
// Idempotent: an AuditEvent "demo.seed" marks a seeded database; seeding again does nothing.
// A database that already holds another program is refused (run the demo on its own data
// directory). The Slack posts the use cases queue (deal cards, alerts) are marked DEAD ("demo
// data, not posted") unless `keepOutbox` — the demo's channels do not exist in any workspace.

export const DEMO_MARKER = "demo.seed";
const DEMO_ORG = "Northwind Cloud";
export const DEMO_PAIRINGS = {
  acmeGlobex: "Northwind + Acme + Globex",
  initech: "Northwind + Initech",
  umbrellaStark: "Northwind + Umbrella + Stark",
} as const;

export interface DemoOptions {
  now: Date;
  /** PRNG seed (default 42) */
  seed?: number;
  /** keep the queued Slack posts (a playground with a fake Slack); default: mark them not to be sent */
  keepOutbox?: boolean;
}

export interface DemoResult {
  created: boolean;
  deals: number;
  touchpoints: number;
  asks: number;
  disputes: number;
  pairings: string[];
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** mulberry32: a small, fast, seedable PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}

const ACCOUNTS = [
  ["Contoso Pharma", "contoso-pharma.example"],
  ["Fabrikam Logistics", "fabrikam.example"],
  ["Tailspin Airlines", "tailspin.example"],
  ["Wide World Importers", "wideworld.example"],
  ["Litware Health", "litware.example"],
  ["Proseware Bank", "proseware.example"],
  ["Adventure Works", "adventure-works.example"],
  ["Blue Yonder Retail", "blueyonder.example"],
  ["Coho Vineyard", "coho.example"],
  ["Lamna Healthcare", "lamna.example"],
  ["Margie's Travel", "margies.example"],
  ["Trey Research", "treyresearch.example"],
  ["Woodgrove Insurance", "woodgrove.example"],
  ["Alpine Ski House", "alpineski.example"],
  ["Fourth Coffee", "fourthcoffee.example"],
  ["Graphic Design Institute", "gdi.example"],
  ["Humongous Insurance", "humongous.example"],
  ["Northwind Traders", "northwindtraders.example"],
  ["Relecloud Media", "relecloud.example"],
  ["School of Fine Art", "fineart.example"],
  ["Southridge Video", "southridge.example"],
  ["VanArsdel Foods", "vanarsdel.example"],
  ["Wingtip Toys", "wingtip.example"],
  ["Consolidated Messenger", "consolidated.example"],
  ["Datum Corporation", "datum.example"],
  ["City Power & Light", "citypower.example"],
  ["Bellows College", "bellows.example"],
  ["Best For You Organics", "bestforyou.example"],
  ["Munson's Pickles", "munsons.example"],
  ["Nod Publishers", "nodpublishers.example"],
] as const;
const PROJECTS = [
  "Data platform rollout",
  "Security analytics",
  "Customer 360",
  "Cloud migration, phase 1",
  "Supply-chain visibility",
  "Claims automation",
  "Real-time fraud detection",
  "Warehouse modernization",
  "Partner portal",
  "Observability suite",
];
const TOUCH_TYPES: TouchpointType[] = ["MEETING", "DEMO", "EMAIL", "PROPOSAL_REVIEW", "INTRO", "INTEGRATION_MENTION", "EXEC_ALIGNMENT", "POC"];
const TOUCH_NOTES: Record<TouchpointType, string> = {
  MEETING: "Joint account planning call",
  DEMO: "Joint demo for the customer's architects",
  EMAIL: "Follow-up with the deck and next steps",
  PROPOSAL_REVIEW: "Reviewed the joint proposal line by line",
  INTRO: "Warm intro to the economic buyer",
  INTEGRATION_MENTION: "Customer asked about the integration in their RFP",
  EXEC_ALIGNMENT: "Exec sponsors aligned on the business case",
  POC: "Proof of concept kick-off",
  OTHER: "Other",
};
const ASK_TEXTS = [
  "Can you send the security questionnaire answers?",
  "Need an SE for Thursday's demo",
  "Intro to their CFO, please",
  "Share the integration reference architecture",
  "Pricing for 400 seats through your paper",
  "Join the exec call on Friday?",
];

interface OrgRef {
  id: string;
  name: string;
  people: string[];
}

interface DealPlan {
  n: number;
  pairingId: string;
  model: CoSellModel;
  participants: { org: OrgRef; roles: Role[] }[];
  registeredAt: Date;
  amountMinor: number;
  currency: string;
  closeDate: string;
  /** stage moves with their times (only the ones before now) */
  moves: { to: Stage; at: Date }[];
  settleRoles: boolean;
  dealId?: string;
  ref?: number;
  recordId?: string | null;
}

type Event = { at: Date; seq: number; run: () => Promise<void> };

async function alreadySeeded(prisma: PrismaClient): Promise<boolean> {
  return (await prisma.auditEvent.count({ where: { action: DEMO_MARKER } })) > 0;
}

/** Seeds the demo program once; a second call finds the marker and does nothing. */
export async function seedDemo(db: Database | { prisma: PrismaClient }, opts: DemoOptions): Promise<DemoResult> {
  const prisma = db.prisma;
  const now = opts.now;
  const rnd = prng(opts.seed ?? 42);
  const result: DemoResult = { created: false, deals: 0, touchpoints: 0, asks: 0, disputes: 0, pairings: Object.values(DEMO_PAIRINGS) };
  if (await alreadySeeded(prisma)) {
    result.deals = await prisma.deal.count();
    return result;
  }
  const ours0 = await prisma.organization.findFirst({ where: { kind: "INTERNAL" }, select: { name: true } });
  if (ours0 || (await prisma.deal.count()) > 0) {
    throw new UserError(
      ours0?.name === DEMO_ORG
        ? "This database holds a demo program whose seeding did not finish. Remove its data directory (COSELL_DATA_DIR) and run the demo again."
        : `This database already holds a program${ours0 ? ` (our organization: ${ours0.name})` : ""}. Run the demo on its own database, e.g. COSELL_DATA_DIR=.demo npm run demo.`,
    );
  }

  // The program, our company, five partners, three pairings: as an admin would set them up.
  await ensureProgram(prisma, { timezone: "America/New_York" });
  await prisma.program.update({
    where: { id: 1 },
    data: { name: "Northwind Cloud co-sell program", timezone: "America/New_York", digestWeekday: 1, digestHour: 9, responseSlaHours: 24 },
  });
  const actor = "U0DEMOADMIN";
  const setup = await prisma.$transaction(async (tx) => {
    await setOurOrganization(tx, { name: DEMO_ORG, teamId: "T0NORTHWIND", actor });
    const partners = {
      acme: await addPartner(tx, { name: "Acme Data", type: "TECHNOLOGY", teamIds: ["T0ACMEDATA"], actor }),
      globex: await addPartner(tx, { name: "Globex Systems", type: "SI", teamIds: ["T0GLOBEX"], actor }),
      initech: await addPartner(tx, { name: "Initech Resale", type: "RESELLER", teamIds: ["T0INITECH"], actor }),
      umbrella: await addPartner(tx, { name: "Umbrella Referrals", type: "REFERRAL", teamIds: ["T0UMBRELLA"], actor }),
      stark: await addPartner(tx, { name: "Stark Alliances", type: "ALLIANCE", teamIds: ["T0STARK"], actor }),
    };
    const p1 = await addPairing(tx, {
      channelId: "C0DEMOACMEGLOBEX",
      name: DEMO_PAIRINGS.acmeGlobex,
      orgNames: [DEMO_ORG, "Acme Data", "Globex Systems"],
      model: "SELL_WITH",
      actor,
    });
    const p2 = await addPairing(tx, {
      channelId: "C0DEMOINITECH",
      name: DEMO_PAIRINGS.initech,
      orgNames: [DEMO_ORG, "Initech Resale"],
      model: "SELL_THROUGH",
      actor,
    });
    const p3 = await addPairing(tx, {
      channelId: "C0DEMOUMBRELLA",
      name: DEMO_PAIRINGS.umbrellaStark,
      orgNames: [DEMO_ORG, "Umbrella Referrals", "Stark Alliances"],
      model: "SELL_TO",
      actor,
    });
    const ours = await tx.organization.findFirstOrThrow({ where: { kind: "INTERNAL" }, select: { id: true } });
    return { ours, partners, p1, p2, p3 };
  });
  // The pairings started 6, 5 and 4 months ago (the program's history).
  const started = { p1: new Date(now.getTime() - 182 * DAY), p2: new Date(now.getTime() - 150 * DAY), p3: new Date(now.getTime() - 120 * DAY) };
  await prisma.pairing.update({ where: { id: setup.p1.id }, data: { createdAt: started.p1 } });
  await prisma.pairing.update({ where: { id: setup.p2.id }, data: { createdAt: started.p2 } });
  await prisma.pairing.update({ where: { id: setup.p3.id }, data: { createdAt: started.p3 } });

  // The program pays by the registration-timing ladder (README "Incentives"), from the start.
  const cfg = await currentAttributionConfig(prisma);
  await saveAttributionConfig(prisma, {
    config: { ...cfg.config, incentives: { ...cfg.config.incentives, rateMode: "TIMING_LADDER" } },
    baseVersion: cfg.config.version,
    actor,
    now: new Date(started.p1.getTime() - DAY),
  });
  await prisma.attributionConfigVersion.updateMany({ data: { createdAt: new Date(started.p1.getTime() - DAY) } });

  const org = (id: string, name: string, people: string[]): OrgRef => ({ id, name, people });
  const us = org(setup.ours.id, DEMO_ORG, ["U0NWREP1", "U0NWREP2", "U0NWSE1"]);
  const acme = org(setup.partners.acme.id, "Acme Data", ["U0ACMEREP", "U0ACMESE"]);
  const globex = org(setup.partners.globex.id, "Globex Systems", ["U0GLOBEXPM", "U0GLOBEXCONS"]);
  const initech = org(setup.partners.initech.id, "Initech Resale", ["U0INITECHREP"]);
  const umbrella = org(setup.partners.umbrella.id, "Umbrella Referrals", ["U0UMBRELLA"]);
  const stark = org(setup.partners.stark.id, "Stark Alliances", ["U0STARK"]);

  // --- Plans: who is on each deal, its amount, and how its story goes. --------------------
  const plans: DealPlan[] = [];
  let n = 0;
  const plan = (
    pairingId: string,
    start: Date,
    model: CoSellModel,
    participants: DealPlan["participants"],
    opts2: { coSell: boolean; dead?: boolean; currency?: string },
  ) => {
    n++;
    const ageDays = (now.getTime() - start.getTime()) / DAY;
    const lastDay = opts2.dead ? Math.min(70, Math.floor(ageDays) - 2) : Math.floor(ageDays) - 2;
    const registeredAt = new Date(start.getTime() + rnd.int(3, Math.max(4, lastDay)) * DAY + rnd.int(13, 21) * HOUR);
    const base = rnd.int(20, 220) * 1_000;
    const amountMajor = Math.round((opts2.coSell ? base * 1.5 : base) / 500) * 500;
    const closeDate = new Date(registeredAt.getTime() + rnd.int(50, 110) * DAY).toISOString().slice(0, 10);
    // The story: a step every 7–20 days; the end is won or lost (co-sell wins more often).
    const winP = opts2.dead ? 0 : opts2.coSell ? 0.62 : 0.42;
    const outcome: Stage = rnd.chance(winP) ? "CLOSED_WON" : "CLOSED_LOST";
    const path: Stage[] = ["DISCOVERY", "TECHNICAL_VALIDATION", "PROPOSAL", "NEGOTIATION"];
    const lostAfter = rnd.int(1, 4);
    const moves: { to: Stage; at: Date }[] = [];
    let t = registeredAt.getTime();
    const steps = outcome === "CLOSED_WON" ? path : path.slice(0, lostAfter);
    for (const to of [...steps, outcome]) {
      t += rnd.int(opts2.coSell ? 9 : 7, opts2.coSell ? 24 : 20) * DAY + rnd.int(0, 6) * HOUR;
      if (t >= now.getTime() - HOUR) break;
      moves.push({ to, at: new Date(t) });
    }
    plans.push({
      n,
      pairingId,
      model,
      participants,
      registeredAt,
      amountMinor: amountMajor * 100,
      currency: opts2.currency ?? "USD",
      closeDate,
      moves,
      settleRoles: rnd.chance(0.7),
    });
  };
  for (let i = 0; i < 28; i++) {
    const kind = i % 5 === 4 ? "acme" : i % 7 === 6 ? "globex" : "both";
    const parts: DealPlan["participants"] =
      kind === "both"
        ? [
            { org: acme, roles: ["SOURCING", "TECHNICAL_VALIDATION"] },
            { org: globex, roles: ["IMPLEMENTATION", "INFLUENCE"] },
            { org: us, roles: ["SELLING"] },
          ]
        : kind === "acme"
          ? [
              { org: acme, roles: ["SOURCING", "TECHNICAL_VALIDATION"] },
              { org: us, roles: ["SELLING"] },
            ]
          : [
              { org: globex, roles: ["SOURCING", "IMPLEMENTATION"] },
              { org: us, roles: ["SELLING"] },
            ];
    plan(setup.p1.id, started.p1, "SELL_WITH", parts, { coSell: kind === "both" });
  }
  for (let i = 0; i < 22; i++) {
    plan(
      setup.p2.id,
      started.p2,
      "SELL_THROUGH",
      [
        { org: initech, roles: ["SELLING"] },
        { org: us, roles: ["SOURCING", "TECHNICAL_VALIDATION"] },
      ],
      { coSell: false, currency: i % 8 === 3 ? "EUR" : "USD" },
    );
  }
  for (let i = 0; i < 8; i++) {
    // The pairing that never took off: every deal lost (scale or kill).
    plan(
      setup.p3.id,
      started.p3,
      "SELL_TO",
      [
        { org: umbrella, roles: ["SOURCING"] },
        { org: stark, roles: ["INFLUENCE"] },
        { org: us, roles: ["SELLING"] },
      ],
      { coSell: true, dead: true },
    );
  }
  // Old deals of the dead pairing are all closed by now.
  for (const p of plans.filter((x) => x.pairingId === setup.p3.id)) {
    const last = p.moves.at(-1);
    if (!last || (last.to !== "CLOSED_LOST" && p.registeredAt.getTime() < now.getTime() - 30 * DAY)) {
      p.moves.push({ to: "CLOSED_LOST", at: new Date(Math.min(now.getTime() - 2 * DAY, p.registeredAt.getTime() + 40 * DAY)) });
    }
  }

  // --- Events, run in time order through the use cases. -------------------------------------
  const events: Event[] = [];
  let seq = 0;
  const at = (time: Date, run: () => Promise<void>) => events.push({ at: time, seq: seq++, run });
  plans.sort((a, b) => a.registeredAt.getTime() - b.registeredAt.getTime());
  for (const p of plans) {
    const [account, domain] = ACCOUNTS[(p.n * 7) % ACCOUNTS.length]!;
    const rep = rnd.pick(us.people.slice(0, 2));
    const partnersOnDeal = p.participants.filter((x) => x.org !== us).map((x) => x.org);
    const title = `${rnd.pick(PROJECTS)}${partnersOnDeal.length > 1 ? " (joint)" : ""}`;
    at(p.registeredAt, async () => {
      const r = await registerDeal(prisma, {
        reg: {
          accountName: account,
          accountDomain: `${p.n}.${domain}`,
          title,
          amountMinor: p.amountMinor,
          currency: p.currency,
          expectedCloseDate: p.closeDate,
          coSellModel: p.model,
          explicitModel: null,
          pairingId: p.pairingId,
          participants: p.participants.map((x) => ({ orgId: x.org.id, roles: x.roles })),
          relationshipOwnerUserId: rep,
          postSaleOwnerOrgId: null,
          // What the rep declared (from the deal's number, not the PRNG, so the program stays the same).
          timingDeclared: p.n % 11 === 0 ? "LATE_STAGE" : p.n % 4 === 0 ? "FIRST_MEETING" : "NONE",
          notes: `Internal: budget owner is the CIO; ${rnd.pick(["competitor in the deal", "renewal risk on their side", "needs legal review"])}.`,
        },
        registeredBy: rep,
        registeredByOrgId: us.id,
        key: `demo:deal:${p.n}`,
        admins: [],
        now: p.registeredAt,
      });
      if (r.kind !== "registered")
        throw new Error(`demo deal ${p.n} conflicts with ${r.conflict.kind === "deal" ? `CS-${r.conflict.ref}` : "a house account"}`);
      p.dealId = r.dealId;
      p.ref = r.ref;
      result.deals++;
    });
    if (p.settleRoles) {
      const when = new Date(p.registeredAt.getTime() + rnd.int(2, 30) * HOUR);
      const lead = partnersOnDeal[0]!;
      at(when, async () => {
        await editRoles(prisma, {
          dealId: p.dealId!,
          changedBy: rep,
          now: when,
          edit: {
            participants: p.participants.map((x) => ({ orgId: x.org.id, roles: x.roles })),
            relationshipOwnerUserId: rep,
            postSaleOwnerOrgId: partnersOnDeal.at(-1)!.id,
            stageLeads: { DISCOVERY: lead.id, TECHNICAL_VALIDATION: lead.id, PROPOSAL: us.id, NEGOTIATION: us.id },
            responseSlaHours: Object.fromEntries(partnersOnDeal.map((o) => [o.id, 24])),
          },
        });
      });
    }
    for (const m of p.moves) {
      at(m.at, async () => {
        const r = await changeStage(prisma, { dealId: p.dealId!, to: m.to, by: rep, isAdmin: false, confirmedGaps: true, now: m.at });
        if (r.ok && r.attributionRecordId) p.recordId = r.attributionRecordId;
      });
    }
    // Touchpoints between registration and the end (or now); most by partners, some by us only.
    const end = p.moves.find((m) => m.to === "CLOSED_WON" || m.to === "CLOSED_LOST")?.at ?? new Date(now.getTime() - HOUR);
    const span = end.getTime() - p.registeredAt.getTime();
    const count = rnd.int(1, 7);
    const quietPartners = rnd.chance(0.25);
    for (let k = 0; k < count && span > 2 * HOUR; k++) {
      const when = new Date(p.registeredAt.getTime() + Math.floor(rnd.next() * (span - HOUR)) + HOUR);
      const who = quietPartners ? us : rnd.pick([...partnersOnDeal, ...partnersOnDeal, us]);
      const type = rnd.pick(TOUCH_TYPES);
      const person = rnd.pick(who.people);
      at(when, async () => {
        await logTouchpoint(prisma, {
          dealId: p.dealId!,
          orgId: who.id,
          userId: person,
          type,
          occurredAt: when,
          note: TOUCH_NOTES[type],
          messageLink: null,
          key: `demo:tp:${p.n}:${k}`,
          now: when,
        });
        result.touchpoints++;
      });
    }
    // Asks: on ~45% of deals; answered unless the deal is still open and unlucky.
    if (rnd.chance(0.45)) {
      const closed = p.moves.some((m) => m.to === "CLOSED_WON" || m.to === "CLOSED_LOST");
      const when = new Date(p.registeredAt.getTime() + Math.floor(rnd.next() * Math.max(HOUR, span - 2 * HOUR)));
      const owner = rnd.pick(partnersOnDeal);
      const ownerUser = rnd.pick(owner.people);
      const answered = closed || rnd.chance(0.4);
      const text = rnd.pick(ASK_TEXTS);
      const doneAt = new Date(when.getTime() + rnd.int(3, 30) * HOUR);
      at(when, async () => {
        const a = await createAsk(prisma, {
          dealId: p.dealId!,
          fromUserId: rep,
          ownerUserId: ownerUser,
          ownerOrgId: owner.id,
          text,
          key: `demo:ask:${p.n}`,
          now: when,
        });
        result.asks++;
        if (answered && doneAt.getTime() < now.getTime()) await closeAsk(prisma, { askId: a.askId, by: ownerUser, now: doneAt });
      });
    }
  }
  // The registration lifecycle as the SLA sweep runs it, once a day over the history: our reps'
  // registrations (auto-approved) that stayed open past 90 days expire, those near the end are warned.
  for (let day = new Date(started.p1.getTime() + DAY); day < now; day = new Date(day.getTime() + DAY)) {
    const when = day;
    at(when, async () => {
      await runLifecycleSweep({ db: { prisma }, admins: [actor] }, when);
    });
  }
  // Partner people's registrations in the last days: waiting for Ada's review, one returned for info,
  // one submitted on an account another partner's registration holds (a conflict to decide).
  const partnerRegistrations: {
    who: OrgRef;
    pairingId: string;
    n: number;
    account: [string, string] | "held";
    daysAgo: number;
    decision?: "return" | "approve";
  }[] = [
    { who: acme, pairingId: setup.p1.id, n: 901, account: ["Bluefin Logistics", "bluefin-logistics.com"], daysAgo: 1 },
    // Globex on the account of Acme's latest protected deal in the same pairing: a conflict.
    { who: globex, pairingId: setup.p1.id, n: 902, account: "held", daysAgo: 2 },
    { who: initech, pairingId: setup.p2.id, n: 903, account: ["Quarry Foods", "quarry-foods.com"], daysAgo: 4, decision: "return" },
    // Approved by Ada 79 days ago: its protection ends within two weeks (warned, extension possible).
    { who: acme, pairingId: setup.p1.id, n: 904, account: ["Sable Mining", "sable-mining.com"], daysAgo: 80, decision: "approve" },
  ];
  for (const r of partnerRegistrations) {
    const when = new Date(now.getTime() - r.daysAgo * DAY - 5 * HOUR);
    const title = `${rnd.pick(PROJECTS)} (partner-sourced)`;
    at(when, async () => {
      const held =
        r.account === "held"
          ? await prisma.deal.findFirst({
              where: {
                pairingId: r.pairingId,
                registrationStatus: "APPROVED",
                stage: { in: ["REGISTERED", "DISCOVERY", "TECHNICAL_VALIDATION", "PROPOSAL", "NEGOTIATION"] },
                participants: { none: { orgId: r.who.id } },
              },
              orderBy: { registeredAt: "desc" },
            })
          : null;
      if (r.account === "held" && !held) return;
      const [accountName, accountDomain] = r.account === "held" ? [held!.accountName, held!.accountDomain] : r.account;
      const submit = (acknowledged: string | null) =>
        registerDeal(prisma, {
          reg: {
            accountName,
            accountDomain,
            title,
            amountMinor: 3_600_000 + r.n * 1000,
            currency: "USD",
            expectedCloseDate: new Date(now.getTime() + 75 * DAY).toISOString().slice(0, 10),
            coSellModel: r.pairingId === setup.p2.id ? "SELL_THROUGH" : "SELL_WITH",
            explicitModel: null,
            pairingId: r.pairingId,
            participants: [
              { orgId: r.who.id, roles: r.pairingId === setup.p2.id ? ["SOURCING", "SELLING"] : ["SOURCING"] },
              { orgId: us.id, roles: r.pairingId === setup.p2.id ? ["TECHNICAL_VALIDATION"] : ["SELLING"] },
            ],
            relationshipOwnerUserId: us.people[0]!,
            postSaleOwnerOrgId: null,
            notes: null,
          },
          registeredBy: r.who.people[0]!,
          registeredByOrgId: r.who.id,
          key: `demo:partner-reg:${r.n}`,
          acknowledgedConflictWithDealId: acknowledged,
          admins: [actor],
          now: when,
        });
      let reg = await submit(null);
      // Shown the conflict, the partner submits it anyway for Ada to decide.
      if (reg.kind === "conflict") reg = await submit(reg.conflict.id);
      if (reg.kind !== "registered") return;
      result.deals++;
      if (r.decision) {
        const admin = { kind: "internal" as const, userId: actor, teamId: "T0NORTHWIND", isAdmin: true, orgId: us.id };
        const decision = r.decision === "return" ? { kind: "return" as const, note: "Who is the customer's budget owner?" } : { kind: "approve" as const };
        await decideRegistration({ db: { prisma }, clock: { now: () => new Date(when.getTime() + 20 * HOUR) }, admins: [actor] }, admin, {
          dealId: reg.dealId,
          decision,
        });
      }
    });
  }
  events.sort((a, b) => a.at.getTime() - b.at.getTime() || a.seq - b.seq);
  for (const e of events) await e.run();

  // A few attribution disputes on won deals (one answered by an admin).
  const won = plans.filter((p) => p.recordId && p.participants.some((x) => x.org === globex || x.org === initech));
  const disputed = [won[1], won[4], won[7], won[11]].filter((p): p is DealPlan => Boolean(p));
  for (const [i, p] of disputed.entries()) {
    const closedAt = p.moves.find((m) => m.to === "CLOSED_WON")!.at;
    const when = new Date(Math.min(now.getTime() - HOUR, closedAt.getTime() + 2 * DAY));
    const who = p.participants.find((x) => x.org !== us && x.org !== acme)?.org ?? p.participants[0]!.org;
    const d = await openDispute(prisma, {
      recordId: p.recordId!,
      orgId: who.id,
      orgName: who.name,
      raisedBy: who.people[0]!,
      reason: "We ran the technical validation; the split does not reflect it.",
      key: `demo:dispute:${p.n}`,
      admins: [actor],
      now: when,
    });
    result.disputes++;
    if (i === 0)
      await answerDispute(prisma, {
        disputeId: d.disputeId,
        outcome: "REJECTED",
        note: "Roles were agreed at registration; the record stands.",
        by: actor,
        now: new Date(when.getTime() + DAY),
      });
  }

  // An admin records a deal Acme and Globex closed before anyone registered it: Not registered.
  const claimedAt = new Date(now.getTime() - 20 * DAY);
  const claimed = await registerDeal(prisma, {
    reg: {
      accountName: "Harbor Freightways",
      accountDomain: "harbor-freightways.com",
      title: "Fleet telemetry (joint, claimed after close)",
      amountMinor: 9_000_000,
      currency: "USD",
      expectedCloseDate: claimedAt.toISOString().slice(0, 10),
      coSellModel: "SELL_WITH",
      explicitModel: null,
      pairingId: setup.p1.id,
      participants: [
        { orgId: acme.id, roles: ["SOURCING"] },
        { orgId: globex.id, roles: ["IMPLEMENTATION"] },
        { orgId: us.id, roles: ["SELLING"] },
      ],
      relationshipOwnerUserId: us.people[0]!,
      postSaleOwnerOrgId: null,
      notes: null,
      stageAtRegistration: "CLOSED_WON",
    },
    registeredBy: actor,
    registeredByOrgId: us.id,
    key: "demo:claimed-after-close",
    admins: [actor],
    now: claimedAt,
  });
  if (claimed.kind === "registered") result.deals++;

  // Payouts: the lines of past quarters were approved a few days after each quarter ended and
  // paid ten days later; this quarter's wait for approval. Then the last quarter closes (its
  // bonuses, and tier proposals for the admin to confirm or keep).
  const timezone = "America/New_York";
  const admin = { kind: "internal" as const, userId: actor, teamId: "T0NORTHWIND", isAdmin: true, orgId: us.id };
  const current = quarterAt(now, timezone);
  for (let q = previousQuarter(current, timezone); q.end.getTime() > started.p1.getTime(); q = previousQuarter(q, timezone)) {
    const period = { start: q.start, end: q.end, label: q.label, kind: "quarter" as const, timezone, firstDay: "", lastDay: "" };
    const approvedAt = new Date(q.end.getTime() + 4 * DAY);
    const paidAt = new Date(q.end.getTime() + 14 * DAY);
    if (approvedAt >= now) continue;
    await approvePayouts(prisma, admin, [actor], { period, now: approvedAt });
    if (paidAt >= now) continue;
    const lines = await prisma.payoutLine.findMany({ where: { status: "APPROVED", earnedAt: { gte: q.start, lt: q.end } }, select: { id: true } });
    await markPayoutsPaid(prisma, admin, [actor], { entries: lines.map((l) => ({ lineId: l.id, reference: `NW-PAY-${q.label}` })), now: paidAt });
  }
  await runQuarterClose({ db: { prisma }, admins: [actor], timezone }, now);

  if (!opts.keepOutbox) {
    await prisma.outboxMessage.updateMany({ where: { status: "PENDING" }, data: { status: "DEAD", lastError: "demo data: not posted to Slack" } });
  }
  await prisma.auditEvent.create({
    data: {
      actor: "demo",
      action: DEMO_MARKER,
      subject: "demo",
      detail: { now: now.toISOString(), seed: opts.seed ?? 42, deals: result.deals },
      createdAt: now,
    },
  });
  result.created = true;
  return result;
}
