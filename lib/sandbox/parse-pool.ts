/**
 * The functions process's pool of parsing children (pool.ts running parse-child.ts, bundled by
 * child-bundle.ts): the split's
 * plan and every chunk's extraction run there, never in this process.
 * FOLIO_PARSE_WORKERS children (default: one per CPU, at most 4), each capped by
 * FOLIO_PARSE_MEMORY_MB / FOLIO_PARSE_CPU_SECONDS / FOLIO_PARSE_TIMEOUT_S (isolated.ts).
 */
import os from "node:os";
import path from "node:path";
import { IsolatedPool } from "./pool";
import { childBundle } from "./child-bundle";
import { parseLimitsFromEnv } from "./isolated";
import type { PlanAnswer, PlanRequest } from "../pdf/plan";
import type { ChunkTaskAnswer, ChunkTaskRequest, ParseRequest } from "./parse-tasks";

export function parseWorkerCount(env: Record<string, string | undefined> = process.env): number {
  const n = Number(env.FOLIO_PARSE_WORKERS);
  if (Number.isInteger(n) && n > 0) return Math.min(n, 16);
  const cpus = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(4, cpus));
}

function childScript(): string {
  return path.join(/*turbopackIgnore: true*/ process.cwd(), "lib", "sandbox", "parse-child.ts");
}

let pool: IsolatedPool<ParseRequest, PlanAnswer | ChunkTaskAnswer> | null = null;

export function getParsePool(): IsolatedPool<ParseRequest, PlanAnswer | ChunkTaskAnswer> {
  pool ??= new IsolatedPool<ParseRequest, PlanAnswer | ChunkTaskAnswer>({
    nodeArgs: [childBundle(childScript())],
    size: parseWorkerCount(),
    limits: parseLimitsFromEnv(),
  });
  return pool;
}

export function planInPool(req: PlanRequest): Promise<PlanAnswer> {
  return getParsePool().run({ kind: "plan", ...req }) as Promise<PlanAnswer>;
}

export function chunkInPool(req: Omit<ChunkTaskRequest, "kind">): Promise<ChunkTaskAnswer> {
  return getParsePool().run({ kind: "chunk", ...req }) as Promise<ChunkTaskAnswer>;
}

/** Starts the children ahead of the first job (called when the functions endpoint loads). */
export function warmParsePool(): void {
  if (process.env.FOLIO_PARSE_WARM === "0") return;
  getParsePool().warm();
}
