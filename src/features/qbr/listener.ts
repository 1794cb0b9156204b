import { AccessDenied, UserError } from "../../platform/errors";
import { dbOf, type AppDeps } from "../../platform/deps";
import { STRANGER_MESSAGE } from "../../kernel/access";
import { programRepo } from "../../platform/repos/program-repo";
import type { Subcommand, SubcommandContext } from "../../platform/slack/commands";
import { resolveActor } from "../../platform/slack/identity";
import { reply } from "../../platform/slack/send";
import { findOrgByName } from "../account-map/account-map";
import { readPeriod } from "../attribution/export";
import { quarterOfLabel } from "./outbox";
import { loadQbr } from "./qbr";
import { renderQbr } from "./render";
import { quarterAt } from "../../kernel/incentives";

// `/cosell qbr <partner> [quarter]`: the quarterly partner review, previewed at any time, only
// for you. Our people see any partner's internal version; a partner's people only their own
// organization's partner-safe version.

const USAGE = "/cosell qbr <partner> [2026-Q4|this-quarter|last-quarter]";
const QUARTER = /^(\d{4}-q[1-4]|this-quarter|last-quarter|previous-quarter|current-quarter)$/i;

export function qbrSubcommand(deps: AppDeps): Subcommand {
  return {
    name: "qbr",
    aliases: ["review"],
    help: [
      {
        usage: USAGE,
        example: "/cosell qbr Acme Data last-quarter",
        summary:
          "the quarterly partner review: sourced vs influenced pipeline and revenue, win rate, deal size and days to close against last quarter, registrations, intro conversion, mapping coverage, disputes, the tier, pipeline by stage, and next quarter's targets (default: this quarter to date)",
      },
    ],
    async run(ctx: SubcommandContext) {
      const { args } = ctx;
      const actor = await resolveActor(deps, args.client, { userId: args.command.user_id, teamId: args.command.team_id });
      if (actor.kind === "stranger") throw new AccessDenied(STRANGER_MESSAGE);
      const words = [...ctx.words];
      const last = words[words.length - 1];
      const quarterWord = last && QUARTER.test(last) ? words.pop()! : "this-quarter";
      const name = words.join(" ").trim();
      const db = dbOf(deps);
      let partnerOrgId: string;
      if (actor.kind === "partner") {
        // A partner's people see their own review only; other names are never resolved for them.
        if (name && !actor.orgName.toLowerCase().startsWith(name.toLowerCase())) throw new AccessDenied("You can see your own organization's review only.");
        partnerOrgId = actor.orgId;
      } else {
        if (!name) throw new UserError(`Which partner? Usage: \`${USAGE}\`.`);
        partnerOrgId = (await findOrgByName(db, name, { partnersOnly: true })).id;
      }
      const now = deps.clock.now();
      const timezone = await programRepo(db).timezone(deps.config.timezone);
      const period = await readPeriod(db, quarterWord, now, deps.config.timezone);
      if (period.kind !== "quarter") throw new UserError(`Give a quarter: \`${USAGE}\`.`);
      const quarter = quarterOfLabel(period.label, timezone);
      if (quarter.start > now) throw new UserError(`${quarter.label} hasn't started yet; the current quarter is ${quarterAt(now, timezone).label}.`);
      const data = await loadQbr(db, { partnerOrgId, quarter, timezone, now });
      const msg = renderQbr(data, actor.kind === "internal" ? "internal" : "partner");
      await reply(args.respond, { response_type: "ephemeral", ...msg });
    },
  };
}
