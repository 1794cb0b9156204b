import { z } from "zod";
import { STAGES } from "../../kernel/stages";
import { trustedMrkdwn, type SafeBlock, type SlackText } from "../slack/mrkdwn";

// Outbox intents: what a use case wants said in Slack, as plain data. A use case queues an
// intent in the transaction of the change it announces (enqueue.ts); the outbox renders it at
// delivery (deliver.ts, with the renderer its kind has in the registry: src/outbox-renderers.ts)
// and only then knows its text, blocks and channel. So no use case imports a Slack renderer,
// and a message says what is true when it is sent (an ask answered before its alert goes out is
// not announced as overdue).
//
// Stored as an OutboxMessage row: `method` holds the kind, `payload` the rest as JSON. Rows are
// parsed with this schema when they are delivered; one that does not parse is logged and DEAD.
// Kinds keep the names rows already had ("deal.card", "ask.alert", …), so rows queued before a
// deploy, the SLA sweep's set-based inserts and queries by `method` keep working.
//
// One kind, `message`, carries a message rendered when it was queued — digests, sweep alerts,
// reminders: jobs that render in bulk. Its text and blocks are SlackText (escaped user input)
// when queued and their markup once stored; parsing turns the markup back into SlackText.

const id = z.string().min(1);
/** the asks a batched alert row names (it counts the rest) */
export const ASK_BATCH_IDS_MAX = 100;

/** What a `registration.notice` tells its person. */
const REGISTRATION_NOTICES = [
  "approved",
  "rejected",
  "returned",
  "kept-first",
  "approved-exception",
  "protection-moved",
  "expiry-warning",
  "extension-granted",
  "extension-declined",
  "expired",
  "review-reminder",
] as const;
export type RegistrationNotice = (typeof REGISTRATION_NOTICES)[number];
/** a Slack user id (a DM is addressed by it) */
const userId = z.string().min(1);
const stage = z.enum(STAGES);

/** Markup that was a SlackText when it was queued: it is SlackText again when read back. */
const storedText = z.string().transform((markup): SlackText => trustedMrkdwn(markup));
const storedBlocks = z.array(z.record(z.string(), z.unknown())).transform((blocks) => reviveSafe(blocks) as SafeBlock[]);

/** A message rendered when it was queued; `threadOfDealId` replies in the deal card's thread (once the card is posted). */
const messageIntent = z
  .object({
    kind: z.literal("message"),
    channel: z.string().min(1).optional(),
    threadOfDealId: id.optional(),
    thread_ts: z.string().min(1).optional(),
    text: storedText,
    blocks: storedBlocks.optional(),
    unfurl_links: z.boolean().optional(),
    unfurl_media: z.boolean().optional(),
    reply_broadcast: z.boolean().optional(),
  })
  .refine((m) => m.channel !== undefined || m.threadOfDealId !== undefined, { message: "a message needs a channel or threadOfDealId" });

export const outboxIntentSchema = z.discriminatedUnion("kind", [
  messageIntent,
  /** Post the deal card (only the `card-post:` row creates it) or update it in place. */
  z.object({ kind: z.literal("deal.card"), dealId: id }),
  /** An attribution record's partner-safe receipt, in the deal's thread. */
  z.object({ kind: z.literal("attribution.receipt"), recordId: id, threadOfDealId: id }),
  /** An open ask past its due time (level 1) or escalated (level 2), in the pairing channel. */
  z.object({ kind: z.literal("ask.alert"), askId: id, level: z.number().int().min(1).max(2) }),
  /** An escalated ask, by DM to the deal's relationship owner. */
  z.object({ kind: z.literal("ask.escalationDm"), askId: id }),
  /** Several asks of one pairing channel that fell due in one sweep: one message listing them (the first ASK_BATCH_IDS_MAX). */
  z.object({
    kind: z.literal("ask.alertBatch"),
    channel: z.string().min(1),
    askIds: z.array(id).min(1).max(ASK_BATCH_IDS_MAX),
    /** the level each listed ask was raised to by this sweep (the ask may have moved on since) */
    levels: z.array(z.number().int().min(1).max(2)).max(ASK_BATCH_IDS_MAX).optional(),
    total: z.number().int().min(1),
  }),
  /** Several escalations to one relationship owner in one sweep: one DM. */
  z.object({ kind: z.literal("ask.escalationDmBatch"), userId, askIds: z.array(id).min(1).max(ASK_BATCH_IDS_MAX), total: z.number().int().min(1) }),
  /** A new ask, by DM to its owner (with the Done button). */
  z.object({ kind: z.literal("ask.requested"), askId: id }),
  /** An ask marked done by someone else than who asked: a DM to who asked. */
  z.object({ kind: z.literal("ask.done"), askId: id, by: userId }),
  /** A deal moved from one stage to another, in the pairing channel. */
  z.object({
    kind: z.literal("stage.changed"),
    dealId: id,
    from: stage,
    to: stage,
    by: userId,
    reopen: z.boolean(),
    /** the role-clarity gaps the person moved on without */
    gapOverride: z.array(z.string()),
    /** the change came from the CRM ("from HubSpot"), not from Slack */
    source: z.enum(["hubspot"]).optional(),
  }),
  /** A CRM moved a deal on past role-clarity gaps: the override, in the card's thread, for the quarterback. */
  z.object({ kind: z.literal("crm.gapOverride"), dealId: id, to: stage, gaps: z.array(z.string()).min(1) }),
  /** Something in the CRM an admin must act on, by DM (internal: CRM ids may be named). */
  z.object({
    kind: z.literal("crm.adminNotice"),
    admin: userId,
    provider: z.enum(["hubspot"]),
    event: z.enum(["unmapped-stage", "record-deleted"]),
    objectId: id,
    dealId: id.optional(),
    stageId: z.string().optional(),
  }),
  /** A won deal's attribution written back to its CRM record: one timeline note (found again, never doubled, on a retry). */
  z.object({ kind: z.literal("crm.attributionNote"), recordId: id, provider: z.enum(["hubspot"]), objectId: id }),
  /** A deal registered on an account where another open deal has other partners: a DM to one admin. */
  z.object({ kind: z.literal("registration.conflict"), dealId: id, conflictWithDealId: id, admin: userId }),
  /** A registration waiting for review: a DM to one admin, with the deal, any conflict and the buttons. */
  z.object({ kind: z.literal("registration.review"), dealId: id, admin: userId }),
  /** A decided registration: that admin's review DM updated in place ("Approved by @ada"). */
  z.object({ kind: z.literal("registration.reviewUpdate"), dealId: id, admin: userId }),
  /** A lifecycle event told to one person by DM (decided, returned, expiring, extended, expired, review reminder). */
  z.object({ kind: z.literal("registration.notice"), dealId: id, to: userId, event: z.enum(REGISTRATION_NOTICES) }),
  /** A registration's protection ended: once, in the pairing channel. */
  z.object({ kind: z.literal("registration.expired"), dealId: id }),
  /** A registrant asks for more protection: a DM to one admin with Grant / Decline. */
  z.object({ kind: z.literal("registration.extensionRequest"), dealId: id, admin: userId }),
  /** A dispute opened: a DM to one admin, with its reason and Resolve / Reject. */
  z.object({ kind: z.literal("dispute.adminDm"), disputeId: id, admin: userId }),
  /** A dispute opened: a reason-free note in the deal's thread. */
  z.object({ kind: z.literal("dispute.opened"), disputeId: id }),
  /** A dispute resolved or rejected: the admin's note in the deal's thread. */
  z.object({ kind: z.literal("dispute.answered"), disputeId: id }),
  /** A quarter closed (co-sell bonuses, tier proposals with Confirm / Keep): a DM to one admin. */
  z.object({ kind: z.literal("quarter.closed"), quarter: z.string().regex(/^\d{4}-Q[1-4]$/), admin: userId }),
  /**
   * A warm-intro request posted in a pairing channel. It names what the person saw on the map
   * (the lists may be re-imported before it is delivered).
   */
  z.object({
    kind: z.literal("intro.requested"),
    channel: z.string().min(1),
    requestedBy: userId,
    partnerName: z.string(),
    accountName: z.string(),
    accountDomain: z.string(),
    /** the open deal with this partner on the account, if any */
    dealRef: z.number().int().nullable(),
    /** the partner's person asked to help, if one is known */
    contactUserId: userId.nullable(),
  }),
  /**
   * A weekly check-in's prompt: a DM to one of our people (`userId`), or the one message in the
   * pairing channel naming the partners' people asked (`userId: null`). Rendered at delivery.
   */
  z.object({ kind: z.literal("checkin.prompt"), roundId: id, userId: userId.nullable() }),
  /** The check-in's one reminder, to those who haven't answered (skipped when they have by then). */
  z.object({ kind: z.literal("checkin.reminder"), roundId: id, userId: userId.nullable() }),
  /**
   * A partner's quarterly review (QBR), rendered at delivery: the internal version to an admin
   * (DM) or the internal manager channel, the partner-safe one to a pairing channel.
   */
  z.object({
    kind: z.literal("qbr.posted"),
    partnerOrgId: id,
    quarter: z.string().regex(/^\d{4}-Q[1-4]$/),
    version: z.enum(["internal", "partner"]),
    channel: z.string().min(1),
  }),
  /** Overlaps an account-list import added, in one pairing channel (counts; Pick 5 to pursue). */
  z.object({ kind: z.literal("map.new-overlaps"), alertId: id }),
  /**
   * Accounts picked to pursue from a new-overlap alert, in the pairing channel: those that
   * became asks (named with their ask) and the rest. Names are left out when the channel holds
   * other partners (`names: false`).
   */
  z.object({
    kind: z.literal("intros.picked"),
    channel: z.string().min(1),
    pickedBy: userId,
    /** the picker's organization when it is the partner (they ask us), else null */
    partnerPicker: z.string().nullable(),
    partnerName: z.string(),
    names: z.boolean(),
    accounts: z
      .array(
        z.object({
          name: z.string(),
          domain: z.string(),
          dealRef: z.number().int().nullable(),
          /** the partner's person it was asked of, as an ask on dealRef */
          askedUserId: userId.nullable(),
        }),
      )
      .max(10),
  }),
]);

/** An intent as a use case queues it and a renderer receives it (Slack text as SlackText). */
export type OutboxIntent = z.infer<typeof outboxIntentSchema>;
export type OutboxIntentKind = OutboxIntent["kind"];
export type IntentOf<K extends OutboxIntentKind> = Extract<OutboxIntent, { kind: K }>;

const INTENT_KINDS: ReadonlySet<string> = new Set(outboxIntentSchema.options.map((o) => o.shape.kind.value));

/** Methods rows had before intents, read as the kind that replaced them. */
const LEGACY_KINDS: Readonly<Record<string, OutboxIntentKind>> = { "chat.postMessage": "message" };

/** An OutboxMessage row's method and payload as an intent, or why they are not one. */
export function parseOutboxRow(method: string, payload: unknown): { ok: true; intent: OutboxIntent } | { ok: false; error: string } {
  const fields = payload !== null && typeof payload === "object" && !Array.isArray(payload) ? payload : {};
  const kind = LEGACY_KINDS[method] ?? method;
  // An unknown kind says so in a few words (the schema would list every kind there is).
  if (!INTENT_KINDS.has(kind)) return { ok: false, error: `unknown kind "${kind.slice(0, 60)}": no intent has it` };
  const parsed = outboxIntentSchema.safeParse({ ...fields, kind });
  if (parsed.success) return { ok: true, intent: parsed.data };
  return { ok: false, error: z.prettifyError(parsed.error).replace(/\s+/g, " ") };
}

/**
 * An intent as it is stored: `method` (the kind) and `payload` (the rest, SlackText as its
 * markup). Throws when the intent would not parse back (a bug, caught in the transaction that
 * queues it rather than at delivery).
 */
export function storedIntent(intent: OutboxIntent): { method: OutboxIntentKind; payload: Record<string, unknown> } {
  const { kind, ...rest } = intent;
  const payload = JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
  const check = parseOutboxRow(kind, payload);
  if (!check.ok) throw new Error(`outbox: invalid ${kind} intent: ${check.error}`);
  return { method: kind, payload };
}

/**
 * Stored Block Kit back as Safe Block Kit: every `text` string Slack parses as markup (all but
 * plain_text objects) becomes SlackText again — the inverse of `toSlack` on Safe<KnownBlock>.
 */
function reviveSafe(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reviveSafe);
  if (value === null || typeof value !== "object") return value;
  const o = value as Record<string, unknown>;
  const plain = o.type === "plain_text";
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, k === "text" && typeof v === "string" && !plain ? trustedMrkdwn(v) : reviveSafe(v)]));
}
