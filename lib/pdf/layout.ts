/**
 * Lines and columns from positioned text items (pdf.js's, OCR's, Poppler's words): rows by
 * baseline, columns by a gutter no line crosses, drop caps, footnote calls left out.
 */
import type { ExtractedLine, Item } from "./extract-types";

/**
 * Groups text items into lines in reading order. Columns are found first (a vertical strip that
 * almost no line crosses, with text on both sides); within a page band between lines that span
 * the columns (headers, titles, page numbers), the left column is read before the right one.
 */
export function groupLines(items: Item[]): ExtractedLine[] {
  return layoutLines(mergeDropCaps(items), 0);
}

/**
 * Drop caps: a letter (maybe after an opening quote) at least 2.2 times the size of the text,
 * with text lines of ordinary size just to its right, is the first letter of the topmost of those
 * lines ("L" + "e lendemain" → "Le lendemain"). A one-letter word that cannot start a longer
 * word ("À") keeps a space after it.
 */
export function mergeDropCaps(items: Item[]): Item[] {
  if (items.length < 3) return items;
  const sizes = items.map((it) => it.fontSize).sort((a, b) => a - b);
  const body = sizes[Math.floor(sizes.length / 2)];
  let out = items;
  for (const cap of items) {
    if (cap.fontSize < 2.2 * body || !/^[«“"‘(]?\p{Lu}$/u.test(cap.str.trim())) continue;
    const capRight = cap.x + cap.width;
    // Lines beside it: ordinary size, starting just right of it, within its height.
    const beside = out.filter(
      (it) => it !== cap && it.fontSize < 0.7 * cap.fontSize && it.x >= capRight - 0.5 && it.x <= capRight + 1.5 * it.fontSize && it.y >= cap.y - 0.3 * it.fontSize && it.y <= cap.y + 0.9 * cap.fontSize,
    );
    if (!beside.length) continue;
    const topY = Math.max(...beside.map((it) => it.y));
    const first = beside.filter((it) => Math.abs(it.y - topY) < 0.3 * it.fontSize).sort((a, b) => a.x - b.x)[0];
    const letter = cap.str.trim();
    const sep = /^[ÀÂÔÔ]$/u.test(letter.slice(-1)) || /^[\s\u00a0]/.test(first.str) ? " " : "";
    const bottom = Math.min(...beside.map((it) => it.y));
    const merged: Item = { str: letter + sep + first.str.replace(/^\s+/, ""), x: cap.x, y: first.y, width: first.x + first.width - cap.x, fontSize: first.fontSize, dropCap: { right: first.x, bottom } };
    out = out.filter((it) => it !== cap && it !== first);
    out.push(merged);
  }
  return out;
}

function layoutLines(items: Item[], depth: number): ExtractedLine[] {
  const gutter = depth < 2 ? findGutter(items) : null;
  if (!gutter) return rowsOf(items).map(toLine).filter((l) => l.text !== "");
  const [g0, g1] = gutter;
  const left: Item[] = [];
  const right: Item[] = [];
  const spanning: Item[] = [];
  for (const it of items) {
    if (it.x + it.width <= g0 + 0.5) left.push(it);
    else if (it.x >= g1 - 0.5) right.push(it);
    else spanning.push(it);
  }
  // A line above everything in the other column (a running head set over one column: the
  // chapter's name on the right, the book's title on the left) belongs above both: it is read
  // first, not in the middle of the page after the left column.
  const topOf = (its: Item[]) => Math.max(...its.map((it) => it.y));
  for (const [mine, other] of [[left, right], [right, left]] as const) {
    if (!other.length) continue;
    const top = topOf(other);
    for (let i = mine.length - 1; i >= 0; i--) if (mine[i].y > top + 1.5 * mine[i].fontSize) spanning.push(...mine.splice(i, 1));
  }
  const across = rowsOf(spanning).map(toLine).filter((l) => l.text !== "");
  const l = inColumn(layoutLines(left, depth + 1), left);
  const r = inColumn(layoutLines(right, depth + 1), right);
  // Bands between spanning lines (top to bottom): left column, then right column, then the spanning line.
  const out: ExtractedLine[] = [];
  let upper = Infinity;
  for (const bound of [...across, null]) {
    const lower = bound ? bound.y : -Infinity;
    const inBand = (x: ExtractedLine) => x.y < upper && x.y >= lower;
    out.push(...l.filter(inBand), ...r.filter(inBand));
    if (bound) out.push(bound);
    upper = lower;
  }
  return out;
}

/** Marks lines with the extent of their column (unless a narrower column was found inside it). */
function inColumn(lines: ExtractedLine[], items: Item[]): ExtractedLine[] {
  let left = Infinity;
  let right = -Infinity;
  for (const it of items) {
    left = Math.min(left, it.x);
    right = Math.max(right, it.x + it.width);
  }
  for (const line of lines) line.column ??= { left, right };
  return lines;
}

/**
 * A column gutter: the widest vertical strip, in the middle half of the text, at least about a
 * font size wide, crossed by at most a tenth of the rows (headers and titles may cross it), with
 * a good share of rows having text on each side and left-column lines reaching up to it.
 */
function findGutter(items: Item[]): [number, number] | null {
  if (items.length < 12) return null;
  const rows = rowsOf(items);
  if (rows.length < 6) return null;
  let minX = Infinity;
  let maxX = -Infinity;
  const sizes: number[] = [];
  for (const it of items) {
    minX = Math.min(minX, it.x);
    maxX = Math.max(maxX, it.x + it.width);
    sizes.push(it.fontSize);
  }
  const span = maxX - minX;
  if (!(span > 40) || span > 20000) return null;
  sizes.sort((a, b) => a - b);
  const fs = sizes[Math.floor(sizes.length / 2)];
  // Rows covering each 1-unit bin (difference array over the rows' item intervals).
  const n = Math.ceil(span) + 2;
  const diff = new Int32Array(n + 1);
  for (const row of rows) {
    // The union of the row's item intervals [a, b) in whole bins, each bin counted once per row.
    const spans = row
      .map((it) => [Math.max(0, Math.floor(it.x - minX)), Math.min(n, Math.ceil(it.x + it.width - minX))] as const)
      .filter(([a, b]) => b > a)
      .sort((p, q) => p[0] - q[0]);
    let start = -1;
    let end = -1;
    for (const [a, b] of spans) {
      if (a > end) {
        if (end > start) {
          diff[start]++;
          diff[end]--;
        }
        start = a;
        end = b;
      } else if (b > end) end = b;
    }
    if (end > start) {
      diff[start]++;
      diff[end]--;
    }
  }
  // Rows allowed across the gutter: the lines spanning both columns (a chapter's title, a
  // dedication) and a centred page number; a chapter's first page has fewer column rows to weigh them.
  const limit = Math.max(2, Math.ceil(0.12 * rows.length));
  // LaTeX's twocolumn gutter is 10 pt (\columnsep) at 10-11 pt type, 9 whole bins once the
  // lines' ends are rounded up: 0.9 em missed it and read the columns across (Flaubert, F1 0.28).
  const minWidth = Math.max(0.6 * fs, 5);
  let best: [number, number] | null = null;
  let run = -1;
  let cov = 0;
  for (let x = 0; x <= n; x++) {
    cov += x < n ? diff[x] : 0;
    const low = x < n && cov <= limit;
    if (low && run < 0) run = x;
    if (!low && run >= 0) {
      const a = minX + run;
      const b = minX + x;
      const mid = (a + b) / 2;
      if (b - a >= minWidth && mid > minX + 0.25 * span && mid < maxX - 0.25 * span && (!best || b - a > best[1] - best[0])) best = [a, b];
      run = -1;
    }
  }
  if (!best) return null;
  const [g0, g1] = best;
  let leftRows = 0;
  let rightRows = 0;
  let reaching = 0;
  for (const row of rows) {
    const l = row.filter((it) => it.x + it.width <= g0 + 0.5);
    if (l.length) leftRows++;
    if (row.some((it) => it.x >= g1 - 0.5)) rightRows++;
    if (l.some((it) => it.x + it.width >= g0 - 3 * fs)) reaching++;
  }
  const need = Math.max(3, 0.3 * rows.length);
  return leftRows >= need && rightRows >= need && reaching >= 3 ? best : null;
}

/**
 * Groups items into rows by baseline (with a tolerance of about half a font size), top to bottom;
 * toLine orders each row's items left to right.
 */
function rowsOf(items: Item[]): Item[][] {
  const sorted = [...items].sort((p, q) => q.y - p.y || p.x - q.x);
  const groups: Item[][] = [];
  let current: Item[] = [];
  let lineY = 0;
  let lineSize = 0;
  for (const it of sorted) {
    // Tolerance: half a font size, enough for superscripts, not enough to reach the next line.
    const tolerance = 0.5 * Math.min(Math.max(lineSize, it.fontSize), 1.6 * Math.min(lineSize, it.fontSize));
    if (current.length && Math.abs(it.y - lineY) <= tolerance) {
      current.push(it);
      continue;
    }
    if (current.length) groups.push(current);
    current = [it];
    lineY = it.y;
    lineSize = it.fontSize;
  }
  if (current.length) groups.push(current);
  return groups;
}

export function toLine(group: Item[]): ExtractedLine {
  // Dominant item: the one carrying most characters gives the line's baseline.
  let main = group[0];
  for (const it of group) if (it.str.length > main.str.length) main = it;
  // Footnote calls ("mot¹" drawn as a small raised digit) are not part of the text.
  const isCall = (it: Item) => it !== main && /^[\d*†‡]+$/.test(it.str.trim()) && it.fontSize < 0.75 * main.fontSize && it.y > main.y + 0.15 * main.fontSize;
  const sorted = [...group].sort((p, q) => p.x - q.x);
  const parts = sorted.filter((it) => !isCall(it));
  let text = "";
  let prev: Item | undefined;
  let right = -Infinity;
  for (const it of sorted) {
    if (isCall(it)) {
      right = Math.max(right, it.x + it.width);
      continue;
    }
    // Fake bold / shadows draw the same string twice, a fraction of a point apart.
    if (prev && it.str === prev.str && Math.abs(it.x - prev.x) < 0.2 * it.fontSize) continue;
    if (prev) {
      const gap = it.x - right;
      const spaced = /\s$/.test(text) || /^\s/.test(it.str);
      if (!spaced && gap > 0.15 * Math.min(it.fontSize, prev.fontSize)) text += " ";
    }
    text += it.str;
    right = Math.max(right, it.x + it.width);
    prev = it;
  }
  // Font size of the line: the size carrying most characters.
  const sizes = new Map<number, number>();
  for (const it of parts) {
    const key = Math.round(it.fontSize * 2) / 2;
    sizes.set(key, (sizes.get(key) ?? 0) + it.str.length);
  }
  let fontSize = main.fontSize;
  let best = -1;
  for (const [size, chars] of sizes) {
    if (chars > best) {
      best = chars;
      fontSize = size;
    }
  }
  const x = parts[0].x;
  const line: ExtractedLine = { text: text.replace(/\s+/g, (m) => (/^[\u00a0\u202f]+$/.test(m) ? m : " ")).trim(), y: main.y, x, fontSize, width: Math.max(0, right - x) };
  const cap = parts.find((it) => it.dropCap)?.dropCap;
  if (cap) line.dropCap = cap;
  return line;
}
