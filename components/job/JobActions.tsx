"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { JobDTO } from "@/lib/jobs/serialize";
import { apiFetch, errorMessage, jsonInit } from "../api";
import { meQueryKey } from "../queries";
import { chunksQueryKey, jobQueryKey, type JobResponse } from "../useJobPolling";
import { Alert } from "../ui/Alert";
import { Button, buttonClasses } from "../ui/Button";

export type JobActionsProps = { job: JobDTO };

const FORMATS = [
  { format: "txt", label: "Download .txt" },
  { format: "csv", label: "Download .csv" },
  { format: "json", label: "Download .json" },
] as const;

/** Downloads when there is a result, Cancel while active, Retry failed chunks when some failed. */
export function JobActions({ job }: JobActionsProps) {
  const queryClient = useQueryClient();
  const [confirmCancel, setConfirmCancel] = useState(false);

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: jobQueryKey(job.id) });
    void queryClient.invalidateQueries({ queryKey: ["jobs"] });
    void queryClient.invalidateQueries({ queryKey: meQueryKey });
  };

  const cancel = useMutation({
    mutationFn: () => apiFetch<JobResponse>(`/api/jobs/${job.id}/cancel`, jsonInit("POST")),
    onSuccess: (data) => {
      if (data?.job) queryClient.setQueryData(jobQueryKey(job.id), data);
      setConfirmCancel(false);
      refresh();
    },
  });

  const retry = useMutation({
    mutationFn: () => apiFetch<unknown>(`/api/jobs/${job.id}/chunks/retry`, jsonInit("POST", {})),
    onSuccess: () => {
      refresh();
      void queryClient.invalidateQueries({ queryKey: chunksQueryKey(job.id) });
    },
  });

  const hasResult = job.status === "COMPLETED" || job.status === "PARTIAL_SUCCESS";
  const canRetry = job.terminal && job.status !== "CANCELLED" && job.failedChunks > 0;
  const error = cancel.error ?? retry.error;

  if (!hasResult && !canRetry && job.terminal) return null;

  return (
    <section aria-labelledby="actions-heading" className="space-y-3">
      <h2 id="actions-heading" className="sr-only">
        Actions
      </h2>
      <div className="flex flex-wrap items-center gap-2">
        {hasResult
          ? FORMATS.map((f) => (
              <a
                key={f.format}
                href={`/api/jobs/${job.id}/result?format=${f.format}`}
                download
                className={buttonClasses(f.format === "txt" ? "primary" : "secondary", "md")}
              >
                {f.label}
              </a>
            ))
          : null}
        {canRetry ? (
          <Button variant="secondary" loading={retry.isPending} onClick={() => retry.mutate()}>
            Retry failed chunks
          </Button>
        ) : null}
        {!job.terminal && !confirmCancel ? (
          <Button variant="secondary" onClick={() => setConfirmCancel(true)}>
            Cancel job
          </Button>
        ) : null}
        {!job.terminal && confirmCancel ? (
          <div role="group" aria-label="Confirm cancellation" className="flex flex-wrap items-center gap-2">
            <span className="text-sm text-zinc-800 dark:text-zinc-200">Stop processing this book?</span>
            <Button variant="danger" loading={cancel.isPending} onClick={() => cancel.mutate()}>
              Yes, cancel job
            </Button>
            <Button variant="ghost" onClick={() => setConfirmCancel(false)} disabled={cancel.isPending}>
              Keep going
            </Button>
          </div>
        ) : null}
      </div>
      {error ? <Alert variant="error">{errorMessage(error)}</Alert> : null}
    </section>
  );
}
