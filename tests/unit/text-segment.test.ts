import { describe, expect, it } from "vitest";
import { isHeading, isTitleLine, splitSentenceSpans, splitSentences } from "@/lib/text/segment";
import { wordsOf } from "@/lib/text/word-limit";
import { makeNovel } from "@/tests/fixtures/pdfs";

const NB = "\u00a0";

type Case = [name: string, input: string, expected: string[]];

const FR: Case[] = [
  ["plain sentences", "Il pleuvait. Jeanne attendit.", ["Il pleuvait.", "Jeanne attendit."]],
  ["M.", "M. Dupont arriva. Il dit bonjour.", ["M. Dupont arriva.", "Il dit bonjour."]],
  ["MM. and Mme", "MM. Durand et Martin partirent. Mme Roussel resta.", ["MM. Durand et Martin partirent.", "Mme Roussel resta."]],
  ["Mlle and Dr.", "Mlle Aubert vit le Dr. Lefèvre. Elle sourit.", ["Mlle Aubert vit le Dr. Lefèvre.", "Elle sourit."]],
  ["St. and Ste.", "Il pria St. Jean et Ste. Anne. Puis il partit.", ["Il pria St. Jean et Ste. Anne.", "Puis il partit."]],
  ["p. pp. cf. chap.", "Voir p. 12 et pp. 30-32, cf. chap. 3 du livre. La suite est connue.", ["Voir p. 12 et pp. 30-32, cf. chap. 3 du livre.", "La suite est connue."]],
  ["cf. before a name", "Le texte est célèbre (cf. Dupont, 1850). Il fut traduit.", ["Le texte est célèbre (cf. Dupont, 1850).", "Il fut traduit."]],
  ["av. J.-C.", "Il naquit en 63 av. J.-C. à Rome. Il mourut vieux.", ["Il naquit en 63 av. J.-C. à Rome.", "Il mourut vieux."]],
  ["apr. J.-C. at the end", "Il mourut en 14 apr. J.-C. Son fils régna.", ["Il mourut en 14 apr. J.-C.", "Son fils régna."]],
  ["env. vol. n°", "Il marcha env. 3 km avec le vol. 2 et le n° 5. Puis il s’arrêta.", ["Il marcha env. 3 km avec le vol. 2 et le n° 5.", "Puis il s’arrêta."]],
  ["etc. then a new sentence", "Il acheta des pommes, des poires, etc. Puis il rentra.", ["Il acheta des pommes, des poires, etc.", "Puis il rentra."]],
  ["etc. inside a sentence", "Il acheta des pommes, des poires, etc. et rentra chez lui.", ["Il acheta des pommes, des poires, etc. et rentra chez lui."]],
  ["dates and numbers", "Le 1er janv. 1900, il neigea. Le 12.03.1850 fut un jour triste. Il mesurait 3.5 mètres.", ["Le 1er janv. 1900, il neigea.", "Le 12.03.1850 fut un jour triste.", "Il mesurait 3.5 mètres."]],
  ["a number starts the next sentence", "Il avait 3 ans. 12 personnes vinrent.", ["Il avait 3 ans.", "12 personnes vinrent."]],
  ["initials", "J. R. R. Tolkien écrivit. A. Dumas aussi.", ["J. R. R. Tolkien écrivit.", "A. Dumas aussi."]],
  ["ellipsis + lowercase", "Il hésita… puis partit. Elle resta.", ["Il hésita… puis partit.", "Elle resta."]],
  ["three dots + lowercase", "Il attendit... puis rentra. Elle dormait.", ["Il attendit... puis rentra.", "Elle dormait."]],
  ["ellipsis + capital", "Il hésita… Elle partit.", ["Il hésita…", "Elle partit."]],
  ["guillemets + incise", `«${NB}Viens${NB}!${NB}» dit-il. Puis il partit.`, [`«${NB}Viens${NB}!${NB}» dit-il.`, "Puis il partit."]],
  ["guillemets, question + incise", `«${NB}Tu reviendras demain${NB}?${NB}» demanda Jeanne.`, [`«${NB}Tu reviendras demain${NB}?${NB}» demanda Jeanne.`]],
  ["closing guillemet belongs to the sentence", `«${NB}Viens${NB}!${NB}» Il partit.`, [`«${NB}Viens${NB}!${NB}»`, "Il partit."]],
  ["sentence before guillemets", `Il dit. «${NB}Viens${NB}!${NB}»`, ["Il dit.", `«${NB}Viens${NB}!${NB}»`]],
  ["question mark with no-break space", `Qui aurait pu dire ce que pensait vraiment Jeanne${NB}? Personne ne le savait.`, [`Qui aurait pu dire ce que pensait vraiment Jeanne${NB}?`, "Personne ne le savait."]],
  ["exclamations", `Ah${NB}! Oh${NB}! Bon.`, [`Ah${NB}!`, `Oh${NB}!`, "Bon."]],
  ["dialogue lines", `— Viens${NB}! dit-il.\n— Non.\n— Pourquoi${NB}?`, [`— Viens${NB}! dit-il.`, "— Non.", `— Pourquoi${NB}?`]],
  ["dialogue dash after a sentence", "Il se tut. — Viens, dit-elle.", ["Il se tut.", "— Viens, dit-elle."]],
  ["incise dash", "C’était en 1852, l’année où le temps s’était arrêté — du moins le croyait-on.", ["C’était en 1852, l’année où le temps s’était arrêté — du moins le croyait-on."]],
  ["chapter heading", "CHAPITRE III\nLe lendemain, il partit.", ["CHAPITRE III", "Le lendemain, il partit."]],
  ["chapitre premier", "Chapitre premier\nIl pleuvait.", ["Chapitre premier", "Il pleuvait."]],
  ["roman numeral", "IV\nIl était une fois.", ["IV", "Il était une fois."]],
  ["short title line", "Le Retour\nIl pleuvait sur la ville.", ["Le Retour", "Il pleuvait sur la ville."]],
  ["soft line wraps", "Il marchait le long\nde la rivière. Puis il\ns’arrêta.", ["Il marchait le long de la rivière.", "Puis il s’arrêta."]],
  ["wrap after M.", "Il salua M.\nDupont et partit.", ["Il salua M. Dupont et partit."]],
  ["a silent reply", `— Tu viens${NB}?\n— …\n— Bon.`, [`— Tu viens${NB}?`, "— …", "— Bon."]],
  ["blank lines and spaces", "  \n\nIl pleuvait.  \n\n  ", ["Il pleuvait."]],
  ["hours", "Il était 10 h 30. Elle partit.", ["Il était 10 h 30.", "Elle partit."]],
  ["chap. + roman numeral at the end", "Il lut le chap. IV. Puis il dormit.", ["Il lut le chap. IV.", "Puis il dormit."]],
  ["quoted exclamation after a colon", `Il cria${NB}: «${NB}Au secours${NB}!${NB}» Personne ne vint.`, [`Il cria${NB}: «${NB}Au secours${NB}!${NB}»`, "Personne ne vint."]],
  ["M. et Mme", "M. et Mme Dupont arrivèrent. Ils dînèrent.", ["M. et Mme Dupont arrivèrent.", "Ils dînèrent."]],
  ["dates in parentheses", "Mme de Staël (1766-1817) écrivit. Elle voyagea.", ["Mme de Staël (1766-1817) écrivit.", "Elle voyagea."]],
  ["decimal comma", "Ils étaient 3,5 millions. Ensuite vint la crise.", ["Ils étaient 3,5 millions.", "Ensuite vint la crise."]],
  ["a date opens the next sentence", "Le 14 juillet 1789, la Bastille tomba. Le 15, on dansa.", ["Le 14 juillet 1789, la Bastille tomba.", "Le 15, on dansa."]],
  ["?!", `Quoi${NB}?! Tu pars${NB}?`, [`Quoi${NB}?!`, `Tu pars${NB}?`]],
  ["sentence in parentheses", "(Il se tut.) Puis il partit.", ["(Il se tut.)", "Puis il partit."]],
  ["fig.", "Voir fig. 3. Le résultat est net.", ["Voir fig. 3.", "Le résultat est net."]],
  ["roman numeral of a king", "Louis XIV. Il régna longtemps.", ["Louis XIV.", "Il régna longtemps."]],
  ["elision mark […]", "Il dit […] que tout allait bien. Puis il partit.", ["Il dit […] que tout allait bien.", "Puis il partit."]],
  ["two dialogue replies on one line", `— Tu viens${NB}? — Non, dit-il.`, [`— Tu viens${NB}?`, "— Non, dit-il."]],
  ["ellipsis, spaced closing guillemet, capital", `«${NB}Peut-être…${NB}» Il se tut.`, [`«${NB}Peut-être…${NB}»`, "Il se tut."]],
  ["thousands with a no-break space", `Il reçut 100${NB}000 francs. Il les dépensa.`, [`Il reçut 100${NB}000 francs.`, "Il les dépensa."]],
  ["s. (siècle)", "C’était au XIXe s. dans le Nord. Il neigeait.", ["C’était au XIXe s. dans le Nord.", "Il neigeait."]],
  ["numeric date", "Il partit le 12/03/1850. Personne ne le revit.", ["Il partit le 12/03/1850.", "Personne ne le revit."]],
  ["av. and bd before a street name", "Elle habitait av. Foch. Lui, bd Raspail.", ["Elle habitait av. Foch.", "Lui, bd Raspail."]],
  ["S. M.", "S. M. le Roi arriva. On l’acclama.", ["S. M. le Roi arriva.", "On l’acclama."]],
  ["Pr and Dr without a period", "Le Pr Martin et le Dr Durand parlèrent. Ils se turent.", ["Le Pr Martin et le Dr Durand parlèrent.", "Ils se turent."]],
  ["av. J.-C. at the end, then a capital", "Il vécut au Ier s. av. J.-C. Sa vie est mal connue.", ["Il vécut au Ier s. av. J.-C.", "Sa vie est mal connue."]],
  ["Mgr", "Il écrivit à Mgr Dupanloup. Celui-ci répondit.", ["Il écrivit à Mgr Dupanloup.", "Celui-ci répondit."]],
  ["pp. and t.", "Il avait vu les pp. 12-14 du t. 2. Rien de neuf.", ["Il avait vu les pp. 12-14 du t. 2.", "Rien de neuf."]],
  ["Me (maître)", "Il consulta Me Durand. Celui-ci se tut.", ["Il consulta Me Durand.", "Celui-ci se tut."]],
];

const EN: Case[] = [
  ["Mr.", "Mr. Smith went to Washington. He left.", ["Mr. Smith went to Washington.", "He left."]],
  ["Mrs. Ms. Dr. St.", "Mrs. Dalton and Ms. Chase met Dr. Fairfax at St. Paul’s. They talked.", ["Mrs. Dalton and Ms. Chase met Dr. Fairfax at St. Paul’s.", "They talked."]],
  ["Jr. Sr.", "John Smith Jr. met Mark Jones Sr. at noon. They talked.", ["John Smith Jr. met Mark Jones Sr. at noon.", "They talked."]],
  ["vs.", "It was Smith vs. Jones. The court ruled.", ["It was Smith vs. Jones.", "The court ruled."]],
  ["e.g. i.e.", "Bring fruit, e.g. apples, i.e. red ones. Then go.", ["Bring fruit, e.g. apples, i.e. red ones.", "Then go."]],
  ["p. and No.", "See p. 12 and No. 5 for details. Then stop.", ["See p. 12 and No. 5 for details.", "Then stop."]],
  ["No. as a word", "He said No. Then he left.", ["He said No.", "Then he left."]],
  ["etc.", "He bought apples, pears, etc. Then he went home.", ["He bought apples, pears, etc.", "Then he went home."]],
  ["initials", "J. R. R. Tolkien wrote it. A. Dumas did not.", ["J. R. R. Tolkien wrote it.", "A. Dumas did not."]],
  ["ellipsis + lowercase", "He waited... then left. She stayed.", ["He waited... then left.", "She stayed."]],
  ["ellipsis + capital", "He waited… She left.", ["He waited…", "She left."]],
  ["quoted question + said", "“Will you come back tomorrow?” said Jane. Then she left.", ["“Will you come back tomorrow?” said Jane.", "Then she left."]],
  ["quote then a new sentence", "“I don’t know.” He shrugged.", ["“I don’t know.”", "He shrugged."]],
  ["straight quotes", "\"Yes,\" he said. \"No.\" She left.", ["\"Yes,\" he said.", "\"No.\"", "She left."]],
  ["numbers", "It cost 3.5 dollars on 12.03.1850. Nobody paid. It was 1893. He was old.", ["It cost 3.5 dollars on 12.03.1850.", "Nobody paid.", "It was 1893.", "He was old."]],
  ["months", "On Jan. 5 he left. In Sept. 1850 he came back.", ["On Jan. 5 he left.", "In Sept. 1850 he came back."]],
  ["chapter heading", "CHAPTER IV\nIt rained.", ["CHAPTER IV", "It rained."]],
  ["chapter number", "Chapter 3\nThe rain fell.", ["Chapter 3", "The rain fell."]],
  ["a lone number heading", "12\nThe rain fell.", ["12", "The rain fell."]],
  ["a numbered title", "I. The Beginning\nIt rained.", ["I. The Beginning", "It rained."]],
  ["incise dash", "It was in 1893, the year the house had changed — or so people believed.", ["It was in 1893, the year the house had changed — or so people believed."]],
  ["dialogue dash lines", "— Come here! he said.\n— No.", ["— Come here! he said.", "— No."]],
  ["U.S. before a year", "He moved to the U.S. in 1990. Then he left.", ["He moved to the U.S. in 1990.", "Then he left."]],
  ["p.m. inside a sentence", "It was 5 p.m. when she left. He stayed.", ["It was 5 p.m. when she left.", "He stayed."]],
  ["military titles", "Lt. Col. Smith arrived. Gen. Lee followed.", ["Lt. Col. Smith arrived.", "Gen. Lee followed."]],
  ["No. and St. inside a sentence", "He lived at No. 10 Downing St. in London. It rained.", ["He lived at No. 10 Downing St. in London.", "It rained."]],
  ["etc. in parentheses", "(Apples, pears, etc.) were sold. Then night fell.", ["(Apples, pears, etc.) were sold.", "Then night fell."]],
  ["initials with a possessive", "J. K. Rowling’s book sold. It was 1997.", ["J. K. Rowling’s book sold.", "It was 1997."]],
  ["a quote split by a said-clause", "“Come,” she said, “now.” He came.", ["“Come,” she said, “now.”", "He came."]],
  ["pp. and vol.", "He read pp. 12–14 of vol. 2. Nothing new.", ["He read pp. 12–14 of vol. 2.", "Nothing new."]],
  ["a quoted question after a comma", "She asked, “Why?” He said nothing.", ["She asked, “Why?”", "He said nothing."]],
  ["money", "It cost $3.50. He paid.", ["It cost $3.50.", "He paid."]],
  ["spaced ellipsis", "He waited . . . Then he left.", ["He waited . . .", "Then he left."]],
  ["month abbreviations and years", "Born Jan. 1, 1900, he died in Dec. 1990. He was 90.", ["Born Jan. 1, 1900, he died in Dec. 1990.", "He was 90."]],
  ["Prof. Rev. Mr.", "Prof. Jones and Rev. Green met Mr. Brown. They talked.", ["Prof. Jones and Rev. Green met Mr. Brown.", "They talked."]],
];

describe("splitSentences (French)", () => {
  it.each(FR)("%s", (_name, input, expected) => {
    expect(splitSentences(input, "fr")).toEqual(expected);
  });
});

describe("splitSentences (English)", () => {
  it.each(EN)("%s", (_name, input, expected) => {
    expect(splitSentences(input, "en")).toEqual(expected);
  });
});

describe("headings", () => {
  it.each([
    ["CHAPITRE III", true],
    ["Chapitre premier", true],
    ["Chapter 3", true],
    ["Chapter One", true],
    ["Livre II — Le retour", true],
    ["IV", true],
    ["I", true],
    ["12", true],
    ["Prologue", true],
    ["IV. Le retour", true],
    ["3. Le retour.", false],
    ["M. Delorme en regardant l’horloge, qui", false],
    ["I. Newton avait raison sur ce point, mais", false],
    ["Part of the house was empty", false],
    ["Chapter 3 was hard to write", false],
    ["Il pleuvait.", false],
    ["Chapitre 1er", true],
    ["Chapter 2nd", true],
    ["PREMIÈRE PARTIE", true],
    ["Deuxième partie — L’exil", true],
    ["Part One", true],
    ["Book the First", false],
    ["1914.", false],
    ["Première partie de la soirée, puis il partit", false],
  ])("isHeading(%j) = %s", (line, expected) => {
    expect(isHeading(line)).toBe(expected);
  });

  it.each([
    ["Le Retour", true],
    ["CHAPITRE III", true],
    ["Il pleuvait.", false],
    ["— Viens", false],
    ["et il partit", false],
  ])("isTitleLine(%j) = %s", (line, expected) => {
    expect(isTitleLine(line)).toBe(expected);
  });
});

describe("splitSentenceSpans", () => {
  it("gives offsets into the input (hard newlines)", () => {
    const text = `Chapitre premier\nM. Dupont arriva. «${NB}Viens${NB}!${NB}» dit-il.\n— Non.`;
    const spans = splitSentenceSpans(text, "fr", { newlines: "hard" });
    expect(spans.map((s) => s.text)).toEqual(["Chapitre premier", "M. Dupont arriva.", `«${NB}Viens${NB}!${NB}» dit-il.`, "— Non."]);
    for (const s of spans) expect(text.slice(s.start, s.end)).toBe(s.text);
  });

  it("hard mode ends a sentence at every newline", () => {
    expect(splitSentences("Il marchait le long\nde la rivière.", "fr", { newlines: "hard" })).toEqual(["Il marchait le long", "de la rivière."]);
  });

  it("an unknown or odd language tag falls back to a working segmenter", () => {
    expect(splitSentences("One. Two.", "not a tag!")).toEqual(["One.", "Two."]);
    expect(splitSentences("Eins. Zwei.", "de")).toEqual(["Eins.", "Zwei."]);
  });

  it.each(["fr", "en"] as const)("loses no word and invents none on generated prose (%s)", async (language) => {
    const novel = await makeNovel({ pages: 6, seed: 11, language });
    const text = novel.sentences.map((s) => s.text).join(" ");
    const sentences = splitSentences(text, language);
    expect(wordsOf(sentences.join(" "))).toEqual(wordsOf(text));
    expect(sentences).toEqual(novel.sentences.map((s) => s.text));
  });
});
