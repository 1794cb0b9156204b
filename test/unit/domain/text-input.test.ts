import { describe, expect, it } from "vitest";
import { checkText, describeChar } from "../../../src/kernel/text-input";

const name = (v: string) => checkText(v, { field: "Account name", name: true });
const note = (v: string) => checkText(v, { field: "The note", multiline: true });
const line = (v: string) => checkText(v, { field: "The reason" });
const message = (r: ReturnType<typeof checkText>) => (r.ok ? "" : r.message);

describe("checkText: text people type, refused when it hides characters", () => {
  it("accepts ordinary text in any script, emoji, and joiners inside words", () => {
    for (const v of [
      "Northwind Traders",
      "Bücher & Co. <GmbH>",
      "株式会社テスト",
      "شركة المثال",
      "Ми\u0301ша",
      "👩\u200D💻 team",
      "می\u200Cخواهم",
      "O'Brien – “Data”",
    ]) {
      expect(name(v)).toEqual({ ok: true, value: v });
    }
    expect(note("line one\nline two\r\n\tindented")).toMatchObject({ ok: true });
  });

  it("leaves empty and whitespace-only text to the field's own required rule", () => {
    expect(name("")).toMatchObject({ ok: true });
    expect(name("   ")).toMatchObject({ ok: true });
  });

  it.each([["\u200B"], ["\u200B\u200C\u200D"], ["\u2060 \uFEFF"], ["\uFEFF"], [" \u200B\t"], ["\u3164\u2800"]])(
    "text made only of zero-width characters and spaces (%j) is refused",
    (v) => {
      for (const r of [name(v.replace("\t", " ")), note(v)]) {
        expect(r.ok).toBe(false);
        expect(message(r)).toMatch(/is made only of invisible characters \(such as U\+[0-9A-F]{4}.*\) and spaces; type the text itself\./);
      }
    },
  );

  it("NUL is refused everywhere, with where it is", () => {
    expect(message(note("called\u0000them"))).toBe("The note contains an invisible control character, U+0000 NUL (character 7); remove it.");
    expect(message(name("Acme\u0000"))).toMatch(/^Account name contains an invisible control character, U\+0000 NUL \(character 5\)/);
  });

  it("other C0 controls and DEL are refused; a line break only in multi-line fields, a tab not in names", () => {
    expect(message(note("esc\u001B[31m"))).toMatch(/U\+001B \(character 4\)/);
    expect(message(note("del\u007F"))).toMatch(/U\+007F DELETE/);
    expect(message(note("bell\u0007"))).toMatch(/U\+0007/);
    expect(message(note("carriage\rreturn"))).toMatch(/line break/); // a lone CR is not a line break people type
    expect(message(line("two\nlines"))).toBe("The reason contains a line break (character 4); keep it on one line.");
    expect(message(name("Acme\tData"))).toBe("Account name contains a tab (character 5); use a space instead.");
    expect(line("a\tb")).toMatchObject({ ok: true });
  });

  it("bidi overrides and isolates are refused in names, which they could make read backwards", () => {
    expect(message(name("Acme\u202Egnp.exe"))).toBe(
      "Account name contains a bidirectional control character, U+202E RIGHT-TO-LEFT OVERRIDE (character 5), which can make it display in a misleading order; remove it.",
    );
    for (const c of ["\u202A", "\u202B", "\u202C", "\u202D", "\u2066", "\u2067", "\u2068", "\u2069"]) expect(name(`x${c}y`).ok).toBe(false);
    // …but a note may quote right-to-left text with its marks
    expect(note("quoted \u2067שלום\u2069 here")).toMatchObject({ ok: true });
  });

  it("zero-width spaces inside a name are refused (the name would differ from the same name typed plainly)", () => {
    expect(message(name("Ac\u200Bme"))).toMatch(/^Account name contains an invisible U\+200B ZERO WIDTH SPACE \(character 3\)/);
    expect(name("\uFEFFAcme").ok).toBe(false);
    expect(note("a\u200Bb")).toMatchObject({ ok: true });
  });

  it("names characters by code point", () => {
    expect(describeChar("\u2066")).toBe("U+2066 LEFT-TO-RIGHT ISOLATE");
    expect(describeChar("\u0001")).toBe("U+0001");
  });
});
