/**
 * A corpus book as an HTML page, for the Chromium print recipe of `npm run bench:books`:
 *
 *   npx tsx scripts/books/to-html.ts <structure.json> <out.html>
 *
 * Titles as <h1>, headings as <h2> (each chapter on a new page), body paragraphs as justified
 * <p> with their italics as <em>, in the book's language (lang), at a book's measure.
 */
import fs from "node:fs";

type Paragraph = { type: "title" | "heading" | "p"; text: string; italics: Array<[number, number]> };
type Structure = { title: string; lang: string; paragraphs: Paragraph[] };

const [structurePath, outPath] = process.argv.slice(2);
if (!structurePath || !outPath) throw new Error("usage: to-html.ts <structure.json> <out.html>");
const book = JSON.parse(fs.readFileSync(structurePath, "utf8")) as Structure;
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function withItalics(p: Paragraph): string {
  let out = "";
  let from = 0;
  for (const [a, b] of [...p.italics].sort((x, y) => x[0] - y[0])) {
    out += `${esc(p.text.slice(from, a))}<em>${esc(p.text.slice(a, b))}</em>`;
    from = b;
  }
  return out + esc(p.text.slice(from));
}

const html: string[] = [
  `<!doctype html><html lang="${book.lang}"><head><meta charset="utf-8"><title>${esc(book.title)}</title>`,
  "<style>@page{size:5.5in 8.5in;margin:0.7in 0.6in}body{font-family:'DejaVu Serif',serif;font-size:11pt;line-height:1.35;text-align:justify;hyphens:auto}",
  "h1{text-align:center;font-size:16pt}h2{text-align:center;font-size:13pt;break-before:page}h2+h2{break-before:avoid}p{margin:0;text-indent:1.5em}</style></head><body>",
];
let lastHeading = false;
for (const p of book.paragraphs) {
  if (p.type === "title") html.push(`<h1>${esc(p.text)}</h1>`);
  else if (p.type === "heading") html.push(lastHeading ? `<h2 style="break-before:avoid">${esc(p.text)}</h2>` : `<h2>${esc(p.text)}</h2>`);
  else html.push(`<p>${withItalics(p)}</p>`);
  lastHeading = p.type === "heading";
}
html.push("</body></html>");
fs.writeFileSync(outPath, html.join("\n"));
