/**
 * The Inngest client and the typed events, defined in lib/jobs/events.ts (domain code sends
 * events without importing from inngest/); the functions in inngest/functions import them here.
 */
export { inngest, jobCreated, jobCancelled, chunkRequested, chunkRewriteRequested, jobSettled, chunkRequests } from "@/lib/jobs/events";
