/**
 * Transactions that lost to another one on PostgreSQL (a deadlock, 40P01, or a serialization
 * failure, 40001) were rolled back whole: running them again is safe and is what the database
 * asks for. SQLite never reports these here (transactions take the write lock up front,
 * lib/db/adapter.ts). Prisma reports them as P2034, or as a DriverAdapterError whose cause
 * carries PostgreSQL's code.
 */
const RETRYABLE = new Set(["40P01", "40001"]);

export function isTransactionConflict(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { code?: unknown; originalCode?: unknown } } | null;
  if (!e || typeof e !== "object") return false;
  if (e.code === "P2034") return true;
  return RETRYABLE.has(String(e.cause?.originalCode ?? "")) || RETRYABLE.has(String(e.cause?.code ?? ""));
}

/** Runs `tx` again (up to `attempts` times in all, with a short random pause) while it loses a conflict. */
export async function retryConflicts<T>(tx: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await tx();
    } catch (err) {
      if (i >= attempts || !isTransactionConflict(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * i));
    }
  }
}
