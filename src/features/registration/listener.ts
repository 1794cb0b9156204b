import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import type { AppDeps } from "../../platform/deps";
import { decideDealAction, type Actor } from "../../kernel/access";
import { ATTRIBUTION_MODELS, CO_SELL_MODELS, ROLES, type AttributionModel, type CoSellModel } from "../attribution/engine";
import { formatDealRef, validateRegistration, type RegistrationDraft, type RegistrationField } from "../../kernel/registration";
import { localDate } from "../../kernel/sla-clock";
import { assertAllowed, FieldErrors, UserError } from "../../platform/errors";
import { registerDeal } from "./register-deal";
import { pairingContext, visiblePairings } from "../program/pairings";
import { buildRegisterModal, type RegisterModalData } from "./modal";
import type { Subcommand } from "../../platform/slack/commands";
import { ACTION, CALLBACK, REGISTER_BLOCK as B } from "../../platform/slack/ids";
import { actionListener, shortcutListener, viewListener, type ListenerContext } from "../../platform/slack/listener";
import { resolveActor } from "../../platform/slack/identity";
import { parseMetadata, StateReader } from "../../platform/slack/view-state";
import { slackOut } from "../../platform/slack/send";
import { channelLink, mrkdwn, toSlack } from "../../platform/slack/mrkdwn";

const metadataSchema = z.object({ channelId: z.string().optional(), conflictDealId: z.string().optional() });

/** Field → block_id, so every validation message lands under its own field. */
function blockOf(field: RegistrationField): string {
  if (field.startsWith("role:")) return `${B.rolePrefix}${field.slice(5)}`;
  const map: Record<string, string> = {
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
  };
  return map[field] ?? B.accountName;
}

function readDraft(state: StateReader): RegistrationDraft {
  const model = state.select(B.coSellModel);
  const explicit = state.select(B.explicitModel);
  return {
    accountName: state.text(B.accountName),
    accountDomain: state.text(B.accountDomain),
    title: state.text(B.title),
    amount: state.text(B.amount),
    currency: state.select(B.currency) ?? "",
    expectedCloseDate: state.date(B.closeDate),
    coSellModel: (CO_SELL_MODELS as readonly string[]).includes(model ?? "") ? (model as CoSellModel) : null,
    explicitModel: (ATTRIBUTION_MODELS as readonly string[]).includes(explicit ?? "") ? (explicit as AttributionModel) : null,
    pairingId: state.select(B.pairing),
    roles: Object.fromEntries(ROLES.map((r) => [r, state.multi(`${B.rolePrefix}${r}`)])),
    relationshipOwnerUserId: state.user(B.relationshipOwner),
    postSaleOwnerOrgId: state.select(B.postSaleOwner),
    notes: state.text(B.notes),
  };
}

async function modalData(
  deps: AppDeps,
  actor: Actor,
  opts: { channelId?: string | undefined; pairingId?: string | null; initial?: RegisterModalData["initial"] },
): Promise<RegisterModalData> {
  const pairings = await visiblePairings(deps.db.prisma, actor);
  if (pairings.length === 0) {
    throw new UserError(
      actor.kind === "internal"
        ? 'There are no partner pairings yet. A program admin sets one up first: `/cosell pairing add #channel "Name" "Partner A" "Partner B"`.'
        : "Your organization isn't in a co-sell pairing yet. Ask the partner manager you work with to add it.",
    );
  }
  const byChannel = opts.channelId ? pairings.find((p) => (p as { channelId?: string }).channelId === opts.channelId) : undefined;
  const selected = pairings.find((p) => p.id === opts.pairingId) ?? byChannel ?? (pairings.length === 1 ? pairings[0] : undefined);
  const orgs = selected ? selected.orgs : [...new Map(pairings.flatMap((p) => p.orgs).map((o) => [o.id, o])).values()];
  const program = await deps.db.prisma.program.findUniqueOrThrow({ where: { id: 1 } });
  const config = await deps.db.prisma.attributionConfigVersion.findUnique({ where: { version: program.attributionVersion } });
  const currency = (config?.config as { currency?: string } | undefined)?.currency ?? "USD";
  return {
    pairings: pairings.map((p) => ({ id: p.id, name: p.name })),
    orgs,
    initial: {
      currency,
      ...(selected ? { pairingId: selected.id, coSellModel: (selected as { defaultModel?: CoSellModel }).defaultModel ?? "SELL_WITH" } : {}),
      ...opts.initial,
    },
    metadata: { channelId: opts.channelId },
  };
}

export async function openRegisterModal(
  deps: AppDeps,
  client: WebClient,
  args: { actor: Actor; triggerId: string; channelId?: string | undefined; accountName?: string; accountDomain?: string; pairingId?: string | undefined },
): Promise<void> {
  if (args.actor.kind === "stranger") assertAllowed(decideDealAction(args.actor, "deal.register", []));
  const initial = { ...(args.accountName ? { accountName: args.accountName } : {}), ...(args.accountDomain ? { accountDomain: args.accountDomain } : {}) };
  const data = await modalData(deps, args.actor, { channelId: args.channelId, pairingId: args.pairingId ?? null, initial });
  await slackOut(client).openView({ trigger_id: args.triggerId, view: buildRegisterModal(data) });
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

export function registerRegistrationListeners(app: App, deps: AppDeps, ctx: ListenerContext): void {
  app.shortcut(
    CALLBACK.registerShortcut,
    shortcutListener(ctx, async ({ shortcut, client }) => {
      const actor = await resolveActor(deps, client, { userId: shortcut.user.id, teamId: (shortcut.user as { team_id?: string }).team_id });
      await openRegisterModal(deps, client, { actor, triggerId: shortcut.trigger_id });
    }),
  );

  // "Register deal" on the pairing panel: how partner people (Slack Connect) register.
  app.action(
    ACTION.registerDeal,
    actionListener(ctx, async ({ body, client }) => {
      const b = body as { user: { id: string; team_id?: string }; trigger_id: string; channel?: { id: string } };
      const actor = await resolveActor(deps, client, { userId: b.user.id, teamId: b.user.team_id });
      // The panel belongs to its channel's pairing: only that pairing's people use it.
      const pairing = b.channel ? await pairingContext(deps.db.prisma, { channelId: b.channel.id }) : null;
      if (pairing)
        assertAllowed(
          decideDealAction(
            actor,
            "deal.register",
            pairing.orgs.map((o) => o.id),
          ),
        );
      await openRegisterModal(deps, client, { actor, triggerId: b.trigger_id, channelId: b.channel?.id });
    }),
  );

  // Picking another pairing refreshes the organizations offered for each role.
  app.action(
    { action_id: "value", block_id: B.pairing },
    actionListener(ctx, async ({ body, client }) => {
      const b = body as { user: { id: string; team_id?: string }; view?: { id: string; hash: string; state: { values: unknown }; private_metadata: string } };
      if (!b.view) return;
      const actor = await resolveActor(deps, client, { userId: b.user.id, teamId: b.user.team_id });
      const draft = readDraft(StateReader.parse(b.view.state.values));
      const meta = parseMetadata(metadataSchema, b.view.private_metadata);
      const data = await modalData(deps, actor, { channelId: meta.channelId, pairingId: draft.pairingId, initial: draftToInitial(draft) });
      await slackOut(client).updateView({ view_id: b.view.id, hash: b.view.hash, view: buildRegisterModal(data) });
    }),
  );

  app.view(
    CALLBACK.registerDeal,
    viewListener(ctx, async ({ ack, body, view, client }) => {
      const user = body.user as { id: string; team_id?: string };
      const actor = await resolveActor(deps, client, { userId: user.id, teamId: user.team_id });
      const state = StateReader.parse(view.state.values);
      const draft = readDraft(state);
      const meta = parseMetadata(metadataSchema, view.private_metadata);
      const prisma = deps.db.prisma;

      // Re-authorize everything the payload names: the pairing must be one this person may use.
      const pairing = draft.pairingId ? await pairingContext(prisma, { id: draft.pairingId }) : null;
      assertAllowed(decideDealAction(actor, "deal.register", pairing?.orgs.map((o) => o.id) ?? []), B.pairing);
      const program = await prisma.program.findUniqueOrThrow({ where: { id: 1 } });
      const now = deps.clock.now();
      const result = validateRegistration(draft, { pairing, today: localDate(now, program.timezone) });
      if (!result.ok) {
        throw new FieldErrors(Object.fromEntries(Object.entries(result.errors).map(([f, m]) => [blockOf(f as RegistrationField), m!])));
      }
      const registeredByOrgId = actor.kind === "stranger" ? null : actor.orgId;
      if (!registeredByOrgId) throw new UserError('Set up our own organization first: an admin runs `/cosell org "Our Company"`.', B.pairing);

      // The conflict check runs inside registerDeal's transaction, serialized per account domain.
      const reg = await registerDeal(prisma, {
        reg: result.value,
        registeredBy: actor.userId,
        registeredByOrgId,
        key: `view:${view.id}`,
        acknowledgedConflictWithDealId: state.checked(B.conflict) ? (meta.conflictDealId ?? null) : null,
        admins: deps.config.admins,
        now,
      });
      if (reg.kind === "conflict") {
        // Show the existing registration inside the modal; keep what was typed. Nothing was written.
        const { conflict } = reg;
        const data = await modalData(deps, actor, { channelId: meta.channelId, pairingId: draft.pairingId, initial: draftToInitial(draft) });
        data.conflict = { ref: conflict.ref, registeredBy: conflict.registeredBy, registeredAt: conflict.registeredAt, partners: conflict.partnerNames };
        data.metadata = { channelId: meta.channelId, conflictDealId: conflict.id };
        await ack(toSlack({ response_action: "update" as const, view: buildRegisterModal(data) }));
        return;
      }
      await ack();
      if (!reg.created) return; // a retry or double click: the first submission already answered
      deps.outbox?.kick();
      const where = pairing
        ? mrkdwn` The deal card is in ${channelLink((await prisma.pairing.findUniqueOrThrow({ where: { id: pairing.id } })).channelId)}.`
        : "";
      const text = mrkdwn`✅ Registered *${formatDealRef(reg.ref)}* · ${result.value.title} (${result.value.accountName}).${where}${reg.conflictWith !== undefined ? ` Flagged as a conflict with ${formatDealRef(reg.conflictWith)}; admins were told.` : ""}`;
      const channel = meta.channelId && /^[CG]/.test(meta.channelId) ? meta.channelId : undefined;
      await (channel
        ? slackOut(client).postEphemeral({ channel, user: actor.userId, text })
        : slackOut(client).postMessage({ channel: actor.userId, text })
      ).catch((e) => deps.logger.warn("registration confirmation failed", e));
    }),
  );
}

function draftToInitial(d: RegistrationDraft): RegisterModalData["initial"] {
  return {
    accountName: d.accountName,
    accountDomain: d.accountDomain,
    title: d.title,
    amount: d.amount,
    currency: d.currency || undefined,
    expectedCloseDate: d.expectedCloseDate ?? undefined,
    pairingId: d.pairingId ?? undefined,
    coSellModel: d.coSellModel ?? undefined,
    explicitModel: d.explicitModel,
    roles: d.roles,
    relationshipOwnerUserId: d.relationshipOwnerUserId ?? undefined,
    postSaleOwnerOrgId: d.postSaleOwnerOrgId ?? undefined,
    notes: d.notes,
  };
}
