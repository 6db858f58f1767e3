-- Job retention and deletion (issue 12): filesDeletedAt records that the retention sweep removed a
-- job's stored PDFs; deleting a job keeps its credit entries (jobId becomes null, not cascaded).

-- AlterTable
ALTER TABLE "Job" ADD COLUMN "filesDeletedAt" DATETIME;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_CreditEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "jobId" TEXT,
    "kind" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "note" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CreditEntry_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CreditEntry_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_CreditEntry" ("amount", "createdAt", "id", "jobId", "kind", "note", "userId") SELECT "amount", "createdAt", "id", "jobId", "kind", "note", "userId" FROM "CreditEntry";
DROP TABLE "CreditEntry";
ALTER TABLE "new_CreditEntry" RENAME TO "CreditEntry";
CREATE INDEX "CreditEntry_userId_createdAt_idx" ON "CreditEntry"("userId", "createdAt");
CREATE INDEX "CreditEntry_jobId_idx" ON "CreditEntry"("jobId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

