import type { Metadata } from "next";
import { PageHeader } from "@/components/PageHeader";
import { JobsTable } from "@/components/JobsTable";
import { ButtonLink } from "@/components/ui/Button";

export const metadata: Metadata = { title: "Jobs" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function JobsPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = (await searchParams).page;
  const parsed = Number.parseInt(Array.isArray(raw) ? (raw[0] ?? "") : (raw ?? ""), 10);
  const page = Number.isFinite(parsed) && parsed > 0 ? parsed : 1;
  return (
    <>
      <PageHeader
        title="Jobs"
        description="Every book you have uploaded, newest first."
        actions={<ButtonLink href="/upload">Upload a PDF</ButtonLink>}
      />
      <JobsTable page={page} />
    </>
  );
}
