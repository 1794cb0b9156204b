import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/platform/config";

const base = { SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "secret" };

describe("loadConfig", () => {
  it("names each missing Slack variable and the README section", () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({})).toThrow(/SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET/);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "xoxb-1" })).toThrow(/Missing SLACK_SIGNING_SECRET:/);
    expect(() => loadConfig({ SLACK_SIGNING_SECRET: "s" })).toThrow(/README\.md, section "Connect a Slack workspace"/);
  });

  it("treats blank variables as missing", () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "  ", SLACK_SIGNING_SECRET: "s" })).toThrow(/Missing SLACK_BOT_TOKEN/);
  });

  it("applies the documented defaults", () => {
    const c = loadConfig(base);
    expect(c.port).toBe(3000);
    expect(c.dataDir).toBe(".data");
    expect(c.databaseUrl).toBeUndefined();
    expect(c.slack.appToken).toBeUndefined();
    expect(c.admins).toEqual([]);
    expect(c.timezone).toBe("UTC");
    expect(c.slackStartupTimeoutMs).toBe(30_000);
  });

  it("parses and bounds COSELL_SLACK_STARTUP_TIMEOUT_MS", () => {
    expect(loadConfig({ ...base, COSELL_SLACK_STARTUP_TIMEOUT_MS: "5000" }).slackStartupTimeoutMs).toBe(5000);
    expect(() => loadConfig({ ...base, COSELL_SLACK_STARTUP_TIMEOUT_MS: "soon" })).toThrow(/COSELL_SLACK_STARTUP_TIMEOUT_MS/);
    expect(() => loadConfig({ ...base, COSELL_SLACK_STARTUP_TIMEOUT_MS: "10" })).toThrow(/COSELL_SLACK_STARTUP_TIMEOUT_MS/);
  });

  it("parses admins, port, timezone and the API URL", () => {
    const c = loadConfig({ ...base, COSELL_ADMINS: "U1, U2,,", PORT: "8080", COSELL_TIMEZONE: "Europe/Berlin", SLACK_API_URL: "http://localhost:4000/api/" });
    expect(c.admins).toEqual(["U1", "U2"]);
    expect(c.port).toBe(8080);
    expect(c.timezone).toBe("Europe/Berlin");
    expect(c.slack.apiUrl).toBe("http://localhost:4000/api/");
  });

  it("rejects a bad port, URL or timezone with the variable's name", () => {
    expect(() => loadConfig({ ...base, PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadConfig({ ...base, SLACK_API_URL: "not a url" })).toThrow(/SLACK_API_URL/);
    expect(() => loadConfig({ ...base, COSELL_TIMEZONE: "Mars/Olympus" })).toThrow(/Unknown timezone "Mars\/Olympus"/);
  });
});
