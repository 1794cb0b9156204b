import { WebClient } from "@slack/web-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeSlack } from "../../dev/playground/fake-slack";

// The playground's Slack keeps a workspace: what the app's Web API calls and response_url posts
// do to messages, modals and files, as Slack does it.

describe("the playground's Slack workspace", () => {
  let fake: FakeSlack;
  let client: WebClient;
  beforeEach(async () => {
    fake = await new FakeSlack({ strict: true }).start();
    client = new WebClient("xoxb-test", { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  });
  afterEach(() => fake.stop());

  it("posts to a user ID into the DM with the app, threads replies, updates in place", async () => {
    const dm = await client.chat.postMessage({ channel: "U1", text: "hello" });
    expect(dm.channel).toBe("D_U1");
    const reply = await client.chat.postMessage({ channel: "C1", text: "parent" });
    await client.chat.postMessage({ channel: "C1", text: "in thread", thread_ts: reply.ts! });
    await client.chat.update({ channel: "C1", ts: reply.ts!, text: "parent, edited", blocks: [{ type: "divider" }] });
    const c1 = fake.messages.filter((m) => m.channel === "C1");
    expect(c1.map((m) => [m.text, m.thread_ts ?? null, m.edited ?? false])).toEqual([
      ["parent, edited", null, true],
      ["in thread", reply.ts, false],
    ]);
    await expect(client.chat.update({ channel: "C1", ts: "1.000001", text: "x" })).rejects.toThrow(/message_not_found/);
  });

  it("response_url: ephemeral for the person by default, in_channel for everyone, replace_original on the clicked message, 5 posts at most", async () => {
    const msg = fake.post({ channel: "C1", text: "Move anyway?", bot_id: "B", ephemeralFor: "U1" });
    const url = fake.issueResponseUrl({ userId: "U1", channel: "C1", messageTs: msg.ts, ephemeral: true });
    const post = (body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    await post({ text: "only you" });
    await post({ text: "everyone", response_type: "in_channel" });
    await post({ text: "Moved.", replace_original: true });
    expect(fake.messages.map((m) => [m.text, m.ephemeralFor ?? null])).toEqual([
      ["Moved.", "U1"],
      ["only you", "U1"],
      ["everyone", null],
    ]);
    await post({ delete_original: true });
    expect(fake.messages.map((m) => m.text)).toEqual(["only you", "everyone"]);
    await post({ text: "fifth" });
    expect((await post({ text: "sixth" })).status).toBe(404);
  });

  it("modals: a trigger opens one for its person within 3 s, push stacks, update checks the hash", async () => {
    const trigger = fake.issueTrigger("U1");
    const opened = await client.views.open({ trigger_id: trigger, view: { type: "modal", title: { type: "plain_text", text: "One" }, blocks: [] } });
    expect(fake.topModal("U1")?.id).toBe(opened.view!.id);
    await expect(client.views.open({ trigger_id: trigger, view: { type: "modal", title: { type: "plain_text", text: "Again" }, blocks: [] } })).rejects.toThrow(
      /invalid_trigger_id/,
    );
    await client.views.push({ trigger_id: fake.issueTrigger("U1"), view: { type: "modal", title: { type: "plain_text", text: "Two" }, blocks: [] } });
    expect(fake.modalStacks.get("U1")).toHaveLength(2);
    const top = fake.topModal("U1")!;
    await expect(
      client.views.update({ view_id: top.id, hash: "stale", view: { type: "modal", title: { type: "plain_text", text: "Two'" }, blocks: [] } }),
    ).rejects.toThrow(/hash_conflict/);
    await client.views.update({ view_id: top.id, hash: top.hash, view: { type: "modal", title: { type: "plain_text", text: "Two'" }, blocks: [] } });
    expect((fake.topModal("U1")!.view.title as { text: string }).text).toBe("Two'");
    fake.closeModal("U1");
    expect(fake.topModal("U1")?.id).toBe(opened.view!.id);

    const late = fake.issueTrigger("U1");
    fake.triggers.get(late)!.expiresAt = Date.now() - 1;
    await expect(client.views.open({ trigger_id: late, view: { type: "modal", title: { type: "plain_text", text: "Late" }, blocks: [] } })).rejects.toThrow(
      /expired_trigger_id/,
    );
  });

  it("files.uploadV2: the file's bytes arrive (multipart) and it is shared into the channel with the comment", async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 0, 255]);
    await client.files.uploadV2({ channel_id: "C1", file: png, filename: "chart.png", title: "The chart", initial_comment: "Weekly chart" });
    const msg = fake.messages.find((m) => m.channel === "C1")!;
    expect(msg.text).toBe("Weekly chart");
    expect(msg.files?.map((f) => [f.title, f.mimetype])).toEqual([["The chart", "image/png"]]);
    expect(fake.files.get(msg.files![0]!.id)!.bytes).toEqual(png);

    await client.files.uploadV2({ channel_id: "C1", content: "a,b\r\n1,2\r\n", filename: "x.csv" });
    const csv = [...fake.files.values()].find((f) => f.name === "x.csv")!;
    expect(csv.bytes!.toString()).toBe("a,b\r\n1,2\r\n");
  });
  it("message metadata: stored with a post, returned by history and replies with include_all_metadata; oldest, limit and cursor", async () => {
    const metadata = { event_type: "cosell_outbox", event_payload: { id: "row-1" } };
    const parent = await client.chat.postMessage({ channel: "C1", text: "card", metadata });
    expect(parent.message?.metadata).toEqual(metadata);
    await client.chat.postMessage({
      channel: "C1",
      text: "reply",
      thread_ts: parent.ts!,
      metadata: { event_type: "cosell_outbox", event_payload: { id: "row-2" } },
    });
    for (let i = 0; i < 3; i++) await client.chat.postMessage({ channel: "C1", text: `later ${i}` });
    expect(fake.messages.find((m) => m.text === "card")!.metadata).toEqual(metadata);

    const plain = await client.conversations.history({ channel: "C1" });
    expect(plain.messages!.map((m) => m.text)).toEqual(["later 2", "later 1", "later 0", "card"]); // newest first, no replies
    expect(plain.messages!.some((m) => m.metadata)).toBe(false);
    const withMeta = await client.conversations.history({ channel: "C1", include_all_metadata: true });
    expect(withMeta.messages!.find((m) => m.text === "card")!.metadata).toEqual(metadata);
    // oldest is exclusive; pages of `limit` with a cursor
    expect((await client.conversations.history({ channel: "C1", oldest: parent.ts! })).messages!.map((m) => m.text)).toEqual(["later 2", "later 1", "later 0"]);
    const first = await client.conversations.history({ channel: "C1", limit: 2 });
    expect(first.messages!.map((m) => m.text)).toEqual(["later 2", "later 1"]);
    expect(first.has_more).toBe(true);
    const second = await client.conversations.history({ channel: "C1", limit: 2, cursor: first.response_metadata!.next_cursor! });
    expect(second.messages!.map((m) => m.text)).toEqual(["later 0", "card"]);
    expect(second.has_more).toBe(false);
    const replies = await client.conversations.replies({ channel: "C1", ts: parent.ts!, include_all_metadata: true });
    expect(replies.messages!.map((m) => [m.text, (m.metadata?.event_payload as { id?: string } | undefined)?.id])).toEqual([
      ["card", "row-1"],
      ["reply", "row-2"],
    ]);
  });

  it("a lost answer: the post goes through, the client times out, the call is recorded as accepted", async () => {
    const impatient = new WebClient("xoxb-test", { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, timeout: 200 });
    fake.failNext("chat.postMessage", { kind: "lost_answer", ms: 5_000 });
    const started = Date.now();
    await expect(impatient.chat.postMessage({ channel: "C1", text: "held" })).rejects.toMatchObject({ code: "slack_webapi_request_error" });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(fake.messages.map((m) => m.text)).toEqual(["held"]);
    expect(fake.callsTo("chat.postMessage")[0]).toMatchObject({ answerLost: true });
    expect(fake.delivered("chat.postMessage")).toHaveLength(1);
    // The next call is answered as usual.
    expect((await impatient.chat.postMessage({ channel: "C1", text: "next" })).ok).toBe(true);
  });
});
