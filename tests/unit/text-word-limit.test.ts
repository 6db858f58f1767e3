import { describe, expect, it } from "vitest";
import { conjunctionsFor, countWords, enforceWordLimit, wordsOf } from "@/lib/text/word-limit";
import { makeNovel } from "@/tests/fixtures/pdfs";

const NB = "\u00a0";
const texts = (pieces: { text: string }[]) => pieces.map((p) => p.text);

describe("countWords", () => {
  it.each([
    ["Il pleuvait.", 2],
    [`«${NB}Viens${NB}!${NB}» dit-il.`, 2],
    ["C’était en 1852 — du moins le croyait-on.", 7],
    ["— Non.", 1],
    ["« » — ; :", 0],
    ["", 0],
    ["Mr. Smith’s well-known 3.5 km walk", 6],
  ])("%j has %i words", (s, n) => {
    expect(countWords(s)).toBe(n);
  });
});

describe("enforceWordLimit", () => {
  it("returns the sentence as is without a limit or under it", () => {
    expect(enforceWordLimit("Il pleuvait sur la ville.", null)).toEqual([{ text: "Il pleuvait sur la ville.", fromSplit: false }]);
    expect(enforceWordLimit("Il pleuvait sur la ville.", 5)).toEqual([{ text: "Il pleuvait sur la ville.", fromSplit: false }]);
    expect(enforceWordLimit("  ", 5)).toEqual([]);
  });

  it.each([
    [
      "a semicolon first",
      "fr",
      "M. Vautrin referma la porte du salon au fond du couloir ; l’hiver serait long et froid.",
      11,
      ["M. Vautrin referma la porte du salon au fond du couloir ;", "l’hiver serait long et froid."],
    ],
    [
      "a colon (with a French no-break space)",
      "fr",
      `Il ne dit qu’une chose à ses amis${NB}: rien ne serait plus comme avant.`,
      9,
      [`Il ne dit qu’une chose à ses amis${NB}:`, "rien ne serait plus comme avant."],
    ],
    [
      "a dash",
      "fr",
      "C’était en 1852, l’année où le temps s’était arrêté — du moins le croyait-on.",
      10,
      ["C’était en 1852, l’année où le temps s’était arrêté —", "du moins le croyait-on."],
    ],
    [
      "the comma nearest the middle",
      "en",
      "That evening, while the river was still rising, Jane closed the parlour door, with a beating heart, and left.",
      12,
      ["That evening, while the river was still rising,", "Jane closed the parlour door, with a beating heart, and left."],
    ],
    [
      "a conjunction when there is no punctuation",
      "fr",
      "Il marcha longtemps dans la forêt sombre et il trouva enfin la maison de sa grand-mère",
      10,
      ["Il marcha longtemps dans la forêt sombre", "et il trouva enfin la maison de sa grand-mère"],
    ],
    [
      "an English conjunction",
      "en",
      "She walked for hours through the dark forest but she never found the house of her grandmother",
      10,
      ["She walked for hours through the dark forest", "but she never found the house of her grandmother"],
    ],
    ["an even split when nothing else", "en", "one two three four five six seven eight nine ten eleven twelve", 6, ["one two three four five six", "seven eight nine ten eleven twelve"]],
    ["guillemets stay with their words", "fr", `«${NB}Tu reviendras demain${NB}?${NB}» demanda Jeanne à son frère aîné.`, 6, [`«${NB}Tu reviendras demain${NB}?${NB}»`, "demanda Jeanne à son frère aîné."]],
  ])("splits at %s", (_name, lang, sentence, limit, expected) => {
    const pieces = enforceWordLimit(sentence, limit, lang);
    expect(texts(pieces)).toEqual(expected);
    expect(pieces.every((p) => p.fromSplit)).toBe(true);
  });

  it("recurses until every piece fits, down to one word", () => {
    const s = "Jeanne, Lucien, Madeleine et Étienne attendaient au bord de la rivière.";
    for (const limit of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
      const pieces = enforceWordLimit(s, limit, "fr");
      for (const p of pieces) expect(countWords(p.text)).toBeLessThanOrEqual(limit);
      expect(pieces.map((p) => p.text).join(" ")).toBe(s);
    }
  });

  it("never leaves closing punctuation at the start of a piece", () => {
    const s = `Il demanda «${NB}pourquoi${NB}» et ils répondirent «${NB}parce que${NB}» ; puis ils partirent tous ensemble ! »`;
    for (let limit = 1; limit < 14; limit++) {
      for (const p of enforceWordLimit(s, limit, "fr")) expect(p.text).not.toMatch(/^[»;:!?,.)]/);
    }
  });

  it.each(["fr", "en"] as const)("properties on generated prose (%s): pieces ≤ limit, words kept in order, nothing invented", async (language) => {
    const novel = await makeNovel({ pages: 8, seed: 5, language });
    for (const limit of [3, 5, 8, 12, 20]) {
      for (const { text } of novel.sentences) {
        const pieces = enforceWordLimit(text, limit, language);
        for (const p of pieces) {
          expect(countWords(p.text)).toBeLessThanOrEqual(limit);
          expect(countWords(p.text)).toBeGreaterThan(0);
        }
        expect(pieces.map((p) => p.text).join(" ")).toBe(text);
        expect(wordsOf(pieces.map((p) => p.text).join(" "))).toEqual(wordsOf(text));
        expect(pieces.some((p) => p.fromSplit)).toBe(countWords(text) > limit);
      }
    }
  });

  it("knows conjunctions per language", () => {
    expect(conjunctionsFor("fr")).toContain("mais");
    expect(conjunctionsFor("en-GB")).toContain("yet");
    expect(conjunctionsFor("xx")).toEqual(expect.arrayContaining(["et", "and"]));
  });
});
