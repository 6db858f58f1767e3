-- CreateTable
CREATE TABLE "ResultCache" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "processor" TEXT NOT NULL,
    "result" TEXT NOT NULL,
    "hits" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Chunk" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "jobId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "startPage" INTEGER NOT NULL,
    "endPage" INTEGER NOT NULL,
    "overlapPages" INTEGER NOT NULL DEFAULT 0,
    "storageKey" TEXT,
    "sha256" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 3,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "heartbeatAt" DATETIME,
    "lastError" TEXT,
    "errorCode" TEXT,
    "resultKey" TEXT,
    "result" TEXT,
    "sentenceCount" INTEGER NOT NULL DEFAULT 0,
    "runId" TEXT,
    "stepId" TEXT,
    "bypassCache" BOOLEAN NOT NULL DEFAULT false,
    "cacheHit" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "durationMs" INTEGER,
    CONSTRAINT "Chunk_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Chunk" ("attempts", "createdAt", "durationMs", "endPage", "errorCode", "finishedAt", "heartbeatAt", "id", "index", "jobId", "lastError", "maxAttempts", "overlapPages", "priority", "result", "resultKey", "runId", "sentenceCount", "sha256", "startPage", "startedAt", "status", "stepId", "storageKey", "updatedAt") SELECT "attempts", "createdAt", "durationMs", "endPage", "errorCode", "finishedAt", "heartbeatAt", "id", "index", "jobId", "lastError", "maxAttempts", "overlapPages", "priority", "result", "resultKey", "runId", "sentenceCount", "sha256", "startPage", "startedAt", "status", "stepId", "storageKey", "updatedAt" FROM "Chunk";
DROP TABLE "Chunk";
ALTER TABLE "new_Chunk" RENAME TO "Chunk";
CREATE INDEX "Chunk_jobId_status_idx" ON "Chunk"("jobId", "status");
CREATE INDEX "Chunk_status_heartbeatAt_idx" ON "Chunk"("status", "heartbeatAt");
CREATE UNIQUE INDEX "Chunk_jobId_index_key" ON "Chunk"("jobId", "index");
CREATE TABLE "new_Sentence" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "jobId" TEXT NOT NULL,
    "chunkId" TEXT NOT NULL,
    "chunkIndex" INTEGER NOT NULL,
    "chunkOrder" INTEGER NOT NULL,
    "dropped" BOOLEAN NOT NULL DEFAULT false,
    "text" TEXT NOT NULL,
    "page" INTEGER NOT NULL,
    "fromSplit" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "Sentence_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Sentence_chunkId_fkey" FOREIGN KEY ("chunkId") REFERENCES "Chunk" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Sentence" ("chunkId", "fromSplit", "id", "jobId", "page", "text") SELECT "chunkId", "fromSplit", "id", "jobId", "page", "text" FROM "Sentence";
DROP TABLE "Sentence";
ALTER TABLE "new_Sentence" RENAME TO "Sentence";
CREATE INDEX "Sentence_jobId_dropped_chunkIndex_chunkOrder_idx" ON "Sentence"("jobId", "dropped", "chunkIndex", "chunkOrder");
CREATE UNIQUE INDEX "Sentence_chunkId_chunkOrder_key" ON "Sentence"("chunkId", "chunkOrder");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

