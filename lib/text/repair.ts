/**
 * From positioned lines (lib/pdf/extract.ts) to clean paragraphs:
 *   - running headers/footers and page numbers are dropped (repeated top/bottom lines,
 *     numbers-only lines, "— 12 —", "Page 12"), and so are scene-break ornaments ("* * *");
 *   - lines are joined into paragraphs (new paragraph on an indented line, after a short line
 *     ending with sentence punctuation, on a vertical gap, a dialogue dash, a title line);
 *   - end-of-line hyphenation is undone, real hyphens are kept ("peut-\nêtre" → "peut-être");
 *   - ligatures are expanded, text is NFC, odd spaces are normalized (French typography keeps
 *     U+00A0 before ; : ! ? » and after «).
 * A paragraph that continues on the next page stays one paragraph; every piece of it remembers
 * its page, so a sentence is attributed to the page where it starts.
 */
import { endsWithAbbreviation, isHeading } from "./segment";
import { isTocPage } from "./toc";

export type LineInput = {
  text: string;
  y: number;
  x: number;
  fontSize: number;
  width?: number;
  /** On a page with columns: the ends of the line's column (indents and short lines are measured in it). */
  column?: { left: number; right: number };
  /** The line starts with a drop cap; the lines beside the cap (down to `bottom`, starting near `right`) continue its paragraph. */
  dropCap?: { right: number; bottom: number };
};
export type PageInput = { page: number; lines: LineInput[]; width?: number; height?: number };
export type RepairOptions = { language?: string };

export type RepairedPage = {
  /** The input page number (1-based within the chunk). */
  page: number;
  /** The paragraph texts (or pieces of paragraphs) on this page, in reading order. */
  paragraphs: string[];
  /** The first paragraph on this page continues the last one of the previous page. */
  continuesPrevious: boolean;
  /** Characters of text kept on this page. */
  chars: number;
  /** The page has no text at all (scanned image, blank page). */
  noTextLayer: boolean;
  /** Lines dropped as running headers/footers, page numbers or ornaments. */
  removed: string[];
};

export type ParagraphPart = {
  /** 0-based index of the page in the input. */
  pageIndex: number;
  text: string;
  /** The separator before this part (" " or a no-break space; unused for the first part). */
  sep: string;
};
export type Paragraph = { kind: "body" | "title" | "note"; parts: ParagraphPart[] };
export type RepairResult = { pages: RepairedPage[]; paragraphs: Paragraph[] };

// ---------------------------------------------------------------------------------------------
// Characters and spaces

const LIGATURES: Record<string, string> = { "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st" };
export const NBSP = "\u00a0";
/** Narrow no-break space (French "espace fine insécable"). */
export const NNBSP = "\u202f";

function isFrench(language?: string): boolean {
  return (language ?? "").toLowerCase().split(/[-_]/)[0] === "fr";
}

/**
 * Ligatures → letters (œ and æ are letters and stay), NFC, no zero-width or control characters,
 * one space between words. U+2007 becomes U+00A0; U+202F (narrow no-break space) is kept; a run of
 * spaces containing a no-break space becomes that one no-break space. In French a thin space
 * (U+2009, U+200A) before ; : ! ? » or after « becomes U+202F, and an ordinary space there U+00A0.
 */
export function normalizeText(s: string, language?: string): string {
  let t = s.replace(/[\ufb00-\ufb06]/g, (c) => LIGATURES[c] ?? c).normalize("NFC");
  t = t.replace(/[\u200b-\u200d\u2060\ufeff]/g, "").replace(/[\u0000-\u0008\u000e-\u001f\u007f]/g, "");
  t = t.replace(/\u00ad(?!\s*$)/g, ""); // soft hyphens inside a line are invisible
  t = t.replace(/[\u2010\u2011]/g, "-");
  // TeX's \ldots (three dots with thin spaces between, ". . ."), not a dot leader (more dots): an ellipsis.
  t = t.replace(/(?<!\.[ \u2009\u202f\u00a0]?)\.(?:[ \u2009\u202f\u00a0]\.){2}(?![ \u2009\u202f\u00a0]?\.)/g, "...");
  // French: a thin or hair space next to ; : ! ? « » is typography, kept as a narrow no-break space.
  if (isFrench(language)) t = t.replace(/[\u2009\u200a]+(?=[;:!?»])/g, NNBSP).replace(/(?<=«)[\u2009\u200a]+/g, NNBSP);
  t = t.replace(/[\t\n\v\f\r \u0085\u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]+/g, " ");
  // A run of spaces with a no-break one is that no-break space (narrow if it has a narrow one).
  t = t.replace(/\u2007/g, NBSP).replace(/ *[\u00a0\u202f][ \u00a0\u202f]*/g, (m) => (m.includes(NNBSP) ? NNBSP : NBSP));
  if (isFrench(language)) t = t.replace(/(?<=\S) (?=[;:!?»])/g, NBSP).replace(/« /g, "«" + NBSP);
  return t.replace(/^[\s\u00a0\u202f]+|[\s\u00a0\u202f]+$/g, "");
}

/** The space to put between two joined pieces of text. */
export function spaceBetween(left: string, right: string, language?: string): string {
  if (isFrench(language) && (/^[;:!?»]/.test(right) || /«$/.test(left))) return NBSP;
  return " ";
}

// ---------------------------------------------------------------------------------------------
// Hyphenation

const FR_COMPOUNDS = new Set(
  (
    "peut-être c'est-à-dire vis-à-vis après-midi après-demain avant-hier avant-garde avant-veille grand-mère grand-père grands-parents grand-chose grand-oncle grand-tante grand-rue grand-messe grand-route " +
    "petit-fils petite-fille petits-enfants petit-déjeuner arc-en-ciel belle-mère belles-lettres beau-père beau-frère belle-sœur belle-fille beaux-parents chef-d'œuvre rendez-vous porte-monnaie porte-parole sous-sol " +
    "sur-le-champ là-bas là-haut là-dessus là-dessous là-dedans celui-ci celle-ci celui-là celle-là ceux-ci ceux-là celles-ci celles-là quelques-uns quelques-unes au-dessus au-dessous au-delà au-devant " +
    "au-dedans au-dehors non-sens non-lieu demi-heure demi-journée demi-douzaine mi-chemin mi-temps arrière-plan arrière-pensée contre-jour entre-temps faire-part laissez-passer va-et-vient pot-au-feu " +
    "sang-froid savoir-faire savoir-vivre chou-fleur coffre-fort garde-robe gratte-ciel haut-parleur hors-d'œuvre lieu-dit nouveau-né pique-nique procès-verbal rez-de-chaussée sous-marin timbre-poste " +
    "tête-à-tête trompe-l'œil vice-président week-end bien-aimé bien-aimée bien-être mal-être ex-mari ex-femme basse-cour chauve-souris compte-rendu coq-à-l'âne eau-de-vie jusque-là peut-on dit-il dit-elle " +
    "saint-esprit sainte-vierge sourd-muet tire-bouchon porte-fenêtre porte-manteau garde-fou garde-chasse volte-face wagon-lit court-circuit"
  ).split(" "),
);
const EN_COMPOUNDS = new Set(
  (
    "mother-in-law father-in-law son-in-law daughter-in-law brother-in-law sister-in-law sisters-in-law brothers-in-law so-called long-term short-term part-time full-time up-to-date make-up passer-by passers-by " +
    "good-bye good-night good-looking good-natured ill-tempered old-fashioned well-known well-being well-off well-bred self-esteem self-control self-respect absent-minded half-hour half-past half-way " +
    "forty-five ninety-nine twenty-one know-how merry-go-round jack-in-the-box will-o'-the-wisp man-of-war light-hearted kind-hearted broken-hearted cold-blooded far-off one-sided two-thirds"
  ).split(" "),
);
const NUMBER_COMPOUND = /^(?:(?:dix|vingt|trente|quarante|cinquante|soixante|quatre-vingt)-(?:et-)?(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt)|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(?:one|two|three|four|five|six|seven|eight|nine|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth))$/;
/** French pronouns after a verb ("dit-il", "croyait-on", "laisse-moi") and demonstrative particles. */
const FR_CLITICS = new Set(["je", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "moi", "toi", "lui", "le", "la", "y", "en", "ce", "ci", "là"]);
const FR_PRONOUNS = new Set(["moi", "toi", "lui", "elle", "soi", "nous", "vous", "eux", "elles"]);
/** First parts after which the hyphen is a real one (spec list), with guards for ambiguous ones. */
const FR_PREFIXES = new Set(["peut", "c'est-à", "vis-à", "grand", "grands", "grande", "grandes", "petit", "petits", "petite", "petites", "arc", "après", "avant", "demi", "semi", "mi", "arrière", "belle", "belles", "beau", "beaux", "bien"]);
const FR_GUARDED: Record<string, Set<string>> = {
  au: new Set(["dessus", "dessous", "delà", "dedans", "dehors", "devant", "revoir"]),
  non: new Set(["sens", "lieu", "être", "dit", "dits", "violence", "retour", "recevoir", "assistance", "fumeur", "fumeurs", "droit", "initié", "initiés", "voyant", "voyants", "lieux"]),
  ex: new Set(["mari", "femme", "époux", "épouse", "président", "ministre", "roi", "reine", "député", "maire", "champion", "libris", "voto", "cathedra", "nihilo", "aequo", "amant", "maîtresse"]),
};
const EN_PREFIXES_UNLESS: Record<string, Set<string>> = {
  self: new Set(["ish", "ishly", "ishness", "less", "lessly", "lessness", "same", "hood"]),
  well: new Set(["ness", "nesses", "head", "heads", "spring", "springs", "ington", "ingtons"]),
  semi: new Set(["nar", "nars", "nary", "naries", "nal", "nally", "colon", "colons", "circle", "circles", "circular", "conductor", "conductors", "final", "finals"]),
  demi: new Set(["john", "johns", "urge", "urges"]),
};
const EN_GUARDED: Record<string, Set<string>> = {
  ex: new Set(["wife", "husband", "president", "minister", "boyfriend", "girlfriend", "officio", "cathedra", "libris", "convict", "soldier", "partner", "king", "queen", "lover"]),
  non: new Set(["existent", "existence", "committal", "violent", "violence", "entity", "smoker", "smokers", "stop", "fiction", "believer", "believers", "combatant", "combatants", "commissioned", "conformist", "conformists"]),
};

export type Vocabulary = Set<string>;
const apos = (s: string) => s.replace(/’/g, "'");

/** Words seen in the text (lowercase), used to decide whether a line-end hyphen is real. */
export function buildVocabulary(lines: string[]): Vocabulary {
  const vocab: Vocabulary = new Set();
  for (const line of lines) {
    const tokens = line.split(/[\s\u00a0]+/);
    for (let i = 0; i < tokens.length; i++) {
      if (i === tokens.length - 1 && /-$/.test(tokens[i])) continue;
      const w = stripPunct(tokens[i]);
      if (w && /\p{L}/u.test(w)) vocab.add(apos(w.toLowerCase()));
    }
  }
  return vocab;
}

function stripPunct(token: string): string {
  return token.replace(/^[^\p{L}\p{N}]+/u, "").replace(/[^\p{L}\p{N}]+$/u, "");
}

/**
 * Whether a hyphen at the end of a line between `left` (the word part before it, e.g. "extra",
 * "c'est-à", "Saint") and `right` (the word part on the next line) is a real hyphen.
 */
export function keepHyphen(left: string, right: string, language?: string, vocab?: Vocabulary): boolean {
  const l = apos(stripPunct(left)).toLowerCase();
  const rRaw = /^[\p{L}'’-]*[\p{L}]/u.exec(right)?.[0] ?? right;
  const r = apos(rRaw).toLowerCase();
  const lang = (language ?? "").toLowerCase().split(/[-_]/)[0];
  if (vocab) {
    if (vocab.has(`${l}-${r}`)) return true;
    if (vocab.has(`${l.replace(/^.*-/, "")}${r}`) && !l.includes("-")) return false;
  }
  const leftWord = stripPunct(left);
  if (/^\p{Lu}/u.test(rRaw) && !(leftWord === leftWord.toUpperCase() && /\p{Lu}/u.test(leftWord))) return true;
  if (l.includes("-")) return true;
  const bare = l.replace(/^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|quoiqu)'/, "");
  const joined = `${bare}-${r}`;
  if (FR_COMPOUNDS.has(joined) || EN_COMPOUNDS.has(joined) || NUMBER_COMPOUND.test(joined)) return true;
  if (lang === "fr" || lang === "") {
    if (FR_CLITICS.has(r) || /^t-/.test(r)) return true;
    if ((r === "même" || r === "mêmes") && FR_PRONOUNS.has(bare)) return true;
    if (FR_PREFIXES.has(bare)) return true;
    if (FR_GUARDED[bare]?.has(r)) return true;
  }
  if (lang === "en" || lang === "") {
    const unless = EN_PREFIXES_UNLESS[bare];
    if (unless) return !unless.has(r);
    if (EN_GUARDED[bare]?.has(r)) return true;
  }
  // Other languages: only the document's vocabulary, the uppercase rule and the compound lists.
  return false;
}

export type JoinResult = { left: string; sep: string; right: string };

/**
 * Joins line `a` and the following line `b` of one paragraph. Hyphenated words are put back
 * together on the left side (the word belongs where it starts): the result is `left + sep + right`.
 */
export function joinPair(a: string, b: string, opts: { language?: string; vocab?: Vocabulary } = {}): JoinResult {
  if (!a) return { left: a, sep: "", right: b };
  if (!b) return { left: a, sep: "", right: b };
  const firstSpace = b.search(/ /);
  const first = firstSpace < 0 ? b : b.slice(0, firstSpace);
  const rest = firstSpace < 0 ? "" : b.slice(firstSpace + 1);
  const moved = (left: string): JoinResult => ({ left, sep: rest ? spaceBetween(left, rest, opts.language) : "", right: rest });
  // Soft hyphen or "¬" at the end: always a break inside a word.
  if (/\p{L}[\u00ad¬]$/u.test(a) && /^\p{L}/u.test(b)) return moved(a.slice(0, -1) + first);
  if (/\p{L}-$/u.test(a) && /^\p{L}/u.test(b)) {
    const lastSpace = Math.max(a.lastIndexOf(" "), a.lastIndexOf(NBSP));
    const leftWord = a.slice(lastSpace + 1, -1);
    return keepHyphen(leftWord, first, opts.language, opts.vocab) ? moved(a + first) : moved(a.slice(0, -1) + first);
  }
  // A dash glued to the word before it, at a line end: glued to the next word too (TeX breaks
  // after "—" with no space: "enfants,—" + "ce qui" is "enfants,—ce qui"); "mot —" keeps its space.
  if (/[^\s\u00a0\u202f]—$/u.test(a) && /^[\p{L},.)]/u.test(b)) return moved(a + first);
  // Number ranges split after the dash: "1870-" + "1871".
  if (/\p{N}[-–]$/u.test(a) && /^\p{N}/u.test(b)) return moved(a + first);
  return { left: a, sep: spaceBetween(a, b, opts.language), right: b };
}

/** Joins two lines of one paragraph into one string (see joinPair). */
export function joinLines(a: string, b: string, opts: { language?: string; vocab?: Vocabulary } = {}): string {
  const r = joinPair(a, b, opts);
  return r.left + (r.right ? r.sep + r.right : "");
}

// ---------------------------------------------------------------------------------------------
// Headers, footers, page numbers

const PAGE_NUMBER = /^[\s\-–—.·•|[\]()]*(?:(?:page|p\.|pg\.?|seite|página|pagina|pag\.)\s*)?(\d{1,4}|[ivxlcdm]{1,7}|[IVXLCDM]{1,7})(?:\s*(?:\/|of|sur|de|von)\s*\d{1,5})?[\s\-–—.·•|[\]()]*$/i;

/** A line that is only a page number: "12", "— 12 —", "Page 12", "p. 12", "12 / 300", "xii". */
export function isPageNumberLine(text: string): boolean {
  return PAGE_NUMBER.test(text.trim());
}

function pageNumberValue(text: string): number | null {
  const m = PAGE_NUMBER.exec(text.trim());
  if (!m || !/^\d+$/.test(m[1])) return null;
  return Number(m[1]);
}

/** Key under which a running header is recognised on several pages: letters only, no digits. */
function runningKey(text: string): string {
  return text.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").replace(/[^\p{L}]+/gu, "");
}

// ---------------------------------------------------------------------------------------------
// The chunk

type Line = { text: string; y: number; x: number; fontSize: number; width: number; page: number; index: number; column?: { left: number; right: number }; dropCap?: { right: number; bottom: number } };
type Metrics = { left: number; right: number; hasWidth: boolean };

const TERMINAL_END = /[.!?…](?:[\u00a0\u202f ]*[»”’"')\]])*$/;
const BULLET = /^[•·▪‣◦●■□◆►✓]\s/;
const ORNAMENT = /^[\s*⁂❦❧✻✦✶✷✽•·~#=_§]+$/;

/**
 * A figure's glyphs read as text (a symbol or music font, labels of a diagram): a line of four or
 * more "words" of one or two characters, most of them single, with a letter or a symbol among
 * them. Not a line of capitals spaced out (a letter-spaced title, "C H A P I T R E"), not a row of
 * numbers, not dialogue or prose (their words are longer).
 */
export function isGlyphRun(text: string): boolean {
  const tokens = text.trim().split(/\s+/);
  if (tokens.length < 4) return false;
  if (!tokens.every((t) => [...t].length <= 2)) return false;
  const single = tokens.filter((t) => [...t].length === 1).length;
  if (single < 0.75 * tokens.length) return false;
  if (tokens.every((t) => /^\p{Lu}$/u.test(t))) return false;
  if (tokens.every((t) => /^[\p{N}.,]+$/u.test(t))) return false;
  return true;
}

function weightedMode(values: Array<[number, number]>): number {
  const m = new Map<number, number>();
  for (const [v, w] of values) m.set(v, (m.get(v) ?? 0) + w);
  let best = NaN;
  let bestW = -1;
  for (const [v, w] of m) {
    if (w > bestW) {
      best = v;
      bestW = w;
    }
  }
  return best;
}

function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** Lines per page → paragraphs per page (see the module comment). */
export function repairPages(pages: PageInput[], opts: RepairOptions = {}): RepairedPage[] {
  return repairChunk(pages, opts).pages;
}

export function repairChunk(pages: PageInput[], opts: RepairOptions = {}): RepairResult {
  const language = opts.language;
  const byPage: Line[][] = pages.map((p, pi) =>
    p.lines
      .map((l, index) => ({ text: normalizeText(l.text, language), y: l.y, x: l.x, fontSize: l.fontSize > 0 ? l.fontSize : 10, width: l.width ?? 0, page: pi, index, column: l.column, dropCap: l.dropCap }))
      .filter((l) => l.text !== ""),
  );
  const noText = byPage.map((ls) => ls.length === 0);
  const all = byPage.flat();
  const removed: string[][] = pages.map(() => []);
  if (!all.length) {
    return { pages: pages.map((p) => ({ page: p.page, paragraphs: [], continuesPrevious: false, chars: 0, noTextLayer: true, removed: [] })), paragraphs: [] };
  }

  const bodySize = weightedMode(all.map((l) => [Math.round(l.fontSize * 2) / 2, l.text.length]));
  const sameSize = (l: Line) => Math.abs(l.fontSize - bodySize) <= 0.1 * bodySize;
  const gaps: number[] = [];
  for (const ls of byPage)
    for (let i = 1; i < ls.length; i++) {
      const d = ls[i - 1].y - ls[i].y;
      if (sameSize(ls[i - 1]) && sameSize(ls[i]) && d > 0.5 * bodySize && d < 3 * bodySize) gaps.push(d);
    }
  const leading = median(gaps) || 1.2 * bodySize;

  // --- Running headers / footers and page numbers.
  const zoneKey = (l: Line) => `${runningKey(l.text)}|${Math.round(l.fontSize)}`;
  // The same line letter for letter, digits included (a block of running-title lines repeats so).
  // (Accents and punctuation aside: OCR reads "MAÎTRE," on one page, "MAITRE," on the next.)
  const exactKey = (l: Line) => `=${l.text.normalize("NFD").replace(/[^\p{L}\p{N}]+/gu, "").toLowerCase()}|${Math.round(l.fontSize)}`;
  const topSeen = new Map<string, Set<number>>();
  const bottomSeen = new Map<string, Set<number>>();
  const offsets = new Map<number, number>(); // page number value - page index → count
  byPage.forEach((ls, pi) => {
    const zone = (cands: Line[], seen: Map<string, Set<number>>) => {
      for (const l of cands) {
        if (runningKey(l.text).length >= 3) {
          for (const k of [zoneKey(l), exactKey(l)]) {
            if (!seen.has(k)) seen.set(k, new Set());
            seen.get(k)!.add(pi);
          }
        }
        const v = pageNumberValue(l.text);
        if (v !== null) offsets.set(v - pi, (offsets.get(v - pi) ?? 0) + 1);
      }
    };
    zone(ls.slice(0, 3), topSeen);
    zone(ls.slice(Math.max(0, ls.length - 3)), bottomSeen);
  });
  const consistentOffsets = [...offsets.values()].some((n) => n >= 2);

  const isPageNumber = (l: Line, zone: "top" | "bottom"): boolean => {
    const t = l.text.trim();
    if (!PAGE_NUMBER.test(t)) return false;
    const v = pageNumberValue(t);
    if (v === null) {
      // Roman numerals: lowercase ones are page numbers; uppercase ones at the top may be chapter numbers.
      const m = PAGE_NUMBER.exec(t);
      if (m && /^[IVXLCDM]+$/.test(m[1]) && zone === "top" && !/page|p\./i.test(t)) return false;
      return true;
    }
    if (/[^\d\s.]/.test(t)) return true; // "— 12 —", "Page 12", "12 / 300"
    if ((offsets.get(v - l.page) ?? 0) >= 2) return true;
    if (consistentOffsets && zone === "top") return false; // a chapter number, not in the page sequence
    return l.fontSize <= 1.1 * bodySize;
  };
  /** `afterRunning`: the line just removed next to this one (nearer the page's edge) was a repeated running title. */
  const isRunning = (ls: Line[], i: number, zone: "top" | "bottom", afterRunning = false): boolean => {
    const l = ls[i];
    if (runningKey(l.text).length < 3) return false;
    // A sentence (several words ending with sentence punctuation) is text, not a running title:
    // e.g. the same footnote on two pages.
    if (TERMINAL_END.test(l.text) && l.text.split(/\s+/).length >= 6) return false;
    const seen = zone === "top" ? topSeen : bottomSeen;
    const repeated = (x: Line) => runningKey(x.text).length >= 3 && !TERMINAL_END.test(x.text) && (seen.get(exactKey(x))?.size ?? 0) >= 2;
    const count = seen.get(zoneKey(l))?.size ?? 0;
    // A running title of two or three lines (a long chapter title): every line of it repeats, and
    // the block as a whole is set apart from the body. (A scan's OCR gives all of them the body's size.)
    const step = zone === "top" ? 1 : -1;
    let last = i;
    while (count >= 2 && Math.abs(last - i) < 2 && ls[last + step] && repeated(ls[last + step])) last += step;
    const neighbour = ls[last + step];
    const isolated = !neighbour || Math.abs(ls[last].y - neighbour.y) > 1.5 * leading;
    const fontDiff = Math.abs(l.fontSize - bodySize) > 0.08 * bodySize;
    // Repeated on several pages and set apart from the body (by space or by size); or a block of
    // two or three lines that all repeat (a body line seldom does, its neighbours never).
    if (count >= 2) return isolated || fontDiff || ((last !== i || afterRunning) && repeated(l));
    // Not repeated in this chunk (a short chunk, alternating headers): an isolated, smaller, short
    // line at the very top without sentence punctuation is still a running header.
    return (
      zone === "top" && i === 0 && !!neighbour && isolated && l.fontSize < 0.92 * bodySize && !TERMINAL_END.test(l.text) && l.text.split(/\s+/).length <= 8 && !isHeading(l.text)
    );
  };
  const body: Line[][] = byPage.map((ls, pi) => {
    // A table of contents is the book's outline, not its text.
    if (isTocPage(ls.map((l) => l.text))) {
      removed[pi].push(...ls.map((l) => l.text));
      return [];
    }
    // Scene-break ornaments ("* * *", "⁂", "❦") and a figure's glyphs carry no text.
    const kept = ls.filter((l) => {
      if (!ORNAMENT.test(l.text) && !isGlyphRun(l.text)) return true;
      removed[pi].push(l.text);
      return false;
    });
    let afterRunning = false;
    for (let k = 0; k < 3 && kept.length; k++) {
      const running: boolean = !isPageNumber(kept[0], "top") && isRunning(kept, 0, "top", afterRunning);
      if (!running && !isPageNumber(kept[0], "top")) break;
      afterRunning = running;
      removed[pi].push(kept.shift()!.text);
    }
    afterRunning = false;
    for (let k = 0; k < 3 && kept.length; k++) {
      const i = kept.length - 1;
      const running: boolean = !isPageNumber(kept[i], "bottom") && isRunning(kept, i, "bottom", afterRunning);
      if (!running && !isPageNumber(kept[i], "bottom")) break;
      afterRunning = running;
      removed[pi].push(kept.pop()!.text);
    }
    return kept;
  });

  // --- Page metrics: left margin and right edge of the text block (per page, or per parity).
  const metricsOf = (ls: Line[]): Metrics | null => {
    const lines = ls.filter(sameSize);
    if (lines.length < 4) return null;
    const hist = new Map<number, number>();
    for (const l of lines) hist.set(Math.round(l.x), (hist.get(Math.round(l.x)) ?? 0) + 1);
    const need = Math.max(2, Math.ceil(0.15 * lines.length));
    const candidates = [...hist.entries()].filter(([, n]) => n >= need).map(([x]) => x);
    const left = candidates.length ? Math.min(...candidates) : Math.min(...lines.map((l) => l.x));
    const widths = lines.filter((l) => l.width > 0);
    const right = widths.length ? quantile(widths.map((l) => l.x + l.width), 0.9) : NaN;
    return { left, right, hasWidth: widths.length >= 2 && right > left };
  };
  const parity = [0, 1].map((p) => metricsOf(body.filter((_, pi) => pi % 2 === p).flat()));
  const overall = metricsOf(body.flat());
  const fallback: Metrics = overall ?? { left: Math.min(...all.map((l) => l.x)), right: NaN, hasWidth: false };
  const metrics: Metrics[] = body.map((ls, pi) => metricsOf(ls) ?? parity[pi % 2] ?? fallback);

  // --- Footnotes: a block of smaller lines at the bottom, after a gap (or starting with a marker).
  const notes: Set<Line> = new Set();
  body.forEach((ls) => {
    let i = ls.length;
    while (i > 0 && ls[i - 1].fontSize < 0.88 * bodySize) i--;
    if (i === ls.length || i === 0) return;
    const gap = ls[i - 1].y - ls[i].y > 1.3 * leading;
    if (gap || /^[\d*†‡]/.test(ls[i].text)) for (let k = i; k < ls.length; k++) notes.add(ls[k]);
  });

  // --- Classify and join.
  const vocab = buildVocabulary(body.flat().map((l) => l.text));
  // A line in a column is measured against its column, other lines against the page's text block.
  const boxOf = (l: Line): Metrics => (l.column ? { left: l.column.left, right: l.column.right, hasWidth: l.column.right > l.column.left } : metrics[l.page]);
  const indentOf = (l: Line) => l.x - boxOf(l).left;
  const isCentered = (l: Line) => {
    const m = boxOf(l);
    if (!m.hasWidth || l.width <= 0) return false;
    const lgap = l.x - m.left;
    const rgap = m.right - (l.x + l.width);
    return lgap > 2 * bodySize && rgap > 2 * bodySize && Math.abs(lgap - rgap) < Math.max(2 * bodySize, 0.1 * (m.right - m.left));
  };
  const isShort = (l: Line) => {
    const m = boxOf(l);
    return m.hasWidth && l.x + l.width < m.right - Math.max(0.2 * (m.right - m.left), 5 * bodySize);
  };
  // An all-caps line is a title when it stands alone (a first line in small caps is not).
  const isAllCapsTitle = (l: Line) =>
    /\p{Lu}.*\p{Lu}/u.test(l.text) && !/\p{Ll}/u.test(l.text) && l.text.split(/\s+/).length <= 8 && !/[,;:-]$/.test(l.text) && (isShort(l) || !boxOf(l).hasWidth);
  const isTitle = (l: Line) => /[\p{L}\p{N}]/u.test(l.text) && (l.fontSize > 1.15 * bodySize || isHeading(l.text) || isCentered(l) || isAllCapsTitle(l));
  const em = 0.6 * bodySize;

  const paragraphs: Paragraph[] = [];
  let para: Paragraph | null = null;
  let pending: Paragraph[] = [];
  let prev: Line | null = null;
  let prevFirst = false; // prev is the first line of its paragraph
  let prevTitle = false;
  let hanging = false; // the paragraph is a list item (its next lines may hang under the bullet)
  let capZone: { page: number; right: number; bottom: number } | null = null; // lines beside a drop cap
  const flat = body.flatMap((ls) => ls.filter((l) => !notes.has(l)));
  for (let i = 0; i < flat.length; i++) {
    const l = flat[i];
    const next = flat[i + 1];
    const besideCap = !!capZone && capZone.page === l.page && l.y >= capZone.bottom - 0.3 * l.fontSize && Math.abs(l.x - capZone.right) <= em;
    let title = !besideCap && isTitle(l);
    // "… vers 11 h" + "30." : a bare number ending a sentence continues the paragraph, it is no chapter number.
    if (title && prev && !prevTitle && /^(?:\d{1,4}|[IVXLCDM]{1,7})[.,;:!?]?$/.test(l.text) && sameSize(l) && !isCentered(l) && !TERMINAL_END.test(prev.text) && !/:$/.test(prev.text))
      title = false;
    let brk = true;
    if (prev && para) {
      brk = false;
      const a = prev;
      if (prevTitle || title) {
        const sameTitle =
          prevTitle && title && a.page === l.page && Math.abs(a.fontSize - l.fontSize) <= 0.05 * a.fontSize && a.y - l.y <= 1.6 * a.fontSize && !isHeading(a.text) && !isHeading(l.text);
        brk = !sameTitle;
      } else if (a.page === l.page && a.y - l.y > 1.6 * leading) brk = true;
      else if (Math.abs(a.fontSize - l.fontSize) > 0.15 * bodySize) brk = true;
      else if ((/^[—–]/.test(l.text) || /^-\s/.test(l.text)) && (TERMINAL_END.test(a.text) || /:$/.test(a.text))) brk = true; // dialogue line
      else if (BULLET.test(l.text)) brk = true;
      else if (besideCap) brk = false; // beside a drop cap
      else if (hanging) brk = (isShort(a) && TERMINAL_END.test(a.text)) || (!BULLET.test(a.text) && indentOf(l) < indentOf(a) - em); // list item
      else if (indentOf(l) > em && indentOf(l) > indentOf(a) + em) brk = true;
      else if (
        indentOf(l) > em &&
        Math.abs(indentOf(l) - indentOf(a)) <= em &&
        prevFirst &&
        next &&
        next.page === l.page &&
        indentOf(next) < indentOf(l) - em
      )
        brk = true; // two one-line paragraphs in a row
      else if (isShort(a) && TERMINAL_END.test(a.text) && !endsWithAbbreviation(a.text)) brk = true;
      // A short line, then an indented one: in justified text only a paragraph's last line is
      // short ("Quand le consul eut achevé sa lecture :" then "« Vous êtes Phileas Fogg… »").
      else if (isShort(a) && indentOf(l) > em && /[:»”"]$/.test(a.text)) brk = true;
    }
    if (brk || !para) {
      if (para) paragraphs.push(para);
      paragraphs.push(...pending);
      pending = [];
      para = { kind: title ? "title" : "body", parts: [{ pageIndex: l.page, text: l.text, sep: "" }] };
      prevFirst = true;
      hanging = BULLET.test(l.text);
    } else {
      const last = para.parts[para.parts.length - 1];
      const r = joinPair(last.text, l.text, { language, vocab });
      last.text = r.left;
      if (last.pageIndex === l.page) last.text += r.right ? r.sep + r.right : "";
      else para.parts.push({ pageIndex: l.page, text: r.right, sep: r.sep });
      prevFirst = false;
    }
    if (l.dropCap) capZone = { page: l.page, ...l.dropCap };
    else if (capZone && (capZone.page !== l.page || l.y < capZone.bottom - 0.3 * l.fontSize)) capZone = null;
    prev = l;
    prevTitle = title;
    // Footnotes of this page wait until the paragraph running across the page break ends.
    if (!next || next.page !== l.page) pending.push(...footnoteParagraphs(body[l.page].filter((x) => notes.has(x)), language, vocab));
  }
  if (para) paragraphs.push(para);
  paragraphs.push(...pending);
  // Pages with footnotes but no body line were skipped above.
  body.forEach((ls) => {
    if (ls.length && ls.every((l) => notes.has(l))) paragraphs.push(...footnoteParagraphs(ls, language, vocab));
  });

  // --- Per page view.
  const out: RepairedPage[] = pages.map((p, pi) => ({ page: p.page, paragraphs: [], continuesPrevious: false, chars: 0, noTextLayer: noText[pi], removed: removed[pi] }));
  const seenPage = new Set<number>();
  for (const para of paragraphs) {
    let prevPage = -1;
    para.parts.forEach((part, k) => {
      const page = out[part.pageIndex];
      if (part.pageIndex !== prevPage) {
        if (!seenPage.has(part.pageIndex) && k > 0 && part.text) page.continuesPrevious = true;
        if (part.text) page.paragraphs.push(part.text);
      } else if (part.text) {
        page.paragraphs[page.paragraphs.length - 1] += part.sep + part.text;
      }
      if (part.text) seenPage.add(part.pageIndex);
      prevPage = part.pageIndex;
    });
  }
  for (const p of out) p.chars = p.paragraphs.reduce((n, t) => n + t.length, 0);
  return { pages: out, paragraphs };
}

/** A footnote's marker at the start of its first line: "1. ", "12) ", "* ", "† ". */
const NOTE_MARKER = /^(?:\d{1,3}|[*†‡]+)[.)]?\s+/;

function footnoteParagraphs(lines: Line[], language: string | undefined, vocab: Vocabulary): Paragraph[] {
  const out: Paragraph[] = [];
  for (const l of lines) {
    const last = out[out.length - 1];
    const marker = NOTE_MARKER.exec(l.text);
    // A line starting with a number starts a note only after a finished one: "… les gouverneurs, 300"
    // + "000 F, et le gouverneur général" is one note (a number cut at its thousands).
    if (!last || (marker && TERMINAL_END.test(last.parts[last.parts.length - 1].text))) {
      // The note's marker ("1.", "*") is not part of its text.
      const text = marker && l.text.length > marker[0].length ? l.text.slice(marker[0].length) : l.text;
      out.push({ kind: "note", parts: [{ pageIndex: l.page, text, sep: "" }] });
      continue;
    }
    const part = last.parts[last.parts.length - 1];
    part.text = joinLines(part.text, l.text, { language, vocab });
  }
  return out;
}

export type TextStream = {
  /** Paragraphs separated by "\n". */
  text: string;
  /** Runs of text from one page, sorted by offset; `pageIndex` is 0-based in the input. */
  runs: Array<{ start: number; pageIndex: number }>;
  /** Where each paragraph starts, and its kind (a footnote is "note"). */
  paragraphs: Array<{ start: number; kind: Paragraph["kind"] }>;
};

/** The paragraphs as one text (one paragraph a line) with the page of every character. */
export function paragraphStream(paragraphs: Paragraph[]): TextStream {
  let text = "";
  const runs: TextStream["runs"] = [];
  const starts: TextStream["paragraphs"] = [];
  for (const para of paragraphs) {
    const parts = para.parts.filter((p) => p.text);
    if (!parts.length) continue;
    if (text) text += "\n";
    starts.push({ start: text.length, kind: para.kind });
    parts.forEach((part, k) => {
      if (k > 0) text += part.sep || " ";
      if (!runs.length || runs[runs.length - 1].pageIndex !== part.pageIndex) runs.push({ start: text.length, pageIndex: part.pageIndex });
      text += part.text;
    });
  }
  return { text, runs, paragraphs: starts };
}

/** The last of `marks` (sorted by start) starting at or before `offset`; the first one if none does. */
function markAt<T extends { start: number }>(marks: T[], offset: number): T | undefined {
  let lo = 0;
  let hi = marks.length - 1;
  let found = marks[0];
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (marks[mid].start <= offset) {
      found = marks[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The kind of the paragraph holding the character at `offset` of a paragraph stream. */
export function kindAt(stream: TextStream, offset: number): Paragraph["kind"] {
  return markAt(stream.paragraphs, offset)?.kind ?? "body";
}

/** The page index (0-based, in the input) of the character at `offset` of a paragraph stream. */
export function pageAt(stream: TextStream, offset: number): number {
  return markAt(stream.runs, offset)?.pageIndex ?? 0;
}
