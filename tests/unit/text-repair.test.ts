import { describe, expect, it } from "vitest";
import {
  isGlyphRun,
  buildVocabulary,
  isPageNumberLine,
  joinLines,
  keepHyphen,
  normalizeText,
  pageAt,
  paragraphStream,
  repairChunk,
  repairPages,
  type LineInput,
  type PageInput,
} from "@/lib/text/repair";

const NB = "\u00a0";

// ---------------------------------------------------------------------------------------------
// A tiny typesetter for synthetic pages: A5-like block, 10.5 pt body, 14 pt leading.

type Spec = string | { t: string; indent?: boolean; gap?: number; size?: number; center?: boolean; full?: boolean };
const LEFT = 48;
const TEXT_W = 324;
const TOP = 540;

function width(text: string, size = 10.5): number {
  return Math.min(TEXT_W, text.length * size * 0.46);
}

function mkPage(page: number, body: Spec[], chrome: { header?: string; footer?: string; headerSize?: number } = {}): PageInput {
  const lines: LineInput[] = [];
  if (chrome.header) lines.push({ text: chrome.header, y: 570, x: 170, fontSize: chrome.headerSize ?? 8.5, width: width(chrome.header, 8.5) });
  let y = TOP;
  for (const s of body) {
    const spec = typeof s === "string" ? { t: s } : s;
    const size = spec.size ?? 10.5;
    y -= spec.gap ?? 0;
    // Body lines are "full" (reach the right edge) unless they end a paragraph.
    const w = spec.full === false ? width(spec.t, size) : spec.center ? width(spec.t, size) : TEXT_W - (spec.indent ? 14 : 0);
    const x = spec.center ? LEFT + (TEXT_W - w) / 2 : LEFT + (spec.indent ? 14 : 0);
    lines.push({ text: spec.t, y, x, fontSize: size, width: w });
    y -= 14;
  }
  if (chrome.footer) lines.push({ text: chrome.footer, y: 34, x: 207, fontSize: 9, width: width(chrome.footer, 9) });
  return { page, lines };
}

/** Ten lines of filler prose so pages have a measurable margin. */
function filler(n: number, tag: string): Spec[] {
  const out: Spec[] = [];
  for (let i = 0; i < n; i++) out.push({ t: `${tag} ligne ${i + 1} du texte courant qui remplit la page`, indent: i === 0 });
  out[out.length - 1] = { t: `${tag} fin du paragraphe.`, full: false };
  return out;
}

describe("normalizeText", () => {
  it.each([
    ["ligatures", "ﬁn ﬂeur eﬀet oﬃce raﬄe", "en", "fin fleur effet office raffle"],
    ["œ and æ stay", "cœur et Lætitia", "fr", "cœur et Lætitia"],
    ["NFC", "e\u0301te\u0301", "fr", "été"],
    ["French: space before ! ? ; : »", "« Viens ! » Quoi ? Oui ; non : peut-être", "fr", `«${NB}Viens${NB}!${NB}» Quoi${NB}? Oui${NB}; non${NB}: peut-être`],
    ["narrow no-break space is kept", "Viens\u202f! «\u202fOui\u202f»", "fr", "Viens\u202f! «\u202fOui\u202f»"],
    ["French: thin space before ! and inside « » becomes a narrow no-break space", "Viens\u2009! «\u2009Oui\u2009»", "fr", "Viens\u202f! «\u202fOui\u202f»"],
    ["a run of spaces around a no-break space is that space", "a \u00a0 b", "en", `a${NB}b`],
    ["English keeps regular spaces", "Come here !", "en", "Come here !"],
    ["no space is not invented", "Viens! Quoi?", "fr", "Viens! Quoi?"],
    ["whitespace runs", "a \t  b\u2003c", "fr", "a b c"],
    ["zero-width and soft hyphen inside a line", "zero\u200bwidth ex\u00adtra", "fr", "zerowidth extra"],
    ["Unicode hyphens", "peut\u2010être", "fr", "peut-être"],
    // TeX's \ldots as pdf.js reads it (Verne in pdfLaTeX): an ellipsis; a dot leader stays.
    ["spaced ellipsis", "je ne puis. . .» et vous. . . il y a", "fr", "je ne puis...» et vous... il y a"],
    ["a dot leader is no ellipsis", "Chapitre I . . . . . . 5", "fr", "Chapitre I . . . . . . 5"],
    ["trim", `  ${NB}texte${NB} `, "fr", "texte"],
  ])("%s", (_name, input, lang, expected) => {
    expect(normalizeText(input, lang)).toBe(expected);
  });
});

describe("joinLines (end-of-line hyphenation)", () => {
  it.each([
    ["extra-", "ordinaire.", "fr", "extraordinaire."],
    // LibreOffice's automatic hyphenation in the Flaubert (scripts/books/libreoffice.sh), as pdf.js reads the line ends.
    ["comme une autorité impré-", "vue. Acceptez donc ici", "fr", "comme une autorité imprévue. Acceptez donc ici"],
    ["de jeter nos cas-", "quettes par terre", "fr", "de jeter nos casquettes par terre"],
    ["en tête de ce livre et au-", "dessus même de sa dédicace", "fr", "en tête de ce livre et au-dessus même de sa dédicace"],
    ["le goût des belles-", "lettres", "fr", "le goût des belles-lettres"],
    ["une chose extra-", "ordinaire et belle", "fr", "une chose extraordinaire et belle"],
    ["peut-", "être", "fr", "peut-être"],
    ["c’est-à-", "dire", "fr", "c’est-à-dire"],
    ["vis-à-", "vis", "fr", "vis-à-vis"],
    ["Saint-", "Germain", "fr", "Saint-Germain"],
    ["au-", "dessus", "fr", "au-dessus"],
    ["l’au-", "tomne", "fr", "l’automne"],
    ["grand-", "mère", "fr", "grand-mère"],
    ["l’après-", "midi", "fr", "l’après-midi"],
    ["demi-", "heure", "fr", "demi-heure"],
    ["arc-en-", "ciel", "fr", "arc-en-ciel"],
    ["dit-", "il.", "fr", "dit-il."],
    ["ce soir-", "là,", "fr", "ce soir-là,"],
    ["croyait-", "on.", "fr", "croyait-on."],
    ["Laisse-", "moi", "fr", "Laisse-moi"],
    ["lui-", "même", "fr", "lui-même"],
    ["va-t-", "il", "fr", "va-t-il"],
    ["beauti-", "ful", "en", "beautiful"],
    ["self-", "control", "en", "self-control"],
    ["self-", "ish", "en", "selfish"],
    ["well-", "known", "en", "well-known"],
    ["mother-in-", "law", "en", "mother-in-law"],
    ["twenty-", "one", "en", "twenty-one"],
    ["ex-", "wife", "en", "ex-wife"],
    ["ex-", "cellent", "en", "excellent"],
    ["non-", "chalant", "fr", "nonchalant"],
    ["EXTRA-", "ORDINAIRE", "fr", "EXTRAORDINAIRE"],
    ["de 1870-", "1871", "fr", "de 1870-1871"],
    ["il dit —", "non", "fr", "il dit — non"],
    // A dash glued to its word at a line end (pdfLaTeX Verne: "enfants,—" + "ce qui peut arriver").
    ["ni femme ni enfants,—", "ce qui peut arriver", "fr", "ni femme ni enfants,—ce qui peut arriver"],
    ["pour les yeux—", ", des gardes", "fr", "pour les yeux—, des gardes"],
    ["un mot -", "isolé", "fr", "un mot - isolé"],
    ["extra\u00ad", "ordinaire", "fr", "extraordinaire"],
    ["Tu viens", "? dit-il", "fr", `Tu viens${NB}? dit-il`],
    ["Il cria : «", "Viens", "fr", `Il cria : «${NB}Viens`],
    ["ordinary", "line", "en", "ordinary line"],
  ])("%j + %j (%s)", (a, b, lang, expected) => {
    expect(joinLines(a, b, { language: lang })).toBe(expected);
  });

  it("the document's own vocabulary decides first", () => {
    const vocab = buildVocabulary(["Il accrocha son manteau au portemanteau.", "Le porte-monnaie était vide."]);
    expect(keepHyphen("porte", "manteau", "fr", vocab)).toBe(false);
    expect(joinLines("le porte-", "manteau", { language: "fr", vocab })).toBe("le portemanteau");
    const vocab2 = buildVocabulary(["une demi-sel, deux demi-sels"]);
    expect(keepHyphen("deux", "sel", "fr", vocab2)).toBe(false);
    expect(keepHyphen("demi", "sel", "fr", vocab2)).toBe(true);
  });
});

describe("isPageNumberLine", () => {
  it.each([
    ["12", true],
    ["— 12 —", true],
    ["- 12 -", true],
    ["Page 12", true],
    ["p. 12", true],
    ["12 / 300", true],
    ["[12]", true],
    ["xii", true],
    ["12 hommes", false],
    ["Chapitre 12", false],
    ["Il pleuvait.", false],
  ])("%j → %s", (line, expected) => {
    expect(isPageNumberLine(line)).toBe(expected);
  });
});

describe("repairPages", () => {
  it("drops running headers (alternating) and page numbers, keeps the body", () => {
    const pages = [1, 2, 3, 4, 5].map((n) =>
      mkPage(n, filler(8, `p${n}`), { header: n % 2 ? "LA MAISON DES TILLEULS" : "Henri Castel", footer: String(n + 40) }),
    );
    const out = repairPages(pages, { language: "fr" });
    for (const p of out) {
      expect(p.removed.sort()).toEqual([String(p.page + 40), p.page % 2 ? "LA MAISON DES TILLEULS" : "Henri Castel"].sort());
      expect(p.paragraphs).toHaveLength(1);
      expect(p.paragraphs[0]).toMatch(new RegExp(`^p${p.page} ligne 1 .* p${p.page} fin du paragraphe\\.$`));
      expect(p.noTextLayer).toBe(false);
      expect(p.chars).toBe(p.paragraphs[0].length);
    }
  });

  it("drops decorated page numbers at the top, keeps a chapter number that is not in the sequence", () => {
    const pages = [
      mkPage(1, [{ t: "— 7 —", center: true, size: 9 }, ...filler(6, "a")]),
      mkPage(2, [{ t: "— 8 —", center: true, size: 9 }, ...filler(6, "b")]),
      mkPage(3, [{ t: "3", center: true, size: 16, gap: 40 }, ...filler(6, "c")], { footer: "9" }),
      mkPage(4, [{ t: "Page 10", size: 9 }, ...filler(6, "d")]),
    ];
    const out = repairPages(pages, { language: "fr" });
    expect(out[0].removed).toEqual(["— 7 —"]);
    expect(out[1].removed).toEqual(["— 8 —"]);
    expect(out[2].removed).toEqual(["9"]);
    expect(out[2].paragraphs[0]).toBe("3");
    expect(out[3].removed).toEqual(["Page 10"]);
  });

  it("makes paragraphs: indent, dialogue dash, vertical gap, short line with a period, centered title", () => {
    const page = mkPage(1, [
      { t: "CHAPITRE III", center: true, size: 14 },
      { t: "Le lendemain, Jeanne ouvrit la fenêtre et regarda", indent: true, gap: 20 },
      { t: "longtemps le jardin.", full: false },
      { t: "— Tu viens ? demanda Lucien.", indent: true, full: false },
      { t: "— Non.", indent: true, full: false },
      { t: "Elle referma la fenêtre sans bruit. Le soir tomba.", indent: true },
      { t: "La maison resta silencieuse.", full: false },
      { t: "Un paragraphe en bloc commence ici après un blanc", gap: 14 },
      "et continue sur cette ligne.",
    ]);
    const [p] = repairPages([page, ...[2, 3, 4].map((n) => mkPage(n, filler(6, `f${n}`)))], { language: "fr" });
    expect(p.paragraphs).toEqual([
      "CHAPITRE III",
      "Le lendemain, Jeanne ouvrit la fenêtre et regarda longtemps le jardin.",
      `— Tu viens${NB}? demanda Lucien.`,
      "— Non.",
      "Elle referma la fenêtre sans bruit. Le soir tomba. La maison resta silencieuse.",
      "Un paragraphe en bloc commence ici après un blanc et continue sur cette ligne.",
    ]);
  });

  it("keeps list items whole when their lines hang under the bullet", () => {
    const hang = (t: string, last = false): Spec => ({ t, full: !last, indent: false, gap: 0 });
    const page = mkPage(1, [
      { t: "Il fit la liste de ce qu’il emportait :", indent: true, full: false },
      hang("• une lampe à huile, un couteau, deux cordes et un vieux"),
      hang("manteau.", true),
      hang("• le portrait de sa mère.", true),
      { t: "Puis il partit sans se retourner, au petit matin, par le", indent: true },
      "chemin de halage.",
    ]);
    // Continuation lines hang 10 pt to the right of the bullet.
    page.lines[2].x += 10;
    const [p] = repairPages([page, mkPage(2, filler(6, "b"))], { language: "fr" });
    expect(p.paragraphs).toEqual([
      `Il fit la liste de ce qu’il emportait${NB}:`,
      "• une lampe à huile, un couteau, deux cordes et un vieux manteau.",
      "• le portrait de sa mère.",
      "Puis il partit sans se retourner, au petit matin, par le chemin de halage.",
    ]);
  });

  it("drops scene-break ornaments", () => {
    const page = mkPage(1, [...filler(4, "a"), { t: "* * *", center: true, gap: 14 }, { t: "Le lendemain, il neigeait.", indent: true, full: false, gap: 14 }, ...filler(3, "b")]);
    const [p] = repairPages([page], { language: "fr" });
    expect(p.removed).toEqual(["* * *"]);
    expect(p.paragraphs).toContain("Le lendemain, il neigeait.");
    expect(p.paragraphs.join("\n")).not.toContain("*");
  });

  it("does not take a first line in capitals for a title", () => {
    const page = mkPage(1, [{ t: "LE LENDEMAIN MATIN, JEANNE OUVRIT TOUTES LES", indent: true }, { t: "fenêtres de la maison.", full: false }, ...filler(5, "x")]);
    expect(repairPages([page], { language: "fr" })[0].paragraphs[0]).toBe("LE LENDEMAIN MATIN, JEANNE OUVRIT TOUTES LES fenêtres de la maison.");
  });

  it("ends a paragraph at a short line ending in a colon when the next line is indented (pdfLaTeX Verne)", () => {
    const page = mkPage(1, [
      ...filler(4, "a"),
      { t: "Quand le consul eut achevé sa lecture :", indent: true, full: false },
      { t: "« Vous êtes Phileas Fogg, esquire ? demanda-t-il.", indent: true, full: false },
      ...filler(4, "b"),
    ]);
    const paras = repairPages([page], { language: "fr" })[0].paragraphs;
    expect(paras).toContain(`Quand le consul eut achevé sa lecture${NB}:`);
    expect(paras).toContain(`«${NB}Vous êtes Phileas Fogg, esquire${NB}? demanda-t-il.`);
  });

  it("keeps an incise dash at a line start inside the sentence", () => {
    const page = mkPage(1, [{ t: "C’était en 1852, l’année où le temps s’était arrêté", indent: true }, { t: "— du moins le croyait-on.", full: false }, ...filler(5, "x")]);
    expect(repairPages([page], { language: "fr" })[0].paragraphs[0]).toBe("C’était en 1852, l’année où le temps s’était arrêté — du moins le croyait-on.");
  });

  it("undoes hyphenation across lines and across a page break; the word stays on its first page", () => {
    const p1 = mkPage(1, [...filler(6, "a"), { t: "Il trouva cette histoire extra-", indent: true }, "ordinaire et la raconta au peu-"], { footer: "1" });
    const p2 = mkPage(2, ["ple entier, puis il se tut.", { t: "Le soir venu, il partit.", indent: true, full: false }, ...filler(5, "b")], { footer: "2" });
    const { pages, paragraphs } = repairChunk([p1, p2], { language: "fr" });
    expect(pages[0].paragraphs.at(-1)).toBe("Il trouva cette histoire extraordinaire et la raconta au peuple");
    expect(pages[1].continuesPrevious).toBe(true);
    expect(pages[1].paragraphs[0]).toBe("entier, puis il se tut.");
    const stream = paragraphStream(paragraphs);
    expect(stream.text).toContain("Il trouva cette histoire extraordinaire et la raconta au peuple entier, puis il se tut.\nLe soir venu, il partit.");
    expect(pageAt(stream, stream.text.indexOf("Il trouva"))).toBe(0);
    expect(pageAt(stream, stream.text.indexOf("entier"))).toBe(1);
    expect(pageAt(stream, stream.text.indexOf("Le soir venu"))).toBe(1);
  });

  it("starts a new paragraph on a new page when the first line is indented", () => {
    const p1 = mkPage(1, filler(6, "a"));
    const p2 = mkPage(2, filler(6, "b"));
    const out = repairPages([p1, p2], { language: "fr" });
    expect(out[1].continuesPrevious).toBe(false);
  });

  it("reports pages without text", () => {
    const out = repairPages([mkPage(1, filler(5, "a")), { page: 2, lines: [] }, { page: 3, lines: [{ text: " \u200b ", x: 48, y: 500, fontSize: 10 }] }], { language: "fr" });
    expect(out.map((p) => p.noTextLayer)).toEqual([false, true, true]);
    expect(out[1].chars).toBe(0);
    expect(repairPages([{ page: 1, lines: [] }])[0]).toEqual({ page: 1, paragraphs: [], continuesPrevious: false, chars: 0, noTextLayer: true, removed: [] });
  });

  it("keeps footnotes as their own paragraphs after the paragraph that runs across the page", () => {
    const p1 = mkPage(1, [...filler(5, "a"), { t: "Le roi entra dans la salle du trône et", indent: true }]);
    p1.lines.push({ text: "1. Le trône date de 1650.", x: 48, y: 80, fontSize: 8, width: 100 });
    const p2 = mkPage(2, ["salua la foule.", ...filler(5, "b")]);
    const { paragraphs } = repairChunk([p1, p2], { language: "fr" });
    const text = paragraphStream(paragraphs).text;
    // The note's marker ("1.") is not part of its text.
    expect(text).toContain("Le roi entra dans la salle du trône et salua la foule.\nLe trône date de 1650.\n");
  });

  it("measures indents inside each column: the right column's lines are not indented paragraphs", () => {
    // Two columns, 150 wide, gutter at 198-218; a paragraph runs from the left column into the right one.
    const col = (x: number) => ({ left: x, right: x + 150 });
    const line = (t: string, x: number, y: number, colX: number, w = 150): LineInput => ({ text: t, x, y, fontSize: 10, width: w, column: col(colX) });
    const lines: LineInput[] = [];
    for (let i = 0; i < 8; i++) lines.push(line(i === 0 ? "Le premier paragraphe commence" : `suite ${i} du texte`, i === 0 ? 60 : 48, 500 - 12 * i, 48, i === 0 ? 138 : 150));
    lines.push(line("Madeleine se", 48, 500 - 12 * 8, 48));
    lines.push(line("tut longtemps et la nuit tomba.", 218, 500, 218, 120));
    lines.push(line("Un autre paragraphe commence ici", 230, 488, 218, 138));
    for (let i = 0; i < 6; i++) lines.push(line(`autre ${i}`, 218, 476 - 12 * i, 218));
    const [p] = repairPages([{ page: 1, lines }], { language: "fr" });
    expect(p.paragraphs).toHaveLength(2);
    expect(p.paragraphs[0]).toMatch(/Madeleine se tut longtemps et la nuit tomba\.$/);
    expect(p.paragraphs[1]).toMatch(/^Un autre paragraphe commence ici autre 0/);
  });

  it("does not take a paragraph's last line made of a number for a chapter number (French and English)", () => {
    for (const [a, b] of [
      ["Le Dr Aubert arriva le 12 avril 1859, vers 11 h", "30."],
      ["The coach left the inn on the 3rd of May, 1859, at a quarter past", "9."],
    ]) {
      const page = mkPage(1, [...filler(6, "a"), { t: a }, { t: b, full: false }, ...filler(4, "b")]);
      const [p] = repairPages([page], { language: "fr" });
      expect(p.paragraphs.some((x) => x.endsWith(`${a} ${b}`))).toBe(true);
    }
  });

  it("drops a running title of three lines repeated on every page, read by OCR at the body's size and spacing (scan of the pdfLaTeX Verne)", () => {
    // Tesseract's lines at the top of the scan's pages: same size and leading as the body, the
    // apostrophe and accent read differently from one page to the next.
    const heads = [
      ["DANS LEQUEL PHILEAS FOGG ET PASSEPARTOUT", "S'ACCEPTENT RÉCIPROQUEMENT L'UN COMME MAITRE,", "L’AUTRE COMME DOMESTIQUE"],
      ["DANS LEQUEL PHILEAS FOGG ET PASSEPARTOUT", "S’ACCEPTENT RÉCIPROQUEMENT L'UN COMME MAÎTRE,", "L'AUTRE COMME DOMESTIQUE"],
      ["DANS LEQUEL PHILEAS FOGG ET PASSEPARTOUT", "S'ACCEPTENT RÉCIPROQUEMENT L’UN COMME MAÎTRE,", "L’AUTRE COMME DOMESTIQUE"],
    ];
    const bodies = [
      ["on ne savait rien, sinon que c’était un fort galant homme et", "l’un des plus beaux gentlemen de la haute société anglaise.", "Il parlait peu, et semblait d’autant plus mystérieux qu’il était", "silencieux, mais sa vie était à jour et ce qu’il faisait toujours", "la même chose, que l’imagination, mécontente, cherchait au-"],
      ["delà. Avait-il voyagé ? C’était probable, car personne ne pos-", "sédait mieux que lui la carte du monde. Il n’était endroit si", "reculé dont il ne parût avoir une connaissance spéciale. Quel-", "quefois, mais en peu de mots, brefs et clairs, il redressait les", "mille propos qui circulaient dans le club au sujet des voyageurs."],
      ["Ce qui était certain toutefois, c’est que, depuis de longues", "années, Phileas Fogg n’avait pas quitté Londres. Ceux qui", "avaient l’honneur de le connaître un peu plus que les autres", "attestaient que personne ne pouvait prétendre l’avoir jamais", "vu ailleurs que sur ce chemin direct qu’il parcourait chaque jour."],
    ];
    const pages: PageInput[] = heads.map((head, i) => ({
      page: i + 1,
      width: 396,
      height: 612,
      lines: [...head, ...bodies[i]].map((text, k) => ({ text, x: 50, y: 586 - 13.5 * k, fontSize: 11.5, width: k === 2 ? 160 : 294 })),
    }));
    const out = repairPages(pages, { language: "fr" });
    for (const [i, p] of out.entries()) {
      expect(p.removed.map((t) => t.replace(/[’]/g, "'").replace("MAITRE", "MAÎTRE"))).toEqual(heads[i].map((t) => t.replace(/[’]/g, "'").replace("MAITRE", "MAÎTRE")));
      expect(p.paragraphs.join(" ")).not.toMatch(/DOMESTIQUE|PASSEPARTOUT/);
    }
  });

  it("keeps the first lines of pages that merely look alike (same words, other numbers)", () => {
    // Three pages whose first lines differ only by a number are not a running title.
    const pages = [1, 2, 3].map((n) => mkPage(n, [`Le ${n}e jour du voyage commença à l’aube comme les`, `autres, et le ${n}e soir la pluie tomba sur le pont du`, ...filler(8, `p${n}`)]));
    const out = repairPages(pages, { language: "fr" });
    for (const p of out) expect(p.removed).toEqual([]);
  });

  it("does not drop a footnote that repeats on two pages as a running footer", () => {
    const note = "1. Voir la lettre du 3 mars, p. 212 de l’édition originale.";
    const pages = [1, 2, 3].map((n) => {
      const p = mkPage(n, filler(8, `p${n}`));
      p.lines.push({ text: note, y: 60, x: 48, fontSize: 8, width: 250 });
      return p;
    });
    const out = repairPages(pages, { language: "fr" });
    for (const p of out) {
      expect(p.removed).toEqual([]);
      expect(p.paragraphs).toContain(note.replace(/^1\. /, ""));
    }
  });

  it("keeps a footnote whole when a line of it starts with a number cut at its thousands (pdfLaTeX Verne)", () => {
    const p = mkPage(1, filler(8, "p"));
    p.lines.push({ text: "1. Les juges, 60 000 F ; les gouverneurs, 300", y: 72, x: 48, fontSize: 8, width: 250 });
    p.lines.push({ text: "000 F, et le gouverneur général, plus de 600 000 F.", y: 62, x: 48, fontSize: 8, width: 250 });
    p.lines.push({ text: "2. Note de l’auteur.", y: 52, x: 48, fontSize: 8, width: 100 });
    const [out] = repairPages([p], { language: "fr" });
    expect(out.paragraphs.slice(-2).map((t) => t.replace(/\u00a0/g, " "))).toEqual(["Les juges, 60 000 F ; les gouverneurs, 300 000 F, et le gouverneur général, plus de 600 000 F.", "Note de l’auteur."]);
  });

  it("reads the lines beside a drop cap as the first lines of its paragraph", () => {
    // "L" drop cap merged into the first line by the extractor: the two lines beside it start at 80.
    const lines: LineInput[] = [
      { text: "CHAPITRE II", x: 150, y: 520, fontSize: 16, width: 90 },
      { text: "Le lendemain, Jeanne ouvrit la fenêtre et", x: 48, y: 480, fontSize: 10.5, width: 324, dropCap: { right: 80, bottom: 466 } },
      { text: "regarda le jardin.", x: 80, y: 466, fontSize: 10.5, width: 120 },
      { text: "Elle referma la fenêtre sans bruit et sortit dans la rue", x: 62, y: 452, fontSize: 10.5, width: 310 },
      ...filler(6, "f").map((s, i) => ({ text: typeof s === "string" ? s : s.t, x: 48, y: 438 - 14 * i, fontSize: 10.5, width: 324 })),
    ];
    const [p] = repairPages([{ page: 1, lines }], { language: "fr" });
    expect(p.paragraphs.slice(0, 2)).toEqual(["CHAPITRE II", "Le lendemain, Jeanne ouvrit la fenêtre et regarda le jardin."]);
    expect(p.paragraphs[2]).toMatch(/^Elle referma la fenêtre/);
  });
});

describe("isGlyphRun (a figure's glyphs read as text)", () => {
  it.each([
    ["a music font's notes", "q q e E h q Q e", true],
    ["a diagram's labels in a symbol font", "a b g d e z h q", true],
    ["symbols", "« ∂ ∑ ∫ √ ∞ ≈ »", true],
    ["letter-spaced capitals (a title)", "C H A P I T R E", false],
    ["a row of numbers", "12 14 16 18 20", false],
    ["dialogue", "— Oui, dit-il.", false],
    ["short French words", "Il y a là un an", false],
    ["English", "I am to be so", false],
  ])("%s", (_name, text, expected) => {
    expect(isGlyphRun(text)).toBe(expected);
  });

  it("drops such a line from a page, keeps the prose around it", () => {
    const p = mkPage(1, [...filler(6, "p"), { t: "q q e E h q Q e", full: false }, ...filler(4, "s")]);
    const [out] = repairPages([p], { language: "fr" });
    expect(out.removed).toEqual(["q q e E h q Q e"]);
    expect(out.paragraphs.join(" ")).not.toMatch(/q q e/);
  });
});
