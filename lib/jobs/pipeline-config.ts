/** Concurrency and timing of chunk work, per deployment. */
export function pipelineConfig(env: Record<string, string | undefined> = process.env) {
  const n = (k: string, d: number) => {
    const v = Number(env[k]);
    return Number.isFinite(v) && v > 0 ? v : d;
  };
  return {
    chunkAttempts: n("FOLIO_CHUNK_MAX_ATTEMPTS", 3),
    perUserConcurrency: n("FOLIO_CHUNK_CONCURRENCY_PER_USER", 2),
    globalConcurrency: n("FOLIO_CHUNK_CONCURRENCY", 4),
    // Provider calls in flight (rewrite-chunk), separate from the CPU work above.
    providerConcurrency: n("FOLIO_LLM_CONCURRENCY", n("FOLIO_CHUNK_CONCURRENCY", 4)),
    staleAfterMs: n("FOLIO_STALE_CHUNK_SECONDS", 300) * 1000,
    recoverCron: env.FOLIO_RECOVER_CRON ?? "* * * * *",
  };
}
