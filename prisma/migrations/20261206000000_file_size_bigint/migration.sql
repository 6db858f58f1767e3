-- Job.fileSize as a 64-bit integer (issue 14): PostgreSQL's INTEGER is 32-bit, an upload past 2 GiB
-- would overflow it. SQLite stores both the same way; the column is declared BIGINT so both schemas agree.

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "fileName" TEXT NOT NULL,
    "fileKey" TEXT NOT NULL,
    "fileSha256" TEXT NOT NULL,
    "fileSize" BIGINT NOT NULL,
    "pageCount" INTEGER NOT NULL,
    "idempotencyKey" TEXT,
    "sentenceWordLimit" INTEGER,
    "language" TEXT NOT NULL DEFAULT 'fr',
    "processor" TEXT NOT NULL DEFAULT 'local',
    "priority" INTEGER NOT NULL DEFAULT 0,
    "stage" TEXT NOT NULL DEFAULT 'queued',
    "progressPercent" INTEGER NOT NULL DEFAULT 0,
    "currentStep" TEXT,
    "totalChunks" INTEGER NOT NULL DEFAULT 0,
    "succeededChunks" INTEGER NOT NULL DEFAULT 0,
    "failedChunks" INTEGER NOT NULL DEFAULT 0,
    "cancelledChunks" INTEGER NOT NULL DEFAULT 0,
    "retryRound" INTEGER NOT NULL DEFAULT 0,
    "maxRetryRounds" INTEGER NOT NULL DEFAULT 2,
    "errorSummary" TEXT,
    "sentenceCount" INTEGER NOT NULL DEFAULT 0,
    "providerCalls" INTEGER NOT NULL DEFAULT 0,
    "providerTokens" INTEGER NOT NULL DEFAULT 0,
    "creditsReserved" INTEGER NOT NULL DEFAULT 0,
    "creditsCharged" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "filesDeletedAt" DATETIME,
    "ocrPages" TEXT,
    "pagesWithoutText" TEXT,
    CONSTRAINT "Job_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Job" ("cancelledChunks", "createdAt", "creditsCharged", "creditsReserved", "currentStep", "errorSummary", "failedChunks", "fileKey", "fileName", "fileSha256", "fileSize", "filesDeletedAt", "finishedAt", "id", "idempotencyKey", "language", "maxRetryRounds", "ocrPages", "pageCount", "pagesWithoutText", "priority", "processor", "progressPercent", "providerCalls", "providerTokens", "retryRound", "sentenceCount", "sentenceWordLimit", "stage", "startedAt", "status", "succeededChunks", "totalChunks", "updatedAt", "userId") SELECT "cancelledChunks", "createdAt", "creditsCharged", "creditsReserved", "currentStep", "errorSummary", "failedChunks", "fileKey", "fileName", "fileSha256", "fileSize", "filesDeletedAt", "finishedAt", "id", "idempotencyKey", "language", "maxRetryRounds", "ocrPages", "pageCount", "pagesWithoutText", "priority", "processor", "progressPercent", "providerCalls", "providerTokens", "retryRound", "sentenceCount", "sentenceWordLimit", "stage", "startedAt", "status", "succeededChunks", "totalChunks", "updatedAt", "userId" FROM "Job";
DROP TABLE "Job";
ALTER TABLE "new_Job" RENAME TO "Job";
CREATE INDEX "Job_userId_createdAt_idx" ON "Job"("userId", "createdAt");
CREATE INDEX "Job_status_idx" ON "Job"("status");
CREATE UNIQUE INDEX "Job_userId_idempotencyKey_key" ON "Job"("userId", "idempotencyKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

