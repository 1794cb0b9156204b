import { parseUserMention } from "../../platform/slack/command-text";
import { dbOf, type AppDeps } from "../../platform/deps";
import { decideDealAction, type Actor } from "../../kernel/access";
import { parseDealRef } from "../../kernel/registration";
import { CLOSED_STAGES, OPEN_STAGES, parseStage, STAGES, stageLabel, type Stage } from "../../kernel/stages";
import { AccessDenied, assertAllowed, UserError } from "../../platform/errors";
import { countDeals, dealHistory, listDeals, type DealListFilter } from "./deal-queries";
import { renderDealCard } from "./card";
import { LIST_MAX_ROWS, renderDealHistory, renderDealList } from "./list-view";
import type { Subcommand, SubcommandContext } from "../../platform/slack/commands";
import { resolveActor } from "../../platform/slack/identity";
import { authorizeDeal } from "./guard";
import { mention, mrkdwn } from "../../platform/slack/mrkdwn";
import { pairingRepo } from "../../platform/repos/pairing-repo";

// `/cosell list [stage] [@owner|mine]` and `/cosell show CS-12`: read-only, fast, answered
// ephemerally in the ack. Listeners stay thin: parse → authorize → query → render.

const USAGE = {
  list: "/cosell list [open|closed|won|lost|all|<stage>] [@person|mine]",
  show: "/cosell show CS-12",
} as const;

interface ListArgs {
  stages: readonly Stage[];
  /** how the stage filter reads in a title: "open deals", "closed deals", "deals in Proposal" */
  stagesNoun: string;
  /** true when a stage filter was typed (otherwise the default, open deals) */
  stageGiven: boolean;
  ownerUserId: string | undefined;
  mine: boolean;
}

/** Reads the words after `list`: a stage phrase (possibly several words), a person, `mine`. */
function parseListArgs(words: readonly string[]): ListArgs {
  let ownerUserId: string | undefined;
  let mine = false;
  const stageWords: string[] = [];
  for (const w of words) {
    const user = parseUserMention(w);
    if (user) {
      if (ownerUserId && ownerUserId !== user) throw new UserError(`Name one person at a time. Usage: \`${USAGE.list}\``);
      ownerUserId = user;
    } else if (/^(mine|me|my)$/i.test(w)) mine = true;
    else if (w.startsWith("@")) throw new UserError(`"${w}" is plain text: pick the person from Slack's @ suggestions so it arrives as a mention.`);
    else stageWords.push(w);
  }
  const phrase = stageWords.join(" ").trim().toLowerCase();
  if (phrase === "") return { stages: OPEN_STAGES, stagesNoun: "open deals", stageGiven: false, ownerUserId, mine };
  if (phrase === "open") return { stages: OPEN_STAGES, stagesNoun: "open deals", stageGiven: true, ownerUserId, mine };
  if (phrase === "closed") return { stages: CLOSED_STAGES, stagesNoun: "closed deals", stageGiven: true, ownerUserId, mine };
  if (phrase === "all" || phrase === "any") return { stages: STAGES, stagesNoun: "deals", stageGiven: true, ownerUserId, mine };
  const stage = parseStage(phrase);
  if (!stage) {
    throw new UserError(
      `"${stageWords.join(" ")}" is not a stage or a person. Use open, closed, won, lost, all or a stage (registered, discovery, technical validation, proposal, negotiation), and @person or mine. Usage: \`${USAGE.list}\``,
    );
  }
  const noun = stage === "CLOSED_WON" ? "won deals" : stage === "CLOSED_LOST" ? "lost deals" : `deals in ${stageLabel(stage)}`;
  return { stages: [stage], stagesNoun: noun, stageGiven: true, ownerUserId, mine };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

async function actorOf(ctx: SubcommandContext): Promise<Actor> {
  const { args, deps } = ctx;
  const actor = await resolveActor(deps, args.client, { userId: args.command.user_id, teamId: args.command.team_id });
  // Strangers are turned away before anything is looked up.
  if (actor.kind === "stranger") assertAllowed(decideDealAction(actor, "deal.view", []));
  return actor;
}

async function runList(ctx: SubcommandContext): Promise<void> {
  const { args, deps } = ctx;
  const parsed = parseListArgs(ctx.words);
  const actor = await actorOf(ctx);
  const db = dbOf(deps);
  const userId = args.command.user_id;

  const pairing = await pairingRepo(db).forChannel(args.command.channel_id);
  const filter: DealListFilter = { stages: parsed.stages, ownerUserId: parsed.ownerUserId, limit: LIST_MAX_ROWS };
  if (actor.kind === "partner") filter.memberOrgId = actor.orgId; // never another pairing's deals
  let mine = parsed.mine;
  if (pairing) {
    if (
      !decideDealAction(
        actor,
        "deal.view",
        pairing.orgs.map((o) => o.id),
      ).allowed
    ) {
      throw new AccessDenied("This channel's pairing doesn't include your organization, so its deals aren't listed for you.");
    }
    filter.pairingId = pairing.id;
  } else if (!parsed.ownerUserId) {
    mine = true; // outside a pairing channel: my deals, unless a person was named
  }
  if (mine) filter.involvingUserId = userId;

  const title = mrkdwn`${capitalize(`${mine ? "your " : ""}${parsed.stagesNoun}`)}${parsed.ownerUserId ? mrkdwn` of ${mention(parsed.ownerUserId)}` : ""}${pairing ? ` — ${pairing.name}` : ""}`;
  const [rows, total] = await Promise.all([listDeals(db, filter), countDeals(db, filter)]);

  const hints: string[] = [];
  if (parsed.stages !== STAGES) hints.push("`/cosell list all` includes every stage");
  if (!pairing && mine && !parsed.ownerUserId) hints.push("run it in a pairing channel to see all of that pairing's deals");
  const why = mine ? " (deals you registered, are the relationship owner of, or own an open ask on)" : "";
  const emptyText = mrkdwn`No deals match *${title}*${why}. ${hints.length > 0 ? `${capitalize(hints.join("; "))}. ` : ""}Register a deal with \`/cosell new\`.`;

  await args.ack({ response_type: "ephemeral", ...renderDealList(rows, { title, total, emptyText }) });
}

async function runShow(ctx: SubcommandContext): Promise<void> {
  const { args, deps } = ctx;
  const [word] = ctx.words;
  if (!word) throw new UserError(`Which deal? Usage: \`${USAGE.show}\``);
  const ref = parseDealRef(word);
  if (ref === null) throw new UserError(`"${word}" is not a deal reference: use CS-12 (or just 12). Usage: \`${USAGE.show}\``);
  // A partner person sees only deals of their own pairings; unknown and not-theirs read the same.
  const { actor, deal: view } = await authorizeDeal(deps, args.client, { userId: args.command.user_id, teamId: args.command.team_id }, { ref }, "deal.view");
  const history = await dealHistory(dbOf(deps), view.id);
  const card = renderDealCard(view, { audience: actor.kind === "internal" ? "internal" : "channel", now: deps.clock.now() });
  await args.ack({ response_type: "ephemeral", text: card.text, blocks: [...card.blocks, ...renderDealHistory(history)] });
}

export function dealQuerySubcommands(_deps: AppDeps): Subcommand[] {
  const list: Subcommand = {
    name: "list",
    help: [
      {
        usage: USAGE.list,
        example: "/cosell list negotiation mine",
        summary:
          "deals soonest to close first: in a pairing channel that pairing's, elsewhere yours (registered, relationship owner, or an open ask); open ones unless you ask for closed, won, lost or all",
      },
    ],
    run: runList,
  };
  const show: Subcommand = {
    name: "show",
    help: [{ usage: USAGE.show, example: "/cosell show CS-12", summary: "a deal's card (only you see it) with its last stage changes and touchpoints" }],
    run: runShow,
  };
  return [list, show];
}
