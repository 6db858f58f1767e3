/**
 * A parsing child's warm-up: one small, harmless PDF (written here, standard fonts, two pages of
 * prose) run through the whole chunk pipeline while the child waits for its first task. pdf.js
 * and our repair and segmentation code are then compiled by V8 before a reader's chunk arrives:
 * measured on the 934-page book, a cold child took 1.8 s over its first chunk (pdf.js loaded),
 * one warmed up this way 0.25 s, a warm one 0.09 s.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createLocalProcessor } from "@/lib/processors/local";

const PROSE = [
  "Le premier lundi du mois d'avril 1625, le bourg de Meung, où naquit l'auteur du Roman de la",
  "Rose, semblait être dans une révolution aussi entière que si les huguenots en fussent venus",
  "faire une seconde Rochelle. Plusieurs bourgeois, voyant s'enfuir les femmes du côté de la",
  "Grande-Rue, entendant les enfants crier sur le seuil des portes, se hâtaient d'endosser la cui-",
  "rasse. « Qu'y a-t-il ? » demandaient-ils. It was a quiet morning; the town slept, and nobody",
  "knew why the bells were ringing. Chapitre premier. Les trois présents de M. d'Artagnan père.",
];

function pdfString(s: string): string {
  // WinAnsi covers the accents above; escape what PDF strings need.
  return s.replace(/[\\()]/g, (c) => `\\${c}`);
}

/** A two-page PDF (classic xref) drawn with the standard Helvetica and Times fonts. */
export function warmupPdf(): Buffer {
  const objs: string[] = [];
  const pageNums: number[] = [];
  objs[1] = "<< /Type /Catalog /Pages 2 0 R >>";
  objs[3] = "<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /WinAnsiEncoding >>";
  objs[4] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
  for (let p = 0; p < 2; p++) {
    const lines = [`BT /F2 9 Tf 72 760 Td (${pdfString("Les Trois Mousquetaires")}) Tj ET`];
    for (let l = 0; l < 36; l++) lines.push(`BT /F1 11 Tf 72 ${730 - l * 18} Td (${pdfString(PROSE[(l + p) % PROSE.length])}) Tj ET`);
    lines.push(`BT /F2 9 Tf 300 40 Td (${p + 1}) Tj ET`);
    const content = Buffer.from(lines.join("\n"), "latin1");
    const pageNum = 5 + 2 * p;
    objs[pageNum] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageNum + 1} 0 R >>`;
    objs[pageNum + 1] = `<< /Length ${content.length} >>\nstream\n${content.toString("latin1")}\nendstream`;
    pageNums.push(pageNum);
  }
  objs[2] = `<< /Type /Pages /Kids [${pageNums.map((n) => `${n} 0 R`).join(" ")}] /Count ${pageNums.length} >>`;
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  for (let n = 1; n < objs.length; n++) {
    offsets[n] = Buffer.byteLength(out, "latin1");
    out += `${n} 0 obj\n${objs[n]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objs.length}\n0000000000 65535 f \n`;
  for (let n = 1; n < objs.length; n++) out += `${String(offsets[n]).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

/** Runs the warm-up PDF through extraction, repair and segmentation (errors are ignored). */
export async function warmUpChunkPipeline(): Promise<void> {
  const file = path.join(os.tmpdir(), `folio-warmup-${process.pid}.pdf`);
  try {
    await fs.writeFile(file, warmupPdf());
    const processor = createLocalProcessor({ extractor: "pdfjs" });
    for (const lang of ["fr", "en"]) {
      await processor.process({ path: file, firstPage: 1, lastPage: 2 }, { language: lang, sentenceWordLimit: 20, firstPage: 1, overlapPages: 0 });
    }
  } catch {
    // A warm-up that fails costs nothing but the time it took.
  } finally {
    await fs.rm(file, { force: true });
  }
}
