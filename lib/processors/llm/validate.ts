import { z } from "zod";
import { countWords } from "@/lib/text/word-limit";
import { badAnswer } from "./errors";
import type { PromptSentence } from "./prompt";

const answerSchema = z.object({
  rewrites: z.array(
    z.object({
      id: z.union([z.number().int(), z.string().trim().regex(/^-?\d+$/).transform(Number)]),
      pieces: z.array(z.string()),
    }),
  ),
});

/** Letters/digits runs, lower-cased, NFC: the words that must survive a rewrite. */
export function alnumWords(s: string): string[] {
  return s.normalize("NFC").toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
}

function sameMultiset(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const counts = new Map<string, number>();
  for (const w of a) counts.set(w, (counts.get(w) ?? 0) + 1);
  for (const w of b) {
    const n = counts.get(w);
    if (!n) return false;
    counts.set(w, n - 1);
  }
  return true;
}

/** Strips a ```json fence that some servers add despite json mode. */
function unfence(text: string): string {
  const t = text.trim();
  const m = /^```[a-zA-Z]*\s*\n?([\s\S]*?)\n?```$/.exec(t);
  return m ? m[1].trim() : t;
}

/**
 * Checks a model's answer text against the request. Returns the rewrites in request order, or
 * throws PROVIDER_BAD_ANSWER: not JSON, wrong shape, a missing or duplicated id, an empty piece,
 * a piece over the limit (countWords), or words added/removed (case-insensitive multiset of
 * alphanumeric words).
 */
export function validateAnswer(provider: string, text: string, sentences: PromptSentence[], limit: number): { id: number; pieces: string[] }[] {
  let raw: unknown;
  try {
    raw = JSON.parse(unfence(text));
  } catch {
    throw badAnswer(provider, `not JSON: ${JSON.stringify(text.slice(0, 200))}`);
  }
  const parsed = answerSchema.safeParse(raw);
  if (!parsed.success) {
    throw badAnswer(provider, `wrong shape: ${z.prettifyError(parsed.error).replace(/\s+/g, " ").slice(0, 300)}`);
  }
  const byId = new Map<number, string[]>();
  for (const r of parsed.data.rewrites) {
    if (byId.has(r.id)) throw badAnswer(provider, `sentence ${r.id} answered twice`);
    byId.set(r.id, r.pieces);
  }
  const out: { id: number; pieces: string[] }[] = [];
  for (const s of sentences) {
    const got = byId.get(s.id);
    if (!got) throw badAnswer(provider, `sentence ${s.id} missing from the answer`);
    const pieces = got.map((p) => p.trim());
    if (pieces.length === 0) throw badAnswer(provider, `sentence ${s.id} has no pieces`);
    if (pieces.some((p) => !p)) throw badAnswer(provider, `sentence ${s.id} has an empty piece`);
    const over = pieces.find((p) => countWords(p) > limit);
    if (over !== undefined) throw badAnswer(provider, `sentence ${s.id} has a piece of ${countWords(over)} words (limit ${limit}): ${JSON.stringify(over.slice(0, 120))}`);
    if (!sameMultiset(alnumWords(s.text), alnumWords(pieces.join(" ")))) {
      throw badAnswer(provider, `sentence ${s.id}: the pieces do not keep the sentence's words`);
    }
    out.push({ id: s.id, pieces });
  }
  return out;
}
