import type { ChunkProcessor } from "@/lib/processors/types";
import { localProcessor } from "@/lib/processors/local";

/** The processors a job can name in `processor`. */
export function getProcessor(id: string): ChunkProcessor {
  if (id === "local") return localProcessor;
  throw new Error(`unknown processor: ${id}`);
}
