import path from "node:path";
import { runIsolated, parseLimitsFromEnv, IsolatedTaskError, type IsolatedLimits } from "@/lib/sandbox/isolated";
import type { SplitAnswer, SplitRequest } from "@/lib/pdf/split-child";

/** The split child's entry, run with `node --import tsx` from the app's directory. */
function childScript(): string {
  return path.join(/*turbopackIgnore: true*/ process.cwd(), "lib", "pdf", "split-child.ts");
}

/** Splits a PDF in a capped child process (see lib/sandbox/isolated.ts). Rejects with IsolatedTaskError when the child dies. */
export function splitIsolated(req: SplitRequest, limits: IsolatedLimits = parseLimitsFromEnv()): Promise<SplitAnswer> {
  return runIsolated<SplitAnswer>(["--import", "tsx", childScript()], req, limits);
}

export { IsolatedTaskError };
