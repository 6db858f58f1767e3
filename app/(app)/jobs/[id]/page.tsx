import type { Metadata } from "next";
import Link from "next/link";
import { JobStatusView } from "@/components/JobStatusView";

export const metadata: Metadata = { title: "Job" };

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-4 text-sm">
        <Link href="/jobs" className="inline-flex items-center gap-1 rounded text-zinc-700 hover:text-zinc-900 dark:text-zinc-300 dark:hover:text-white">
          <span aria-hidden="true">←</span> All jobs
        </Link>
      </nav>
      <JobStatusView jobId={id} />
    </>
  );
}
