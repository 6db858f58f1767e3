import type { Metadata } from "next";
import Link from "next/link";
import { ResultsView } from "@/components/results/ResultsView";

export const metadata: Metadata = { title: "Results" };

export default async function ResultsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-4 text-sm">
        <ol className="flex flex-wrap items-center gap-1 text-zinc-700 dark:text-zinc-300">
          <li>
            <Link href="/jobs" className="rounded hover:text-zinc-900 dark:hover:text-white">
              All jobs
            </Link>
          </li>
          <li aria-hidden="true">/</li>
          <li>
            <Link href={`/jobs/${id}`} className="rounded hover:text-zinc-900 dark:hover:text-white">
              Job
            </Link>
          </li>
          <li aria-hidden="true">/</li>
          <li aria-current="page" className="font-medium text-zinc-900 dark:text-white">
            Results
          </li>
        </ol>
      </nav>
      <ResultsView jobId={id} />
    </>
  );
}
