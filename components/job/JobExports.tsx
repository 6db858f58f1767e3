import type { JobDTO } from "@/lib/jobs/serialize";
import { ButtonLink, buttonClasses } from "../ui/Button";
import { Card } from "../ui/Card";
import { hasResult } from "./JobLive";

export const EXPORT_FORMATS = [
  { format: "csv", label: "CSV" },
  { format: "json", label: "JSON" },
  { format: "txt", label: "TXT" },
] as const;

export function exportHref(jobId: string, format: (typeof EXPORT_FORMATS)[number]["format"]): string {
  return `/api/jobs/${encodeURIComponent(jobId)}/result?format=${format}`;
}

/** "Results" card of the job page: open the results, or download them. */
export function JobExports({ job }: { job: JobDTO }) {
  const ready = hasResult(job);
  return (
    <Card className="p-5 sm:p-6">
      <h2 className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">Results</h2>
      {ready ? (
        <>
          {job.status === "PARTIAL_SUCCESS" ? (
            <p className="mt-1 text-xs text-amber-900 dark:text-amber-200">Partial: some chunks failed, their pages are missing.</p>
          ) : null}
          <ButtonLink href={`/jobs/${job.id}/results`} className="mt-3 w-full">
            View sentences
          </ButtonLink>
          <div className="mt-2 grid grid-cols-3 gap-2">
            {EXPORT_FORMATS.map((f) => (
              <a key={f.format} href={exportHref(job.id, f.format)} download className={buttonClasses("secondary", "sm")} aria-label={`Download .${f.format}`}>
                .{f.format}
              </a>
            ))}
          </div>
        </>
      ) : (
        <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">
          {job.terminal ? "This job produced no sentences." : "The sentences appear here once the job completes."}
        </p>
      )}
    </Card>
  );
}
