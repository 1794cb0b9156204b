import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { escapeMrkdwn, joinMrkdwn, link, mention, mrkdwn, SlackText, toSlack, trustedMrkdwn, truncateMrkdwn } from "../../../src/platform/slack/mrkdwn";

// The rule "user text reaches Slack only escaped" is enforced by types (SlackText is the only
// thing message builders, outbox posts and send wrappers accept). These checks keep the two
// ways around the types shut: calling the Web API or respond() directly, and stringifying a
// SlackText inside a plain template literal (which would lose mentions or double-escape).

const SRC = path.resolve(import.meta.dirname, "../../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : sourceFiles(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

const files = sourceFiles(SRC).map((p) => ({ rel: path.relative(SRC, p), text: readFileSync(p, "utf8") }));

/** SlackText helpers interpolated into template literals that are not `mrkdwn\`…\``. */
function helpersInPlainTemplates(src: string): string[] {
  const helper = /^\$\{\s*(mention|slackDate|link|channelLink|mrkdwn|joinMrkdwn|truncateMrkdwn|escapeMrkdwn|asMrkdwn)\(/;
  const found: string[] = [];
  // a stack of contexts: "m" mrkdwn template, "p" plain template, "e" ${…} expression, "b" a brace in code
  const stack: ("m" | "p" | "e" | "b")[] = [];
  let line = 1;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === "\n") line++;
    const top = stack[stack.length - 1];
    if (top === "m" || top === "p") {
      if (c === "\\") i++;
      else if (c === "`") stack.pop();
      else if (src.startsWith("${", i)) {
        if (top === "p" && helper.test(src.slice(i, i + 40))) found.push(`line ${line}: ${src.slice(i, i + 40).split("\n")[0]}`);
        stack.push("e");
        i++;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      for (i++; i < src.length && src[i] !== c; i++) if (src[i] === "\\") i++;
      continue;
    }
    if (src.startsWith("//", i)) {
      while (i < src.length && src[i] !== "\n") i++;
      line++;
      continue;
    }
    if (src.startsWith("/*", i)) {
      const end = src.indexOf("*/", i);
      line += src.slice(i, end).split("\n").length - 1;
      i = end + 1;
      continue;
    }
    if (c === "`") stack.push(/(?:mrkdwn|trustedMrkdwn)\s*$/.test(src.slice(Math.max(0, i - 20), i)) ? "m" : "p");
    else if (c === "{" && stack.length > 0) stack.push("b");
    else if (c === "}" && (top === "e" || top === "b")) stack.pop();
  }
  return found;
}

describe("Slack text safety, by construction", () => {
  it("listeners reach Slack only through the safe wrappers (no direct chat.*, views.* or respond calls)", () => {
    const raw =
      /\b(?:client|args\.client|ctx\.args\.client)\.(?:chat\.(?:postMessage|postEphemeral|update)|views\.(?:open|update|push|publish))\(|(?<![\w.])(?:args\.)?respond\(/;
    const offenders = files
      .filter((f) => f.rel !== path.join("platform", "slack", "send.ts"))
      .flatMap((f) => f.text.split("\n").flatMap((l, i) => (raw.test(l) ? [`${f.rel}:${i + 1}: ${l.trim()}`] : [])));
    expect(offenders).toEqual([]);
  });

  it("no SlackText helper is stringified inside a plain template literal", () => {
    const offenders = files.flatMap((f) => helpersInPlainTemplates(f.text).map((o) => `${f.rel} ${o}`));
    expect(offenders).toEqual([]);
  });

  it("only src/platform/slack/mrkdwn.ts constructs SlackText", () => {
    expect(files.filter((f) => f.rel !== path.join("platform", "slack", "mrkdwn.ts") && f.text.includes("SlackText.make(")).map((f) => f.rel)).toEqual([]);
  });
});

describe("mrkdwn", () => {
  const hostile = "<!channel> Acme <https://evil.example|click> & <@U123>";

  it("escapes every interpolated string and keeps its own markup", () => {
    expect(String(mrkdwn`*${hostile}* by ${mention("U_ADMIN")}`)).toBe(
      "*&lt;!channel&gt; Acme &lt;https://evil.example|click&gt; &amp; &lt;@U123&gt;* by <@U_ADMIN>",
    );
  });

  it("nests SlackText without escaping it twice", () => {
    const inner = mrkdwn`${"AT&T"} ${mention("U1")}`;
    expect(String(mrkdwn`[${inner}]`)).toBe("[AT&amp;T <@U1>]");
    expect(String(joinMrkdwn([inner, "<b>"], " · "))).toBe("AT&amp;T <@U1> · &lt;b&gt;");
  });

  it("is not a string: the brand cannot be faked at run time, and it serializes to its markup", () => {
    expect(typeof mrkdwn`x`).toBe("object");
    expect(mrkdwn`x`).toBeInstanceOf(SlackText);
    expect(toSlack({ text: mrkdwn`a ${"<b>"}`, blocks: [{ type: "section", text: { type: "mrkdwn", text: escapeMrkdwn("&") } }] })).toEqual({
      text: "a &lt;b&gt;",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "&amp;" } }],
    });
  });

  it("mentions and links only what Slack gave us or we checked", () => {
    expect(String(mention("U1> <!channel"))).toBe("U1&gt; &lt;!channel");
    expect(String(link("https://ok.example/a", "view <it>"))).toBe("<https://ok.example/a|view &lt;it&gt;>");
    expect(String(link("javascript:alert(1)", "x"))).toBe("x");
  });

  it("truncates without cutting an entity or a token in half", () => {
    expect(String(truncateMrkdwn(mrkdwn`abc${"&"}`, 6))).toBe("abc…");
    expect(String(truncateMrkdwn(trustedMrkdwn("ab <@U12345> cd"), 8))).toBe("ab …");
    expect(String(truncateMrkdwn(mrkdwn`short`, 10))).toBe("short");
  });
});
