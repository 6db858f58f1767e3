import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as en from "@zxcvbn-ts/language-en";

/**
 * Password strength by zxcvbn-ts (MIT, maintained port of Dropbox's zxcvbn) with its common-password
 * list (language-common) and English dictionaries. Score 0..4; we ask for at least MIN_SCORE
 * ("safely unguessable: moderate protection from offline slow-hash attacks").
 */
export const MIN_SCORE = 3;

/**
 * zxcvbn runs synchronously and some inputs are slow (a 200-character "aB3$aB3$..." took 11 s with
 * the defaults): only the first 64 characters are rated (longer ones are long enough) and the l33t
 * matcher tries at most 10 substitutions; worst case measured ~0.3 s on the loaded dev machine.
 * Sign-up is rate limited before this runs.
 */
const LIMITS = { maxLength: 64, l33tMaxSubstitutions: 10 };

let factory: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    translations: en.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary },
    ...LIMITS,
  });
  return factory;
}

export type Strength = { ok: boolean; score: number; warning: string | null; suggestions: string[] };

/** Rates a password; `userInputs` (email, name) count as guessable words. */
export function passwordStrength(password: string, userInputs: string[] = []): Strength {
  const inputs = userInputs.flatMap((s) => [s, ...s.split(/[@.\s_-]+/)]).filter((s) => s.length >= 3);
  const r = zxcvbn().check(password, inputs);
  return { ok: r.score >= MIN_SCORE, score: r.score, warning: r.feedback.warning ?? null, suggestions: r.feedback.suggestions };
}

/** The message shown for a refused password: zxcvbn's warning and suggestions, or a generic line. */
export function weakPasswordMessage(s: Strength): string {
  const parts = ["This password is too easy to guess."];
  if (s.warning) parts.push(s.warning);
  parts.push(...s.suggestions);
  if (parts.length === 1) parts.push("Use a longer password, e.g. a few unrelated words.");
  return parts.join(" ");
}
