import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/platform/db/client";
import { startTestApp, SIGNING_SECRET } from "../support/app";
import { onPostgres, type TestDatabase } from "../support/db";
import { useTestApp } from "../support/fixtures";
import { commandBody, interactionBody, postSigned, type SlackPost } from "../support/signing";

// Replayed, future-dated and malformed (but correctly signed) requests into the real app.

const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";
const nowSec = () => Math.floor(Date.now() / 1000);

const { t } = useTestApp();

describe("signed requests: the 5-minute window, the replay cache, malformed payloads", () => {
  let seq = 0;

  /** a `/cosell list` command (it answers through its response_url) and where its answers land */
  const listCommand = () => {
    const id = `replay${++seq}`;
    const body = commandBody({ text: "list", user_id: "U_REP", team_id: "T_OURS", channel_id: "C_GENERAL", response_url: t.fake.responseUrl(id) });
    const answers = () => t.fake.responses.filter((r) => r.url === `/response/${id}`).length;
    return { body, answers };
  };
  /** every request so far handled to the end (a refused or dropped one included): its answers are in */
  const settle = () => t.settled();

  describe("the timestamp window, both ways", () => {
    // name, expected status, offset from now (s)
    const cases: [string, number, number][] = [
      ["6 minutes in the future", 401, 6 * 60],
      ["5 min 30 s in the future", 401, 5 * 60 + 30],
      ["6 minutes old", 401, -6 * 60],
      ["a day old", 401, -24 * 3600],
      ["4 minutes in the future (a fast clock)", 200, 4 * 60],
      ["4 minutes old (a slow clock)", 200, -4 * 60],
    ];
    it.each(cases)("%s → %i", async (_name, status, offset) => {
      const { body, answers } = listCommand();
      const res = await postSigned(t.url, SIGNING_SECRET, body, FORM, { timestamp: nowSec() + offset });
      expect(res.status).toBe(status);
      await settle();
      expect(answers()).toBe(status === 200 ? 1 : 0);
    });

    it("refuses a timestamp that is not a number, and a missing signature", async () => {
      const { body } = listCommand();
      const garbled = await fetch(t.url, {
        method: "POST",
        headers: { "content-type": FORM, "x-slack-request-timestamp": "soon", "x-slack-signature": "v0=00" },
        body,
      });
      expect(garbled.status).toBe(401);
      const unsigned = await fetch(t.url, { method: "POST", headers: { "content-type": FORM, "x-slack-request-timestamp": String(nowSec()) }, body });
      expect(unsigned.status).toBe(401);
    });
  });

  describe("the replay cache", () => {
    it("an exact replay of a valid command is refused with 401, and the command runs once", async () => {
      const { body, answers } = listCommand();
      const ts = nowSec();
      const first = await postSigned(t.url, SIGNING_SECRET, body, FORM, { timestamp: ts });
      expect(first.status).toBe(200);
      const again = await postSigned(t.url, SIGNING_SECRET, body, FORM, { timestamp: ts });
      expect(again.status).toBe(401);
      expect(again.text).toBe("");
      await settle();
      expect(answers()).toBe(1);
    });

    it("the same signed request sent 6 times at once: one is served, 5 are refused", async () => {
      const { body, answers } = listCommand();
      const ts = nowSec();
      const all = await Promise.all(Array.from({ length: 6 }, () => postSigned(t.url, SIGNING_SECRET, body, FORM, { timestamp: ts })));
      expect(all.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401, 401]);
      await settle();
      expect(answers()).toBe(1);
    });

    it("the same body with a new timestamp (a new signature) is a new request", async () => {
      const { body, answers } = listCommand();
      const ts = nowSec();
      expect((await postSigned(t.url, SIGNING_SECRET, body, FORM, { timestamp: ts })).status).toBe(200);
      expect((await postSigned(t.url, SIGNING_SECRET, body, FORM, { timestamp: ts - 1 })).status).toBe(200);
      await settle();
      expect(answers()).toBe(2);
    });

    it("an interaction replayed is refused; the seen signature is in the database", async () => {
      const body = interactionBody({
        type: "block_actions",
        team: { id: "T_OURS" },
        user: { id: "U_REP", team_id: "T_OURS" },
        trigger_id: "trig.1",
        actions: [{ action_id: "panel_my_asks", block_id: "b", type: "button", value: "" }],
        response_url: t.fake.responseUrl("replay-action"),
      });
      const ts = nowSec();
      const first = await postSigned(t.url, SIGNING_SECRET, body, FORM, { timestamp: ts });
      expect(first.status).toBe(200);
      expect((await postSigned(t.url, SIGNING_SECRET, body, FORM, { timestamp: ts })).status).toBe(401);
      const rows = await t.db.prisma.slackRequestSeen.findMany({ where: { timestamp: new Date(ts * 1000) } });
      expect(rows.length).toBeGreaterThanOrEqual(1);
      expect(rows.every((r) => r.signature.startsWith("v0="))).toBe(true);
    });

    it("a Slack retry of an event (new signature, same event_id, X-Slack-Retry-Num) is acknowledged and handled once; a replay is refused", async () => {
      const before = t.fake.callsTo("views.publish").length;
      const body = JSON.stringify({
        token: "x",
        team_id: "T_OURS",
        api_app_id: "A_COSELL",
        type: "event_callback",
        event_id: "EvReplay1",
        event_time: 1,
        event: { type: "app_home_opened", user: "U_REP", channel: "D1", tab: "home", event_ts: "1.1" },
      });
      const ts = nowSec();
      expect((await postSigned(t.url, SIGNING_SECRET, body, JSON_TYPE, { timestamp: ts })).status).toBe(200);
      await t.fake.waitFor((c) => c.filter((x) => x.method === "views.publish").length === before + 1);
      // Slack's retries: later timestamps, so new signatures.
      expect((await postSigned(t.url, SIGNING_SECRET, body, JSON_TYPE, { timestamp: ts + 1, retryNum: 1 })).status).toBe(200);
      expect((await postSigned(t.url, SIGNING_SECRET, body, JSON_TYPE, { timestamp: ts + 2, retryNum: 2 })).status).toBe(200);
      // An attacker's copy of the first delivery, with a retry header added: still the same signature.
      expect((await postSigned(t.url, SIGNING_SECRET, body, JSON_TYPE, { timestamp: ts, retryNum: 1 })).status).toBe(401);
      await settle();
      expect(t.fake.callsTo("views.publish").length).toBe(before + 1);
    });

    it("two app instances on one database share the cache: a replay to the second is refused", async () => {
      const secondDb: TestDatabase = onPostgres ? await openDatabase({ databaseUrl: t.db.url!, poolSize: 2 }) : t.db;
      const second = await startTestApp({ db: secondDb });
      try {
        const { body, answers } = listCommand();
        const ts = nowSec();
        expect((await postSigned(t.url, SIGNING_SECRET, body, FORM, { timestamp: ts })).status).toBe(200);
        const replay = await postSigned(second.url, SIGNING_SECRET, body, FORM, { timestamp: ts });
        expect(replay.status).toBe(401);
        // and the other way round
        const other = listCommand();
        expect((await postSigned(second.url, SIGNING_SECRET, other.body, FORM, { timestamp: ts })).status).toBe(200);
        expect((await postSigned(t.url, SIGNING_SECRET, other.body, FORM, { timestamp: ts })).status).toBe(401);
        await settle();
        await second.settled();
        expect(answers()).toBe(1);
      } finally {
        await second.stop();
        if (secondDb !== t.db) await secondDb.close();
      }
    });

    it("prunes signatures whose timestamp is more than 10 minutes old", async () => {
      const old = new Date(Date.now() - 11 * 60_000);
      const recent = new Date(Date.now() - 4 * 60_000);
      await t.db.prisma.slackRequestSeen.createMany({
        data: [
          { signature: "v0=old", timestamp: old, seenAt: old },
          { signature: "v0=recent", timestamp: recent, seenAt: recent },
        ],
      });
      // A fresh instance prunes on its first accepted request (then at most once a minute).
      const second = await startTestApp({ db: t.db });
      try {
        const { body } = listCommand();
        expect((await postSigned(second.url, SIGNING_SECRET, body, FORM)).status).toBe(200);
        await expect.poll(() => t.db.prisma.slackRequestSeen.count({ where: { signature: "v0=old" } })).toBe(0);
        expect(await t.db.prisma.slackRequestSeen.count({ where: { signature: "v0=recent" } })).toBe(1);
        await second.cosell.inflight.idle(30_000);
      } finally {
        await second.stop();
      }
    });
  });

  describe("malformed but correctly signed payloads: a prompt 400 or ack, never a 500 or a hang", () => {
    const payload = (p: unknown) => `payload=${encodeURIComponent(typeof p === "string" ? p : JSON.stringify(p))}`;
    const user = { id: "U_REP", team_id: "T_OURS" };
    const team = { id: "T_OURS" };
    // name, expected status, body, content type
    const cases: [string, number, string, string][] = [
      ["payload=[1,2]", 400, payload("[1,2]"), FORM],
      ["payload=not json", 400, payload("not json"), FORM],
      ["payload=null", 400, payload("null"), FORM],
      ["an unknown type", 200, payload({ type: "no_such_type", team, user }), FORM],
      ["a legacy interactive_message", 200, payload({ type: "interactive_message", team, user, actions: [{ name: "x" }], callback_id: "c" }), FORM],
      ["a payload without a type", 400, payload({ team, user, actions: [{ action_id: "x" }] }), FORM],
      ["a view_submission without a view", 400, payload({ type: "view_submission", team, user }), FORM],
      [
        "a view_submission without state",
        400,
        payload({ type: "view_submission", team, user, view: { id: "V1", callback_id: "register_deal", private_metadata: "{}" } }),
        FORM,
      ],
      ["a view_closed without a view", 400, payload({ type: "view_closed", team, user }), FORM],
      ["a block_actions without actions", 400, payload({ type: "block_actions", team, user }), FORM],
      ["a block_actions with empty actions", 400, payload({ type: "block_actions", team, user, actions: [] }), FORM],
      ["a block_actions with actions that are not objects", 400, payload({ type: "block_actions", team, user, actions: [1, 2] }), FORM],
      ["a block_actions without a user", 400, payload({ type: "block_actions", team, actions: [{ action_id: "panel_my_asks", type: "button" }] }), FORM],
      ["a shortcut without a callback_id", 400, payload({ type: "shortcut", team, user }), FORM],
      ["an empty form body", 400, "", FORM],
      ["a form body that is neither a command nor a payload", 400, "foo=bar", FORM],
      ["a command without a user", 400, "command=%2Fcosell&text=help&team_id=T_OURS", FORM],
      ["an empty JSON body", 400, "", JSON_TYPE],
      ["a JSON body that is an array", 400, "[1,2]", JSON_TYPE],
      ["a JSON body that is null", 400, "null", JSON_TYPE],
      ["a JSON body that is a string", 400, '"hello"', JSON_TYPE],
      ["a JSON body that is not JSON", 400, "{nope", JSON_TYPE],
      ["an event_callback without an event", 400, JSON.stringify({ type: "event_callback", team_id: "T_OURS", event_id: "EvBad1" }), JSON_TYPE],
      [
        "an event that is a string",
        400,
        JSON.stringify({ type: "event_callback", team_id: "T_OURS", event_id: "EvBad2", event: "app_home_opened" }),
        JSON_TYPE,
      ],
      [
        "an event whose channel is null",
        400,
        JSON.stringify({ type: "event_callback", team_id: "T_OURS", event_id: "EvBad3", event: { type: "app_home_opened", user: "U_REP", channel: null } }),
        JSON_TYPE,
      ],
      ["app_rate_limited", 200, JSON.stringify({ type: "app_rate_limited", team_id: "T_OURS", minute_rate_limited: 1 }), JSON_TYPE],
    ];
    it.each(cases.map((c, i) => [...c, i] as const))("%s → %i", async (_name, status, body, contentType, i) => {
      const started = Date.now();
      // Each case its own timestamp: two cases with the same body (the empty ones) signed in the
      // same second would be one request, and the second a replay.
      const res: SlackPost = await postSigned(t.url, SIGNING_SECRET, body, contentType, { timestamp: nowSec() - i });
      const ms = Date.now() - started;
      expect(res.status).toBe(status);
      expect(ms).toBeLessThan(1000); // Bolt's ack timeout is 3 s
    });

    it("the app still serves after all of them", async () => {
      const res = await t.command("help", { user: "U_REP" });
      expect(res.status).toBe(200);
      expect(res.text).toContain("/cosell help");
      const health = await fetch(t.url.replace("/slack/events", "/healthz"));
      expect(health.status).toBe(200);
    });

    it("Slack's unsigned SSL check is still answered, with nothing else from its body", async () => {
      const before = t.fake.responses.length;
      const res = await fetch(t.url, {
        method: "POST",
        headers: { "content-type": FORM },
        body: `ssl_check=1&token=x&command=%2Fcosell&text=list&user_id=U_REP&team_id=T_OURS&response_url=${encodeURIComponent(t.fake.responseUrl("ssl"))}`,
      });
      expect(res.status).toBe(200);
      await settle();
      expect(t.fake.responses.length).toBe(before);
    });
  });
});
