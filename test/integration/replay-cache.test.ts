import { describe, expect } from "vitest";
import { batchedReplayClaims, claimSlackRequest } from "../../src/platform/slack/replay-cache";
import { useTestDb } from "../support/fixtures";

// The replay cache decides "first use" in the database, for every replica; a burst is claimed in
// one statement per turn of the event loop, with the same answers as one claim at a time.

const { test } = useTestDb({ truncate: ["SlackRequestSeen"] });
const at = new Date("2026-11-16T10:00:00Z");

describe("the Slack replay cache", () => {
  test("a burst of 300 signatures is claimed at once: each is new exactly once, a repeat in the same burst is a replay", async ({ db }) => {
    const claim = batchedReplayClaims(db.prisma);
    const sigs = Array.from({ length: 300 }, (_, i) => `v0=burst${i}`);
    const answers = await Promise.all([...sigs, "v0=burst7", "v0=burst8"].map((s) => claim(s, at, at)));
    expect(answers.slice(0, 300).every(Boolean)).toBe(true);
    expect(answers.slice(300)).toEqual([false, false]);
    expect(await db.prisma.slackRequestSeen.count()).toBe(300);
    // Later, one at a time, and through another replica's claimer: still replays.
    expect(await claimSlackRequest(db.prisma, "v0=burst42", at, at)).toBe(false);
    expect(await batchedReplayClaims(db.prisma)("v0=burst299", at, at)).toBe(false);
    expect(await claimSlackRequest(db.prisma, "v0=fresh", at, at)).toBe(true);
    const row = await db.prisma.slackRequestSeen.findUniqueOrThrow({ where: { signature: "v0=burst0" } });
    expect(row.timestamp.toISOString()).toBe(at.toISOString());
  });
});
