import { clickOf, actionValue } from "../../platform/slack/payload";
import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { dbOf, type AppDeps } from "../../platform/deps";
import { decideDealAction, type Actor } from "../../kernel/access";
import { formatDealRef, parseDealRef } from "../../kernel/registration";
import { assertAllowed, UserError } from "../../platform/errors";
import { latestRecordId, loadReceipt, previewAttribution } from "./records";
import { renderAttributionMath, type ReceiptData } from "./receipt";
import type { Subcommand } from "../../platform/slack/commands";
import { ACTION } from "../../platform/slack/ids";
import { resolveActor, type Who } from "../../platform/slack/identity";
import { actionListener, type ListenerContext } from "../../platform/slack/listener";
import { authorizeDeal } from "../deals/guard";
import { runRecompute } from "../disputes/api";
import { reply } from "../../platform/slack/send";
import { pairingRepo } from "../../platform/repos/pairing-repo";
import { programRepo } from "../../platform/repos/program-repo";
import { loadPartnerMoney } from "../incentives/standing";

/** Who reads the math; a partner's person also gets its organization's tier and bonus progress. */
async function viewerOf(deps: AppDeps, actor: Actor) {
  if (actor.kind !== "partner") return { kind: "internal" as const };
  const db = dbOf(deps);
  const standing = await loadPartnerMoney(db, { orgId: actor.orgId, now: deps.clock.now(), timezone: await programRepo(db).timezone(deps.config.timezone) });
  return { kind: "partner" as const, orgId: actor.orgId, standing };
}

/** The latest stored record, or (before close, or with preview) a computation from the current roles and touchpoints. */
async function attributionFor(deps: AppDeps, client: WebClient, who: Who, deal: { id: string } | { ref: number }, preview: boolean) {
  const { actor, deal: view } = await authorizeDeal(deps, client, who, deal, "deal.attribution");
  const db = dbOf(deps);
  const latest = preview ? null : await latestRecordId(db, view.id);
  let data: ReceiptData;
  if (latest) data = await loadReceipt(db, latest);
  else {
    const result = await previewAttribution(db, view.id, deps.clock.now());
    data = {
      recordId: "",
      seq: 0,
      dealRef: view.ref,
      dealTitle: view.title,
      configVersion: result.configVersion,
      reason:
        view.stage === "CLOSED_WON"
          ? "preview from current roles and touchpoints"
          : `preview — ${formatDealRef(view.ref)} is not closed yet; the record is made at Closed won`,
      result,
    };
  }
  return renderAttributionMath(data, await viewerOf(deps, actor));
}

export function attributionSubcommand(deps: AppDeps): Subcommand {
  return {
    name: "attribution",
    help: [
      {
        usage: "/cosell attribution CS-12 [--preview]",
        example: "/cosell attribution CS-12 --preview",
        summary: "credit and commission with the math (stored record, or a preview before close)",
      },
      {
        usage: '/cosell attribution CS-12 --recompute "reason"',
        example: '/cosell attribution CS-12 --recompute "Acme ran the POC; roles corrected after dispute"',
        summary: "recompute a won deal's attribution: a new record (earlier ones kept), logged, its receipt (with the reason) posted in the deal's thread",
        adminOnly: true,
      },
    ],
    async run(ctx) {
      const { args, words } = ctx;
      if (words.includes("--recompute")) return runRecompute(deps, ctx);
      const ref = parseDealRef(words.find((w) => !w.startsWith("--")) ?? "");
      if (ref === null) throw new UserError("Which deal? e.g. `/cosell attribution CS-12` or `/cosell attribution CS-12 --preview`.");
      const msg = await attributionFor(deps, args.client, { userId: args.command.user_id, teamId: args.command.team_id }, { ref }, words.includes("--preview"));
      await args.ack({ response_type: "ephemeral", ...msg });
    },
  };
}

export function registerAttributionListeners(app: App, deps: AppDeps, ctx: ListenerContext): void {
  // Card button: the clicker's own view of the numbers (a partner sees only its own payout).
  app.action(
    ACTION.attribution,
    actionListener(ctx, async ({ body, action, client, respond }) => {
      const b = clickOf(body);
      const msg = await attributionFor(deps, client, b.who, { id: actionValue(action) }, false);
      await reply(respond, { response_type: "ephemeral", replace_original: false, ...msg });
    }),
  );

  // "See my numbers" on a receipt: the record named by the button, re-authorized.
  app.action(
    ACTION.seeMyNumbers,
    actionListener(ctx, async ({ body, action, client, respond }) => {
      const b = clickOf(body);
      const actor = await resolveActor(deps, client, b.who);
      const data = await loadReceipt(dbOf(deps), actionValue(action));
      const memberOrgIds = await pairingRepo(dbOf(deps)).memberOrgIds(data.pairingId);
      assertAllowed(decideDealAction(actor, "deal.attribution", memberOrgIds));
      await reply(respond, { response_type: "ephemeral", replace_original: false, ...renderAttributionMath(data, await viewerOf(deps, actor)) });
    }),
  );
}
