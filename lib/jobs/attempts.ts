/**
 * The most times a chunk's work may be started, over every attempt and retry round, unless a
 * user forces a retry: a manual retry skips chunks past it, and a start past it fails the chunk
 * (lib/jobs/chunk-work.ts) instead of running again. A start that never reported back (the
 * process running it died, however often it is restarted) still counted, so a chunk that kills
 * its process every time ends FAILED with a code instead of looping.
 */
export const hardAttemptCap = (maxAttempts: number, maxRounds: number) => maxAttempts * (maxRounds + 3);
