"use client";

import Link from "next/link";
import { useEffect, useId, useRef, type KeyboardEvent, type MouseEvent } from "react";
import { formatBytes, formatNumber } from "./format";
import { JobLive } from "./job/JobLive";
import { useJobView } from "./job/useJobActions";
import { Alert } from "./ui/Alert";
import { Button, buttonClasses } from "./ui/Button";
import { Skeleton } from "./ui/Skeleton";
import { StatusBadge } from "./ui/StatusBadge";
import { LoadErrorAlert } from "./LoadErrorAlert";

export type JobProgressDialogProps = {
  /** The job to follow; the dialog is open while this is set. */
  jobId: string | null;
  onClose: () => void;
  /** Where focus goes on close when the element that opened the dialog cannot take it back (e.g. a button disabled meanwhile). */
  fallbackFocus?: React.RefObject<HTMLElement | null>;
};

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog following one job live. Built on <dialog>.showModal(): the page behind is inert
 * and Escape closes it; on top of that, Tab and Shift+Tab cycle inside it, the title takes
 * focus on open, and focus returns to whatever opened it on close.
 */
export function JobProgressDialog({ jobId, onClose, fallbackFocus }: JobProgressDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useId();
  const open = jobId !== null;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      heading.current?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  // Restore focus however the dialog closed (button, Escape, navigation away).
  function restoreFocus() {
    const el = opener.current;
    opener.current = null;
    const usable = el && el !== document.body && el.isConnected && !(el as HTMLButtonElement).disabled;
    (usable ? el : fallbackFocus?.current)?.focus();
  }

  useEffect(() => {
    const dialog = ref.current;
    return () => {
      if (dialog?.open) dialog.close();
    };
  }, []);

  function onKeyDown(e: KeyboardEvent<HTMLDialogElement>) {
    if (e.key !== "Tab") return;
    const dialog = ref.current;
    if (!dialog) return;
    const items = Array.from(dialog.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.offsetParent !== null || el === document.activeElement);
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    const current = document.activeElement as HTMLElement | null;
    const inside = current ? items.includes(current) : false;
    if (e.shiftKey && (current === first || !inside)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (current === last || !inside)) {
      e.preventDefault();
      first.focus();
    }
  }

  function onBackdropClick(e: MouseEvent<HTMLDialogElement>) {
    if (e.target === ref.current) onClose();
  }

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-modal="true"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClose={() => {
        restoreFocus();
        if (open) onClose();
      }}
      onKeyDown={onKeyDown}
      onClick={onBackdropClick}
      className="m-auto max-h-[calc(100dvh-1rem)] w-[calc(100%-1rem)] max-w-3xl overflow-hidden rounded-2xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-2xl backdrop:bg-zinc-950/60 sm:max-h-[calc(100dvh-4rem)] dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
    >
      {jobId ? <DialogBody jobId={jobId} titleId={titleId} headingRef={heading} onClose={onClose} /> : <h2 id={titleId} className="sr-only" ref={heading} tabIndex={-1}>Job progress</h2>}
    </dialog>
  );
}

type DialogBodyProps = {
  jobId: string;
  titleId: string;
  headingRef: React.RefObject<HTMLHeadingElement | null>;
  onClose: () => void;
};

function DialogBody({ jobId, titleId, headingRef, onClose }: DialogBodyProps) {
  const view = useJobView(jobId);
  const { job, isLoading, notFound, loadError, refetch } = view;

  return (
    <div className="flex max-h-[inherit] flex-col">
      <header className="flex items-start gap-3 border-b border-zinc-200 px-4 py-3 sm:px-6 sm:py-4 dark:border-zinc-800">
        <div className="min-w-0 flex-1">
          <h2
            id={titleId}
            ref={headingRef}
            tabIndex={-1}
            className="font-serif text-lg font-semibold tracking-tight [overflow-wrap:anywhere] text-zinc-900 focus:outline-none sm:text-xl dark:text-white"
          >
            {job ? job.fileName : "Job progress"}
          </h2>
          <div className="mt-1 flex min-h-6 flex-wrap items-center gap-x-2 gap-y-1 text-sm text-zinc-700 tabular-nums dark:text-zinc-300">
            {job ? (
              <>
                <StatusBadge status={job.status} />
                <span>
                  {formatNumber(job.pageCount)} pages · {formatBytes(job.fileSize)}
                  {job.totalChunks > 0 ? ` · ${formatNumber(job.totalChunks)} chunk${job.totalChunks === 1 ? "" : "s"}` : ""}
                </span>
              </>
            ) : null}
          </div>
        </div>
        <Button variant="ghost" size="sm" onClick={onClose} aria-label="Close" className="-mr-2 shrink-0">
          <svg viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" aria-hidden="true">
            <path d="M6 6l12 12M18 6 6 18" />
          </svg>
        </Button>
      </header>

      <div className="min-h-0 flex-1 overflow-y-auto px-4 py-4 sm:px-6 sm:py-5">
        {notFound ? (
          <Alert variant="error" title="Job not found">
            This job does not exist, or it belongs to another account.
          </Alert>
        ) : loadError ? (
          <LoadErrorAlert title="Could not load this job" error={loadError} onRetry={refetch} />
        ) : isLoading || !job ? (
          <div className="space-y-4" aria-busy="true">
            <p className="sr-only" role="status">
              Loading the job…
            </p>
            <Skeleton className="h-24 w-full rounded-xl" />
            <Skeleton className="h-20 w-full rounded-xl" />
            <Skeleton className="h-40 w-full rounded-xl" />
          </div>
        ) : (
          <JobLive view={view} variant="dialog" />
        )}
      </div>

      <footer className="flex flex-wrap items-center justify-end gap-2 border-t border-zinc-200 bg-zinc-50 px-4 py-3 sm:px-6 dark:border-zinc-800 dark:bg-zinc-950/40">
        <Link href={`/jobs/${jobId}`} className={buttonClasses("ghost", "md")} onClick={onClose}>
          Open job page
        </Link>
        <Button variant="secondary" onClick={onClose}>
          Close
        </Button>
      </footer>
    </div>
  );
}
