/**
 * A corpus book as a flat OpenDocument text (.fodt), for the LibreOffice recipe of
 * `npm run bench:books`:
 *
 *   npx tsx scripts/books/to-fodt.ts <structure.json> <out.fodt>
 *
 * Justified body paragraphs with automatic hyphenation in the book's language (Debian's
 * hyphen-fr / hyphen-en-us dictionaries), italics, chapter headings on a new page, a header
 * with the book's title and a footer with the page number, on a 5.5 x 8.5 in page.
 */
import fs from "node:fs";

type Paragraph = { type: "title" | "heading" | "p"; text: string; italics: Array<[number, number]> };
type Structure = { title: string; lang: string; paragraphs: Paragraph[] };

const [structurePath, outPath] = process.argv.slice(2);
if (!structurePath || !outPath) throw new Error("usage: to-fodt.ts <structure.json> <out.fodt>");
const book = JSON.parse(fs.readFileSync(structurePath, "utf8")) as Structure;
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const [language, country] = book.lang === "fr" ? ["fr", "FR"] : ["en", "US"];

function withItalics(p: Paragraph): string {
  let out = "";
  let from = 0;
  for (const [a, b] of [...p.italics].sort((x, y) => x[0] - y[0])) {
    out += `${esc(p.text.slice(from, a))}<text:span text:style-name="I">${esc(p.text.slice(a, b))}</text:span>`;
    from = b;
  }
  return out + esc(p.text.slice(from));
}

const body: string[] = [];
let lastHeading = false;
for (const p of book.paragraphs) {
  if (p.type === "title") body.push(`<text:p text:style-name="Title">${esc(p.text)}</text:p>`);
  else if (p.type === "heading") body.push(`<text:p text:style-name="${lastHeading ? "Heading" : "HeadingNewPage"}">${esc(p.text)}</text:p>`);
  else body.push(`<text:p text:style-name="Body">${withItalics(p)}</text:p>`);
  lastHeading = p.type === "heading";
}

const lang = `fo:language="${language}" fo:country="${country}"`;
const doc = `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls><style:font-face style:name="Linux Libertine O" svg:font-family="'Linux Libertine O'" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"/></office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph"><style:text-properties style:font-name="Linux Libertine O" fo:font-size="11pt" ${lang}/></style:default-style>
 <style:style style:name="Body" style:family="paragraph"><style:paragraph-properties fo:text-align="justify" fo:text-indent="0.2in" fo:margin-top="0in" fo:margin-bottom="0in" fo:line-height="120%"/><style:text-properties fo:hyphenate="true" fo:hyphenation-remain-char-count="2" fo:hyphenation-push-char-count="2" ${lang}/></style:style>
 <style:style style:name="Title" style:family="paragraph"><style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.2in"/><style:text-properties fo:font-size="16pt"/></style:style>
 <style:style style:name="Heading" style:family="paragraph"><style:paragraph-properties fo:text-align="center" fo:margin-top="0.1in" fo:margin-bottom="0.2in" fo:keep-with-next="always"/><style:text-properties fo:font-size="13pt"/></style:style>
 <style:style style:name="HeadingNewPage" style:family="paragraph" style:parent-style-name="Heading"><style:paragraph-properties fo:break-before="page" fo:margin-top="0.6in"/></style:style>
 <style:style style:name="Header" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="9pt" fo:font-style="italic"/></style:style>
 <style:style style:name="Footer" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="9pt"/></style:style>
</office:styles>
<office:automatic-styles>
 <style:style style:name="I" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>
 <style:page-layout style:name="Book"><style:page-layout-properties fo:page-width="5.5in" fo:page-height="8.5in" fo:margin-top="0.5in" fo:margin-bottom="0.5in" fo:margin-left="0.7in" fo:margin-right="0.7in"/>
  <style:header-style><style:header-footer-properties fo:margin-bottom="0.15in"/></style:header-style><style:footer-style><style:header-footer-properties fo:margin-top="0.15in"/></style:footer-style></style:page-layout>
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="Book">
 <style:header><text:p text:style-name="Header">${esc(book.title)}</text:p></style:header>
 <style:footer><text:p text:style-name="Footer"><text:page-number text:select-page="current"/></text:p></style:footer>
</style:master-page></office:master-styles>
<office:body><office:text>
${body.join("\n")}
</office:text></office:body></office:document>
`;
fs.writeFileSync(outPath, doc);
