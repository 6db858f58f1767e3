/**
 * TeX's low character codes, when a font gives no Unicode for them.
 *
 * A bitmap Type 3 font made by METAFONT (pdfLaTeX without Type 1 fonts for its encoding) has no
 * ToUnicode map and no glyph names: pdf.js reads each code as the character of the same number,
 * right for letters and digits, but codes below 32 come out as control characters, which the
 * repair then deletes: "Byron\u0016par" (an em dash, Verne in T1) became "Byronpar", "di\u001berent"
 * (the ff ligature) "dierent". TeX's two text encodings put different glyphs there:
 *   - T1 (Cork): quotes, dashes, the compound-word mark and the ff, fi, fl, ffi, ffl ligatures;
 *   - OT1 (Knuth's): ligatures, dotless ı and ȷ, and the accents (drawn over the next letter);
 *     and its quotes, dashes and some accents on ASCII codes (“ on \\, ” on ", – on {, — on |,
 *     the circumflex on ^, the tilde on ~, the dieresis on 0x7F).
 * A page whose controls include an OT1 accent code followed by a letter (or OT1's dotless i) is
 * read as OT1, any other as T1. No text has control characters of its own, so nothing else changes.
 */
import type { Item } from "./extract-types";
import { composeAccent } from "./accents";

const T1: Record<number, string> = {
  0x00: "`", 0x01: "´", 0x02: "ˆ", 0x03: "˜", 0x04: "¨", 0x05: "˝", 0x06: "˚", 0x07: "ˇ", 0x08: "˘", 0x09: "¯", 0x0a: "˙", 0x0b: "¸", 0x0c: "˛",
  0x0d: "‚", 0x0e: "‹", 0x0f: "›", 0x10: "“", 0x11: "”", 0x12: "„", 0x13: "«", 0x14: "»", 0x15: "–", 0x16: "—", 0x17: "", 0x18: "", 0x19: "ı", 0x1a: "ȷ",
  0x1b: "ff", 0x1c: "fi", 0x1d: "fl", 0x1e: "ffi", 0x1f: "ffl",
};
const OT1: Record<number, string> = {
  0x00: "Γ", 0x01: "Δ", 0x02: "Θ", 0x03: "Λ", 0x04: "Ξ", 0x05: "Π", 0x06: "Σ", 0x07: "Υ", 0x08: "Φ", 0x09: "Ψ", 0x0a: "Ω",
  0x0b: "ff", 0x0c: "fi", 0x0d: "fl", 0x0e: "ffi", 0x0f: "ffl", 0x10: "ı", 0x11: "ȷ", 0x12: "`", 0x13: "´", 0x14: "ˇ", 0x15: "˘", 0x16: "¯", 0x17: "˚", 0x18: "¸",
  0x19: "ß", 0x1a: "æ", 0x1b: "œ", 0x1c: "ø", 0x1d: "Æ", 0x1e: "Œ", 0x1f: "Ø",
};
// Accents in T1 that TeX draws before their letter (the others are letters or punctuation).
const T1_ACCENTS = new Set([0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c]);
const OT1_ACCENTS = new Set([0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18]);

// \r too: OT1's fl (pdf.js keeps 0x0B-0x0D as they are, lib/pdf/pdfjs-patch.ts); \t and \n are text.
const CONTROL = /[\u0000-\u0008\u000b-\u001f]/;

/**
 * Whether the page's low codes are OT1's: T1 fonts have real accented letters (é is 0xE9 there,
 * read right), OT1 fonts none; between letters, T1's ligatures are 0x1B-0x1F, OT1's 0x0B-0x0F.
 */
function looksOt1(items: Item[]): boolean {
  const text = items.map((it) => it.str).join(" ");
  if (/[À-ÖØ-öø-ÿ]/.test(text)) return false;
  const count = (re: RegExp) => text.match(re)?.length ?? 0;
  const t1 = count(/\p{L}[\u001b-\u001f]\p{L}?/gu);
  // A ligature ends a word too: "o\u000b" is OT1's "off" (T1's cedilla there would come before a letter).
  const ot1 = count(/\p{L}[\u000b-\u000f]|[\u000b-\u000f]\p{L}/gu) + count(/[\u0012\u0013][aeiouAEIOU]/g);
  return ot1 > t1;
}

/** The string with TeX's low codes read in `table` (accents put on the letter after them). */
function mapCodes(s: string, table: Record<number, string>, accents: Set<number>): string {
  let out = "";
  const chars = [...s];
  for (let i = 0; i < chars.length; i++) {
    const code = chars[i].codePointAt(0)!;
    if (code >= 0x20 || table[code] === undefined) {
      out += chars[i];
      continue;
    }
    const next = chars[i + 1];
    const composed = accents.has(code) && next ? composeAccent(next === "\u0010" ? "ı" : next, table[code]) : null;
    if (composed) {
      out += composed;
      i++;
    } else out += table[code];
  }
  return out;
}

/** The page's items with TeX's low codes read as T1 or OT1 (see the module comment). */
export function mapTexCodes(items: Item[]): Item[] {
  // An opening quote read as a backslash ("\\Then, my dear") is OT1's “ even on a page without controls.
  const quotes = items.some((it) => OT1_QUOTE.test(it.str));
  if (!quotes && !items.some((it) => CONTROL.test(it.str))) return items;
  const ot1 = quotes || looksOt1(items);
  const table = ot1 ? OT1 : T1;
  const accents = ot1 ? OT1_ACCENTS : T1_ACCENTS;
  return items.map((it) => {
    let str = CONTROL.test(it.str) ? mapCodes(it.str, table, accents) : it.str;
    // OT1 also puts the quotes and dashes on ASCII codes: “ on \, ” on ", – on {, — on |.
    if (ot1) {
      str = str.replace(/[\\"{|]/g, (c) => OT1_ASCII[c]);
      // and the circumflex, tilde, dieresis, dot and double acute on ^ ~ \x7f _ }, over the next letter.
      str = str.replace(/([\^~\u007f_}])(\p{L})/gu, (m, a: string, l: string) => composeAccent(l === "\u0010" ? "ı" : l, OT1_ASCII_ACCENTS[a]) ?? m);
    }
    return str === it.str ? it : { ...it, str };
  });
}

const OT1_ASCII_ACCENTS: Record<string, string> = { "^": "ˆ", "~": "˜", "\u007f": "¨", _: "˙", "}": "˝" };
const OT1_QUOTE = /(?:^|\s)\\\p{L}/u;
const OT1_ASCII: Record<string, string> = { "\\": "“", '"': "”", "{": "–", "|": "—" };
