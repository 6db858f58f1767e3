import type { Metadata } from "next";
import { AdminChunksDashboard } from "@/components/admin/AdminChunksDashboard";
import { PageHeader } from "@/components/PageHeader";

export const metadata: Metadata = { title: "Chunks · Admin" };

export default function AdminChunksPage() {
  return (
    <>
      <PageHeader
        title="Chunk dashboard"
        description="Every chunk of every job: where they stand, what fails and why, and what is stuck. Retry failures in bulk and grant credits."
      />
      <AdminChunksDashboard />
    </>
  );
}
