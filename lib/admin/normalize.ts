/**
 * Search normal form shared by the server (GET /api/jobs/:id/sentences) and the results page's
 * highlighting: lower case, no diacritics, one kind of apostrophe, single spaces. So "ecole"
 * finds "École" and "l'ami" finds "l’ami". No server-only imports: the browser uses it too.
 */
export function searchNormalize(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/\s+/gu, " ")
    .toLowerCase();
}

/**
 * Where `query` occurs in `text` under searchNormalize, as [start, end) ranges of `text`.
 * Used to highlight matches in the original text.
 */
export function findMatches(text: string, query: string): [number, number][] {
  const needle = searchNormalize(query.trim());
  if (!needle) return [];
  let norm = "";
  const origin: number[] = []; // origin[k] = index in text of normalized char k
  let i = 0;
  for (const ch of text) {
    const n = searchNormalize(ch);
    const piece = n === " " && norm.endsWith(" ") ? "" : n;
    for (let k = 0; k < piece.length; k++) origin.push(i);
    norm += piece;
    i += ch.length;
  }
  origin.push(text.length);
  const out: [number, number][] = [];
  let from = 0;
  for (;;) {
    const at = norm.indexOf(needle, from);
    if (at < 0) break;
    const start = origin[at];
    const lastOrig = origin[at + needle.length - 1];
    // end: past the original character that produced the last matched normalized char
    const cp = text.codePointAt(lastOrig) ?? 0;
    const end = lastOrig + (cp > 0xffff ? 2 : 1);
    out.push([start, end]);
    from = at + needle.length;
  }
  return out;
}
