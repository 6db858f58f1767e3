import type { ReactNode } from "react";
import type { JobDTO } from "@/lib/jobs/serialize";
import { formatDateTime, formatDuration, formatNumber, jobDurationMs } from "../format";
import { LANGUAGES } from "../queries";
import { Card } from "../ui/Card";

export type JobDetailsProps = { job: JobDTO; now: number };

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex justify-between gap-4 py-2 sm:block">
      <dt className="text-xs text-zinc-600 dark:text-zinc-400">{label}</dt>
      <dd className="text-sm font-medium tabular-nums text-zinc-900 sm:mt-0.5 dark:text-zinc-100">{children}</dd>
    </div>
  );
}

export function JobDetails({ job, now }: JobDetailsProps) {
  const language = LANGUAGES.find((l) => l.code === job.language)?.label ?? job.language;
  return (
    <Card className="p-5 sm:p-6">
      <h2 className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">Details</h2>
      <dl className="mt-3 grid divide-y divide-zinc-200 sm:grid-cols-2 sm:gap-x-6 sm:gap-y-2 sm:divide-y-0 dark:divide-zinc-800">
        <Row label="Created">
          <time dateTime={job.createdAt}>{formatDateTime(job.createdAt)}</time>
        </Row>
        <Row label="Finished">{job.finishedAt ? <time dateTime={job.finishedAt}>{formatDateTime(job.finishedAt)}</time> : "—"}</Row>
        <Row label="Duration">{formatDuration(jobDurationMs(job, now))}</Row>
        <Row label="Sentences">{formatNumber(job.sentenceCount)}</Row>
        <Row label="Language">{language}</Row>
        <Row label="Sentence word limit">{job.sentenceWordLimit ? `${job.sentenceWordLimit} words` : "No limit"}</Row>
        <Row label="Retry round">
          {job.retryRound} of {job.maxRetryRounds}
        </Row>
        <Row label="Credits">
          {job.terminal ? `${formatNumber(job.creditsCharged)} charged` : `${formatNumber(job.creditsReserved)} reserved`}
        </Row>
      </dl>
    </Card>
  );
}
