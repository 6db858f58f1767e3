import { splitJobFn } from "@/inngest/functions/split-job";
import { processChunkFn } from "@/inngest/functions/process-chunk";
import { rewriteChunkFn } from "@/inngest/functions/rewrite-chunk";
import { finalizeJobFn } from "@/inngest/functions/finalize-job";
import { recoverStaleFn } from "@/inngest/functions/recover-stale";
import { retentionSweepFn } from "@/inngest/functions/retention-sweep";

export const functions = [splitJobFn, processChunkFn, rewriteChunkFn, finalizeJobFn, recoverStaleFn, retentionSweepFn];
