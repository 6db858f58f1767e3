/**
 * Turns page images into a "scanned" PDF (scripts/books/scan.sh): each page is turned by a small
 * angle (alternating, up to 0.6°), gets a faint grey paper tone and dust specks, is saved as a
 * JPEG (quality 70) and drawn full-page on a PDF page of the original size. No text layer.
 *
 *   node --import tsx to-scan.ts <typeset.pdf> <out.pdf> <dpi> <page images...>
 *
 * Deterministic: the angles and specks come from a fixed-seed generator.
 */
import fs from "node:fs";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { PDFDocument } from "pdf-lib";

const [typesetPath, outPath, dpiArg, ...images] = process.argv.slice(2);
if (!typesetPath || !outPath || !dpiArg || !images.length) throw new Error("usage: to-scan.ts <typeset.pdf> <out.pdf> <dpi> <images...>");
const dpi = Number(dpiArg);

let seed = 1873;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};

async function main(): Promise<void> {
  const typeset = await PDFDocument.load(fs.readFileSync(typesetPath));
  const sizes = typeset.getPages().map((p) => p.getSize());
  const out = await PDFDocument.create();
  images.sort();
  for (const [i, file] of images.entries()) {
    const img = await loadImage(fs.readFileSync(file));
    const canvas = createCanvas(img.width, img.height);
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "rgb(246,244,238)";
    ctx.fillRect(0, 0, img.width, img.height);
    const angle = ((i % 2 ? 1 : -1) * (0.2 + 0.4 * random()) * Math.PI) / 180;
    ctx.translate(img.width / 2, img.height / 2);
    ctx.rotate(angle);
    ctx.globalCompositeOperation = "multiply";
    ctx.drawImage(img, -img.width / 2, -img.height / 2);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalCompositeOperation = "source-over";
    ctx.fillStyle = "rgba(40,40,40,0.6)";
    const specks = Math.round((img.width * img.height) / 40_000);
    for (let s = 0; s < specks; s++) ctx.fillRect(random() * img.width, random() * img.height, 1 + 2 * random(), 1 + 2 * random());
    const jpeg = await canvas.encode("jpeg", 70);
    const embedded = await out.embedJpg(jpeg);
    const { width, height } = sizes[i] ?? { width: (img.width * 72) / dpi, height: (img.height * 72) / dpi };
    out.addPage([width, height]).drawImage(embedded, { x: 0, y: 0, width, height });
  }
  fs.writeFileSync(outPath, await out.save());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
