/**
 * Text that is not text: what a text layer gives when its font has no usable Unicode map (a
 * Type 3 or subset font whose codes are a private cipher). pdf.js then returns the raw codes as
 * characters: control characters, private-use code points, Latin-1 symbols (`μ¯³ª®¤°¶¸`).
 * Such a page is read by OCR instead (lib/pdf/extract.ts), or reported UNREADABLE_TEXT; never
 * emitted as sentences.
 */

/** Fewer non-space characters than this on a page say too little to judge. */
const MIN_CHARS = 40;

/**
 * True when the page's strings look like a font's private codes rather than words: more than
 * 10% control, private-use, unassigned or replacement characters, or fewer than half of the
 * characters letters (prose in any script is mostly letters: 80-90% in the corpus's novels,
 * digits and punctuation the rest; a table of figures is mostly digits, so digits count as
 * letters here).
 */
export function looksUnreadable(strs: string[]): boolean {
  let total = 0;
  let wordish = 0;
  let bad = 0;
  for (const s of strs) {
    for (const c of s) {
      if (/\s/u.test(c)) continue;
      total++;
      if (/[\p{L}\p{N}]/u.test(c)) wordish++;
      else if (/[\p{Cc}\p{Co}\p{Cn}\p{Cs}\ufffd]/u.test(c)) bad++;
    }
  }
  if (total < MIN_CHARS) return false;
  return bad / total > 0.1 || wordish / total < 0.5;
}
