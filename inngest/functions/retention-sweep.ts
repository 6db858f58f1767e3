import { inngest } from "@/inngest/client";
import { sweepRetention } from "@/lib/jobs/retention";

/** Cron, hourly: removes the stored files of jobs that ended more than FOLIO_RETENTION_DAYS ago (lib/jobs/retention.ts). */
export const retentionSweepFn = inngest.createFunction(
  { id: "retention-sweep", name: "Remove the files of old jobs", triggers: [{ cron: "0 * * * *" }], retries: 1, concurrency: { limit: 1 } },
  async ({ step }) => step.run("sweep", () => sweepRetention()),
);
