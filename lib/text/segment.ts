/**
 * Sentence segmentation: Intl.Segmenter (ICU's sentence rules) for the candidate boundaries,
 * then rules it lacks for literary French and English text: abbreviations, initials, ellipses,
 * guillemets and quoted speech, dialogue dashes, chapter titles and other title lines.
 *
 * Input: text whose lines are paragraphs (what lib/text/repair.ts produces). With the default
 * `newlines: "auto"`, a single newline that looks like a soft line wrap is read as a space.
 */

export type SentenceSpan = {
  text: string;
  /** Offsets into the input text: text ≈ input.slice(start, end) (newlines inside read as spaces). */
  start: number;
  end: number;
};

export type SegmentOptions = {
  /** "hard": every newline ends a sentence. "auto" (default): only paragraph-like newlines do. */
  newlines?: "hard" | "auto";
};

const CLOSERS = "»›”’\"')\\]";
const TERMINAL = ".!?…";
const DASHES = "—–";
const SPACE = "\\s\\u00a0\\u202f";

/** Abbreviations after which a period never ends a sentence (titles before names, "cf.", ...). */
const ALWAYS = new Set([
  // French
  "M", "MM", "Mme", "Mmes", "Mlle", "Mlles", "Mgr", "Mgrs", "Dr", "Drs", "Pr", "St", "Ste", "Sts", "Stes", "cf", "Cf", "ibid", "Ibid", "vs",
  "av", "bd", "boul", "fg", "Me", "Mes", "Vve", "Cie",
  // English
  "Mr", "Mrs", "Ms", "Messrs", "Mmes", "Jr", "Sr", "Prof", "Rev", "Hon", "Capt", "Col", "Gen", "Lt", "Sgt", "Mt", "Gov", "Sen", "Rep", "Fr", "Bros", "viz", "Viz", "ca",
  // Common abbreviated first names (initials of more than one letter)
  "Ch", "Th", "Ph", "Wm", "Chas", "Jas", "Geo", "Thos", "Jos", "Benj", "Edw", "Alex",
]);
/** Abbreviations that do not end a sentence when a number (or roman numeral) follows. */
const BEFORE_NUMBER = new Set([
  "p", "pp", "vol", "Vol", "vols", "chap", "Chap", "ch", "t", "art", "Art", "fig", "Fig", "sect", "éd", "ed", "no", "No", "Nos", "nos", "n", "env", "approx", "av", "apr", "liv",
  "janv", "févr", "fév", "avr", "juil", "sept", "oct", "nov", "déc",
  "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
]);
const segmenters = new Map<string, Intl.Segmenter>();
function segmenter(language: string): Intl.Segmenter {
  let seg = segmenters.get(language);
  if (!seg) {
    let locale = "en";
    try {
      locale = Intl.getCanonicalLocales(language)[0] ?? "en";
    } catch {
      locale = "en";
    }
    seg = new Intl.Segmenter(locale, { granularity: "sentence" });
    segmenters.set(language, seg);
  }
  return seg;
}

/** Sentences of `text`, trimmed, empty ones dropped. */
export function splitSentences(text: string, language: string, opts: SegmentOptions = {}): string[] {
  return splitSentenceSpans(text, language, opts).map((s) => s.text);
}

const TERMINAL_END = new RegExp(`[${TERMINAL}][${CLOSERS}]*$`);
const LIST_OR_DIALOGUE_START = new RegExp(`^[${DASHES}•·*]`);
const DASH_START = new RegExp(`^[${DASHES}]`);
const CLOSE_ONE = `(?:[»›”)\\]]|["'’](?=[${SPACE}]|$|[,.;:!?]))`;
/** Closing quotes/brackets (a straight quote only when followed by a space or punctuation). */
const LEADING_CLOSERS = new RegExp(`^[${SPACE}]*${CLOSE_ONE}(?:[${SPACE}]*${CLOSE_ONE})*`);
/** Closing quotes/brackets, each maybe after a (no-break) space: "…\u00a0»". */
const C = `(?:[${SPACE}]*[${CLOSERS}])*`;
const S = `[${SPACE}]+`;
/** "… Puis", "... Elle" (and before an opening quote or a dialogue dash). */
const ELLIPSIS_CUT = new RegExp(`(?:…|\\.\\.\\.)${C}${S}(?=[«“"‘„(]?[${SPACE}]*\\p{Lu}|[${DASHES}]${S}\\p{Lu})`, "gu");
/** "Il se tut. — Viens" */
const DIALOGUE_CUT = new RegExp(`[.!?…]${C}${S}(?=[${DASHES}]${S}[«“"]?[${SPACE}]*\\p{Lu})`, "gu");
/** "Il avait 3 ans. 12 personnes" */
const NUMBER_CUT = new RegExp(`(^|[${SPACE}(«“])([\\p{L}\\p{N}][\\p{L}\\p{N}'’-]*)\\.${C}${S}(?=\\p{N})`, "gu");

const NUMBER_WORDS =
  "premier|première|premiere|second|seconde|deuxième|troisième|quatrième|cinquième|sixième|septième|huitième|neuvième|dixième|dernier|dernière|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt|" +
  "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|\\p{L}+ième|\\p{L}+th";
const NUMBERED_HEADING = new RegExp(
  `^(?:(?:chapitre|chapter|livre|book|partie|part|tome|volume|acte|act|scène|scene|section)\\s+(?:[IVXLCDM]+|\\d+(?:er|re|e|ème|st|nd|rd|th)?|${NUMBER_WORDS})|(?:${NUMBER_WORDS})\\s+(?:partie|livre|époque|part|book))(?![\\p{L}\\p{N}])(?:[.:]?$|\\s*[.:—–-]\\s*.*$)`,
  "iu",
);
const SINGLE_HEADING = /^(?:prologue|épilogue|epilogue|préface|preface|avant-propos|introduction|conclusion|postface|interlude|appendice|appendix|foreword|afterword)\.?$/i;
const ROMAN = /^[IVXLCDM]+$/;
/** "IV. Le retour", "3. The Beginning" (not "M. Dupont ...", "C. Dickens ..."): at most six words. */
const NUMBERED_TITLE = /^(?:[IVXLC]{2,6}|[IVX]|\d{1,3})[.)]\s+[\p{Lu}«“"]\S*(?:\s+\S+){0,5}$/u;

/** A chapter heading: "CHAPITRE III", "Chapter 3", "Livre premier — Le retour", "Prologue", "IV", "12". */
export function isHeading(line: string): boolean {
  const t = line.trim();
  if (!t || t.length > 80) return false;
  const core = t.replace(/[.:]$/, "");
  if (ROMAN.test(core) || /^\d{1,3}$/.test(core)) return true;
  if (NUMBERED_TITLE.test(t) && !TERMINAL_END.test(t) && !/[,;:—–-]$/.test(t)) return true;
  return NUMBERED_HEADING.test(t) || SINGLE_HEADING.test(t);
}

/** A chapter heading, or another short line without sentence punctuation at its end (a title). */
export function isTitleLine(line: string): boolean {
  const t = line.trim();
  if (!t || t.length > 80) return false;
  if (isHeading(t)) return true;
  if (/^[—–-]/.test(t)) return false; // dialogue
  if (TERMINAL_END.test(t) || /[,;:—–-]$/.test(t)) return false;
  return t.split(/\s+/).length <= 10 && /^[\p{Lu}\p{N}«“"'‘(]/u.test(t);
}

type Range = { start: number; end: number };

/** Splits the text into blocks that a sentence never crosses (paragraphs, titles, dialogue lines). */
function blocks(text: string, mode: "hard" | "auto"): Range[] {
  const lines: Range[] = [];
  const re = /\r\n|\n|\r|\u2028|\u2029/g;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    lines.push({ start: at, end: m.index });
    at = m.index + m[0].length;
  }
  lines.push({ start: at, end: text.length });
  if (mode === "hard") return lines.filter((l) => text.slice(l.start, l.end).trim() !== "");

  // Soft wraps: a newline is a space unless the lines around it say otherwise.
  const lengths = lines.map((l) => text.slice(l.start, l.end).trim().length).filter((n) => n > 0).sort((a, b) => a - b);
  const typical = lengths[Math.floor(lengths.length / 2)] ?? 0;
  const out: Range[] = [];
  let cur: Range | null = null;
  let prevLine = "";
  for (const l of lines) {
    const line = text.slice(l.start, l.end).trim();
    if (!line) {
      if (cur) out.push(cur);
      cur = null;
      prevLine = "";
      continue;
    }
    const hard =
      !cur ||
      LIST_OR_DIALOGUE_START.test(line) ||
      isHeading(line) ||
      isHeading(prevLine) ||
      (TERMINAL_END.test(prevLine) && !shouldMerge(prevLine, line)) ||
      (isTitleLine(prevLine) && prevLine.length < 0.6 * typical && /^[\p{Lu}\p{N}«“"]/u.test(line));
    if (hard) {
      if (cur) out.push(cur);
      cur = { ...l };
    } else if (cur) {
      cur.end = l.end;
    }
    prevLine = line;
  }
  if (cur) out.push(cur);
  return out;
}

/** Sentences with their offsets in `text`. */
export function splitSentenceSpans(text: string, language: string, opts: SegmentOptions = {}): SentenceSpan[] {
  const out: SentenceSpan[] = [];
  for (const b of blocks(text, opts.newlines ?? "auto")) {
    const spans = splitBlock(text, b, language);
    for (const s of spans) {
      const trimmed = trimRange(text, s);
      if (trimmed.end <= trimmed.start) continue;
      const body = text.slice(trimmed.start, trimmed.end);
      // Punctuation on its own (a stray closing guillemet) joins the previous sentence of its
      // block; a whole block of it ("— …", a silent reply) stays a sentence.
      if (!/[\p{L}\p{N}]/u.test(body) && out.length && s !== spans[0]) {
        const prev = out[out.length - 1];
        prev.end = trimmed.end;
        prev.text = clean(text.slice(prev.start, prev.end));
        continue;
      }
      out.push({ start: trimmed.start, end: trimmed.end, text: clean(body) });
    }
  }
  return out;
}

function clean(s: string): string {
  return s.replace(/[ \t]*(?:\r\n|\n|\r|\u2028|\u2029)[ \t]*/g, " ").trim();
}

function trimRange(text: string, r: Range): Range {
  let { start, end } = r;
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { start, end };
}

function splitBlock(text: string, block: Range, language: string): Range[] {
  const raw = text.slice(block.start, block.end).replace(/[\r\n\u2028\u2029]/g, " ");
  // 1. Candidate boundaries from ICU, plus the ones it misses.
  const cuts = new Set<number>();
  for (const s of segmenter(language).segment(raw)) if (s.index > 0) cuts.add(s.index);
  for (const c of extraCuts(raw)) cuts.add(c);
  const sorted = [...cuts].filter((c) => c > 0 && c < raw.length).sort((a, b) => a - b);

  // 2. Walk the pieces, merging where the boundary is not a sentence end.
  const pieces: Range[] = [];
  let prev = 0;
  for (const c of [...sorted, raw.length]) {
    pieces.push({ start: prev, end: c });
    prev = c;
  }
  const out: Range[] = [];
  let cur: Range | null = null;
  for (let piece of pieces) {
    if (!cur) {
      cur = { ...piece };
      continue;
    }
    // Closing quotes/brackets at the start of the next piece belong to the current sentence.
    const closer = LEADING_CLOSERS.exec(raw.slice(piece.start, piece.end));
    if (closer && closer[0].trim() !== "") {
      cur.end = piece.start + closer[0].length;
      piece = { start: cur.end, end: piece.end };
      if (raw.slice(piece.start, piece.end).trim() === "") {
        cur.end = piece.end;
        continue;
      }
    }
    if (shouldMerge(raw.slice(cur.start, cur.end), raw.slice(piece.start, piece.end))) {
      cur.end = piece.end;
    } else {
      out.push(cur);
      cur = { ...piece };
    }
  }
  if (cur) out.push(cur);
  return out.map((r) => ({ start: block.start + r.start, end: block.start + r.end }));
}

/** Boundaries ICU does not give: "… Puis", ". — Viens", "ans. 12 personnes", "?» Il". */
function extraCuts(raw: string): number[] {
  const cuts: number[] = [];
  // Ellipsis followed by a capitalised word (or an opening quote / dialogue dash) ends a sentence.
  for (const m of raw.matchAll(ELLIPSIS_CUT)) cuts.push(m.index + m[0].length);
  // Sentence end followed by a dialogue dash and a capitalised word.
  for (const m of raw.matchAll(DIALOGUE_CUT)) cuts.push(m.index + m[0].length);
  // A period after a word, then a number: "Il avait 3 ans. 12 personnes vinrent." (not "p. 12").
  for (const m of raw.matchAll(NUMBER_CUT)) {
    const word = m[2];
    if (BEFORE_NUMBER.has(word) || ALWAYS.has(word) || /^\p{L}$/u.test(word)) continue;
    cuts.push(m.index + m[0].length);
  }
  return cuts;
}

const LOWER_START = /^[\p{Ll}]/u;

/** True when `text` ends with a period that belongs to a title abbreviation ("M.", "Mr.") or an initial ("J."). */
export function endsWithAbbreviation(text: string): boolean {
  const m = /(?:^|[\s\u00a0\u202f(«“"'‘’\-–—])(\p{L}[\p{L}°]*)\.$/u.exec(text.trimEnd());
  if (!m) return false;
  return ALWAYS.has(m[1]) || /^\p{Lu}$/u.test(m[1]) || BEFORE_NUMBER.has(m[1]);
}

function shouldMerge(cur: string, next: string): boolean {
  const left = cur.trimEnd();
  const right = next.trimStart();
  if (!right) return true;
  if (!left) return true;
  // Continuations: a lowercase word, or punctuation that cannot start a sentence.
  if (LOWER_START.test(right)) return true;
  if (/^[,;:)\]}%‰]/.test(right) || /^-(?!\s)/.test(right)) return true;
  // A dash: an incise continues ("— du moins le croyait-on"), a dialogue line starts a sentence.
  if (DASH_START.test(right)) return /^.[\s\u00a0\u202f]*\p{Ll}/u.test(right);

  // A list or footnote marker that begins the block: "1. Le trône date de 1650.", "IV. Le retour".
  if (/^(?:\d{1,3}(?:\.\d{1,3})*|[IVXLCDM]{1,6})\.$/.test(left)) return true;
  // "av. J.-C." / "apr. J.-C." end a sentence before a capitalised word.
  if (/(?:^|[\s\u00a0])J\.-?C\.$/.test(left)) return /^\p{N}/u.test(right);
  // Period after an abbreviation or an initial.
  const abbr = /(?:^|[\s\u00a0\u202f(«“"'‘’\-–—])((?:\p{L}\.)+\p{L}|\p{L}[\p{L}°]*)\.$/u.exec(left);
  if (abbr) {
    const word = abbr[1];
    if (ALWAYS.has(word)) return true;
    if (/^[\p{Lu}]$/u.test(word) && /^[\p{Lu}]/u.test(right)) return true; // initials: "J. R. R. Tolkien", "A. Dumas"
    if (/^(?:\p{L}\.)+\p{L}$/u.test(word)) {
      // Dotted forms: "e.g." and "i.e." never end a sentence ("U.S.A." may).
      if (/^(?:e\.g|i\.e|E\.g|I\.e)$/.test(word)) return true;
    }
    const numberNext = /^(?:\p{N}|[IVXLCDM]{2,}(?![\p{L}])|[IVXLCDM](?=[.,;:)]|$))/u.test(right);
    if (BEFORE_NUMBER.has(word) && numberNext) return true;
    if ((word === "av" || word === "apr") && /^J\.?-?C\./.test(right)) return true;
  }
  if (/\bn°$/i.test(left)) return true;
  return false;
}
