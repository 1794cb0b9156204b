import { describe, expect } from "vitest";
import { SIGNING_SECRET } from "../support/app";
import { appTest } from "../support/fixtures";
import { commandBody, postSigned } from "../support/signing";

// The tests take the file's app from their context (the `app` fixture).
const it = appTest();

describe("signed requests into the real app", () => {
  it("answers /cosell help with every subcommand and an example", async ({ app: t }) => {
    const res = await t.command("help", { user: "U_REP" });
    expect(res.status).toBe(200);
    const body = res.json() as { response_type: string; text: string; blocks: unknown[] };
    expect(body.response_type).toBe("ephemeral");
    expect(body.text).toContain("/cosell help");
    expect(body.text).toMatch(/e\.g\./);
    // the app checked its token against the (fake) Slack API before serving
    expect(t.fake.callsTo("auth.test").length).toBeGreaterThan(0);
  });

  it("treats a bare /cosell as help", async ({ app: t }) => {
    const res = await t.command("", { user: "U_REP" });
    expect(res.status).toBe(200);
    expect((res.json() as { text: string }).text).toContain("cosell commands");
  });

  it("answers an unknown subcommand with the closest match", async ({ app: t }) => {
    const res = await t.command("hlep", { user: "U_REP" });
    expect(res.status).toBe(200);
    const text = (res.json() as { text: string }).text;
    expect(text).toContain("Unknown subcommand `hlep`");
    // two swapped letters are one edit (Damerau–Levenshtein), so help is the suggestion
    expect(text).toContain("Did you mean `/cosell help`?");
  });

  it("rejects a wrong signature with 401 and does nothing", async ({ app: t }) => {
    const before = t.fake.calls.length;
    const body = commandBody({ text: "help", user_id: "U_REP", team_id: "T_OURS", channel_id: "C1", response_url: t.fake.responseUrl() });
    const res = await postSigned(t.url, "not-the-secret", body, "application/x-www-form-urlencoded");
    expect(res.status).toBe(401);
    expect(res.text).not.toContain("cosell");
    expect(t.fake.calls.length).toBe(before);
  });

  it("rejects a replayed request older than 5 minutes with 401", async ({ app: t }) => {
    const body = commandBody({ text: "help", user_id: "U_REP", team_id: "T_OURS", channel_id: "C1", response_url: t.fake.responseUrl() });
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await postSigned(t.url, SIGNING_SECRET, body, "application/x-www-form-urlencoded", { timestamp: old });
    expect(res.status).toBe(401);
  });

  it("reports health with the database reachable", async ({ app: t }) => {
    const res = await fetch(t.url.replace("/slack/events", "/healthz"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
  });
});
