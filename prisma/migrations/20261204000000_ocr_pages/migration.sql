-- OCR and footnotes (issue 13): the pages a chunk read by OCR and those with no text even after OCR (not
-- charged), and the job's union of them, as page ranges ("3-5,9").

-- AlterTable
ALTER TABLE "Chunk" ADD COLUMN "ocrPages" TEXT;
ALTER TABLE "Chunk" ADD COLUMN "blankPages" TEXT;

-- AlterTable: a sentence's kind ("body", or "note" for a footnote's).
ALTER TABLE "Sentence" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'body';

-- AlterTable
ALTER TABLE "Job" ADD COLUMN "ocrPages" TEXT;
ALTER TABLE "Job" ADD COLUMN "pagesWithoutText" TEXT;
