import { describe, expect, it } from "vitest";
import { closestMatch, editDistance, unescapeSlack } from "../../../src/platform/slack/command-text";

describe("editDistance (Damerau–Levenshtein, optimal string alignment)", () => {
  it("counts a swap of two adjacent letters as one edit", () => {
    expect(editDistance("hlep", "help")).toBe(1);
    expect(editDistance("lsit", "list")).toBe(1);
    expect(editDistance("ca", "abc")).toBe(3);
  });

  it("is the classic distance otherwise", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("same", "same")).toBe(0);
  });

  it("suggests help for hlep and nothing for gibberish", () => {
    expect(closestMatch("hlep", ["help", "list", "show", "new"])).toBe("help");
    expect(closestMatch("qqqqqq", ["help", "list"])).toBeUndefined();
  });
});

describe("unescapeSlack", () => {
  it("decodes what Slack escaped, once", () => {
    expect(unescapeSlack("AT&amp;T &lt;b&gt; &amp;lt;")).toBe("AT&T <b> &lt;");
  });
});
