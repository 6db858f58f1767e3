import crypto from "node:crypto";
import type { NextRequest } from "next/server";
import { ServerTiming } from "@/lib/http/server-timing";
import { db } from "@/lib/db";
import { getConfig } from "@/lib/config";
import { getStorage } from "@/lib/storage";
import { ApiError, fromZod } from "@/lib/http/errors";
import type { Caller } from "@/lib/auth/request";
import { receiveMultipart, formatMb } from "@/lib/upload/multipart";
import { inspectPdf } from "@/lib/pdf/inspect";
import { jobOptionsSchema, llmAvailable } from "@/lib/jobs/options";
import { enforceUploadRateLimit } from "@/lib/jobs/rate-limit";
import { creditBalance, creditsForPages, lockUser } from "@/lib/credits";
import { dispatchJobCreated } from "@/lib/jobs/dispatch";
import { Prisma, type Job } from "@/lib/generated/prisma/client";

const MULTIPART_OVERHEAD = 64 * 1024;

function idempotencyKeyOf(req: Request): string | null {
  const key = req.headers.get("idempotency-key")?.trim();
  if (!key) return null;
  if (key.length > 200) throw new ApiError(400, "INVALID_IDEMPOTENCY_KEY", "Idempotency-Key must be at most 200 characters.");
  return key;
}

/**
 * POST /api/jobs: validate, stream to storage, inspect, reserve credits, create the Job,
 * send `folio/job.created`. Returns the job and whether it is new (false on an idempotent replay).
 */
export async function createJobFromUpload(req: NextRequest, caller: Caller, timing = new ServerTiming()): Promise<{ job: Job; created: boolean }> {
  const cfg = getConfig();
  const idemKey = idempotencyKeyOf(req);
  if (idemKey) {
    const existing = await db.job.findUnique({ where: { userId_idempotencyKey: { userId: caller.id, idempotencyKey: idemKey } } });
    if (existing) return { job: existing, created: false };
  }
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > cfg.maxUploadBytes + MULTIPART_OVERHEAD) {
    throw new ApiError(413, "FILE_TOO_LARGE", `The file is larger than the ${formatMb(cfg.maxUploadBytes)} limit.`);
  }
  // Cheap early refusal before the upload is streamed; the authoritative check is below.
  await enforceUploadRateLimit(caller.id, cfg.uploadsPerHour);
  timing.mark("limit");

  const storage = getStorage();
  const key = `uploads/${crypto.randomUUID()}.pdf`;
  const upload = await receiveMultipart(req, storage, key, cfg.maxUploadBytes);
  timing.mark("receive");
  const discard = () => storage.delete(key).catch(() => undefined);

  try {
    if (!upload.file) {
      const hint = upload.otherFileFields.length ? ` (got a file in '${upload.otherFileFields[0]}')` : "";
      throw new ApiError(400, "MISSING_FILE", `Send the PDF in a form field named 'file'${hint}.`);
    }
    const parsedOptions = jobOptionsSchema.safeParse(upload.fields);
    if (!parsedOptions.success) throw fromZod(parsedOptions.error, "INVALID_OPTION");
    const options = parsedOptions.data;
    if (options.priority !== undefined && options.priority > 0 && caller.role !== "ADMIN") {
      throw new ApiError(403, "PRIORITY_FORBIDDEN", "Only administrators can raise a job's priority.");
    }
    if (options.processor === "llm" && !llmAvailable()) {
      throw new ApiError(400, "PROCESSOR_UNAVAILABLE", "The LLM processor is not configured on this server (FOLIO_LLM_PROVIDER); use processor=local.");
    }
    if (upload.file.size === 0) throw new ApiError(422, "EMPTY_FILE", "The file is empty.");

    const inspection = await inspectPdf(await storage.localFile(key), cfg);
    if (!inspection.ok) throw new ApiError(inspection.code === "NOT_A_PDF" ? 415 : inspection.code === "PDF_TOO_MANY_PAGES" ? 413 : 422, inspection.code, inspection.message);
    timing.mark("inspect");

    const needed = creditsForPages(inspection.pageCount);
    const job = await db.$transaction(async (tx) => {
      // One step under the user's lock: count, check the balance, insert (a refusal rolls back;
      // the catch below discards the file).
      await lockUser(tx, caller.id);
      await enforceUploadRateLimit(caller.id, cfg.uploadsPerHour, tx);
      const balance = await creditBalance(caller.id, tx);
      if (balance < needed) {
        throw new ApiError(402, "INSUFFICIENT_CREDITS", `This book needs ${needed} credits (one per page); your balance is ${balance}.`);
      }
      const created = await tx.job.create({
        data: {
          userId: caller.id,
          fileName: upload.file!.fileName.slice(0, 255),
          fileKey: key,
          fileSha256: upload.file!.sha256,
          fileSize: upload.file!.size,
          pageCount: inspection.pageCount,
          idempotencyKey: idemKey,
          sentenceWordLimit: options.sentenceWordLimit ?? null,
          language: options.language,
          processor: options.processor,
          priority: options.priority ?? 0,
          maxRetryRounds: cfg.maxRetryRounds,
          creditsReserved: needed,
          currentStep: "Queued",
        },
      });
      await tx.creditEntry.create({ data: { userId: caller.id, jobId: created.id, kind: "RESERVE", amount: -needed, note: `reserve ${needed} pages` } });
      return created;
    });
    timing.mark("db");
    await dispatchJobCreated(job);
    timing.mark("send");
    return { job, created: true };
  } catch (err) {
    await discard();
    if (idemKey && err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      const existing = await db.job.findUnique({ where: { userId_idempotencyKey: { userId: caller.id, idempotencyKey: idemKey } } });
      if (existing) return { job: existing, created: false };
    }
    throw err;
  }
}
