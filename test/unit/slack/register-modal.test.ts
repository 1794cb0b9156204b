import { describe, expect, it } from "vitest";
import { buildRegisterModal } from "../../../src/features/registration/modal";
import { toSlack } from "../../../src/platform/slack/mrkdwn";

describe("register modal labels", () => {
  it("never says (optional) itself: Slack adds it to optional inputs", () => {
    const view = toSlack(
      buildRegisterModal({ orgs: [{ id: "o1", name: "Acme", internal: false }], pairings: [{ id: "p1", name: "Acme + Us" }], initial: {}, metadata: {} }),
    );
    const inputs = view.blocks.filter((b) => b.type === "input") as { optional?: boolean; label: { text: string } }[];
    expect(inputs.some((b) => b.optional)).toBe(true);
    for (const b of inputs) if (b.optional) expect(b.label.text).not.toMatch(/\(optional\)/i);
  });
});
