import { db } from "@/lib/db";
import { settleCredits } from "@/lib/credits";
import { getStorage } from "@/lib/storage";
import type { JobStatus } from "@/lib/generated/prisma/client";

/**
 * One chunk of a job brought to an end by hand (the global test app runs no functions):
 * `file` "legacy" stores a chunk PDF under chunks/<jobId>/<index>.pdf, "upload" points the chunk
 * at the upload itself (the layout the split is moving to).
 */
export type ChunkPlan = { status: "SUCCEEDED" | "FAILED"; sentences?: string[]; file: "legacy" | "upload" };

/**
 * Gives an uploaded job one-page chunks with real files in storage and sentence rows, then ends it
 * with `status` the way the pipeline does: the status written and the credits settled (succeeded
 * pages charged, the rest of the reservation released) in one transaction.
 */
export async function finishJob(jobId: string, status: JobStatus, chunks: ChunkPlan[], finishedAt = new Date()): Promise<{ chunkIds: string[] }> {
  const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
  const storage = getStorage();
  const chunkIds: string[] = [];
  for (const [index, plan] of chunks.entries()) {
    let storageKey = job.fileKey;
    let sha256 = job.fileSha256;
    if (plan.file === "legacy") {
      storageKey = `chunks/${jobId}/${index}.pdf`;
      sha256 = (await storage.put(storageKey, new TextEncoder().encode(`%PDF-1.7 chunk ${index} of ${jobId}\n`))).sha256;
    }
    const chunk = await db.chunk.create({
      data: {
        jobId,
        index,
        status: plan.status,
        startPage: index + 1,
        endPage: index + 1,
        storageKey,
        sha256,
        attempts: 1,
        errorCode: plan.status === "FAILED" ? "EXTRACTION_FAILED" : null,
        lastError: plan.status === "FAILED" ? "test: extraction failed" : null,
        sentenceCount: plan.sentences?.length ?? 0,
        finishedAt,
      },
    });
    chunkIds.push(chunk.id);
    if (plan.sentences?.length) {
      await db.sentence.createMany({ data: plan.sentences.map((text, chunkOrder) => ({ jobId, chunkId: chunk.id, chunkIndex: index, chunkOrder, text, page: index + 1 })) });
    }
  }
  const succeeded = chunks.filter((c) => c.status === "SUCCEEDED");
  await db.$transaction(async (tx) => {
    await tx.job.update({
      where: { id: jobId },
      data: {
        status,
        stage: status.toLowerCase(),
        totalChunks: chunks.length,
        succeededChunks: succeeded.length,
        failedChunks: chunks.length - succeeded.length,
        sentenceCount: succeeded.reduce((n, c) => n + (c.sentences?.length ?? 0), 0),
        progressPercent: 100,
        finishedAt,
      },
    });
    await settleCredits(tx, jobId, succeeded.length);
  });
  return { chunkIds };
}
