import type { Metadata } from "next";
import { getServerSession } from "next-auth";
import { getAuthOptions } from "@/lib/auth/options";
import { PageHeader } from "@/components/PageHeader";
import { UploadForm } from "@/components/UploadForm";

export const metadata: Metadata = { title: "Upload" };

export default async function UploadPage() {
  const session = await getServerSession(getAuthOptions());
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader
        title="Upload a book"
        description="Choose a PDF. Folio splits it into chunks, extracts every sentence in reading order, and keeps you posted while it works."
      />
      <UploadForm isAdmin={session?.user.role === "ADMIN"} />
    </div>
  );
}
