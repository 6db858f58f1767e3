/**
 * A corpus book as a LaTeX document, for the pdfLaTeX and XeLaTeX recipes of `npm run bench:books`.
 *
 *   npx tsx scripts/books/to-latex.ts <structure.json> <out.tex> [options]
 *
 * The structure file (../shared/corpus/structure/<book>.json) lists the paragraphs with their
 * kind (title, heading, p), italic spans and footnotes. Headings become unnumbered chapters (each
 * on a new page, in the table of contents and the running heads), titles a title page, body
 * paragraphs paragraphs with their italics (\emph) and, with --footnotes, their footnotes.
 *
 * Options (each a real typesetting choice that changes what an extractor sees):
 *   --engine=pdflatex|xelatex   (pdflatex)
 *   --encoding=OT1|T1           pdfLaTeX font encoding: OT1 is TeX's old one, where accented
 *                               letters are a separate accent glyph over the base letter (T1)
 *   --font=NAME                 XeLaTeX: an OpenType family (fontspec), e.g. "EB Garamond"
 *   --toc                       a table of contents (dot leaders and page numbers) after the title
 *   --heads                     running heads: the book's title / the chapter's, page numbers
 *   --twocolumn                 two columns per page
 *   --footnotes                 the structure file's editorial footnotes, as footnotes
 *   --paper=WxH                 page size in inches (5.5x8.5)
 *   --paragraphs=N              only the first N paragraphs of the book
 *   --bitmap                    pdfLaTeX: no font map, so every font is a bitmap Type 3 font made
 *                               by METAFONT (as a TeX without cm-super's Type 1 fonts gives)
 */
import fs from "node:fs";

type Paragraph = { type: "title" | "heading" | "p"; text: string; italics: Array<[number, number]>; footnotes?: Array<{ at: number; text: string }> };
type Structure = { title: string; author: string; lang: string; paragraphs: Paragraph[] };

const args = process.argv.slice(2);
const [structurePath, outPath] = args.filter((a) => !a.startsWith("--"));
const opt = (name: string, def: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? def;
const flag = (name: string) => args.includes(`--${name}`);
if (!structurePath || !outPath) throw new Error("usage: to-latex.ts <structure.json> <out.tex> [--engine=..] [--encoding=..] [--toc] [--heads] [--twocolumn] [--footnotes]");

const book = JSON.parse(fs.readFileSync(structurePath, "utf8")) as Structure;
// --paragraphs=N: only the book's first N paragraphs (a scan's excerpt; bench:books scores the same ones).
const firstN = Number(opt("paragraphs", "0"));
if (firstN > 0) book.paragraphs = book.paragraphs.slice(0, firstN);
const engine = opt("engine", "pdflatex");
const encoding = opt("encoding", "OT1");
const [pw, ph] = opt("paper", "5.5x8.5").split("x").map(Number);
const french = book.lang === "fr";

/** LaTeX-escapes plain text (the corpus is plain UTF-8 prose). */
function tex(s: string): string {
  return s
    .replace(/\\/g, "\\textbackslash{}")
    .replace(/([&%$#_{}])/g, "\\$1")
    .replace(/~/g, "\\textasciitilde{}")
    .replace(/\^/g, "\\textasciicircum{}")
    .replace(/\[/g, "{[}")
    .replace(/\]/g, "{]}")
    .replace(/\.\.\./g, "\\ldots{}")
    .replace(/—/g, "---")
    .replace(/«\s*/g, "«~")
    .replace(/\s*»/g, "~»");
}

const out: string[] = [];
const classOpts = ["11pt", flag("twocolumn") ? "twocolumn" : "oneside"].join(",");
if (flag("bitmap")) out.push("\\pdfmapfile{}");
out.push(`\\documentclass[${classOpts}]{book}`);
out.push(`\\usepackage[paperwidth=${pw}in,paperheight=${ph}in,margin=0.7in]{geometry}`);
if (engine === "xelatex") {
  out.push("\\usepackage{fontspec}");
  out.push(`\\setmainfont{${opt("font", "Latin Modern Roman")}}`);
} else {
  out.push("\\usepackage[utf8]{inputenc}");
  // With --bitmap, T1 stays on the EC fonts (METAFONT sources; Latin Modern has none).
  if (encoding === "T1") out.push(flag("bitmap") ? "\\usepackage[T1]{fontenc}" : "\\usepackage[T1]{fontenc}\\usepackage{lmodern}");
}
out.push(`\\usepackage[${french ? "french" : "english"}]{babel}`);
if (flag("heads")) {
  out.push("\\usepackage{fancyhdr}\\pagestyle{fancy}\\fancyhf{}");
  out.push(`\\fancyhead[LE]{\\small ${tex(book.title)}}\\fancyhead[RO]{\\small\\nouppercase{\\leftmark}}\\fancyfoot[C]{\\thepage}`);
  out.push("\\renewcommand{\\chaptermark}[1]{\\markboth{#1}{}}");
} else {
  out.push("\\pagestyle{plain}");
}
out.push("\\setcounter{tocdepth}{0}");
out.push("\\begin{document}");

const titles = book.paragraphs.filter((p) => p.type === "title");
out.push("\\begin{titlepage}\\centering");
for (const t of titles) out.push(`{\\Large ${tex(t.text)}}\\par\\bigskip`);
out.push("\\end{titlepage}");
if (flag("toc")) out.push("\\tableofcontents");

/** A body paragraph: its italic spans as \emph, its footnotes (with --footnotes) at their offsets. */
function paragraph(p: Paragraph): string {
  const marks: Array<{ at: number; text: string }> = [];
  for (const [a, b] of p.italics) marks.push({ at: a, text: "\\emph{" }, { at: b, text: "}" });
  if (flag("footnotes")) for (const n of p.footnotes ?? []) marks.push({ at: n.at, text: `\\footnote{${tex(n.text)}}` });
  marks.sort((x, y) => x.at - y.at);
  let body = "";
  let from = 0;
  for (const m of marks) {
    body += tex(p.text.slice(from, m.at)) + m.text;
    from = m.at;
  }
  return body + tex(p.text.slice(from));
}

// A chapter heading is the run of heading paragraphs in a row ("I" then its title).
let pendingHeading: string[] = [];
const flushHeading = () => {
  if (!pendingHeading.length) return;
  out.push(`\\chapter*{${pendingHeading.map(tex).join("\\\\ ")}}`);
  out.push(`\\addcontentsline{toc}{chapter}{${pendingHeading.map(tex).join(" --- ")}}\\chaptermark{${tex(pendingHeading.at(-1) ?? "")}}`);
  pendingHeading = [];
};
for (const p of book.paragraphs) {
  if (p.type === "title") continue;
  if (p.type === "heading") {
    pendingHeading.push(p.text);
    continue;
  }
  flushHeading();
  out.push(`${paragraph(p)}\n`);
}
flushHeading();
out.push("\\end{document}");
fs.writeFileSync(outPath, out.join("\n"));
