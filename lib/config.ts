import { z } from "zod";

const int = (def: number) => z.coerce.number().int().nonnegative().default(def);

const schema = z.object({
  FOLIO_MAX_UPLOAD_MB: z.coerce.number().positive().default(100),
  FOLIO_UPLOADS_PER_HOUR: int(10),
  FOLIO_DEFAULT_CREDITS: int(5000),
  FOLIO_CHUNK_MAX_ATTEMPTS: int(3),
  FOLIO_MAX_RETRY_ROUNDS: int(2),
  FOLIO_STORAGE_DIR: z.string().optional(),
  FOLIO_MAX_PAGES: z.coerce.number().int().positive().default(5000),
  FOLIO_MAX_OBJECTS: z.coerce.number().int().positive().default(1_000_000),
  FOLIO_MAX_STREAM_DECODED_MB: z.coerce.number().positive().default(128),
  FOLIO_MAX_DECODED_MB: z.coerce.number().positive().default(4096),
  // An empty value means unset (not 0, which switches the sweep off).
  FOLIO_RETENTION_DAYS: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().nonnegative().default(7)),
});

export type FolioConfig = {
  maxUploadBytes: number;
  uploadsPerHour: number;
  defaultCredits: number;
  chunkMaxAttempts: number;
  maxRetryRounds: number;
  storageDir?: string;
  /** Pages per upload (refused at upload when the cheap count sees it, else the job fails PDF_TOO_MANY_PAGES). */
  maxPages: number;
  /** Indirect objects a file may declare (counted cheaply at upload; PDF_TOO_COMPLEX beyond). */
  maxObjects: number;
  /** One stream may inflate to this much (MiB); beyond it the file is a bomb (PDF_TOO_COMPLEX). */
  maxStreamDecodedMb: number;
  /** All Flate streams of a file together (MiB). */
  maxDecodedMb: number;
  /** Days a terminal job keeps its stored PDFs (results stay); 0 keeps them for ever. */
  retentionDays: number;
};

/** Reads deployment settings from the environment on every call (cheap; tests change env). */
export function getConfig(): FolioConfig {
  const env = schema.parse(process.env);
  return {
    maxUploadBytes: Math.round(env.FOLIO_MAX_UPLOAD_MB * 1024 * 1024),
    uploadsPerHour: env.FOLIO_UPLOADS_PER_HOUR,
    defaultCredits: env.FOLIO_DEFAULT_CREDITS,
    chunkMaxAttempts: env.FOLIO_CHUNK_MAX_ATTEMPTS,
    maxRetryRounds: env.FOLIO_MAX_RETRY_ROUNDS,
    storageDir: env.FOLIO_STORAGE_DIR,
    maxPages: env.FOLIO_MAX_PAGES,
    maxObjects: env.FOLIO_MAX_OBJECTS,
    maxStreamDecodedMb: env.FOLIO_MAX_STREAM_DECODED_MB,
    maxDecodedMb: env.FOLIO_MAX_DECODED_MB,
    retentionDays: env.FOLIO_RETENTION_DAYS,
  };
}
