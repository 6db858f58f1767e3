import { splitJobFn } from "@/inngest/functions/split-job";
import { processChunkFn } from "@/inngest/functions/process-chunk";
import { finalizeJobFn } from "@/inngest/functions/finalize-job";
import { recoverStaleFn } from "@/inngest/functions/recover-stale";

export const functions = [splitJobFn, processChunkFn, finalizeJobFn, recoverStaleFn];
