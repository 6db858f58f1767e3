import { z } from "zod";

const int = (def: number) => z.coerce.number().int().nonnegative().default(def);

const schema = z.object({
  FOLIO_MAX_UPLOAD_MB: z.coerce.number().positive().default(100),
  FOLIO_UPLOADS_PER_HOUR: int(10),
  FOLIO_DEFAULT_CREDITS: int(5000),
  FOLIO_CHUNK_MAX_ATTEMPTS: int(3),
  FOLIO_MAX_RETRY_ROUNDS: int(2),
  FOLIO_STORAGE_DIR: z.string().optional(),
});

export type FolioConfig = {
  maxUploadBytes: number;
  uploadsPerHour: number;
  defaultCredits: number;
  chunkMaxAttempts: number;
  maxRetryRounds: number;
  storageDir?: string;
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
  };
}
