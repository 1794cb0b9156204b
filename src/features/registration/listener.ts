import { clickOf, viewActionOf } from "../../platform/slack/payload";
import type { AllMiddlewareArgs, App, SlackActionMiddlewareArgs, SlackShortcutMiddlewareArgs, SlackViewMiddlewareArgs } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import type { Actor } from "../../kernel/access";
import type { RegistrationField } from "../../kernel/registration";
import type { AppDeps } from "../../platform/deps";
import { AccessDenied, FieldErrors, UserError } from "../../platform/errors";
import type { Subcommand } from "../../platform/slack/commands";
import { resolveActor } from "../../platform/slack/identity";
import { ACTION, CALLBACK, INPUT, REGISTER_BLOCK as B } from "../../platform/slack/ids";
import { actionListener, shortcutListener, viewListener, type ListenerContext } from "../../platform/slack/listener";
import { toSlack, type SafeModalView } from "../../platform/slack/mrkdwn";
import { slackOut } from "../../platform/slack/send";
import { parseMetadata, StateReader } from "../../platform/slack/view-state";
import { ROLES } from "../attribution/engine";
import { buildRegisterModal, type RegisterModalData } from "./modal";
import { prepareRegistrationForm, type PrepareRegistrationFormRequest } from "./prepare-registration-form";
import { registrationConfirmation } from "./render";
import {
  registrationDraftSchema,
  submitRegistration,
  type RegistrationDeps,
  type RegistrationDraft,
  type SubmitRegistrationResult,
} from "./submit-registration";

// Slack adapters around the registration use cases: parse the payload into a draft, call the
// use case, render its result (a modal, field errors, a confirmation). No database access here.

type ShortcutArgs = SlackShortcutMiddlewareArgs & AllMiddlewareArgs;
type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;
type ViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;
type SlackUser = { id: string; team_id?: string };
type Metadata = z.infer<typeof metadataSchema>;
type Registered = Extract<SubmitRegistrationResult, { kind: "registered" }>;

const metadataSchema = z.object({ channelId: z.string().optional(), conflictDealId: z.string().optional() });

export function registerRegistrationListeners(app: App, deps: AppDeps, ctx: ListenerContext): void {
  app.shortcut(
    CALLBACK.registerShortcut,
    shortcutListener(ctx, (args) => openRegistrationFromShortcut(deps, args)),
  );
  app.action(
    ACTION.registerDeal,
    actionListener(ctx, (args) => openRegistrationFromPanel(deps, args)),
  );
  app.action(
    { action_id: INPUT, block_id: B.pairing },
    actionListener(ctx, (args) => refreshRegistrationPairing(deps, args)),
  );
  app.view(
    CALLBACK.registerDeal,
    viewListener(ctx, (args) => submitRegistrationModal(deps, args)),
  );
}

export function newSubcommand(deps: AppDeps): Subcommand {
  return {
    name: "new",
    opensModal: true,
    aliases: ["register"],
    help: [{ usage: "/cosell new [account]", example: "/cosell new Northwind Traders", summary: "register a co-sell deal (opens a form)" }],
    async run({ args, rest }) {
      await args.ack();
      const actor = await resolveActor(deps, args.client, { userId: args.command.user_id, teamId: args.command.team_id });
      await openRegisterModal(deps, args.client, {
        actor,
        triggerId: args.command.trigger_id,
        channelId: args.command.channel_id,
        accountName: rest || undefined,
      });
    },
  };
}

async function openRegistrationFromShortcut(deps: AppDeps, { shortcut, client }: ShortcutArgs): Promise<void> {
  const actor = await resolveActor(deps, client, who(shortcut.user as SlackUser));
  await openRegisterModal(deps, client, { actor, triggerId: shortcut.trigger_id });
}

/** "Register deal" on the pairing panel: how partner people (Slack Connect) register; only that pairing's people. */
async function openRegistrationFromPanel(deps: AppDeps, { body, client }: ActionArgs): Promise<void> {
  const b = clickOf(body);
  const actor = await resolveActor(deps, client, b.who);
  await openRegisterModal(deps, client, { actor, triggerId: b.triggerId, channelId: b.channelId, channelPairingOnly: true });
}

/** Picking another pairing refreshes the organizations offered for each role; what was typed stays. */
async function refreshRegistrationPairing(deps: AppDeps, { body, client }: ActionArgs): Promise<void> {
  const b = viewActionOf(body);
  if (!b.view) return;
  const actor = await resolveActor(deps, client, b.who);
  const meta = parseMetadata(metadataSchema, b.view.private_metadata);
  const draft = readDraft(StateReader.parse(b.view.state.values), meta);
  const form = { channelId: meta.channelId, pairingId: draft.pairingId, prefill: draft };
  const view = await registerModal(deps, actor, form, { metadata: { channelId: meta.channelId } });
  await slackOut(client).updateView({ view_id: b.view.id, hash: b.view.hash, view });
}

async function submitRegistrationModal(deps: AppDeps, { ack, body, view, client }: ViewArgs): Promise<void> {
  const actor = await resolveActor(deps, client, who(body.user as SlackUser));
  const meta = parseMetadata(metadataSchema, view.private_metadata);
  const draft = readDraft(StateReader.parse(view.state.values), meta);
  const result = await submitRegistration(registrationDeps(deps), actor, draft, { idempotencyKey: `view:${view.id}` });
  if (result.kind === "denied") throw new AccessDenied(result.message, B.pairing);
  if (result.kind === "fieldErrors") throw new FieldErrors(blockErrors(result.errors));
  if (result.kind === "conflict") {
    // Show the existing registration inside the modal, keeping what was typed. Nothing was written.
    const { conflict } = result;
    const form = { channelId: meta.channelId, pairingId: draft.pairingId, prefill: draft };
    const update = await registerModal(deps, actor, form, { conflict, metadata: { channelId: meta.channelId, conflictDealId: conflict.dealId } });
    await ack(toSlack({ response_action: "update" as const, view: update }));
    return;
  }
  await ack();
  await confirmRegistration(deps, client, actor, meta, result);
}

/** Opens the registration modal (also from the account map's "Register co-sell deal"). */
export async function openRegisterModal(
  deps: AppDeps,
  client: WebClient,
  args: {
    actor: Actor;
    triggerId: string;
    channelId?: string | undefined;
    accountName?: string;
    accountDomain?: string;
    pairingId?: string | undefined;
    channelPairingOnly?: boolean;
  },
): Promise<void> {
  const prefill = { ...(args.accountName ? { accountName: args.accountName } : {}), ...(args.accountDomain ? { accountDomain: args.accountDomain } : {}) };
  const form = { channelId: args.channelId, pairingId: args.pairingId, prefill, channelPairingOnly: args.channelPairingOnly ?? false };
  const view = await registerModal(deps, args.actor, form, { metadata: { channelId: args.channelId } });
  await slackOut(client).openView({ trigger_id: args.triggerId, view });
}

/** The form for this person as a modal; a refusal becomes their error message. */
async function registerModal(
  deps: AppDeps,
  actor: Actor,
  req: PrepareRegistrationFormRequest,
  extra: Pick<RegisterModalData, "conflict" | "metadata">,
): Promise<SafeModalView> {
  const prepared = await prepareRegistrationForm(registrationDeps(deps), actor, req);
  if (prepared.kind === "denied") throw new AccessDenied(prepared.message);
  if (prepared.kind === "unavailable") throw new UserError(prepared.message);
  return buildRegisterModal({ ...prepared.form, ...extra });
}

async function confirmRegistration(deps: AppDeps, client: WebClient, actor: Actor, meta: Metadata, registered: Registered): Promise<void> {
  if (!registered.created) return; // a retry or double click: the first submission already answered
  deps.outbox?.kick();
  if (registered.status === "SUBMITTED" && deps.config.admins.length === 0)
    deps.logger.warn(`CS-${registered.ref} waits for review but COSELL_ADMINS is empty: nobody was asked to review it`);
  const text = registrationConfirmation(registered);
  const channel = meta.channelId && /^[CG]/.test(meta.channelId) ? meta.channelId : undefined;
  const out = slackOut(client);
  await (channel ? out.postEphemeral({ channel, user: actor.userId, text }) : out.postMessage({ channel: actor.userId, text })).catch((e) =>
    deps.logger.warn("registration confirmation failed", e),
  );
}

/** The modal's values as a draft (zod-checked: the payload travels through the client). */
function readDraft(state: StateReader, meta: Metadata): RegistrationDraft {
  return registrationDraftSchema.parse({
    accountName: state.text(B.accountName),
    accountDomain: state.text(B.accountDomain),
    title: state.text(B.title),
    amount: state.text(B.amount),
    currency: state.select(B.currency) ?? "",
    expectedCloseDate: state.date(B.closeDate),
    coSellModel: state.select(B.coSellModel),
    explicitModel: state.select(B.explicitModel),
    pairingId: state.select(B.pairing),
    roles: Object.fromEntries(ROLES.map((r) => [r, state.multi(`${B.rolePrefix}${r}`)])),
    relationshipOwnerUserId: state.user(B.relationshipOwner),
    postSaleOwnerOrgId: state.select(B.postSaleOwner),
    notes: state.text(B.notes),
    customerMet: state.select(B.customerMet),
    currentStage: state.select(B.currentStage),
    // Ticking "register anyway" acknowledges the deal the modal showed, nothing else.
    acknowledgedConflictDealId: state.checked(B.conflict) ? (meta.conflictDealId ?? null) : null,
  });
}

const FIELD_BLOCK: Record<Exclude<RegistrationField, `role:${string}`>, string> = {
  accountName: B.accountName,
  accountDomain: B.accountDomain,
  title: B.title,
  amount: B.amount,
  currency: B.currency,
  expectedCloseDate: B.closeDate,
  coSellModel: B.coSellModel,
  pairing: B.pairing,
  relationshipOwner: B.relationshipOwner,
  postSaleOwner: B.postSaleOwner,
  notes: B.notes,
  customerMet: B.customerMet,
  currentStage: B.currentStage,
};

/** Field → block_id, so every validation message lands under its own field. */
function blockErrors(errors: Partial<Record<RegistrationField, string>>): Record<string, string> {
  const blockOf = (f: RegistrationField) => (f.startsWith("role:") ? `${B.rolePrefix}${f.slice(5)}` : FIELD_BLOCK[f as keyof typeof FIELD_BLOCK]);
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [blockOf(field as RegistrationField), message]));
}

const who = (user: SlackUser) => ({ userId: user.id, teamId: user.team_id });

const registrationDeps = (deps: AppDeps): RegistrationDeps => ({ db: deps.db, clock: deps.clock, admins: deps.config.admins });
