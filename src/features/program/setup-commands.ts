import { inTransaction, type Tx } from "../../platform/db/client";
import { dbOf, type AppDeps } from "../../platform/deps";
import { AccessDenied, UserError } from "../../platform/errors";
import type { CoSellModel, PartnerType } from "../../generated/prisma/client";
import { addPairing, addPartner, isOurTeam, listProgram, removePairing, removePartner, setOurOrganization, setPartnerTeams } from "./program-setup";
import { coSellModelWord, partnerTypeWord, renderProgramMessage } from "./overview";
import { closestMatch } from "../../platform/slack/command-text";
import type { Subcommand, SubcommandContext } from "../../platform/slack/commands";
import { asMrkdwn, channelLink, joinMrkdwn, mention, mrkdwn, type MrkdwnValue } from "../../platform/slack/mrkdwn";

// Program setup for admins: `/cosell org`, `/cosell partner add|teams|remove`,
// `/cosell pairing add|remove`, and `/cosell partners` (the overview, for anyone internal).
// Parse the words, check who is asking, run one transaction, answer ephemerally in the ack.

const TYPE_HINT = "technology (ISV), reseller (VAR), SI, referral or alliance";
const MODEL_HINT = "sell-with, sell-through or sell-to";

const USAGE = {
  org: '/cosell org "<our company name>"',
  partnerAdd: '/cosell partner add "<name>" <type> [T…,T…]',
  partnerTeams: '/cosell partner teams "<name>" <T…,T…|none>',
  partnerRemove: '/cosell partner remove "<name>"',
  pairingAdd: '/cosell pairing add #channel "<pairing name>" "<org>" "<org>" … [sell-with|sell-through|sell-to]',
  pairingRemove: '/cosell pairing remove "<pairing name>"',
  partners: "/cosell partners [page]",
} as const;

/** Slack escapes &, < and > in command text (should_escape); names are stored as typed. */

const PARTNER_TYPES: Record<string, PartnerType> = {
  technology: "TECHNOLOGY",
  tech: "TECHNOLOGY",
  isv: "TECHNOLOGY",
  "technology/isv": "TECHNOLOGY",
  reseller: "RESELLER",
  var: "RESELLER",
  "reseller/var": "RESELLER",
  si: "SI",
  integrator: "SI",
  "system-integrator": "SI",
  "systems-integrator": "SI",
  referral: "REFERRAL",
  alliance: "ALLIANCE",
};

/** "technology", "ISV", "var", "SI", … → the partner type; undefined when it is none of them. */
function parsePartnerType(word: string): PartnerType | undefined {
  return PARTNER_TYPES[word.trim().toLowerCase()];
}

/** "sell-with", "Sell_Through", "sellto", "with" … → the co-sell model; undefined otherwise. */
function parseCoSellModel(word: string): CoSellModel | undefined {
  const w = word
    .trim()
    .toLowerCase()
    .replace(/[-_\s]/g, "")
    .replace(/^sell/, "");
  return w === "with" ? "SELL_WITH" : w === "through" ? "SELL_THROUGH" : w === "to" ? "SELL_TO" : undefined;
}

/** `<#C123ABC|name>`, `<#C123ABC>` (how Slack sends a picked channel) or a raw `C123ABC`. */
function parseChannel(word: string): string {
  const w = word.trim();
  const link = w.match(/^<#([A-Z0-9]+)(?:\|[^>]*)?>$/i);
  if (link) return link[1]!.toUpperCase();
  if (/^[CG][A-Z0-9]{2,}$/i.test(w)) return w.toUpperCase();
  if (w.startsWith("#")) {
    throw new UserError(
      `"${w}" is plain text, not a channel link: pick the channel from Slack's # suggestions (it arrives as a link), or paste its ID (C…, in the channel's details).`,
    );
  }
  throw new UserError(`"${w || "(nothing)"}" is not a channel: start with the channel, e.g. \`${USAGE.pairingAdd}\`.`);
}

/** Team IDs after the name: comma- and/or space-separated. */
function teamWords(words: readonly string[]): string[] {
  return words
    .join(",")
    .split(/[\s,]+/)
    .filter(Boolean);
}

function requireAdmin(ctx: SubcommandContext, doing: string): string {
  const user = ctx.args.command.user_id;
  const admins = ctx.deps.config.admins;
  if (admins.includes(user)) return user;
  const who = admins.length > 0 ? mrkdwn`ask one of: ${joinMrkdwn(admins.map(mention), ", ")}` : "no admins are configured yet: set COSELL_ADMINS";
  throw new AccessDenied(mrkdwn`Only program admins can ${doing} (${who}).`);
}

function usage(line: string, problem?: string): UserError {
  return new UserError(`${problem ? `${problem} ` : ""}Usage: \`${line}\``);
}

function unknownVerb(sub: string, verb: string, verbs: readonly string[]): UserError {
  const guess = verb ? closestMatch(verb, verbs) : undefined;
  const list = verbs.map((v) => `\`/cosell ${sub} ${v}\``).join(", ");
  if (!verb) return new UserError(`\`/cosell ${sub}\` needs one of: ${list}.`);
  return new UserError(`Unknown \`/cosell ${sub} ${verb}\`.${guess ? ` Did you mean \`/cosell ${sub} ${guess}\`?` : ""} Use one of: ${list}.`);
}

/** A plain string is escaped (our *bold* survives); SlackText passes as it is. */
async function answer(ctx: SubcommandContext, text: MrkdwnValue): Promise<void> {
  await ctx.args.ack({ response_type: "ephemeral", text: asMrkdwn(text) });
}

const bold = (name: string) => `*${name}*`;
const teamList = (ids: readonly string[]) => (ids.length > 0 ? ids.map((t) => `\`${t}\``).join(", ") : "none");

export function setupSubcommands(deps: AppDeps): Subcommand[] {
  // Every write (and the overview's reads) is one transaction.
  const inTx = <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => inTransaction(dbOf(deps), fn);

  const org: Subcommand = {
    name: "org",
    help: [
      {
        usage: USAGE.org,
        example: '/cosell org "Northwind"',
        summary: "set (or rename) our own organization and record this Slack workspace as ours",
        adminOnly: true,
      },
    ],
    async run(ctx) {
      const actor = requireAdmin(ctx, "set our organization");
      const words = ctx.words;
      if (words.length === 0) throw usage(USAGE.org, "Name our organization.");
      // Quotes are optional here: everything after `org` is the name.
      const name = words.join(" ");
      const r = await inTx((tx) => setOurOrganization(tx, { name, teamId: ctx.args.command.team_id, actor }));
      const team = ctx.args.command.team_id;
      let text: string;
      if (r.created) text = `Our organization is now ${bold(r.name)}, with this Slack workspace (\`${team}\`).`;
      else if (r.renamedFrom !== null) text = `Renamed our organization from ${bold(r.renamedFrom)} to ${bold(r.name)}.`;
      else text = `Our organization is already ${bold(r.name)}.`;
      if (!r.created && r.teamAdded) text += ` Added this Slack workspace (\`${team}\`) to it.`;
      text += ` Its Slack teams: ${teamList(r.teamIds)}.`;
      await answer(ctx, text);
    },
  };

  const partner: Subcommand = {
    name: "partner",
    help: [
      {
        usage: USAGE.partnerAdd,
        example: '/cosell partner add "Acme Data" technology T0ACME1,T0ACME2',
        summary: `add a partner organization; type: ${TYPE_HINT}; optional Slack team IDs its people come from`,
        adminOnly: true,
      },
      {
        usage: USAGE.partnerTeams,
        example: '/cosell partner teams "Acme Data" T0ACME3',
        summary: "replace a partner's Slack team IDs (`none` clears them)",
        adminOnly: true,
      },
      {
        usage: USAGE.partnerRemove,
        example: '/cosell partner remove "Acme Data"',
        summary: "remove a partner that is on no deal and in no pairing",
        adminOnly: true,
      },
    ],
    async run(ctx) {
      const [verbRaw = "", ...rest] = ctx.words;
      const verb = verbRaw.toLowerCase();
      // `/cosell partner list` is `/cosell partners` (anyone of ours may read it).
      if (verb === "list") return partners.run({ ...ctx, words: rest, rest: rest.join(" ") });
      const doing =
        verb === "add" ? "add partners" : verb === "remove" ? "remove partners" : verb === "teams" ? "change a partner's Slack teams" : "change partners";
      const actor = requireAdmin(ctx, doing);

      if (verb === "add") {
        const [name, typeWord, ...teams] = rest;
        if (!name) throw usage(USAGE.partnerAdd, "Name the partner.");
        if (!typeWord) throw usage(USAGE.partnerAdd, `Give the partner's type: ${TYPE_HINT}.`);
        const type = parsePartnerType(typeWord);
        if (!type) {
          // `partner add Acme Cloud reseller`: the name probably runs up to the first type word.
          const k = teams.findIndex((w) => parsePartnerType(w));
          const quoteHint =
            k >= 0 ? ` Put a name with spaces in quotes: \`/cosell partner add "${[name, typeWord, ...teams.slice(0, k)].join(" ")}" ${teams[k]} …\`` : "";
          throw new UserError(`"${typeWord}" is not a partner type: use ${TYPE_HINT}.${quoteHint}`);
        }
        const r = await inTx((tx) => addPartner(tx, { name, type, teamIds: teamWords(teams), actor }));
        await answer(
          ctx,
          `Added partner ${bold(r.name)} (${partnerTypeWord(r.type)}), Slack teams: ${teamList(r.teamIds)}.` +
            ` Next, give it a pairing channel: \`/cosell pairing add #channel "<pairing name>" "${r.name}" "<other organization>"\`.`,
        );
        return;
      }
      if (verb === "teams") {
        const [name, ...teams] = rest;
        if (!name || teams.length === 0) throw usage(USAGE.partnerTeams, name ? "Give the Slack team IDs (or `none`)." : "Name the partner.");
        const ids = teams.length === 1 && teams[0]!.toLowerCase() === "none" ? [] : teamWords(teams);
        const r = await inTx((tx) => setPartnerTeams(tx, { name, teamIds: ids, actor }));
        await answer(ctx, `${bold(r.name)} Slack teams: ${teamList(r.teamIds)} (were: ${teamList(r.before)}).`);
        return;
      }
      if (verb === "remove") {
        const [name, ...extra] = rest;
        if (!name) throw usage(USAGE.partnerRemove, "Name the partner.");
        if (extra.length > 0) throw usage(USAGE.partnerRemove, "Put a name with spaces in quotes.");
        const r = await inTx((tx) => removePartner(tx, { name, actor }));
        await answer(ctx, `Removed partner ${bold(r.name)}.`);
        return;
      }
      throw unknownVerb("partner", verbRaw, ["add", "teams", "remove"]);
    },
  };

  const pairing: Subcommand = {
    name: "pairing",
    help: [
      {
        usage: USAGE.pairingAdd,
        example: '/cosell pairing add #acme-globex "Acme + Globex" "Acme Data" "Globex" sell-with',
        summary: `bind a pairing of 2+ organizations (ours may be one) to its shared channel; default model ${MODEL_HINT} (sell-with if omitted)`,
        adminOnly: true,
      },
      {
        usage: USAGE.pairingRemove,
        example: '/cosell pairing remove "Acme + Globex"',
        summary: "remove a pairing that has no deals",
        adminOnly: true,
      },
    ],
    async run(ctx) {
      const [verbRaw = "", ...rest] = ctx.words;
      const verb = verbRaw.toLowerCase();
      const doing = verb === "add" ? "add pairings" : verb === "remove" ? "remove pairings" : "change pairings";
      const actor = requireAdmin(ctx, doing);

      if (verb === "add") {
        const [channelWord, name, ...orgWords] = rest;
        if (!channelWord) throw usage(USAGE.pairingAdd, "Start with the pairing's channel.");
        const channelId = parseChannel(channelWord);
        if (!name) throw usage(USAGE.pairingAdd, "Name the pairing.");
        const last = orgWords[orgWords.length - 1];
        const model = last !== undefined ? parseCoSellModel(last) : undefined;
        const orgNames = model ? orgWords.slice(0, -1) : orgWords;
        const r = await inTx((tx) => addPairing(tx, { channelId, name, orgNames, model: model ?? "SELL_WITH", actor }));
        await answer(
          ctx,
          mrkdwn`Pairing ${bold(r.name)} is bound to ${channelLink(r.channelId)}: ${r.members.map(bold).join(", ")}; default co-sell model ${coSellModelWord(r.defaultModel)}.${model ? "" : ` (Give ${MODEL_HINT} at the end to choose another.)`}${r.warnings.map((w) => `\n⚠️ ${w}`).join("")}`,
        );
        return;
      }
      if (verb === "remove") {
        const [name, ...extra] = rest;
        if (!name) throw usage(USAGE.pairingRemove, "Name the pairing.");
        if (extra.length > 0) throw usage(USAGE.pairingRemove, "Put a name with spaces in quotes.");
        const r = await inTx((tx) => removePairing(tx, { name, actor }));
        await answer(ctx, mrkdwn`Removed pairing ${bold(r.name)}; ${channelLink(r.channelId)} is no longer bound to a pairing.`);
        return;
      }
      throw unknownVerb("pairing", verbRaw, ["add", "remove"]);
    },
  };

  const partners: Subcommand = {
    name: "partners",
    help: [
      {
        usage: USAGE.partners,
        example: "/cosell partners",
        summary: "our organization, the partners (type, tier, Slack teams) and the pairings (channel, members, default model); also `/cosell partner list`",
      },
    ],
    async run(ctx) {
      const [pageWord] = ctx.words;
      let page = 1;
      if (pageWord !== undefined) {
        if (!/^\d{1,4}$/.test(pageWord) || Number(pageWord) < 1) throw usage(USAGE.partners, `"${pageWord}" is not a page number.`);
        page = Number(pageWord);
      }
      const data = await inTx(async (tx) => {
        if (!(await isOurTeam(tx, ctx.args.command.team_id))) return null;
        return listProgram(tx);
      });
      if (!data) throw new AccessDenied("The program overview is for our own organization's people only.");
      const msg = renderProgramMessage(data, { page });
      const text = msg.page !== page ? mrkdwn`There are only ${msg.pages} page${msg.pages === 1 ? "" : "s"}; this is the last one. ${msg.text}` : msg.text;
      await ctx.args.ack({ response_type: "ephemeral", text, blocks: msg.blocks });
    },
  };

  return [org, partner, pairing, partners];
}
