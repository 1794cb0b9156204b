// A small CSV reader (RFC 4180) for the account lists people export from a CRM or a spreadsheet.
//
// - Fields are separated by a delimiter (`,` by default; `;` and tab are sniffed from the header
//   line, as European Excel and "Unicode text" exports use them).
// - A field may be quoted with `"`; inside quotes, `""` is a quote and delimiters and line breaks
//   are data. Records end with CRLF, LF or a lone CR.
// - A leading byte order mark is dropped. Bytes are decoded as UTF-8, UTF-16 (with its BOM), or,
//   when they are not valid UTF-8, as Windows-1252 (what older Excel writes).
// - Lenient where spreadsheets are sloppy: a quote inside an unquoted field is kept as a
//   character, text after a closing quote is appended. An unterminated quote is an error (it
//   would swallow every row after it).
//
// Records are numbered like spreadsheet rows: the first record is row 1, a record spanning
// several lines (a quoted line break) is one row, and an empty line is a row too.

export interface CsvRecord {
  /** 1-based, like a spreadsheet row */
  row: number;
  fields: string[];
}

export class CsvError extends Error {
  constructor(
    message: string,
    readonly row: number,
  ) {
    super(message);
    this.name = "CsvError";
  }
}

export type Delimiter = "," | ";" | "\t";

/** Decodes a file's bytes: BOM-aware; UTF-8 unless it is not valid UTF-8 (then Windows-1252). */
export function decodeCsvBytes(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  try {
    return stripBom(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return decodeWindows1252(bytes);
  }
}

// 0x80–0x9F in Windows-1252 (Node's decoder may treat the label as Latin-1 and miss these).
const CP1252_HIGH = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ";

function decodeWindows1252(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    const chunk = bytes.subarray(i, i + 8192);
    out += Array.from(chunk, (b) => (b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80]! : String.fromCharCode(b))).join("");
  }
  return stripBom(out);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The delimiter of the first line (outside quotes): the most frequent of `,` `;` tab; `,` on a tie or none. */
export function sniffDelimiter(text: string): Delimiter {
  const counts: Record<Delimiter, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === "\n" || c === "\r")) break;
    else if (!quoted && (c === "," || c === ";" || c === "\t")) counts[c]++;
  }
  let best: Delimiter = ",";
  for (const d of [";", "\t"] as const) if (counts[d] > counts[best]) best = d;
  return best;
}

/**
 * Reads records one at a time (a 1,000,000-row file is never held as one array of arrays).
 * Throws CsvError for an unterminated quote.
 */
export function* readCsv(input: string, opts: { delimiter?: Delimiter } = {}): Generator<CsvRecord> {
  const text = stripBom(input);
  const delimiter = opts.delimiter ?? sniffDelimiter(text);
  const n = text.length;
  if (n === 0) return;
  const d = delimiter.charCodeAt(0);
  const QUOTE = 34;
  const CR = 13;
  const LF = 10;
  let i = 0;
  let row = 0;
  while (i < n) {
    row++;
    const fields: string[] = [];
    let field = "";
    // One record.
    for (;;) {
      if (i < n && text.charCodeAt(i) === QUOTE) {
        // Quoted field.
        const openedAt = row;
        i++;
        let start = i;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q === -1)
            throw new CsvError(
              `A quote (") opened in row ${openedAt} is never closed, so the rest of the file would be one field. Close the quote or remove it.`,
              openedAt,
            );
          if (text.charCodeAt(q + 1) === QUOTE) {
            field += text.slice(start, q + 1);
            i = q + 2;
            start = i;
            continue;
          }
          field += text.slice(start, q);
          i = q + 1;
          break;
        }
        // Anything up to the next delimiter or line end is appended (lenient).
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === d || c === CR || c === LF) break;
          field += text[i];
          i++;
        }
      } else {
        const start = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === d || c === CR || c === LF) break;
          i++;
        }
        field = text.slice(start, i);
      }
      fields.push(field);
      field = "";
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === d) {
        i++;
        if (i >= n) {
          fields.push(""); // a trailing delimiter at the very end: one more empty field
          break;
        }
        continue;
      }
      // End of record: CRLF, LF or CR.
      if (c === CR && text.charCodeAt(i + 1) === LF) i += 2;
      else i++;
      break;
    }
    yield { row, fields };
  }
}

/** All records at once (small files, tests). */
export function parseCsv(input: string, opts: { delimiter?: Delimiter } = {}): CsvRecord[] {
  return [...readCsv(input, opts)];
}
