import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkSlackPayload, REQUEST_WINDOW_SECONDS, verifySlackSignature } from "../../../src/platform/slack/request-guard";

const SECRET = "unit-secret";
const sig = (ts: number | string, body: string, secret = SECRET) => `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`;
const NOW_MS = 1_800_000_000_000;
const NOW = NOW_MS / 1000;

describe("verifySlackSignature", () => {
  const check = (ts: number | string, signature: string | undefined, body = "a=1") =>
    verifySlackSignature(SECRET, { signature, timestamp: String(ts) }, body, NOW_MS);

  it("accepts a correct signature within 5 minutes either way, boundaries included", () => {
    for (const offset of [0, REQUEST_WINDOW_SECONDS, -REQUEST_WINDOW_SECONDS, 10, -10]) {
      expect(check(NOW + offset, sig(NOW + offset, "a=1"))).toMatchObject({ ok: true, timestampSec: NOW + offset, signature: sig(NOW + offset, "a=1") });
    }
  });

  it("refuses a timestamp more than 5 minutes in the future or in the past, even correctly signed", () => {
    const future = check(NOW + REQUEST_WINDOW_SECONDS + 1, sig(NOW + REQUEST_WINDOW_SECONDS + 1, "a=1"));
    expect(future).toEqual({ ok: false, reason: expect.stringMatching(/301 s in the future/) });
    const past = check(NOW - REQUEST_WINDOW_SECONDS - 1, sig(NOW - REQUEST_WINDOW_SECONDS - 1, "a=1"));
    expect(past).toEqual({ ok: false, reason: expect.stringMatching(/301 s old/) });
  });

  it("refuses a wrong secret, another body, another timestamp, upper-case hex and malformed headers", () => {
    expect(check(NOW, sig(NOW, "a=1", "other"))).toMatchObject({ ok: false, reason: "signature mismatch" });
    expect(check(NOW, sig(NOW, "a=2"))).toMatchObject({ ok: false, reason: "signature mismatch" });
    expect(check(NOW, sig(NOW - 1, "a=1"))).toMatchObject({ ok: false, reason: "signature mismatch" });
    expect(check(NOW, `v0=${sig(NOW, "a=1").slice(3).toUpperCase()}`)).toMatchObject({ ok: false });
    expect(check(NOW, sig(NOW, "a=1").slice(0, -2))).toMatchObject({ ok: false, reason: "signature mismatch" });
    expect(check(NOW, sig(NOW, "a=1").replace("v0=", "v1="))).toMatchObject({ ok: false });
    expect(check(NOW, undefined)).toMatchObject({ ok: false });
    expect(check(`${NOW}.5`, sig(`${NOW}.5`, "a=1"))).toMatchObject({ ok: false });
    expect(check("", sig("", "a=1"))).toMatchObject({ ok: false });
    expect(verifySlackSignature(SECRET, { signature: [sig(NOW, "a=1")], timestamp: String(NOW) }, "a=1", NOW_MS)).toMatchObject({ ok: false });
  });
});

describe("checkSlackPayload", () => {
  const user = { id: "U1", team_id: "T1" };
  it("passes what Slack sends", () => {
    for (const body of [
      { command: "/cosell", user_id: "U1", team_id: "T1", text: "" },
      { type: "url_verification", challenge: "c" },
      { type: "event_callback", event: { type: "app_home_opened", user: "U1", channel: "D1" } },
      { type: "block_actions", user, actions: [{ action_id: "a" }] },
      { type: "block_suggestion", user, action_id: "a", value: "x" },
      { type: "shortcut", user, callback_id: "c" },
      { type: "message_action", user, callback_id: "c" },
      { type: "view_submission", user, view: { id: "V1", callback_id: "c", state: { values: {} } } },
      { type: "view_closed", user, view: { id: "V1", callback_id: "" } },
    ]) {
      expect(checkSlackPayload(body)).toEqual({ ok: true });
    }
  });

  it("refuses what Bolt could not route with 400, and acknowledges types the app does not handle", () => {
    for (const body of [
      null,
      [1, 2],
      "x",
      3,
      {},
      { type: 5 },
      { command: "/cosell" },
      { type: "event_callback" },
      { type: "event_callback", event: { type: "x", item: "y" } },
      { type: "block_actions", user },
      { type: "block_actions", actions: [{ action_id: "a" }] },
      { type: "view_submission", user },
      { type: "view_submission", user, view: { id: "V1", callback_id: "c" } },
    ]) {
      expect(checkSlackPayload(body)).toMatchObject({ ok: false, status: 400 });
    }
    expect(checkSlackPayload({ type: "interactive_message", user })).toMatchObject({ ok: false, status: 200 });
    expect(checkSlackPayload({ type: "app_rate_limited" })).toMatchObject({ ok: false, status: 200 });
  });
});
