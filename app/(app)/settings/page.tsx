import type { Metadata } from "next";
import { AccountSummary } from "@/components/AccountSummary";
import { ApiTokens } from "@/components/ApiTokens";
import { PageHeader } from "@/components/PageHeader";

export const metadata: Metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <div className="mx-auto max-w-3xl space-y-8">
      <PageHeader title="Settings" description="Your account, credits and API tokens." />
      <AccountSummary />
      <ApiTokens />
    </div>
  );
}
