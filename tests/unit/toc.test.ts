import { describe, expect, it } from "vitest";
import { isTocPage } from "@/lib/text/toc";

describe("isTocPage", () => {
  it("reads a LaTeX table of contents (pdfLaTeX, Verne): entries wrapped over lines, the page number on the last", () => {
    const page = [
      "Table des matières",
      "IX — OÙ LA MER ROUGE ET LA MER DES",
      "INDES SE MONTRENT PROPICES AUX DES-",
      "SEINS DE PHILEAS FOGG 45",
      "X — OÙ PASSEPARTOUT EST TROP HEUREUX",
      "D’EN ÊTRE QUITTE EN PERDANT SA CHAUS-",
      "SURE 52",
      "XI — OÙ PHILEAS FOGG ACHÈTE UNE MON-",
      "TURE À UN PRIX FABULEUX 58",
      "XII — OÙ PHILEAS FOGG ET SES COMPA-",
      "GNONS S’AVENTURENT À TRAVERS LES",
      "FORÊTS DE L’INDE ET CE QUI S’ENSUIT 67",
    ];
    expect(isTocPage(page)).toBe(true);
  });

  it("reads one whose page numbers came out as a column of their own (XeLaTeX, Twain)", () => {
    const titles = Array.from({ length: 11 }, (_, i) => `CHAPTER X${"I".repeat(i % 4)}V.`);
    const numbers = ["92", "99", "105", "113", "120", "131", "140", "147", "156", "163", "170"];
    expect(isTocPage(["Contents", ...titles, ...numbers])).toBe(true);
  });

  it("reads dot leaders", () => {
    expect(isTocPage(["INTRODUCTION . . . . . . . . 1", "I. Le départ . . . . . . 5", "II. La mer . . . . . . . 19", "III. L’arrivée . . . . . 33"])).toBe(true);
  });

  it("leaves prose alone, a page with a few numbers at line ends, and a timetable in a novel", () => {
    const prose = [
      "En l’année 1872, la maison portant le numéro 7 de Saville-row, Burlington",
      "Gardens, était habitée par Phileas Fogg, esq., l’un des membres les plus",
      "singuliers du Reform-Club de Londres, bien qu’il semblât prendre à tâche de",
      "ne rien faire qui pût attirer l’attention. À l’un des plus grands orateurs",
      "qui honorent l’Angleterre succédait donc ce Phileas Fogg, en 1814",
      "personnage énigmatique, dont on ne savait rien, sinon que c’était un fort",
    ];
    expect(isTocPage(prose)).toBe(false);
    const timetable = [
      "De Londres à Suez par le Mont-Cenis et Brindisi, railways et paquebots 7",
      "De Suez à Bombay, paquebot 13",
      "De Bombay à Calcutta, railway 3",
      "De Calcutta à Hong-Kong (Chine), paquebot 13",
      "De Hong-Kong à Yokohama (Japon), paquebot 6",
      "De Yokohama à San Francisco, paquebot 22",
      "De San Francisco à New York, railroad 7",
      "De New York à Londres, paquebot et railway 9",
    ];
    expect(isTocPage(timetable)).toBe(false);
  });
});
