/**
 * Splits sentences longer than a word limit into pieces at natural boundaries.
 *
 * Words are whitespace-separated tokens that contain a letter or a digit (so "—", "«", "»", ";"
 * standing alone do not count). No-break spaces (U+00A0, U+202F, U+2007) do not separate tokens:
 * "demain ?" written with a no-break space is one token. Pieces are exact substrings of the
 * sentence, so every character (and in particular every word) is kept, in order.
 */

export type LimitedPiece = { text: string; fromSplit: boolean };

const CONJUNCTIONS: Record<string, string[]> = {
  fr: ["et", "mais", "ou", "donc", "car", "or", "ni"],
  en: ["and", "but", "or", "so", "yet", "for", "nor"],
  de: ["und", "aber", "oder", "denn", "sondern", "doch"],
  es: ["y", "e", "pero", "o", "u", "pues", "sino", "ni"],
  it: ["e", "ed", "ma", "o", "oppure", "però", "dunque", "né"],
  pt: ["e", "mas", "ou", "pois", "porém", "nem"],
  nl: ["en", "maar", "of", "want", "dus", "noch"],
};

/** Coordinating conjunctions used as split points, by primary language subtag. */
export function conjunctionsFor(language?: string): string[] {
  const primary = (language ?? "").toLowerCase().split(/[-_]/)[0];
  return CONJUNCTIONS[primary] ?? [...new Set([...CONJUNCTIONS.fr, ...CONJUNCTIONS.en])];
}

type Token = { text: string; start: number; end: number; word: boolean };

/** Regular whitespace separates tokens; no-break spaces do not. */
const SEPARATOR = /[^\S\u00a0\u202f\u2007]+/g;

function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const push = (start: number, end: number) => {
    if (end <= start) return;
    const text = s.slice(start, end);
    tokens.push({ text, start, end, word: isWord(text) });
  };
  for (const m of s.matchAll(SEPARATOR)) {
    push(at, m.index);
    at = m.index + m[0].length;
  }
  push(at, s.length);
  return tokens;
}

function isWord(token: string): boolean {
  return /[\p{L}\p{N}]/u.test(token);
}

/** Number of words in `s` (pure punctuation tokens are not words). */
export function countWords(s: string): number {
  let n = 0;
  for (const t of tokenize(s)) if (t.word) n++;
  return n;
}

/** The words of `s` in order (tokens that carry a letter or digit). */
export function wordsOf(s: string): string[] {
  return tokenize(s)
    .filter((t) => t.word)
    .map((t) => t.text);
}

/** Trailing punctuation that closes a clause: the split goes after it. */
const STRONG_END = /[;:!?…](?:[\u00a0\u202f]*[»”’"')\]])*$/;
const DASH_TOKEN = /^[—–]$/;
const COMMA_END = /,(?:[\u00a0\u202f]*[»”’"')\]])*$/;
/** A token made only of punctuation that must stay on the left (never starts a piece). */
const CLOSING_ONLY = /^[\p{Pe}\p{Pf}»”’"',.;:!?…%‰\u00a0\u202f]+$/u;

/**
 * Splits `sentence` into pieces of at most `limit` words. Returns the sentence as is (fromSplit
 * false) when it fits or when there is no limit. `language` picks the conjunctions used as split
 * points (French and English ones together when it is not given or not known).
 */
export function enforceWordLimit(sentence: string, limit: number | null, language?: string): LimitedPiece[] {
  const text = sentence.trim();
  if (limit === null || !Number.isFinite(limit)) return text ? [{ text, fromSplit: false }] : [];
  const max = Math.max(1, Math.floor(limit));
  const tokens = tokenize(text);
  const words = tokens.filter((t) => t.word).length;
  if (words <= max) return text ? [{ text, fromSplit: false }] : [];
  const conj = new Set(conjunctionsFor(language));
  const pieces: Token[][] = [];
  split(tokens, max, conj, pieces);
  return pieces.map((p) => ({ text: text.slice(p[0].start, p[p.length - 1].end), fromSplit: true }));
}

function split(tokens: Token[], max: number, conj: Set<string>, out: Token[][]): void {
  const total = tokens.reduce((n, t) => n + (t.word ? 1 : 0), 0);
  if (total <= max) {
    out.push(tokens);
    return;
  }
  // Candidate cuts: before tokens[i], 0 < i < length, leaving at least one word on each side.
  // prefix[i] = words in tokens[0..i).
  const prefix = [0];
  for (const t of tokens) prefix.push(prefix[prefix.length - 1] + (t.word ? 1 : 0));
  const valid = (i: number) => prefix[i] > 0 && prefix[i] < total && !CLOSING_ONLY.test(tokens[i].text);
  const minSide = Math.max(1, Math.min(3, Math.floor(max / 2)));
  const classes: Array<(i: number) => boolean> = [
    // 1. After ; : ! ? … (with closing quotes), or after a standalone dash.
    (i) => STRONG_END.test(tokens[i - 1].text) || DASH_TOKEN.test(tokens[i - 1].text),
    // 2. After a comma.
    (i) => COMMA_END.test(tokens[i - 1].text),
    // 3. Before a coordinating conjunction.
    (i) => conj.has(tokens[i].text.toLowerCase()),
  ];
  const middle = total / 2;
  let cut = -1;
  for (const inClass of classes) {
    let best = -1;
    let bestDist = Infinity;
    for (let i = 1; i < tokens.length; i++) {
      if (!valid(i) || !inClass(i)) continue;
      if (Math.min(prefix[i], total - prefix[i]) < minSide) continue;
      const dist = Math.abs(prefix[i] - middle);
      if (dist < bestDist) {
        best = i;
        bestDist = dist;
      }
    }
    if (best > 0) {
      cut = best;
      break;
    }
  }
  if (cut < 0) {
    // 4. No natural boundary: the valid cut nearest the middle by words.
    let bestDist = Infinity;
    for (let i = 1; i < tokens.length; i++) {
      if (!valid(i)) continue;
      const dist = Math.abs(prefix[i] - middle);
      if (dist < bestDist) {
        cut = i;
        bestDist = dist;
      }
    }
  }
  if (cut < 0) {
    // Unreachable with at least two words (a word token is always a valid cut), kept as a guard.
    out.push(tokens);
    return;
  }
  split(tokens.slice(0, cut), max, conj, out);
  split(tokens.slice(cut), max, conj, out);
}
