import { describe, expect, it } from "vitest";
import { UserError } from "../../../src/platform/errors";
import { parseAskCommand } from "../../../src/features/asks/listener";

describe("parseAskCommand", () => {
  it("reads the deal, the mention and the text (quoted or not)", () => {
    expect(parseAskCommand(`CS-12 <@U123|dana> "need an SE for Thursday's demo"`)).toEqual({
      ref: 12,
      ownerUserId: "U123",
      text: "need an SE for Thursday's demo",
    });
    expect(parseAskCommand(`cs12 <@U123> need an SE for Thursday's demo`)).toEqual({ ref: 12, ownerUserId: "U123", text: "need an SE for Thursday's demo" });
    expect(parseAskCommand(`CS-12 <@W9|Dana Smith> “pricing”`)).toEqual({ ref: 12, ownerUserId: "W9", text: "pricing" });
  });

  it("with only the deal (or the deal and the person) leaves the rest to the form", () => {
    expect(parseAskCommand("CS-3")).toEqual({ ref: 3, ownerUserId: undefined, text: "" });
    expect(parseAskCommand("CS-3 <@U1>")).toEqual({ ref: 3, ownerUserId: "U1", text: "" });
  });

  it("explains what is wrong", () => {
    expect(() => parseAskCommand("")).toThrow(/Which deal/);
    expect(() => parseAskCommand("CS-3 @dana hello")).toThrow(/plain text/);
    expect(() => parseAskCommand("CS-3 hello there")).toThrow(/Whom are you asking/);
    expect(() => parseAskCommand(`CS-3 <@U1> ${"x".repeat(501)}`)).toThrow(UserError);
    expect(parseAskCommand(`CS-3 <@U1> ${"x".repeat(500)}`).text).toHaveLength(500);
  });
});
