import { inngest } from "@/inngest/client";
import { findStalledWork } from "@/lib/jobs/recover";
import { pipelineConfig } from "@/lib/jobs/pipeline-config";

/** Cron: re-requests chunks whose worker died and jobs that stopped moving (see lib/jobs/recover.ts). */
export const recoverStaleFn = inngest.createFunction(
  { id: "recover-stale", name: "Recover stalled work", triggers: [{ cron: pipelineConfig().recoverCron }], retries: 1, concurrency: { limit: 1 } },
  async ({ step }) => {
    const found = await step.run("find-stalled", () => findStalledWork());
    if (found.events.length) await step.sendEvent("re-request", found.events);
    return found.summary;
  },
);
