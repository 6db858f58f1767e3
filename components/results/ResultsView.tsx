"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import type { ResultSentence } from "@/lib/jobs/result";
import { findMatches } from "@/lib/admin/normalize";
import { apiFetch } from "../api";
import { formatNumber, pluralize } from "../format";
import { EXPORT_FORMATS, exportHref } from "../job/JobExports";
import { hasResult } from "../job/JobLive";
import { useJobView } from "../job/useJobActions";
import { JobLoadError, JobNotFound } from "../job/JobLoadStates";
import { LoadErrorAlert } from "../LoadErrorAlert";
import { Alert } from "../ui/Alert";
import { Button, ButtonLink, buttonClasses } from "../ui/Button";
import { Card } from "../ui/Card";
import { TextInput } from "../ui/Field";
import { ProgressBar } from "../ui/ProgressBar";
import { Skeleton } from "../ui/Skeleton";
import { StatusBadge } from "../ui/StatusBadge";
import { cn } from "../ui/cn";

export type SentencesPage = {
  status: string;
  partial: boolean;
  total: number;
  matched: number;
  offset: number;
  limit: number;
  sentences: ResultSentence[];
};

export const PAGE_SIZE = 100;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** The sentences of one job: searchable, paginated (100 a page, so 20,000 stay smooth), exportable. */
export function ResultsView({ jobId }: { jobId: string }) {
  const view = useJobView(jobId);
  const { job, chunks, notFound, loadError, refetch } = view;
  const [input, setInput] = useState("");
  const q = useDebounced(input.trim(), 300);
  const [page, setPage] = useState(1);
  const [prevQ, setPrevQ] = useState(q);
  if (prevQ !== q) {
    setPrevQ(q);
    setPage(1);
  }
  const ready = job ? hasResult(job) : false;
  const offset = (page - 1) * PAGE_SIZE;

  const sentences = useQuery({
    queryKey: ["job", jobId, "sentences", q, offset],
    queryFn: () =>
      apiFetch<SentencesPage>(
        `/api/jobs/${encodeURIComponent(jobId)}/sentences?${new URLSearchParams({ q, offset: String(offset), limit: String(PAGE_SIZE) })}`,
      ),
    enabled: ready,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });

  const listTop = useRef<HTMLHeadingElement>(null);
  function goTo(p: number) {
    setPage(p);
    listTop.current?.focus();
  }

  if (notFound) return <JobNotFound />;
  if (loadError) return <JobLoadError heading="Results" error={loadError} onRetry={refetch} />;
  if (!job) return <ResultsSkeleton />;

  const data = sentences.data;
  const matched = data?.matched ?? 0;
  const pages = Math.max(1, Math.ceil(matched / PAGE_SIZE));
  const failed = (chunks ?? []).filter((c) => c.status === "FAILED");

  return (
    <div className="space-y-6">
      <header className="space-y-2">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
          <h1 className="min-w-0 max-w-full font-serif text-2xl font-semibold tracking-tight [overflow-wrap:anywhere] text-zinc-900 sm:text-3xl dark:text-white">
            {job.fileName}
          </h1>
          <StatusBadge status={job.status} />
        </div>
        <p className="text-sm text-zinc-700 tabular-nums dark:text-zinc-300">
          {formatNumber(job.pageCount)} pages · {pluralize(job.sentenceCount, "sentence")}
        </p>
      </header>

      {!ready ? (
        <NotReady jobId={job.id} terminal={job.terminal} percent={job.progressPercent} />
      ) : (
        <>
          {job.status === "PARTIAL_SUCCESS" ? (
            <Alert variant="warning" title="Partial results" role="status">
              {failed.length > 0 ? (
                <>
                  {pluralize(failed.length, "chunk")} failed, so these pages are missing:{" "}
                  {failed.map((c) => (c.startPage === c.endPage ? `${c.startPage}` : `${c.startPage}–${c.endPage}`)).join(", ")}.{" "}
                </>
              ) : (
                <>Some chunks failed, so some pages are missing. </>
              )}
              <Link href={`/jobs/${job.id}`} className="font-medium underline underline-offset-2">
                Retry them from the job page
              </Link>
              .
            </Alert>
          ) : null}

          {job.ocrPages || job.pagesWithoutText ? (
            <Alert variant="info" title={job.ocrPages ? "Scanned pages" : "Pages without text"} role="status">
              {job.ocrPages ? (
                <>
                  {pagesText(job.ocrPages)} had no text layer (a scan) and {plural(job.ocrPages) ? "were" : "was"} read by text recognition (OCR), which can
                  misread a letter: check names and numbers there.{" "}
                </>
              ) : null}
              {job.pagesWithoutText ? <>{pagesText(job.pagesWithoutText)} had no text at all and {plural(job.pagesWithoutText) ? "were" : "was"} not charged.</> : null}
            </Alert>
          ) : null}

          <Card className="p-4 sm:p-5">
            <div className="flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
              <SearchBox value={input} onChange={setInput} />
              <div role="group" aria-label="Export" className="flex flex-wrap items-center gap-2">
                <span className="text-sm text-zinc-700 dark:text-zinc-300">Export</span>
                {EXPORT_FORMATS.map((f) => (
                  <a key={f.format} href={exportHref(job.id, f.format)} download className={buttonClasses("secondary", "sm")} aria-label={`Download ${f.label}`}>
                    {f.label}
                  </a>
                ))}
              </div>
            </div>
          </Card>

          <section aria-labelledby="sentences-heading" aria-busy={sentences.isFetching || undefined}>
            <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
              <h2 id="sentences-heading" ref={listTop} tabIndex={-1} className="text-lg font-semibold text-zinc-900 focus:outline-none dark:text-white">
                Sentences
              </h2>
              <p className="min-h-5 text-sm text-zinc-700 tabular-nums dark:text-zinc-300" role="status">
                {data
                  ? q
                    ? `${pluralize(matched, "match", "matches")} for “${q}” in ${formatNumber(data.total)} sentences`
                    : matched > 0
                      ? `Showing ${formatNumber(offset + 1)}–${formatNumber(Math.min(offset + PAGE_SIZE, matched))} of ${formatNumber(matched)}`
                      : ""
                  : ""}
              </p>
            </div>
            {sentences.isError && !data ? (
              <LoadErrorAlert title="Could not load the sentences" error={sentences.error} onRetry={() => void sentences.refetch()} />
            ) : !data ? (
              <ListSkeleton />
            ) : data.sentences.length === 0 ? (
              <Card className="px-6 py-12 text-center">
                <p className="font-medium text-zinc-900 dark:text-white">{q ? "No sentence matches this search." : "This job produced no sentences."}</p>
                {q ? (
                  <Button variant="secondary" className="mt-4" onClick={() => setInput("")}>
                    Clear the search
                  </Button>
                ) : null}
              </Card>
            ) : (
              <Card className={cn("overflow-hidden transition-opacity", sentences.isPlaceholderData && "opacity-60")}>
                <SentenceList sentences={data.sentences} query={q} />
              </Card>
            )}
            {data && matched > PAGE_SIZE ? <Pager page={page} pages={pages} onPage={goTo} /> : null}
          </section>
        </>
      )}
    </div>
  );
}

function SearchBox({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const id = useId();
  return (
    <div className="w-full sm:max-w-sm">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
        Search the sentences
      </label>
      <div className="relative mt-1.5">
        <svg className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-500" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
          <path d="m21 21-4.3-4.3M19 11a8 8 0 1 1-16 0 8 8 0 0 1 16 0Z" />
        </svg>
        <TextInput
          id={id}
          type="search"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          placeholder="A word or a phrase"
          className="pl-9"
          aria-describedby={`${id}-hint`}
          maxLength={200}
        />
      </div>
      <p id={`${id}-hint`} className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
        Ignores case and accents.
      </p>
    </div>
  );
}

function Highlighted({ text, query }: { text: string; query: string }) {
  const ranges = query ? findMatches(text, query) : [];
  if (!ranges.length) return <>{text}</>;
  const parts: React.ReactNode[] = [];
  let at = 0;
  ranges.forEach(([s, e], i) => {
    if (s > at) parts.push(text.slice(at, s));
    parts.push(
      <mark key={i} className="rounded-sm bg-amber-200 px-0.5 text-zinc-900 dark:bg-amber-400/80 dark:text-zinc-950">
        {text.slice(s, e)}
      </mark>,
    );
    at = e;
  });
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts}</>;
}

function SentenceList({ sentences, query }: { sentences: ResultSentence[]; query: string }) {
  return (
    <ol className="divide-y divide-zinc-200 dark:divide-zinc-800">
      {sentences.map((s) => (
        <li key={s.index} value={s.index + 1} className="grid grid-cols-[3rem_minmax(0,1fr)] items-baseline gap-x-3 px-3 py-2.5 sm:grid-cols-[3.5rem_minmax(0,1fr)_auto] sm:px-4">
          <span className="text-right font-mono text-xs text-zinc-600 tabular-nums dark:text-zinc-400">
            <span className="sr-only">Sentence </span>
            {formatNumber(s.index + 1)}
          </span>
          <p
            className={
              s.kind === "note"
                ? "font-serif text-sm leading-6 text-zinc-700 [overflow-wrap:anywhere] dark:text-zinc-300"
                : "font-serif text-[0.95rem] leading-6 text-zinc-900 [overflow-wrap:anywhere] dark:text-zinc-100"
            }
          >
            {s.kind === "note" ? (
              <span
                className="mr-2 inline-flex items-center rounded-full border border-amber-300 bg-amber-50 px-1.5 align-[0.1em] font-sans text-[0.7rem] leading-4 font-medium text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
                title="A footnote of the book, kept apart from the body text"
              >
                note<span className="sr-only">: a footnote</span>
              </span>
            ) : null}
            <Highlighted text={s.text} query={query} />
            {s.fromSplit ? (
              <span
                className="ml-2 inline-flex items-center gap-0.5 rounded-full border border-violet-300 bg-violet-50 px-1.5 align-[0.1em] font-sans text-[0.7rem] leading-4 font-medium text-violet-800 dark:border-violet-700 dark:bg-violet-950 dark:text-violet-200"
                title="Part of a longer sentence that was split to respect the word limit"
              >
                <svg viewBox="0 0 24 24" className="size-3" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" aria-hidden="true">
                  <circle cx="6" cy="6" r="3" />
                  <circle cx="6" cy="18" r="3" />
                  <path d="M20 4 8.1 15.9M14.5 14.5 20 20M8.1 8.1 12 12" />
                </svg>
                split<span className="sr-only"> from a longer sentence</span>
              </span>
            ) : null}
          </p>
          <span className="col-start-2 text-xs text-zinc-600 tabular-nums sm:col-start-auto sm:text-right dark:text-zinc-400">
            <span aria-hidden="true">p.</span>
            <span className="sr-only">page</span> {s.page}
          </span>
        </li>
      ))}
    </ol>
  );
}

function Pager({ page, pages, onPage }: { page: number; pages: number; onPage: (p: number) => void }) {
  const id = useId();
  const [draft, setDraft] = useState(String(page));
  const [shown, setShown] = useState(page);
  if (shown !== page) {
    setShown(page);
    setDraft(String(page));
  }
  return (
    <nav aria-label="Sentence pages" className="mt-4 flex flex-wrap items-center justify-between gap-3">
      <div className="flex gap-2">
        <Button variant="secondary" size="sm" disabled={page <= 1} onClick={() => onPage(1)}>
          First
        </Button>
        <Button variant="secondary" size="sm" disabled={page <= 1} onClick={() => onPage(page - 1)}>
          Previous
        </Button>
      </div>
      <form
        className="order-last flex w-full items-center justify-center gap-2 text-sm text-zinc-700 sm:order-none sm:w-auto dark:text-zinc-300"
        onSubmit={(e) => {
          e.preventDefault();
          const n = Number.parseInt(draft, 10);
          if (Number.isFinite(n)) onPage(Math.min(pages, Math.max(1, n)));
        }}
      >
        <label htmlFor={id}>Page</label>
        <div className="w-20">
          <TextInput id={id} type="number" inputMode="numeric" min={1} max={pages} value={draft} onChange={(e) => setDraft(e.target.value)} />
        </div>
        <span className="whitespace-nowrap tabular-nums">of {formatNumber(pages)}</span>
        <Button type="submit" variant="ghost" size="sm">
          Go
        </Button>
      </form>
      <div className="flex gap-2">
        <Button variant="secondary" size="sm" disabled={page >= pages} onClick={() => onPage(page + 1)}>
          Next
        </Button>
        <Button variant="secondary" size="sm" disabled={page >= pages} onClick={() => onPage(pages)}>
          Last
        </Button>
      </div>
    </nav>
  );
}

function NotReady({ jobId, terminal, percent }: { jobId: string; terminal: boolean; percent: number }) {
  return (
    <Card className="px-6 py-10 text-center">
      <p className="font-medium text-zinc-900 dark:text-white">{terminal ? "This job has no results." : "The sentences are not ready yet."}</p>
      {!terminal ? (
        <>
          <ProgressBar className="mx-auto mt-4 max-w-sm" value={percent} label="Job progress" valueText={`${percent}%`} />
          <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300" role="status">
            {percent}% done. This page updates by itself.
          </p>
        </>
      ) : null}
      <ButtonLink href={`/jobs/${jobId}`} variant="secondary" className="mt-6">
        Go to the job
      </ButtonLink>
    </Card>
  );
}

function ListSkeleton() {
  return (
    <Card className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-busy="true">
      <p className="sr-only" role="status">
        Loading the sentences…
      </p>
      {Array.from({ length: 8 }, (_, i) => (
        <div key={i} className="flex gap-3 px-4 py-3">
          <Skeleton className="h-4 w-10" />
          <Skeleton className="h-4 flex-1" />
        </div>
      ))}
    </Card>
  );
}

function ResultsSkeleton() {
  return (
    <div className="space-y-6" aria-busy="true">
      <h1 className="sr-only">Results</h1>
      <p className="sr-only" role="status">
        Loading the results…
      </p>
      <Skeleton className="h-8 w-2/3 max-w-md" />
      <Skeleton className="h-24 w-full rounded-2xl" />
      <ListSkeleton />
    </div>
  );
}

/** "Page 4" or "Pages 1–34, 40" for a stored page list ("1-34,40"). */
function pagesText(ranges: string): string {
  return `${plural(ranges) ? "Pages" : "Page"} ${ranges.replace(/-/g, "–").replace(/,/g, ", ")}`;
}

function plural(ranges: string): boolean {
  return /[-,]/.test(ranges);
}
