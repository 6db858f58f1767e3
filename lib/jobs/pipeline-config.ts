/** Concurrency and timing of chunk work, per deployment. */
export function pipelineConfig(env: Record<string, string | undefined> = process.env) {
  const n = (k: string, d: number) => {
    const v = Number(env[k]);
    return Number.isFinite(v) && v > 0 ? v : d;
  };
  const whole = (k: string, d: number) => {
    const v = Number(env[k]);
    return env[k] !== undefined && env[k] !== "" && Number.isInteger(v) && v >= 0 ? v : d;
  };
  return {
    chunkAttempts: n("FOLIO_CHUNK_MAX_ATTEMPTS", 3),
    perUserConcurrency: n("FOLIO_CHUNK_CONCURRENCY_PER_USER", 2),
    globalConcurrency: n("FOLIO_CHUNK_CONCURRENCY", 4),
    // Provider calls in flight (rewrite-chunk), separate from the CPU work above.
    providerConcurrency: n("FOLIO_LLM_CONCURRENCY", n("FOLIO_CHUNK_CONCURRENCY", 4)),
    // Rewrite runs allowed beyond that, waiting for a provider slot in the process (lib/jobs/provider-slots.ts).
    providerStandby: whole("FOLIO_LLM_STANDBY", 2),
    staleAfterMs: n("FOLIO_STALE_CHUNK_SECONDS", 300) * 1000,
    recoverCron: env.FOLIO_RECOVER_CRON ?? "* * * * *",
  };
}
