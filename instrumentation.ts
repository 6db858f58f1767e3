/** Next.js start-up hook: runs once in each server process (web and functions) before it serves. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { snapshotProcessEnv } = await import("@/lib/runtime/env-snapshot");
  snapshotProcessEnv();
}
