import type { App } from "@slack/bolt";
import { z } from "zod";
import { dbOf, type AppDeps } from "../../platform/deps";
import { decideAdminAction } from "../../kernel/access";
import { decideExport, describePeriod, exportFilename, PERIOD_EXAMPLES } from "./export-rules";
import { assertAllowed, FieldErrors, UserError } from "../../platform/errors";
import { currentAttributionConfig, dealsByConfigVersion, saveAttributionConfig } from "./config";
import { auditExport, buildAttributionExport, readPeriod } from "./export";
import {
  buildAttributionConfigModal,
  buildConfigResultView,
  CONFIG_INPUT_BLOCKS,
  CONFIG_SELECT_BLOCKS,
  readAttributionConfigForm,
  renderConfigSummary,
} from "./config-modal";
import { CALLBACK } from "../../platform/slack/ids";
import { resolveActor } from "../../platform/slack/identity";
import { viewListener, type ListenerContext } from "../../platform/slack/listener";
import { parseMetadata, StateReader } from "../../platform/slack/view-state";
import type { Subcommand, SubcommandContext } from "../../platform/slack/commands";
import { slackOut } from "../../platform/slack/send";
import { mrkdwn, toSlack } from "../../platform/slack/mrkdwn";
import { listPayouts } from "../incentives/payouts";
import { buildPayoutsCsv } from "../incentives/rules";

// `/cosell config attribution [show]` — the program's attribution config: admins edit it in a
// modal (each save is a new immutable version), anyone in the program may read it.
// `/cosell export attribution <period>` — the finance CSV, uploaded to the requester's DM;
// internal people only.

const USAGE = {
  config: "/cosell config attribution",
  show: "/cosell config attribution show",
  export: "/cosell export attribution <2026-Q4|2026-11|2026|this-quarter|last-quarter>",
  exportPayouts: "/cosell export payouts <2026-Q4|2026-11|this-quarter|last-quarter>",
} as const;

const metadataSchema = z.object({ baseVersion: z.coerce.number().int().default(0) });

/** A CSV to the person who asked, in their DM with cosell (after the ack: the upload takes longer than 3 s on big files). */
async function sendCsvToDm(ctx: SubcommandContext, f: { filename: string; title: string; content: string; comment: string }): Promise<void> {
  const dm = await ctx.args.client.conversations.open({ users: ctx.args.command.user_id });
  const channelId = dm.channel?.id;
  if (!channelId) throw new Error("conversations.open returned no channel");
  await ctx.args.client.files.uploadV2({ channel_id: channelId, filename: f.filename, title: f.title, content: f.content, initial_comment: f.comment });
}

const who = (ctx: SubcommandContext) => ({ userId: ctx.args.command.user_id, teamId: ctx.args.command.team_id });

export function attributionAdminSubcommands(deps: AppDeps): Subcommand[] {
  const db = dbOf(deps);

  const config: Subcommand = {
    name: "config",
    opensModal: true,
    help: [
      {
        usage: USAGE.config,
        example: USAGE.config,
        summary: "edit the attribution config (role split, sell-through share, touchpoint weights, pool rates, currency); each save is a new version",
        adminOnly: true,
      },
      { usage: USAGE.show, example: USAGE.show, summary: "the attribution config version in force and its values" },
    ],
    async run(ctx) {
      const [what = "", verb = "", ...extra] = ctx.words.map((w) => w.toLowerCase());
      if (what !== "attribution") {
        throw new UserError(`${what ? `Unknown \`/cosell config ${what}\`. ` : ""}Use \`${USAGE.config}\` (admins) or \`${USAGE.show}\`.`);
      }
      if (extra.length > 0 || !["", "show", "edit"].includes(verb)) throw new UserError(`Usage: \`${USAGE.config}\` or \`${USAGE.show}\`.`);
      const actor = await resolveActor(deps, ctx.args.client, who(ctx));
      if (verb === "show") {
        if (actor.kind === "stranger") assertAllowed(decideAdminAction(actor, "program.configure", deps.config.admins));
        const [current, counts] = await Promise.all([currentAttributionConfig(db), dealsByConfigVersion(db)]);
        await ctx.args.ack({ response_type: "ephemeral", text: renderConfigSummary(current, counts) });
        return;
      }
      assertAllowed(decideAdminAction(actor, "program.configure", deps.config.admins));
      // The trigger expires 3 s after the command: ack, then open at once.
      await ctx.args.ack();
      const [current, counts] = await Promise.all([currentAttributionConfig(db), dealsByConfigVersion(db)]);
      await slackOut(ctx.args.client).openView({ trigger_id: ctx.args.command.trigger_id, view: buildAttributionConfigModal(current, counts) });
    },
  };

  const exportCmd: Subcommand = {
    name: "export",
    help: [
      {
        usage: USAGE.export,
        example: "/cosell export attribution 2026-Q4",
        summary:
          "CSV for finance, sent to you as a DM: one row per organization per deal whose attribution was computed in the period (program timezone); our own people only",
      },
      {
        usage: USAGE.exportPayouts,
        example: "/cosell export payouts 2026-Q4",
        summary:
          "the payouts CSV, sent to you as a DM: one row per payout line earned in the period (commissions, uplifts, bonuses) with its status and payment reference; our own people only",
      },
    ],
    async run(ctx) {
      const [what = "", ...periodWords] = ctx.words;
      if (what.toLowerCase() === "payouts") return exportPayouts(ctx, periodWords);
      if (what.toLowerCase() !== "attribution") {
        throw new UserError(`${what ? `Unknown \`/cosell export ${what}\`. ` : ""}Usage: \`${USAGE.export}\` or \`${USAGE.exportPayouts}\`.`);
      }
      if (periodWords.length === 0) throw new UserError(`Which period? Give ${PERIOD_EXAMPLES}, e.g. \`/cosell export attribution 2026-Q4\`.`);
      const userId = ctx.args.command.user_id;
      const actor = await resolveActor(deps, ctx.args.client, who(ctx));
      assertAllowed(decideExport(actor));
      // Parse the period before answering, so a typo is the answer; the query and upload follow the ack.
      const now = deps.clock.now();
      const exp = await buildAttributionExport(db, { period: periodWords.join(" "), now, fallbackTimezone: deps.config.timezone });
      if (exp.rows.length === 0) {
        await ctx.args.ack({
          response_type: "ephemeral",
          text: mrkdwn`No attribution records were computed in ${describePeriod(exp.period)}, so there is nothing to export.`,
        });
        return;
      }
      const filename = exportFilename(exp.period);
      await ctx.args.ack({
        response_type: "ephemeral",
        text: mrkdwn`Sending \`${filename}\` (${exp.rows.length} rows, ${exp.deals} ${exp.deals === 1 ? "deal" : "deals"}) to your DM with cosell…`,
      });
      await sendCsvToDm(ctx, {
        filename,
        title: `Attribution export ${exp.period.label}`,
        content: exp.csv,
        comment:
          `Attribution export for ${describePeriod(exp.period)}: ${exp.rows.length} rows, ${exp.deals} ${exp.deals === 1 ? "deal" : "deals"}. ` +
          "One row per organization per deal, from the deal's latest attribution record computed in the period. " +
          "Pay the rows with `payable` = yes; our own organization's credit is reported, never paid.",
      });
      await auditExport(db, { actor: userId, period: exp.period, rows: exp.rows.length, deals: exp.deals, via: "slack", now });
    },
  };

  /** `/cosell export payouts <period>`: the payout lines with status and reference, as a DM'd CSV. */
  async function exportPayouts(ctx: SubcommandContext, periodWords: string[]): Promise<void> {
    if (periodWords.length === 0) throw new UserError(`Which period? Give ${PERIOD_EXAMPLES}, e.g. \`/cosell export payouts 2026-Q4\`.`);
    assertAllowed(decideExport(await resolveActor(deps, ctx.args.client, who(ctx))));
    const now = deps.clock.now();
    const period = await readPeriod(db, periodWords.join(" "), now, deps.config.timezone);
    const view = await listPayouts(db, { period, scope: null });
    if (view.lines.length === 0) {
      await ctx.args.ack({
        response_type: "ephemeral",
        text: mrkdwn`No payout lines were earned in ${describePeriod(period)}, so there is nothing to export.`,
      });
      return;
    }
    const filename = `cosell-payouts-${period.label}.csv`;
    await ctx.args.ack({ response_type: "ephemeral", text: mrkdwn`Sending \`${filename}\` (${view.lines.length} lines) to your DM with cosell…` });
    await sendCsvToDm(ctx, {
      filename,
      title: `Payouts ${period.label}`,
      content: buildPayoutsCsv(view.lines),
      comment:
        `Payouts earned in ${describePeriod(period)}: ${view.lines.length} lines. Pay the \`approved\` ones, fill in \`reference\`, ` +
        "and send the file back with `npm run -s cosell -- payouts mark-paid --file <file>` (or use Mark paid in `/cosell payouts`).",
    });
    const deals = new Set(view.lines.map((l) => l.dealRef).filter((r) => r !== null)).size;
    await auditExport(db, { actor: ctx.args.command.user_id, period, rows: view.lines.length, deals, via: "slack", now, what: "payouts" });
  }

  return [config, exportCmd];
}

export function registerAttributionConfigListeners(app: App, deps: AppDeps, ctx: ListenerContext): void {
  const firstBlock = CONFIG_INPUT_BLOCKS[0]!;
  app.view(
    CALLBACK.attributionConfig,
    viewListener(ctx, async ({ ack, body, view, client }) => {
      const user = body.user as { id: string; team_id?: string };
      // Whoever submits is checked again: the modal could have been opened by someone else.
      const actor = await resolveActor(deps, client, { userId: user.id, teamId: user.team_id });
      assertAllowed(decideAdminAction(actor, "program.configure", deps.config.admins), firstBlock);
      const meta = parseMetadata(metadataSchema, view.private_metadata);
      const state = StateReader.parse(view.state.values);
      const values: Record<string, string | null> = {};
      for (const block of CONFIG_INPUT_BLOCKS) {
        if (!state.has(block)) continue;
        values[block] = CONFIG_SELECT_BLOCKS.has(block) ? state.select(block) : state.text(block);
      }
      const current = await currentAttributionConfig(dbOf(deps));
      const form = readAttributionConfigForm(values, Math.max(1, meta.baseVersion), current.config.incentives);
      if (!form.ok) throw new FieldErrors(form.errors);

      const result = await saveAttributionConfig(dbOf(deps), { config: form.config, baseVersion: meta.baseVersion, actor: user.id, now: deps.clock.now() });
      if (result.kind === "conflict") {
        throw new UserError(
          `Version ${result.currentVersion} was saved (by ${result.createdBy}) while this editor was open, so nothing was saved. Cancel, then run \`/cosell config attribution\` again to start from version ${result.currentVersion}.`,
          firstBlock,
        );
      }
      const counts = await dealsByConfigVersion(dbOf(deps));
      await ack(toSlack({ response_action: "update" as const, view: buildConfigResultView(result, counts) }));
    }),
  );
}
