-- OCR (issue 13): the pages a chunk read by OCR and those with no text even after OCR (not
-- charged), and the job's union of them, as page ranges ("3-5,9").

-- AlterTable
ALTER TABLE "Chunk" ADD COLUMN "ocrPages" TEXT;
ALTER TABLE "Chunk" ADD COLUMN "blankPages" TEXT;

-- AlterTable
ALTER TABLE "Job" ADD COLUMN "ocrPages" TEXT;
ALTER TABLE "Job" ADD COLUMN "pagesWithoutText" TEXT;
