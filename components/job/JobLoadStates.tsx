import { ButtonLink } from "../ui/Button";
import { Card } from "../ui/Card";
import { LoadErrorAlert } from "../LoadErrorAlert";

/** The job does not exist or is not the caller's (the API answered 404). */
export function JobNotFound() {
  return (
    <Card className="mx-auto flex max-w-lg flex-col items-center px-6 py-14 text-center">
      <h1 className="font-serif text-2xl font-semibold text-zinc-900 dark:text-white">Job not found</h1>
      <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">This job does not exist, or it belongs to another account.</p>
      <ButtonLink href="/jobs" className="mt-6" variant="secondary">
        Back to your jobs
      </ButtonLink>
    </Card>
  );
}

/** The job could not be loaded (network or server error), with a Retry button. */
export function JobLoadError({ heading, error, onRetry }: { heading: string; error: unknown; onRetry: () => void }) {
  return (
    <>
      <h1 className="font-serif text-3xl font-semibold tracking-tight">{heading}</h1>
      <LoadErrorAlert title="Could not load this job" className="mt-6" error={error} onRetry={onRetry} />
    </>
  );
}
