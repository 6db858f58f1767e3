/** Where a PROCESSING chunk is (`Chunk.stage`); null once it settles. */
export const CHUNK_STAGE = {
  extracting: "extracting",
  /** Computed, waiting for a provider slot (no heartbeat while it waits: lib/jobs/stale.ts). */
  waitingProvider: "waiting-provider",
  rewriting: "rewriting",
} as const;

export type ChunkStage = (typeof CHUNK_STAGE)[keyof typeof CHUNK_STAGE];
