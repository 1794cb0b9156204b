import { clickOf, type Click } from "../../platform/slack/payload";
import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { dbOf, type AppDeps } from "../../platform/deps";
import { decideImport, decideMapView, IMPORT_LIMITS, parseListStatus, type MapLevel } from "./rules";
import { decideAdminAction, type Actor } from "../../kernel/access";
import { AccessDenied, assertAllowed, UserError } from "../../platform/errors";
import {
  claimImport,
  findMapAccount,
  findOrgByName,
  importAccountFile,
  loadAccountMap,
  loadOverlapAlert,
  mapSettings,
  overlapAlertChoices,
  pickOverlapsToPursue,
  problemsCsv,
  requestIntro,
  setMapSharing,
  tooBigMessage,
  type ImportOutcome,
} from "./account-map";
import { buildImportModal, buildPickOverlapsModal, REPORT_PROBLEM_LINES, renderAccountMap, renderImportReport, STATUS_AUTO } from "./render";
import type { Subcommand, SubcommandContext } from "../../platform/slack/commands";
import { openRegisterModal } from "../registration/api";
import { ACTION, CALLBACK, INPUT, MAP_IMPORT_BLOCK as B, MAP_PICK_BLOCK as PICK } from "../../platform/slack/ids";
import { resolveActor } from "../../platform/slack/identity";
import { actionListener, viewListener, type ListenerContext } from "../../platform/slack/listener";
import { parseMetadata, StateReader } from "../../platform/slack/view-state";
import { reply, slackOut } from "../../platform/slack/send";
import { channelLink, joinMrkdwn, mention, mrkdwn } from "../../platform/slack/mrkdwn";
import { orgRepo } from "../../platform/repos/org-repo";
import { pairingRepo } from "../../platform/repos/pairing-repo";

// `/cosell map <partner>`: the account map of us with one partner (counts and the top co-sell
// targets with Register / Request intro buttons); `/cosell map import`: the import form (a CSV
// through a file_input; the file is fetched with files.info + url_private_download and the bot
// token). Partner people use the buttons of the quarterly reminder in their pairing channel.

const USAGE = { map: "/cosell map <partner>", import: "/cosell map import", sharing: "/cosell map sharing [counts|details]" } as const;

const targetValue = z.object({ p: z.string().uuid(), d: z.string().min(3).max(253) });
const metadataSchema = z.object({ channelId: z.string().optional() });
const pickMetadataSchema = z.object({ alertId: z.string().default(""), channelId: z.string().optional() });

/** Churned accounts the map flags: those of the last 90 days (about a quarter). */
const churnWindowStart = (now: Date) => new Date(now.getTime() - 90 * 86_400_000);

const programSettings = (deps: AppDeps) => mapSettings(dbOf(deps), deps.config.timezone);

/** The map message for this viewer (counts only, or with targets). */
async function mapMessage(deps: AppDeps, actor: Actor, partnerOrgId: string) {
  const settings = await programSettings(deps);
  const decision = decideMapView(actor, partnerOrgId, settings.sharing);
  assertAllowed(decision);
  const level = (decision as { level: MapLevel }).level;
  const map = await loadAccountMap(dbOf(deps), { partnerOrgId, targets: level !== "counts", churnSince: churnWindowStart(deps.clock.now()) });
  return renderAccountMap(map, { level, currency: settings.currency });
}

/** The partner a `/cosell map` without a name means: a partner person's own; in a pairing channel with one partner, that one. */
async function defaultPartner(deps: AppDeps, actor: Actor, channelId: string): Promise<string | null> {
  if (actor.kind === "partner") return actor.orgId;
  const pairing = await pairingRepo(dbOf(deps)).forChannel(channelId);
  const partners = pairing?.orgs.filter((o) => !o.internal) ?? [];
  return partners.length === 1 ? partners[0]!.id : null;
}

async function importModalData(deps: AppDeps, actor: Actor, opts: { orgId?: string | undefined; channelId?: string | undefined }) {
  if (actor.kind === "stranger") assertAllowed(decideImport(actor, "", deps.config.admins));
  if (actor.kind === "partner") return { org: { id: actor.orgId, name: actor.orgName }, channelId: opts.channelId };
  assertAllowed(decideImport(actor, opts.orgId ?? "", deps.config.admins));
  const orgs = await orgRepo(dbOf(deps)).listOursFirst();
  const org = orgs.find((o) => o.id === opts.orgId);
  return { orgs: orgs.map((o) => ({ id: o.id, name: o.name, internal: o.kind === "INTERNAL" })), org, channelId: opts.channelId };
}

export function mapSubcommand(deps: AppDeps): Subcommand {
  return {
    name: "map",
    aliases: ["accounts"],
    help: [
      {
        usage: USAGE.map,
        example: "/cosell map Acme Data",
        summary: "the account map with a partner: customers of both, our prospects who are their customers, whitespace, and the top co-sell targets",
      },
      {
        usage: USAGE.import,
        example: "/cosell map import",
        summary: "import an account list (CSV: customers or prospects, ours or a partner's); it replaces that list and reports every row it could not take",
        adminOnly: true,
      },
      {
        usage: USAGE.sharing,
        example: "/cosell map sharing details",
        summary: "what a partner's people see of their own organization's map: the counts only (default) or the accounts too",
        adminOnly: true,
      },
    ],
    async run(ctx: SubcommandContext) {
      const { args } = ctx;
      const who = { userId: args.command.user_id, teamId: args.command.team_id };
      const actor = await resolveActor(deps, args.client, who);
      if (actor.kind === "stranger") assertAllowed(decideMapView(actor, "", "COUNTS"));
      const [first = ""] = ctx.words;
      if (first.toLowerCase() === "import") {
        const rest = ctx.words.slice(1).join(" ");
        // Partner people import for their own organization; names are resolved for our people only.
        const org = rest && actor.kind === "internal" ? await findOrgByName(dbOf(deps), rest) : undefined;
        const data = await importModalData(deps, actor, {
          orgId: org?.id ?? (actor.kind === "internal" ? (actor.orgId ?? undefined) : undefined),
          channelId: args.command.channel_id,
        });
        await args.ack();
        await slackOut(args.client).openView({ trigger_id: args.command.trigger_id, view: buildImportModal(data) });
        return;
      }
      if (first.toLowerCase() === "sharing") {
        await sharing(ctx, actor);
        return;
      }
      const name = ctx.words.join(" ").trim();
      let partnerOrgId: string | null;
      if (actor.kind === "partner") {
        // Never resolve (or list) other organizations' names for a partner's people.
        if (name && !actor.orgName.toLowerCase().startsWith(name.toLowerCase()))
          throw new AccessDenied("You can see the account map of your own organization only.");
        partnerOrgId = actor.orgId;
      } else if (name) partnerOrgId = (await findOrgByName(dbOf(deps), name, { partnersOnly: true })).id;
      else partnerOrgId = await defaultPartner(deps, actor, args.command.channel_id);
      if (!partnerOrgId) throw new UserError(`Which partner? Usage: \`${USAGE.map}\` (e.g. \`/cosell map Acme Data\`).`);
      // Decide before answering, so a refusal is the answer; the joins run after the ack.
      assertAllowed(decideMapView(actor, partnerOrgId, (await programSettings(deps)).sharing));
      await args.ack();
      const msg = await mapMessage(deps, actor, partnerOrgId);
      await reply(args.respond, { response_type: "ephemeral", ...msg });
    },
  };
}

/** `/cosell map sharing [counts|details]`: show, or (admins) set, Program.mapSharing; audited. */
async function sharing(ctx: SubcommandContext, actor: Actor): Promise<void> {
  const { deps, args } = ctx;
  if (actor.kind !== "internal") throw new AccessDenied("The program's sharing settings are for our own people.");
  const word = (ctx.words[1] ?? "").toLowerCase();
  const current = (await programSettings(deps)).sharing;
  const describe = (s: "COUNTS" | "DETAILS") =>
    s === "DETAILS"
      ? "*details*: a partner's people see the overlap counts and the accounts of their own organization's map"
      : "*counts only*: a partner's people see the overlap counts of their own organization's map, not the accounts";
  if (word === "") {
    await args.ack({
      response_type: "ephemeral",
      text: mrkdwn`Account-map sharing with partners: ${describe(current)}. Change it with \`${USAGE.sharing}\` (admins).`,
    });
    return;
  }
  const next = word === "counts" || word === "count" ? "COUNTS" : word === "details" || word === "detail" ? "DETAILS" : null;
  if (!next) throw new UserError(`Usage: \`${USAGE.sharing}\``);
  assertAllowed(decideAdminAction(actor, "program.configure", deps.config.admins));
  const now = deps.clock.now();
  await setMapSharing(dbOf(deps), { from: current, to: next, actor: actor.userId, now });
  await args.ack({ response_type: "ephemeral", text: mrkdwn`Account-map sharing with partners is now ${describe(next)}.` });
}

/** file_input values: Slack sends the uploaded files under `files`. */
const fileStateSchema = z.object({ files: z.array(z.object({ id: z.string(), name: z.string().optional() })).nullish() });

interface SlackFileInfo {
  id: string;
  name?: string;
  size?: number;
  url_private?: string;
  url_private_download?: string;
}

/** Downloads a file shared with the app (url_private needs the bot token), refusing anything over the limit. */
async function downloadFile(deps: AppDeps, file: SlackFileInfo): Promise<Uint8Array> {
  const url = file.url_private_download ?? file.url_private;
  if (!url) throw new UserError("Slack did not give a download link for that file; upload it again.");
  const res = await fetch(url, { headers: { Authorization: `Bearer ${deps.config.slack.botToken}` }, redirect: "follow" });
  if (!res.ok) throw new UserError(`Slack refused the file download (HTTP ${res.status}); upload it again, or use the CLI import.`);
  if ((res.headers.get("content-type") ?? "").includes("text/html")) {
    throw new UserError("Slack answered with a web page instead of the file: the app needs the files:read permission (reinstall it from the manifest).");
  }
  const length = Number(res.headers.get("content-length") ?? 0);
  if (length > IMPORT_LIMITS.maxBytes) throw new UserError(tooBigMessage(length));
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.length > IMPORT_LIMITS.maxBytes) throw new UserError(tooBigMessage(bytes.length));
  return bytes;
}

export function registerMapListeners(app: App, deps: AppDeps, ctx: ListenerContext): void {
  const db = dbOf(deps);
  const actorOf = (client: WebClient, b: Click) => resolveActor(deps, client, b.who);
  const target = (b: Click) => {
    const parsed = targetValue.safeParse(
      (() => {
        try {
          return JSON.parse(b.value);
        } catch {
          return null;
        }
      })(),
    );
    if (!parsed.success) throw new UserError("That button is out of date; run `/cosell map` again.");
    return parsed.data;
  };
  /** The clicker may act on this target: our people, or the partner's own people when the program shares details. */
  const authorizeTarget = async (actor: Actor, partnerOrgId: string) => {
    const decision = decideMapView(actor, partnerOrgId, (await programSettings(deps)).sharing);
    assertAllowed(decision);
    if (decision.allowed && decision.level === "counts") throw new AccessDenied("The program shares overlap counts only with partners.");
    return decision.allowed ? decision.level : "counts";
  };

  app.action(
    ACTION.mapRegister,
    actionListener(ctx, async ({ body, client }) => {
      const b = clickOf(body);
      const { p, d } = target(b);
      const actor = await actorOf(client, b);
      await authorizeTarget(actor, p);
      const account = await findMapAccount(db, { partnerOrgId: p, domain: d });
      if (!account) throw new UserError(`${d} is no longer on the partner's lists.`);
      await openRegisterModal(deps, client, {
        actor,
        triggerId: b.triggerId,
        channelId: b.channelId,
        accountName: account.name,
        accountDomain: account.domain,
        pairingId: account.pairings.length === 1 ? account.pairings[0]!.id : undefined,
      });
    }),
  );

  app.action(
    ACTION.mapIntro,
    actionListener(ctx, async ({ body, client, respond }) => {
      const b = clickOf(body);
      const { p, d } = target(b);
      const actor = await actorOf(client, b);
      if ((await authorizeTarget(actor, p)) !== "internal") throw new AccessDenied("Intro requests are for our own people.");
      const settings = await programSettings(deps);
      const r = await requestIntro(db, { partnerOrgId: p, domain: d, requestedBy: actor.userId, timezone: settings.timezone, now: deps.clock.now() });
      deps.outbox?.kick();
      const text =
        r.kind === "ask"
          ? mrkdwn`${r.created ? "Asked" : "You already asked"} ${mention(r.ownerUserId)} (who last logged a touchpoint for the partner) for the intro to ${d}, as an ask on CS-${r.ref}.`
          : mrkdwn`${r.created ? "Posted" : "You already posted"} your intro request for ${d} in ${channelLink(r.channelId)}${r.mentioned ? mrkdwn`, naming ${mention(r.mentioned)}` : ""}.`;
      await reply(respond, { response_type: "ephemeral", replace_original: false, text });
    }),
  );

  app.action(
    ACTION.mapShow,
    actionListener(ctx, async ({ body, client, respond }) => {
      const b = clickOf(body);
      const partnerOrgId = b.value;
      if (!z.string().uuid().safeParse(partnerOrgId).success) throw new UserError("That button is out of date.");
      const actor = await actorOf(client, b);
      const msg = await mapMessage(deps, actor, partnerOrgId);
      await reply(respond, { response_type: "ephemeral", replace_original: false, ...msg });
    }),
  );

  app.action(
    ACTION.mapPickOverlaps,
    actionListener(ctx, async ({ body, client }) => {
      const b = clickOf(body);
      const actor = await actorOf(client, b);
      const loaded = await overlapAlertChoices(db, b.value);
      if (!loaded) throw new UserError("That alert is out of date; run `/cosell map` instead.");
      // Our people, or the partner's own people when the program shares the accounts with them.
      const level = await authorizeTarget(actor, loaded.alert.partner.id);
      if (level === "counts") throw new AccessDenied("The program shares overlap counts only with partners.");
      await slackOut(client).openView({
        trigger_id: b.triggerId,
        view: buildPickOverlapsModal({
          alertId: loaded.alert.id,
          channelId: loaded.alert.channelId,
          partnerName: loaded.alert.partner.name,
          choices: loaded.choices,
        }),
      });
    }),
  );

  app.view(
    CALLBACK.mapPickOverlaps,
    viewListener(ctx, async ({ ack, body, view, client }) => {
      const user = body.user as { id: string; team_id?: string };
      const actor = await resolveActor(deps, client, { userId: user.id, teamId: user.team_id });
      const meta = parseMetadata(pickMetadataSchema, view.private_metadata);
      const alert = await loadOverlapAlert(db, meta.alertId);
      if (!alert) throw new UserError("That alert is no longer there; open the account map instead.", PICK.picks);
      await authorizeTarget(actor, alert.partner.id);
      const picks = StateReader.parse(view.state.values).multi(PICK.picks);
      const r = await pickOverlapsToPursue(db, {
        alertId: alert.id,
        domains: picks,
        pickedBy: actor.userId,
        pickerOrgId: actor.kind === "stranger" ? null : (actor.orgId ?? null),
        pickerIsPartner: actor.kind === "partner",
        now: deps.clock.now(),
      });
      if (!r.ok) throw new UserError(r.error, PICK.picks);
      await ack();
      deps.outbox?.kick();
      const asked = r.asked.map((a) => mrkdwn`${a.domain} → an ask to ${mention(a.ownerUserId)} on CS-${a.ref}`);
      const text = r.created
        ? joinMrkdwn(
            [
              mrkdwn`Recorded ${r.posted.length === 1 ? "1 intro request" : `${r.posted.length} intro requests`}; posted in ${channelLink(r.channelId)}.`,
              ...asked,
            ],
            "\n",
          )
        : mrkdwn`You already picked those; nothing new was asked.`;
      await slackOut(client).postEphemeral({ channel: r.channelId, user: actor.userId, text });
    }),
  );

  app.action(
    ACTION.mapImport,
    actionListener(ctx, async ({ body, client }) => {
      const b = clickOf(body);
      const actor = await actorOf(client, b);
      const data = await importModalData(deps, actor, { orgId: actor.kind === "internal" ? (actor.orgId ?? undefined) : undefined, channelId: b.channelId });
      await slackOut(client).openView({ trigger_id: b.triggerId, view: buildImportModal(data) });
    }),
  );

  app.view(
    CALLBACK.mapImport,
    viewListener(ctx, async ({ ack, body, view, client }) => {
      const user = body.user as { id: string; team_id?: string };
      const actor = await resolveActor(deps, client, { userId: user.id, teamId: user.team_id });
      const state = StateReader.parse(view.state.values);
      const meta = parseMetadata(metadataSchema, view.private_metadata);
      // A partner person imports for their own organization, whatever the form says.
      const orgId = actor.kind === "partner" ? actor.orgId : state.select(B.org);
      if (!orgId) throw new UserError("Pick whose list this is.", B.org);
      assertAllowed(decideImport(actor, orgId, deps.config.admins), actor.kind === "internal" ? B.org : B.file);
      const statusValue = state.select(B.status);
      const status = statusValue === STATUS_AUTO ? null : (parseListStatus(statusValue ?? "") ?? null);
      if (statusValue !== STATUS_AUTO && !status) throw new UserError("Pick customers, prospects or both.", B.status);
      const files = fileStateSchema.safeParse(view.state.values?.[B.file]?.[INPUT] ?? {});
      const picked = files.success ? (files.data.files ?? []) : [];
      if (picked.length !== 1) throw new UserError("Attach one CSV file.", B.file);
      const info = await client.files.info({ file: picked[0]!.id });
      const file = info.file as SlackFileInfo | undefined;
      if (!file) throw new UserError("Slack could not find that file; upload it again.", B.file);
      if ((file.size ?? 0) > IMPORT_LIMITS.maxBytes) throw new UserError(tooBigMessage(file.size ?? 0), B.file);
      // A double click or Slack's retry submits the same view twice: the first one imports.
      const fresh = await claimImport(db, { viewId: view.id, now: deps.clock.now() });
      await ack(); // the download and the import can take longer than Slack's 3 seconds
      if (!fresh) return;
      const fileName = file.name ?? picked[0]!.name ?? "upload.csv";
      let outcome: ImportOutcome;
      try {
        const bytes = await downloadFile(deps, file);
        outcome = await importAccountFile(db, { orgId, status, bytes, fileName, actor: actor.userId, source: "slack", now: deps.clock.now() });
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        outcome = { result: null, problems: [], blankRows: 0, ignoredColumns: [], refused: err.message };
      }
      await sendReport(deps, client, { userId: actor.userId, channelId: meta.channelId, fileName, outcome });
    }),
  );
}

/** The import report to the uploader: a DM (or, when a DM is refused, ephemerally where the form was opened). */
async function sendReport(
  deps: AppDeps,
  client: WebClient,
  r: { userId: string; channelId?: string | undefined; fileName: string; outcome: ImportOutcome },
): Promise<void> {
  const text = renderImportReport({ fileName: r.fileName, ...r.outcome });
  try {
    await slackOut(client).postMessage({ channel: r.userId, text, unfurl_links: false });
  } catch (err) {
    if (!r.channelId) throw err;
    await slackOut(client).postEphemeral({ channel: r.channelId, user: r.userId, text });
  }
  if (r.outcome.problems.length > REPORT_PROBLEM_LINES) {
    try {
      const dm = await client.conversations.open({ users: r.userId });
      const channelId = dm.channel?.id;
      if (channelId) {
        await client.files.uploadV2({
          channel_id: channelId,
          filename: `${r.fileName.replace(/\.[^.]*$/, "")}-rejected-rows.csv`,
          title: `Rows not imported from ${r.fileName}`,
          content: problemsCsv(r.outcome.problems),
        });
      }
    } catch (err) {
      deps.logger.warn("uploading the rejected rows failed", err);
    }
  }
}
