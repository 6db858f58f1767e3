import { KeyedSemaphore, Semaphore } from "@/lib/concurrency/semaphore";
import { pipelineConfig } from "@/lib/jobs/pipeline-config";

type Slots = { global: Semaphore; perUser: KeyedSemaphore };

// One set per process (kept on globalThis: Next.js dev reloads modules).
const holder = globalThis as unknown as { folioProviderSlots?: Slots };

function slots(): Slots {
  if (!holder.folioProviderSlots) {
    const cfg = pipelineConfig();
    holder.folioProviderSlots = { global: new Semaphore(cfg.providerConcurrency), perUser: new KeyedSemaphore(cfg.perUserConcurrency) };
  }
  return holder.folioProviderSlots;
}

/**
 * Takes a provider slot in this process: at most FOLIO_LLM_CONCURRENCY provider calls in flight,
 * and FOLIO_CHUNK_CONCURRENCY_PER_USER for one user. rewrite-chunk's Inngest concurrency allows
 * FOLIO_LLM_STANDBY more runs than that, which wait here with their input loaded, so a slot a
 * finished call frees is taken within microseconds rather than after a round trip through the
 * runner. The user's slot is taken first; whoever holds a global slot waits for nothing else.
 */
export async function acquireProviderSlot(userId: string): Promise<() => void> {
  const s = slots();
  const releaseUser = await s.perUser.acquire(userId);
  let releaseGlobal: () => void;
  try {
    releaseGlobal = await s.global.acquire();
  } catch (err) {
    releaseUser();
    throw err;
  }
  return () => {
    releaseGlobal();
    releaseUser();
  };
}
