/**
 * Accents drawn as separate glyphs, composed with their letter.
 *
 * TeX's old OT1 fonts have no accented letters: `\'e` is an acute accent glyph placed over an
 * `e`, so an extractor reads the accent as a character of its own (pdf.js: "visit´" + "ees",
 * "maˆ" + "ıtre", a raised "´" over the E of a capital heading). The accent comes first in the
 * content stream, then the text position moves back under it for the letter, which starts a
 * new text item to the left of where the accent ended. A cedilla under a capital (`\c{C}`) is
 * drawn after its letter, moving back the same way. This module puts each such accent back on
 * its letter by that evidence: a spacing accent at the end of an item followed by an item that
 * starts at or before the accent's end, on the same line (or an accent item on its own above a
 * letter); and, inside one item, an accent other than the grave (the backtick is ASCII) directly
 * before a letter, or a cedilla or ogonek directly after a capital, where Unicode has the
 * accented letter. A dotless ı or ȷ under an accent
 * is an i or a j. babel's French guillemets in OT1, set from a math font as ≪ ≫, become « ».
 * The result is NFC: "´" + "e" is "é".
 */
import type { Item } from "./extract-types";

/** Spacing accents and the combining mark each stands for. */
const MARKS: Record<string, string> = {
  "\u00b4": "\u0301", // ´ acute
  "\u0060": "\u0300", // ` grave
  "\u02c6": "\u0302", // ˆ circumflex
  "\u00a8": "\u0308", // ¨ dieresis
  "\u02dc": "\u0303", // ˜ tilde
  "\u00b8": "\u0327", // ¸ cedilla
  "\u02c7": "\u030c", // ˇ caron
  "\u02d8": "\u0306", // ˘ breve
  "\u02da": "\u030a", // ˚ ring
  "\u02db": "\u0328", // ˛ ogonek
  "\u00af": "\u0304", // ¯ macron
  "\u02d9": "\u0307", // ˙ dot above
  "\u02dd": "\u030b", // ˝ double acute
};
/** Marks drawn below the letter: TeX may draw them after it. */
const BELOW = new Set(["\u00b8", "\u02db"]);
const ACCENTS = Object.keys(MARKS).join("");
/** Accents that never stand alone in prose (the grave is the ASCII backtick: only with position evidence). */
const SAFE_INLINE = ACCENTS.replace("`", "");

/** The letter with the accent on it (precomposed when Unicode has it), or null when it is not a letter. */
export function composeAccent(letter: string, accent: string): string | null {
  const mark = MARKS[accent];
  if (!mark || !/^\p{L}$/u.test(letter)) return null;
  const base = BELOW.has(accent) ? letter : letter === "ı" ? "i" : letter === "ȷ" ? "j" : letter;
  return (base + mark).normalize("NFC");
}

const INLINE_BEFORE = new RegExp(`([${escapeClass(SAFE_INLINE)}])(\\p{L})`, "gu");
// After its letter only under a capital (\\c{C} is drawn letter first; \\c{c} accent first).
const INLINE_AFTER = new RegExp(`(\\p{Lu})([${escapeClass([...BELOW].join(""))}])`, "gu");

function escapeClass(chars: string): string {
  return chars.replace(/[\\\]^-]/g, "\\$&");
}

/** Inside one item: accents directly before their letter, cedillas and ogoneks directly after. */
export function composeInline(text: string): string {
  if (!/[\u00a8\u00af\u00b4\u00b8\u02c6\u02c7\u02d8-\u02dd\u226a\u226b]/.test(text)) return text;
  // Only where Unicode has the accented letter: inside a string there is no position to go by.
  const single = (m: string, c: string | null) => (c && [...c].length === 1 ? c : m);
  return text
    .replace(INLINE_BEFORE, (m, a: string, l: string) => single(m, composeAccent(l, a)))
    .replace(INLINE_AFTER, (m, l: string, a: string) => single(m, composeAccent(l, a)))
    .replace(/\u226a/g, "«")
    .replace(/\u226b/g, "»");
}

/**
 * The text before an accent over a capital, without the space pdf.js read in the kern that
 * centres the accent over the wider letter ("O `" + "U" is OÙ, "— `" + "A" is —À): only after a
 * lone capital or a dash, where a real space would make no word ("PARIS `" + "A" keeps its space).
 */
function withoutKernSpace(before: string, composed: string): string {
  if (!/^\p{Lu}/u.test(composed) || !/ $/.test(before)) return before;
  const left = before.slice(0, -1);
  return /(?:^|\s)\p{Lu}$/u.test(left) || /[—–]$/.test(left) ? left : before;
}

const end = (it: Item) => it.x + it.width;
const sameLine = (a: Item, b: Item) => Math.abs(a.y - b.y) < 0.6 * Math.max(a.fontSize, b.fontSize);

/** `b` starts where `a`'s last glyph sits or before: the text position moved back under it. */
function backsUnder(a: Item, b: Item): boolean {
  return sameLine(a, b) && b.x < end(a) - 0.05 * a.fontSize && b.x > a.x - 0.5 * a.fontSize;
}

function merged(a: Item, b: Item, str: string): Item {
  const x = Math.min(a.x, b.x);
  const out: Item = { str, x, y: a.str.trim().length === 1 ? b.y : a.y, width: Math.max(end(a), end(b)) - x, fontSize: Math.max(a.fontSize, b.fontSize) };
  if (a.dropCap ?? b.dropCap) out.dropCap = a.dropCap ?? b.dropCap;
  return out;
}

/**
 * The page's items (in content order) with every accent drawn apart put on its letter. Items
 * that carry no accent are returned as they are.
 */
export function composeAccents(items: Item[]): Item[] {
  if (!items.some((it) => /[\u0060\u00a8\u00af\u00b4\u00b8\u02c6\u02c7\u02d8-\u02dd\u226a\u226b]/.test(it.str))) return items;
  const out: Item[] = [];
  for (const it of items) {
    const prev = out.at(-1);
    if (prev && backsUnder(prev, it)) {
      const accent = prev.str.slice(-1);
      const letter = it.str.slice(0, 1);
      const composed = accent in MARKS ? composeAccent(letter, accent) : null;
      if (composed) {
        out[out.length - 1] = merged(prev, it, withoutKernSpace(prev.str.slice(0, -1), composed) + composed + it.str.slice(1));
        // A lone accent over a capital after a dash: the dash's item ends in the space pdf.js read
        // in the accent's kern ("— " then "`" then "A Bombay." is "—À Bombay."), as withoutKernSpace.
        const before = out.at(-2);
        if (prev.str.length === 1 && before && /[—–] $/.test(before.str) && /^\p{Lu}/u.test(composed) && sameLine(before, it) && it.x < end(before)) {
          out[out.length - 2] = { ...before, str: before.str.trimEnd(), width: Math.max(0, it.x - before.x) };
        }
        continue;
      }
      // A cedilla or ogonek drawn after its letter.
      const below = it.str.slice(0, 1);
      const onLast = BELOW.has(below) ? composeAccent(prev.str.slice(-1), below) : null;
      if (onLast) {
        out[out.length - 1] = merged(prev, it, prev.str.slice(0, -1) + onLast + it.str.slice(1));
        continue;
      }
    }
    out.push(it);
  }
  return placeLoneAccents(out).map((it) => {
    const str = composeInline(it.str);
    return str === it.str ? it : { ...it, str };
  });
}

/**
 * An accent left on its own (drawn after the text it belongs to, as TeX does for some capitals)
 * goes onto the letter of the same line under its middle, estimated from that item's width
 * (the nearest letter that takes the accent, one character either side).
 */
function placeLoneAccents(items: Item[]): Item[] {
  const lone = items.filter((it) => it.str.length === 1 && it.str in MARKS);
  if (!lone.length) return items;
  const out = [...items];
  for (const acc of lone) {
    const mid = acc.x + acc.width / 2;
    const host = out.find((it) => it !== acc && it.str.length > 1 && sameLine(it, acc) && it.x <= mid && end(it) >= mid);
    if (!host) continue;
    const chars = [...host.str];
    const guess = Math.floor(((mid - host.x) / host.width) * chars.length);
    for (const i of [guess, guess - 1, guess + 1]) {
      const composed = i >= 0 && i < chars.length ? composeAccent(chars[i], acc.str) : null;
      if (!composed) continue;
      chars[i] = composed;
      out[out.indexOf(host)] = { ...host, str: chars.join("") };
      out.splice(out.indexOf(acc), 1);
      break;
    }
  }
  return out;
}
