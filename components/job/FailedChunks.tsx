import type { ChunkDTO } from "@/lib/jobs/serialize";
import { Card } from "../ui/Card";

export type FailedChunksProps = { chunks: ChunkDTO[] | undefined; limit?: number };

/** Which pages failed and why (only rendered when some chunk failed). */
export function FailedChunks({ chunks, limit = 10 }: FailedChunksProps) {
  const failed = (chunks ?? []).filter((c) => c.status === "FAILED");
  if (failed.length === 0) return null;
  return (
    <Card className="p-5 sm:p-6">
      <h2 className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">Failed chunks</h2>
      <ul className="mt-3 divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
        {failed.slice(0, limit).map((c) => (
          <li key={c.id} className="py-2">
            <p className="font-medium text-zinc-900 dark:text-zinc-100">
              Chunk {c.index + 1} · pages {c.startPage}–{c.endPage}
              <span className="font-normal text-zinc-600 dark:text-zinc-400">
                {" "}
                · {c.attempts} of {c.maxAttempts} attempts
              </span>
            </p>
            <p className="mt-0.5 break-words text-zinc-700 dark:text-zinc-300">{c.lastError ?? c.errorCode ?? "Unknown error"}</p>
          </li>
        ))}
      </ul>
      {failed.length > limit ? (
        <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">and {failed.length - limit} more…</p>
      ) : null}
    </Card>
  );
}
