/**
 * Scores a sentence list against the known sentences of a text.
 *
 * Words: whitespace-separated tokens (any space, no-break ones included) stripped of leading and
 * trailing punctuation, NFC; tokens without a letter or digit are not words. The output's words
 * are aligned with the truth's by a longest common subsequence (Myers diff) so that:
 *   - a sentence boundary is "after word i of the truth"; an output boundary counts when the
 *     output word before it is aligned with a truth word that ends a sentence;
 *   - with a word limit, a boundary between two pieces of one split sentence (both flagged
 *     fromSplit, inside a truth sentence longer than the limit) is neither right nor wrong;
 *   - words lost / invented compare the two bags of words (so a misplaced sentence is an order
 *     error, not a loss);
 *   - an exact match is a truth sentence that an output sentence reproduces, spaces aside;
 *   - order errors: output sentences matched to truth sentences (by text), less the longest run of
 *     them in increasing truth order.
 */

export type ScoredSentence = { text: string; fromSplit?: boolean };

export type Score = {
  truthSentences: number;
  outputSentences: number;
  boundaryTp: number;
  /** Output boundaries that count (split points inside a long sentence do not). */
  boundaryPredicted: number;
  boundaryTruth: number;
  exactCount: number;
  exactEligible: number;
  boundaryPrecision: number;
  boundaryRecall: number;
  boundaryF1: number;
  /** Of the truth sentences that could be returned whole (all of them without a limit). */
  exactRate: number;
  truthWords: number;
  wordsLost: number;
  wordsInvented: number;
  lostPct: number;
  inventedPct: number;
  orderErrors: number;
  /** Output sentences longer than the limit (0 without a limit). */
  overLimit: number;
  /** A few examples of what went wrong, for the report. */
  examples: { missed: string[]; spurious: string[]; lost: string[]; invented: string[] };
};

export function wordsOf(text: string): string[] {
  const out: string[] = [];
  // Typesetters turn ' into ’ (TeX, office suites): the same apostrophe for the score.
  for (const tok of text.normalize("NFC").replace(/[\u2019\u02bc]/g, "'").split(/[\s\u00a0\u202f\u2007]+/)) {
    const w = tok.replace(/^[^\p{L}\p{N}]+/u, "").replace(/[^\p{L}\p{N}]+$/u, "");
    if (w && /[\p{L}\p{N}]/u.test(w)) out.push(w);
  }
  return out;
}

/**
 * The same text, spaces of any kind read as one plain space, the apostrophe as ', and French
 * typographic spacing (before ; : ! ? », after «, as babel and office suites set it) as none: the
 * sources are Project Gutenberg texts without it.
 */
export function normalizeSentence(text: string): string {
  return text
    .normalize("NFC")
    .replace(/[\u2019\u02bc]/g, "'")
    .replace(/[\s\u00a0\u202f\u2007]+/g, " ")
    .replace(/ ([;:!?»])/g, "$1")
    .replace(/« /g, "«")
    .trim();
}

/** Pairs (i in a, j in b) of a longest common subsequence of two word lists (Myers, O((N+M)D)). */
export function alignWords(a: string[], b: string[]): Array<[number, number]> {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2)); // frontier before step d, k in [-d-1, d+1]
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk back through the saved frontiers.
  const pairs: Array<[number, number]> = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0 && (x > 0 || y > 0); d--) {
    const at = (kk: number) => trace[d][kk + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      pairs.push([x - 1, y - 1]);
      x--;
      y--;
    }
    if (d === 0) break;
    x = prevX;
    y = prevY;
  }
  return pairs.reverse();
}

/**
 * The same alignment for book-length texts: words that occur exactly once in each list, kept in
 * increasing order on both sides (a longest increasing subsequence, as patience diff does), cut
 * the lists into short stretches that Myers aligns one by one; Myers alone would need memory
 * quadratic in the number of differences (a book with thousands of damaged words).
 */
export function alignWordsAnchored(a: string[], b: string[], direct = 20_000): Array<[number, number]> {
  if (a.length + b.length <= direct) return alignWords(a, b);
  const count = (xs: string[]) => {
    const m = new Map<string, number>();
    xs.forEach((w, i) => m.set(w, m.has(w) ? -1 : i));
    return m;
  };
  const ua = count(a);
  const ub = count(b);
  const cand: Array<[number, number]> = [];
  for (const [w, i] of ua) {
    const j = ub.get(w);
    if (i >= 0 && j !== undefined && j >= 0) cand.push([i, j]);
  }
  cand.sort((x, y) => x[0] - y[0]);
  // Longest increasing subsequence of j (with back links) over candidates in i order.
  const tails: number[] = [];
  const prev = new Int32Array(cand.length).fill(-1);
  cand.forEach(([, j], k) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cand[tails[mid]][1] < j) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[k] = tails[lo - 1];
    tails[lo] = k;
  });
  const anchors: Array<[number, number]> = [];
  for (let k = tails.length ? tails[tails.length - 1] : -1; k >= 0; k = prev[k]) anchors.push(cand[k]);
  anchors.reverse();
  const pairs: Array<[number, number]> = [];
  let ai = 0;
  let bj = 0;
  for (const [i, j] of [...anchors, [a.length, b.length] as [number, number]]) {
    for (const [x, y] of alignWords(a.slice(ai, i), b.slice(bj, j))) pairs.push([ai + x, bj + y]);
    if (i < a.length) pairs.push([i, j]);
    ai = i + 1;
    bj = j + 1;
  }
  return pairs;
}

function lisLength(xs: number[]): number {
  const tails: number[] = [];
  for (const x of xs) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tails[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = x;
  }
  return tails.length;
}

export function scoreSentences(truth: string[], output: ScoredSentence[], opts: { limit?: number | null; countWords?: (s: string) => number } = {}): Score {
  const limit = opts.limit ?? null;
  const count = opts.countWords ?? ((s: string) => wordsOf(s).length);

  // Word streams with the sentence of every word.
  const tWords: string[] = [];
  const tSent: number[] = [];
  const tEnds = new Set<number>(); // truth word index that ends a sentence
  truth.forEach((s, si) => {
    const ws = wordsOf(s);
    for (const w of ws) {
      tWords.push(w);
      tSent.push(si);
    }
    if (ws.length) tEnds.add(tWords.length - 1);
  });
  const oWords: string[] = [];
  const oEnds: Array<{ word: number; sentence: number }> = [];
  output.forEach((s, si) => {
    const ws = wordsOf(s.text);
    oWords.push(...ws);
    if (ws.length) oEnds.push({ word: oWords.length - 1, sentence: si });
  });
  const pairs = alignWordsAnchored(tWords, oWords);
  const toTruth = new Int32Array(oWords.length).fill(-1);
  for (const [i, j] of pairs) toTruth[j] = i;

  // Boundaries.
  const longTruth = new Set<number>();
  if (limit !== null) truth.forEach((s, si) => count(s) > limit && longTruth.add(si));
  let tp = 0;
  let predicted = 0;
  const spurious: string[] = [];
  const found = new Set<number>();
  oEnds.forEach((e, k) => {
    const i = toTruth[e.word];
    const isTrue = i >= 0 && tEnds.has(i);
    if (!isTrue && limit !== null && i >= 0) {
      const here = output[e.sentence];
      const next = output[oEnds[k + 1]?.sentence ?? -1];
      if (here.fromSplit && next?.fromSplit && longTruth.has(tSent[i])) return; // a split inside a long sentence
    }
    predicted++;
    if (isTrue) {
      tp++;
      found.add(i);
    } else if (spurious.length < 8) spurious.push(output[e.sentence].text);
  });
  const missed: string[] = [];
  for (const i of tEnds) if (!found.has(i) && missed.length < 8) missed.push(truth[tSent[i]]);
  const precision = predicted ? tp / predicted : 1;
  const recall = tEnds.size ? tp / tEnds.size : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;

  // Exact matches and order: output sentences matched to truth sentences by text.
  const byText = new Map<string, number[]>();
  truth.forEach((s, si) => {
    const k = normalizeSentence(s);
    if (!byText.has(k)) byText.set(k, []);
    byText.get(k)!.push(si);
  });
  const used = new Set<number>();
  const matchedOrder: number[] = [];
  let last = -1;
  for (const s of output) {
    const cands = byText.get(normalizeSentence(s.text));
    if (!cands) continue;
    const free = cands.filter((c) => !used.has(c));
    if (!free.length) continue;
    const pick = free.find((c) => c > last) ?? free[0];
    used.add(pick);
    matchedOrder.push(pick);
    last = Math.max(last, pick);
  }
  const eligible = truth.filter((s) => limit === null || count(s) <= limit).length;
  const exactEligible = [...used].filter((si) => limit === null || count(truth[si]) <= limit).length;
  const orderErrors = matchedOrder.length - lisLength(matchedOrder);

  // Words lost / invented (bags).
  const bag = new Map<string, number>();
  for (const w of tWords) bag.set(w, (bag.get(w) ?? 0) + 1);
  const invented: string[] = [];
  let inventedN = 0;
  for (const w of oWords) {
    const c = bag.get(w) ?? 0;
    if (c > 0) bag.set(w, c - 1);
    else {
      inventedN++;
      if (invented.length < 12) invented.push(w);
    }
  }
  let lostN = 0;
  const lost: string[] = [];
  for (const [w, c] of bag) {
    lostN += c;
    if (c > 0 && lost.length < 12) lost.push(w);
  }

  return {
    truthSentences: truth.length,
    outputSentences: output.length,
    boundaryTp: tp,
    boundaryPredicted: predicted,
    boundaryTruth: tEnds.size,
    exactCount: exactEligible,
    exactEligible: eligible,
    boundaryPrecision: precision,
    boundaryRecall: recall,
    boundaryF1: f1,
    exactRate: eligible ? exactEligible / eligible : 1,
    truthWords: tWords.length,
    wordsLost: lostN,
    wordsInvented: inventedN,
    lostPct: tWords.length ? (100 * lostN) / tWords.length : 0,
    inventedPct: tWords.length ? (100 * inventedN) / tWords.length : 0,
    orderErrors,
    overLimit: limit === null ? 0 : output.filter((s) => count(s.text) > limit).length,
    examples: { missed, spurious, lost, invented },
  };
}

/** The naive baseline: split on . ! ? followed by a space (newlines read as spaces). */
export function naiveSplit(text: string): string[] {
  return text
    .replace(/\s+/g, " ")
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Several scores as one (sums of counts, not a mean of rates). */
export function combineScores(scores: Score[]): Score {
  const sum = (f: (s: Score) => number) => scores.reduce((n, s) => n + f(s), 0);
  const tp = sum((s) => s.boundaryTp);
  const predicted = sum((s) => s.boundaryPredicted);
  const truthB = sum((s) => s.boundaryTruth);
  const precision = predicted ? tp / predicted : 1;
  const recall = truthB ? tp / truthB : 1;
  const words = sum((s) => s.truthWords);
  const lost = sum((s) => s.wordsLost);
  const invented = sum((s) => s.wordsInvented);
  const eligible = sum((s) => s.exactEligible);
  return {
    truthSentences: sum((s) => s.truthSentences),
    outputSentences: sum((s) => s.outputSentences),
    boundaryTp: tp,
    boundaryPredicted: predicted,
    boundaryTruth: truthB,
    exactCount: sum((s) => s.exactCount),
    exactEligible: eligible,
    boundaryPrecision: precision,
    boundaryRecall: recall,
    boundaryF1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    exactRate: eligible ? sum((s) => s.exactCount) / eligible : 1,
    truthWords: words,
    wordsLost: lost,
    wordsInvented: invented,
    lostPct: words ? (100 * lost) / words : 0,
    inventedPct: words ? (100 * invented) / words : 0,
    orderErrors: sum((s) => s.orderErrors),
    overLimit: sum((s) => s.overLimit),
    examples: { missed: [], spurious: [], lost: [], invented: [] },
  };
}
