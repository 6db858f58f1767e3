/**
 * Hostile PDFs that tests/fixtures/hostile-pdfs.ts does not generate, for `npm run bench:hostile`.
 * Written byte by byte like those (classic xref table, offsets right unless said otherwise), so no
 * PDF library repairs them on the way out. Big streams are deflated as a stream: the bench stays
 * small while it makes them.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { makeNovelPdf, seededRandom } from "../../tests/fixtures/pdfs";
import { assemble, stream, type Obj } from "../../tests/fixtures/hostile-pdfs";

const latin1 = (s: string) => Buffer.from(s, "latin1");

/** Deflates `total` bytes made by repeating `unit` after `head` (streamed, 16 MB at a time). */
async function deflateRepeated(head: Buffer, unit: Buffer, total: number): Promise<Buffer> {
  const perBlock = Math.max(1, Math.floor((16 << 20) / unit.length));
  const block = Buffer.concat(Array.from({ length: perBlock }, () => unit));
  async function* source() {
    yield head;
    for (let left = total - head.length; left > 0; left -= block.length) yield left >= block.length ? block : block.subarray(0, left);
  }
  const out: Buffer[] = [];
  const z = zlib.createDeflate({ level: 9, memLevel: 9 });
  z.on("data", (d: Buffer) => out.push(d));
  await pipeline(Readable.from(source()), z);
  return Buffer.concat(out);
}

const catalogAndPages = (kids: string, count: number): Obj[] => [
  { num: 1, body: latin1("<< /Type /Catalog /Pages 2 0 R >>") },
  { num: 2, body: latin1(`<< /Type /Pages /Kids [${kids}] /Count ${count} >>`) },
];
const FONT = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";

/** One page whose content stream (Flate) inflates to `inflated` bytes: a text line, then spaces. */
export async function pageStreamBombPdf(inflated: number): Promise<Buffer> {
  const data = await deflateRepeated(latin1("BT /F1 12 Tf 72 720 Td (A page that is mostly nothing.) Tj ET\n"), latin1(" "), inflated);
  return assemble(
    [
      ...catalogAndPages("3 0 R", 1),
      { num: 3, body: latin1("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>") },
      { num: 4, body: stream("<< /Filter /FlateDecode >>", data) },
      { num: 5, body: latin1(FONT) },
    ],
    1,
  );
}

/**
 * One page whose content stream inflates to `inflated` bytes of real text-showing operators (a
 * line of prose drawn again and again): under the per-stream bomb limit
 * (FOLIO_MAX_STREAM_DECODED_MB, 128) when `inflated` is 96 MB, so it reaches the extraction;
 * over it (200 MB) the split refuses it with PDF_TOO_COMPLEX.
 */
export async function hugeContentStreamPdf(inflated: number): Promise<Buffer> {
  const line = latin1("BT /F1 10 Tf 72 700 Td (D'Artagnan mit pied a terre, et le cheval fut conduit a l'ecurie.) Tj ET\n");
  const data = await deflateRepeated(latin1("q\n"), line, inflated);
  return assemble(
    [
      ...catalogAndPages("3 0 R", 1),
      { num: 3, body: latin1("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>") },
      { num: 4, body: stream("<< /Filter /FlateDecode >>", data) },
      { num: 5, body: latin1(FONT) },
    ],
    1,
  );
}

/** A page whose dictionary holds an array nested `depth` deep ([[[[...]]]]), and as deep a dictionary. */
export function deepNestingPdf(depth: number): Buffer {
  const arrays = "[".repeat(depth) + "]".repeat(depth);
  const dicts = "<< /A ".repeat(depth) + "1" + " >>".repeat(depth);
  return assemble(
    [
      ...catalogAndPages("3 0 R", 1),
      { num: 3, body: latin1(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Nest ${arrays} /Deep ${dicts} >>`) },
    ],
    1,
  );
}

/**
 * A page tree with cycles: the root's kids are a page and an intermediate node whose only kid is
 * the root again; a second intermediate node lists itself.
 */
export function circularPageTreePdf(): Buffer {
  return assemble(
    [
      ...catalogAndPages("3 0 R 4 0 R 6 0 R", 3),
      { num: 3, body: latin1("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 7 0 R >>") },
      { num: 4, body: latin1("<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>") },
      { num: 5, body: latin1(FONT) },
      { num: 6, body: latin1("<< /Type /Pages /Parent 2 0 R /Kids [6 0 R] /Count 1 >>") },
      { num: 7, body: stream("<< >>", latin1("BT /F1 12 Tf 72 720 Td (The only real page.) Tj ET")) },
    ],
    1,
  );
}

/** `pages` real pages in a classic flat page tree, honestly counted. */
export function manyPagesPdf(pages: number): Buffer {
  const objs: Obj[] = catalogAndPages(
    Array.from({ length: pages }, (_, i) => `${3 + i} 0 R`).join(" "),
    pages,
  );
  const leaf = latin1("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>");
  for (let i = 0; i < pages; i++) objs.push({ num: 3 + i, body: leaf });
  return assemble(objs, 1);
}

/**
 * A normal generated novel (classic xref) whose xref table is wrong: every in-use entry points
 * `shift` bytes past its object, and the trailer's /Size is too small. A reader must rebuild the
 * table by scanning (or refuse the file cleanly).
 */
export async function brokenXrefPdf(pages = 12, seed = 77, shift = 13): Promise<Buffer> {
  const pdf = Buffer.from(await makeNovelPdf({ pages, seed }));
  const text = pdf.toString("latin1");
  const xref = text.lastIndexOf("\nxref\n");
  if (xref < 0) throw new Error("brokenXrefPdf: no classic xref in the generated novel");
  const tableEnd = text.indexOf("trailer", xref);
  const table = text.slice(xref, tableEnd).replace(/^(\d{10}) (\d{5}) n/gm, (_m, off: string, gen: string) => `${String(Number(off) + shift).padStart(10, "0")} ${gen} n`);
  const trailer = text.slice(tableEnd).replace(/\/Size (\d+)/, (_m, n: string) => `/Size ${String(Math.max(1, Math.floor(Number(n) / 3))).padEnd(n.length)}`);
  return Buffer.from(text.slice(0, xref) + table + trailer, "latin1");
}

/**
 * A scanned book: `pages` pages that each show one 8-bit grey image (width × height, Flate) and
 * carry no text at all.
 */
export function imageOnlyPdf(pages = 12, width = 1200, height = 1600, seed = 5): Buffer {
  const objs: Obj[] = [];
  const kids: string[] = [];
  const rand = seededRandom(seed);
  for (let p = 0; p < pages; p++) {
    const page = 3 + p * 3;
    kids.push(`${page} 0 R`);
    // Scan-like: paper grey with darker "lines of print" and noise (compresses, but not to nothing).
    const raw = Buffer.alloc(width * height);
    for (let y = 0; y < height; y++) {
      const inLine = y % 40 > 24 && y > 150 && y < height - 150;
      for (let x = 0; x < width; x++) {
        const ink = inLine && x > 120 && x < width - 120 && rand() < 0.35;
        raw[y * width + x] = ink ? 30 + Math.floor(rand() * 40) : 225 + Math.floor(rand() * 20);
      }
    }
    const img = zlib.deflateSync(raw, { level: 6 });
    const content = latin1("q 612 0 0 792 0 0 cm /Im0 Do Q");
    objs.push(
      { num: page, body: latin1(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im0 ${page + 1} 0 R >> >> /Contents ${page + 2} 0 R >>`) },
      { num: page + 1, body: stream(`<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode >>`, img) },
      { num: page + 2, body: stream("<< >>", content) },
    );
  }
  return assemble([...catalogAndPages(kids.join(" "), pages), ...objs], 1);
}

/**
 * `pages` pages of text in a Type 3 font with no /ToUnicode and no /Encoding differences that
 * name real glyphs: the codes are a private cipher (each glyph a filled box), so no extractor can
 * map them to letters. The words are drawn as codes 0x80-0xFF.
 */
export function type3NoUnicodePdf(pages = 3): Buffer {
  const codes = Array.from({ length: 64 }, (_, i) => 0x80 + i);
  const procs = codes.map((c) => `/g${c} ${100 + c} 0 R`).join(" ");
  const differences = `[128 ${codes.map((c) => `/g${c}`).join(" ")}]`;
  const objs: Obj[] = [
    ...catalogAndPages(Array.from({ length: pages }, (_, i) => `${10 + 2 * i} 0 R`).join(" "), pages),
    {
      num: 3,
      body: latin1(
        `<< /Type /Font /Subtype /Type3 /FontBBox [0 0 750 750] /FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << ${procs} >> /Encoding << /Type /Encoding /Differences ${differences} >> /FirstChar 128 /LastChar 191 /Widths [${codes.map(() => 600).join(" ")}] /Resources << >> >>`,
      ),
    },
  ];
  for (const c of codes) objs.push({ num: 100 + c, body: stream("<< >>", latin1(`600 0 0 0 500 700 d1\n0 0 ${200 + (c % 7) * 40} 700 re f\n`)) });
  const rand = seededRandom(31);
  for (let p = 0; p < pages; p++) {
    const lines: string[] = [];
    for (let l = 0; l < 40; l++) {
      const word = () => Array.from({ length: 2 + Math.floor(rand() * 7) }, () => `\\${(0x80 + Math.floor(rand() * 64)).toString(8)}`).join("");
      lines.push(`BT /T3 10 Tf 72 ${740 - l * 16} Td (${Array.from({ length: 9 }, word).join(" ")}) Tj ET`);
    }
    objs.push({ num: 10 + 2 * p, body: latin1(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /T3 3 0 R >> >> /Contents ${11 + 2 * p} 0 R >>`) });
    objs.push({ num: 11 + 2 * p, body: stream("<< >>", latin1(lines.join("\n"))) });
  }
  return assemble(objs, 1);
}

/** A page of text in an embedded TrueType font whose program (FontFile2) is random bytes. */
export function brokenFontPdf(): Buffer {
  const rand = seededRandom(47);
  const garbage = Buffer.from(Array.from({ length: 40_000 }, () => Math.floor(rand() * 256)));
  garbage.write("\x00\x01\x00\x00\x00\x0f", 0, "latin1"); // a TrueType header, then noise
  const text = "BT /F1 12 Tf 72 720 Td (Le cheval fut conduit a l'ecurie, et d'Artagnan monta.) Tj ET";
  return assemble(
    [
      ...catalogAndPages("4 0 R", 1),
      { num: 3, body: latin1("<< /Type /Font /Subtype /TrueType /BaseFont /Broken /FirstChar 32 /LastChar 126 /Widths [" + Array(95).fill(500).join(" ") + "] /FontDescriptor 6 0 R /Encoding /WinAnsiEncoding >>") },
      { num: 4, body: latin1("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>") },
      { num: 5, body: stream("<< >>", latin1(text)) },
      { num: 6, body: latin1("<< /Type /FontDescriptor /FontName /Broken /Flags 32 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 /FontFile2 7 0 R >>") },
      { num: 7, body: stream(`<< /Length1 ${garbage.length} >>`, garbage) },
    ],
    1,
  );
}
