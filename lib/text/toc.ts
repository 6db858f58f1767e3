/**
 * Tables of contents (and lists of figures): pages whose lines are entries, a title followed by
 * a page number (after dot leaders or not), or bare page numbers set apart from their titles
 * (a right-aligned number that the layout read as a column of its own). Such a page carries no
 * sentence of the book: the repair keeps its lines out of the text (lib/text/repair.ts).
 */

/** A page number at the end of an entry: "… . . . . 45", "SEINS DE PHILEAS FOGG 45" (a word such as "ici" is no roman numeral here). */
const ENDS_WITH_PAGE = /(?:^|[\s.…·])(\d{1,4})$/u;
/** A line that is only a page number: arabic, or a well-formed lowercase roman numeral (front matter). */
const BARE_PAGE = /^(\d{1,4}|(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))$/u;
const LEADER = /(?:\.\s*){3,}|…{2,}|(?:·\s*){3,}/u;
const TITLE = /^(table des matières|table|sommaire|contents|table of contents|list of figures|table des figures|index)$/iu;

function pageValue(token: string): number | null {
  if (/^\d+$/.test(token)) return Number(token);
  return null; // roman numerals: front matter, not ordered with the arabic ones
}

/**
 * Whether a page's lines (in reading order) are a table of contents: at least four entries
 * (lines ending with a page number, or bare page numbers), making up 40% of the page's lines
 * (or three after a "Contents" / "Table des matières" title), with their arabic numbers in
 * increasing order (a timetable or a list of dates in a novel has its numbers in any order).
 */
export function isTocPage(lines: string[]): boolean {
  const texts = lines.map((l) => l.trim()).filter((t) => t !== "");
  if (texts.length < 3) return false;
  const titled = texts.slice(0, 3).some((t) => TITLE.test(t.replace(/[.:]$/, "")));
  const numbers: number[] = [];
  let entries = 0;
  let leaders = 0;
  for (const t of texts) {
    const bare = BARE_PAGE.exec(t);
    const m = bare ?? ENDS_WITH_PAGE.exec(t);
    if (!m) continue;
    entries++;
    if (LEADER.test(t)) leaders++;
    const v = pageValue(m[1]);
    if (v !== null) numbers.push(v);
  }
  if (entries < (titled ? 3 : 4) || (!titled && entries < 0.4 * texts.length)) return false;
  let ordered = 0;
  for (let i = 1; i < numbers.length; i++) if (numbers[i] >= numbers[i - 1]) ordered++;
  const orderedShare = numbers.length > 1 ? ordered / (numbers.length - 1) : 0;
  return orderedShare >= 0.8 || (leaders >= 3 && leaders >= 0.5 * entries);
}
