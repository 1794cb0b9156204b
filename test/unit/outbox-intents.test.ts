import { describe, expect, it } from "vitest";
import { outboxRenderers } from "../../src/outbox-renderers";
import { outboxIntentSchema, parseOutboxRow, storedIntent, type OutboxIntent } from "../../src/platform/outbox/intents";
import { mention, mrkdwn, SlackText, toSlack } from "../../src/platform/slack/mrkdwn";

// Outbox rows are intents: a kind (the row's method) and its payload, parsed with one zod
// schema when they are delivered. Rows that do not parse must be refused, not sent.

const HOSTILE = "<!channel> & <@U123>";
const ID = "0b9f3c1e-8a4d-4c2f-9e5b-1a2b3c4d5e6f";

const valid: OutboxIntent[] = [
  {
    kind: "message",
    channel: "C_ACME",
    text: mrkdwn`digest for ${HOSTILE}`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: "Weekly digest" } },
      { type: "section", text: { type: "mrkdwn", text: mrkdwn`*${HOSTILE}*` } },
      { type: "context", elements: [{ type: "mrkdwn", text: mention("U_REP") }] },
      { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open" }, action_id: "open", value: "x" }] },
    ],
    unfurl_links: false,
    unfurl_media: false,
  },
  { kind: "message", threadOfDealId: ID, text: mrkdwn`a note`, reply_broadcast: true },
  { kind: "deal.card", dealId: ID },
  { kind: "attribution.receipt", recordId: ID, threadOfDealId: ID },
  { kind: "ask.alert", askId: ID, level: 1 },
  { kind: "ask.alert", askId: ID, level: 2 },
  { kind: "ask.escalationDm", askId: ID },
  { kind: "ask.alertBatch", channel: "C_ACME", askIds: [ID, ID], levels: [1, 2], total: 40 },
  { kind: "ask.escalationDmBatch", userId: "U_OWNER", askIds: [ID, ID], total: 2 },
  { kind: "ask.requested", askId: ID },
  { kind: "ask.done", askId: ID, by: "U_ACME" },
  { kind: "stage.changed", dealId: ID, from: "REGISTERED", to: "DISCOVERY", by: "U_REP", reopen: false, gapOverride: [] },
  { kind: "stage.changed", dealId: ID, from: "CLOSED_LOST", to: "NEGOTIATION", by: "U_ADMIN", reopen: true, gapOverride: ["relationship owner"] },
  { kind: "registration.conflict", dealId: ID, conflictWithDealId: ID, admin: "U_ADMIN" },
  { kind: "dispute.adminDm", disputeId: ID, admin: "U_ADMIN" },
  { kind: "dispute.opened", disputeId: ID },
  { kind: "dispute.answered", disputeId: ID },
  {
    kind: "intro.requested",
    channel: "C_ACME",
    requestedBy: "U_REP",
    partnerName: HOSTILE,
    accountName: HOSTILE,
    accountDomain: "space1.com",
    dealRef: null,
    contactUserId: null,
  },
  {
    kind: "intro.requested",
    channel: "C_ACME",
    requestedBy: "U_REP",
    partnerName: "Acme",
    accountName: "Space One",
    accountDomain: "space1.com",
    dealRef: 12,
    contactUserId: "U_ACME",
  },
  { kind: "map.new-overlaps", alertId: ID },
  {
    kind: "intros.picked",
    channel: "C_ACME",
    pickedBy: "U_REP",
    partnerPicker: null,
    partnerName: HOSTILE,
    names: true,
    accounts: [{ name: HOSTILE, domain: "space1.com", dealRef: 12, askedUserId: "U_ACME" }],
  },
  { kind: "checkin.prompt", roundId: ID, userId: "U_REP" },
  { kind: "checkin.prompt", roundId: ID, userId: null },
  { kind: "checkin.reminder", roundId: ID, userId: null },
  { kind: "qbr.posted", partnerOrgId: ID, quarter: "2026-Q4", version: "partner", channel: "C_ACME" },
  { kind: "crm.attributionNote", recordId: ID, provider: "hubspot", objectId: "20471358911" },
  { kind: "crm.gapOverride", dealId: ID, to: "PROPOSAL", gaps: ["Lead for Discovery"] },
  { kind: "crm.adminNotice", admin: "U_ADMIN", provider: "hubspot", event: "unmapped-stage", objectId: "20471358911", dealId: ID, stageId: "1029384" },
];

describe("outbox intents", () => {
  it.each(valid.map((i) => [i.kind, i] as const))("%s: stored as method + JSON payload, parsed back to the same intent", (_kind, intent) => {
    const row = storedIntent(intent);
    expect(row.method).toBe(intent.kind);
    expect(row.payload).not.toHaveProperty("kind");
    // What the database keeps is plain JSON: SlackText as its markup.
    expect(JSON.parse(JSON.stringify(row.payload))).toEqual(row.payload);
    const parsed = parseOutboxRow(row.method, row.payload);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(toSlack(parsed.intent)).toEqual(toSlack(intent));
  });

  it("a stored message's text and mrkdwn fields are SlackText again (escaped once, never twice); plain_text stays a string", () => {
    const row = storedIntent(valid[0]!);
    expect(row.payload.text).toBe("digest for &lt;!channel&gt; &amp; &lt;@U123&gt;");
    const parsed = parseOutboxRow(row.method, row.payload);
    if (!parsed.ok || parsed.intent.kind !== "message") throw new Error("not a message");
    expect(parsed.intent.text).toBeInstanceOf(SlackText);
    expect(String(parsed.intent.text)).toBe("digest for &lt;!channel&gt; &amp; &lt;@U123&gt;");
    const blocks = parsed.intent.blocks as unknown as { text?: { text: unknown }; elements?: { text: unknown }[] }[];
    expect(blocks[0]!.text!.text).toBe("Weekly digest");
    expect(blocks[1]!.text!.text).toBeInstanceOf(SlackText);
    expect(String(blocks[1]!.text!.text)).toBe("*&lt;!channel&gt; &amp; &lt;@U123&gt;*");
    expect(blocks[2]!.elements![0]!.text).toBeInstanceOf(SlackText);
    expect((blocks[3]!.elements![0]!.text as { text: unknown }).text).toBe("Open");
  });

  it("rows queued before intents (chat.postMessage with a rendered post) are read as `message`", () => {
    const parsed = parseOutboxRow("chat.postMessage", { channel: "C_ACME", text: "hello &lt;b&gt;", unfurl_links: false });
    expect(parsed.ok && parsed.intent.kind).toBe("message");
  });

  it.each([
    ["an unknown kind", "deal.explode", { dealId: ID }, /kind/],
    ["a method no intent has (chat.update)", "chat.update", { channel: "C1", ts: "1.2", text: "x" }, /kind/],
    ["a missing field", "stage.changed", { dealId: ID, from: "REGISTERED", to: "DISCOVERY", by: "U_REP", reopen: false }, /gapOverride/],
    ["an unknown stage", "stage.changed", { dealId: ID, from: "REGISTERED", to: "WON", by: "U_REP", reopen: false, gapOverride: [] }, /to/],
    ["an ask alert level 3", "ask.alert", { askId: ID, level: 3 }, /level/],
    ["a wrong type", "deal.card", { dealId: 42 }, /dealId/],
    ["an empty id", "dispute.opened", { disputeId: "" }, /disputeId/],
    ["a message with nowhere to go", "message", { text: "x" }, /channel or threadOfDealId/],
    ["a message without text", "message", { channel: "C1" }, /text/],
    ["a message whose text is not markup", "message", { channel: "C1", text: { evil: true } }, /text/],
    ["blocks that are not objects", "message", { channel: "C1", text: "x", blocks: ["<!channel>"] }, /blocks/],
    [
      "an intro without its account",
      "intro.requested",
      { channel: "C1", requestedBy: "U_REP", partnerName: "Acme", dealRef: null, contactUserId: null },
      /account/,
    ],
    ["a QBR of no quarter", "qbr.posted", { partnerOrgId: ID, quarter: "Q4", version: "partner", channel: "C1" }, /quarter/],
    ["a CRM override with no gaps", "crm.gapOverride", { dealId: ID, to: "PROPOSAL", gaps: [] }, /gaps/],
    [
      "more than ten picks",
      "intros.picked",
      {
        channel: "C1",
        pickedBy: "U",
        partnerPicker: null,
        partnerName: "A",
        names: true,
        accounts: Array.from({ length: 11 }, () => ({ name: "n", domain: "d.com", dealRef: null, askedUserId: null })),
      },
      /accounts/,
    ],
    ["no payload", "deal.card", null, /dealId/],
    ["an array payload", "deal.card", [ID], /dealId/],
  ])("refuses %s", (_what, method, payload, error) => {
    const parsed = parseOutboxRow(method, payload);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });

  it("queueing an intent that would not parse back fails in the transaction, not at delivery", () => {
    expect(() => storedIntent({ kind: "ask.alert", askId: ID, level: 7 })).toThrow(/invalid ask.alert intent/);
    expect(() => storedIntent({ kind: "message", text: mrkdwn`lost` })).toThrow(/channel or threadOfDealId/);
  });

  it("every kind but `message` has exactly one renderer in the registry", () => {
    const kinds = outboxIntentSchema.options.map((o) => o.shape.kind.value);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(Object.keys(outboxRenderers).sort()).toEqual(kinds.filter((k) => k !== "message").sort());
  });
});
