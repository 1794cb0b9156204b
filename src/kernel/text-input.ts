// What people type into names, titles, notes and reasons, checked for characters that have no
// business there. Pure: one validator for every text input (modals, slash commands, the CLI,
// account-list files), run before anything is written. It says exactly what is wrong and where.
//
// Refused everywhere: control characters (U+0000–U+001F, U+007F–U+009F) other than a line
// break in multi-line fields (and a tab outside names); text that is nothing but invisible
// characters (zero-width spaces, joiners, fillers) and whitespace.
// Refused in names (account name, deal title, organization, partner and pairing names):
// tabs, bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), which can make a
// name display in a misleading order, and zero-width spaces (U+200B, U+2060, U+FEFF), which make
// two names that look the same differ. Zero-width (non-)joiners (U+200C, U+200D) stay allowed
// inside names: scripts such as Persian and emoji sequences need them.
//
// Whitespace-only or empty text is left to each field's own "required" rule.

export interface TextRules {
  /** the field as it starts a sentence: "Account name", "The note" */
  field: string;
  /** line breaks allowed (notes, reasons, asks) */
  multiline?: boolean;
  /** a name or title: also refuses tabs, bidi controls and zero-width spaces */
  name?: boolean;
}

export type TextCheck = { ok: true; value: string } | { ok: false; message: string };

/** Characters that show nothing (zero-width spaces, joiners, marks, fillers); not whitespace to `\s`, except U+FEFF. */
// biome-ignore lint/suspicious/noMisleadingCharacterClass: a list of single invisible code points, on purpose
const INVISIBLE = /[\u200B-\u200F\u2060-\u2064\uFEFF\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u202A-\u202E\u2066-\u2069\u2800\u3164\uFFA0]/u;
const INVISIBLE_OR_SPACE = new RegExp(`^(?:\\s|${INVISIBLE.source})*$`, "u");
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;
const NAME_ZERO_WIDTH = /[\u200B\u2060\uFEFF]/;

const CHAR_NAMES: Record<number, string> = {
  0: "NUL",
  127: "DELETE",
  8203: "ZERO WIDTH SPACE",
  8204: "ZERO WIDTH NON-JOINER",
  8205: "ZERO WIDTH JOINER",
  8288: "WORD JOINER",
  65279: "ZERO WIDTH NO-BREAK SPACE",
  8234: "LEFT-TO-RIGHT EMBEDDING",
  8235: "RIGHT-TO-LEFT EMBEDDING",
  8236: "POP DIRECTIONAL FORMATTING",
  8237: "LEFT-TO-RIGHT OVERRIDE",
  8238: "RIGHT-TO-LEFT OVERRIDE",
  8294: "LEFT-TO-RIGHT ISOLATE",
  8295: "RIGHT-TO-LEFT ISOLATE",
  8296: "FIRST STRONG ISOLATE",
  8297: "POP DIRECTIONAL ISOLATE",
};

/** "U+202E RIGHT-TO-LEFT OVERRIDE" */
export function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  const name = CHAR_NAMES[cp];
  return name ? `${hex} ${name}` : hex;
}

/** 1-based position in characters (code points), as a person counts. */
function position(value: string, index: number): number {
  return [...value.slice(0, index)].length + 1;
}

export function checkText(value: string, rules: TextRules): TextCheck {
  const { field } = rules;
  const multiline = rules.multiline ?? false;
  const name = rules.name ?? false;

  for (const m of value.matchAll(CONTROL)) {
    const ch = m[0];
    const at = m.index;
    if (ch === "\n" && multiline) continue;
    if (ch === "\r" && multiline && value[at + 1] === "\n") continue; // a pasted Windows line break
    if (ch === "\t" && !name) continue;
    const where = `(character ${position(value, at)})`;
    if (ch === "\n" || ch === "\r") return { ok: false, message: `${field} contains a line break ${where}; keep it on one line.` };
    if (ch === "\t") return { ok: false, message: `${field} contains a tab ${where}; use a space instead.` };
    return { ok: false, message: `${field} contains an invisible control character, ${describeChar(ch)} ${where}; remove it.` };
  }

  const invisible = INVISIBLE.exec(value);
  if (invisible && INVISIBLE_OR_SPACE.test(value)) {
    const first = invisible[0];
    return { ok: false, message: `${field} is made only of invisible characters (such as ${describeChar(first)}) and spaces; type the text itself.` };
  }

  if (name) {
    const bidi = BIDI.exec(value);
    if (bidi) {
      return {
        ok: false,
        message: `${field} contains a bidirectional control character, ${describeChar(bidi[0])} (character ${position(value, bidi.index)}), which can make it display in a misleading order; remove it.`,
      };
    }
    const zw = NAME_ZERO_WIDTH.exec(value);
    if (zw) {
      return {
        ok: false,
        message: `${field} contains an invisible ${describeChar(zw[0])} (character ${position(value, zw.index)}), which makes it differ from the same name typed plainly; remove it.`,
      };
    }
  }
  return { ok: true, value };
}
