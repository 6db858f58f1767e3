-- AlterTable
ALTER TABLE "Chunk" ADD COLUMN "stage" TEXT;
