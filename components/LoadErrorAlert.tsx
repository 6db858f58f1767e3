import { errorMessage } from "./api";
import { Alert } from "./ui/Alert";
import { Button } from "./ui/Button";

export type LoadErrorAlertProps = {
  /** "Could not load …" */
  title: string;
  error: unknown;
  onRetry: () => void;
  /** Shows the Retry button busy while a retry is in flight. */
  retrying?: boolean;
  className?: string;
};

/** A read that failed (network or server): what went wrong, and a Retry button. */
export function LoadErrorAlert({ title, error, onRetry, retrying, className }: LoadErrorAlertProps) {
  return (
    <Alert
      variant="error"
      title={title}
      className={className}
      action={
        <Button variant="secondary" size="sm" loading={retrying} onClick={onRetry}>
          Retry
        </Button>
      }
    >
      {errorMessage(error)}
    </Alert>
  );
}
