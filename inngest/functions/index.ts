import { splitJobFn } from "@/inngest/functions/split-job";

export const functions = [splitJobFn];
