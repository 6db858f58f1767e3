"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { signOut } from "next-auth/react";
import { useRef, useState, type FormEvent } from "react";
import { ApiRequestError, errorMessage } from "./api";
import { formatBytes } from "./format";
import { meQueryKey, useUploadConfig } from "./queries";
import { Alert } from "./ui/Alert";
import { Button } from "./ui/Button";
import { Card } from "./ui/Card";
import { Field, Select, TextInput } from "./ui/Field";
import { ProgressBar } from "./ui/ProgressBar";
import { DropZone } from "./upload/DropZone";
import { validatePdfFile, validatePriority, validateWordLimit } from "./upload/validateFile";
import { UploadAbortedError, newIdempotencyKey, uploadJob } from "./upload/xhrUpload";

export type UploadFormProps = {
  /** Admins may set a queue priority (0-10). */
  isAdmin: boolean;
};

type Phase =
  | { kind: "idle" }
  | { kind: "uploading"; loaded: number; total: number }
  | { kind: "checking" }
  | { kind: "done" };

const ANNOUNCEMENTS: Record<Phase["kind"], string> = {
  idle: "",
  uploading: "Uploading the PDF.",
  checking: "Uploaded. Checking the PDF.",
  done: "Job created. Opening it.",
};

type ServerError = { message: string; signIn?: boolean };

export function UploadForm({ isAdmin }: UploadFormProps) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const { maxUploadBytes, languages } = useUploadConfig();

  const [file, setFile] = useState<File | null>(null);
  const [wordLimit, setWordLimit] = useState("");
  const [language, setLanguage] = useState("fr");
  const [processor, setProcessor] = useState("local");
  const [priority, setPriority] = useState("");
  const [showErrors, setShowErrors] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [serverError, setServerError] = useState<ServerError | null>(null);
  const abortRef = useRef<(() => void) | null>(null);
  /** Reused only when the same submission is retried after a network failure. */
  const lastAttempt = useRef<{ key: string; signature: string; networkFailed: boolean } | null>(null);

  const fileError = file ? validatePdfFile(file, maxUploadBytes) : showErrors ? "Choose a PDF to upload." : null;
  const wordLimitError = validateWordLimit(wordLimit);
  const priorityError = isAdmin ? validatePriority(priority) : null;
  const busy = phase.kind !== "idle";

  function chooseFile(next: File | null) {
    setFile(next);
    setServerError(null);
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setShowErrors(true);
    setServerError(null);
    if (!file || fileError || wordLimitError || priorityError) {
      const selector = !file || fileError ? "input[type=file]" : wordLimitError ? "#upload-word-limit" : "#upload-priority";
      e.currentTarget.querySelector<HTMLElement>(selector)?.focus();
      return;
    }

    const body = new FormData();
    body.append("file", file, file.name);
    if (wordLimit.trim()) body.append("sentenceWordLimit", wordLimit.trim());
    body.append("language", language);
    body.append("processor", processor);
    if (isAdmin && priority.trim()) body.append("priority", priority.trim());

    const signature = JSON.stringify([file.name, file.size, file.lastModified, wordLimit, language, processor, priority]);
    const previous = lastAttempt.current;
    const key = previous && previous.networkFailed && previous.signature === signature ? previous.key : newIdempotencyKey();
    lastAttempt.current = { key, signature, networkFailed: false };

    setPhase({ kind: "uploading", loaded: 0, total: file.size });
    const handle = uploadJob(
      body,
      {
        onProgress: (loaded, total) => setPhase({ kind: "uploading", loaded, total }),
        onUploaded: () => setPhase({ kind: "checking" }),
      },
      key,
    );
    abortRef.current = handle.abort;
    try {
      const { job } = await handle.promise;
      setPhase({ kind: "done" });
      queryClient.setQueryData(["job", job.id], { job });
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
      void queryClient.invalidateQueries({ queryKey: meQueryKey });
      router.push(`/jobs/${job.id}`);
    } catch (err) {
      setPhase({ kind: "idle" });
      if (err instanceof UploadAbortedError) {
        setServerError({ message: "Upload cancelled. Nothing was charged." });
        return;
      }
      if (err instanceof ApiRequestError && err.status === 0) lastAttempt.current = { key, signature, networkFailed: true };
      setServerError({
        message: errorMessage(err),
        signIn: err instanceof ApiRequestError && err.status === 401,
      });
    } finally {
      abortRef.current = null;
    }
  }

  return (
    <Card className="p-5 sm:p-8">
      <form noValidate onSubmit={onSubmit} aria-label="Upload a PDF" className="space-y-6">
        <DropZone file={file} onFile={chooseFile} error={fileError} maxBytes={maxUploadBytes} disabled={busy} />

        <fieldset className="grid gap-5 sm:grid-cols-2" disabled={busy}>
          <legend className="mb-3 text-sm font-semibold text-zinc-900 dark:text-zinc-100">Options</legend>
          <Field id="upload-language" label="Language of the book">
            {(aria) => (
              <Select {...aria} name="language" value={language} onChange={(e) => setLanguage(e.target.value)}>
                {languages.map((l) => (
                  <option key={l.code} value={l.code}>
                    {l.label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field
            id="upload-word-limit"
            label="Sentence word limit"
            optional
            hint="Longest sentence to keep, in words (1–200). Empty means no limit."
            error={wordLimitError}
          >
            {(aria) => (
              <TextInput
                {...aria}
                name="sentenceWordLimit"
                type="number"
                inputMode="numeric"
                min={1}
                max={200}
                step={1}
                placeholder="No limit"
                value={wordLimit}
                onChange={(e) => setWordLimit(e.target.value)}
              />
            )}
          </Field>
          <Field id="upload-processor" label="Processor" hint="Runs on this server; your book never leaves it.">
            {(aria) => (
              <Select {...aria} name="processor" value={processor} onChange={(e) => setProcessor(e.target.value)}>
                <option value="local">Local (no network)</option>
              </Select>
            )}
          </Field>
          {isAdmin ? (
            <Field id="upload-priority" label="Priority" optional hint="0 (lowest) to 10 (highest). Admins only." error={priorityError}>
              {(aria) => (
                <TextInput
                  {...aria}
                  name="priority"
                  type="number"
                  inputMode="numeric"
                  min={0}
                  max={10}
                  step={1}
                  placeholder="Default"
                  value={priority}
                  onChange={(e) => setPriority(e.target.value)}
                />
              )}
            </Field>
          ) : null}
        </fieldset>

        {serverError ? (
          <Alert variant="error">
            {serverError.message}
            {serverError.signIn ? (
              <>
                {" "}
                <button
                  type="button"
                  className="font-medium underline underline-offset-2"
                  onClick={() => void signOut({ callbackUrl: "/signin?callbackUrl=%2Fupload" })}
                >
                  Sign in again
                </button>
                .
              </>
            ) : null}
          </Alert>
        ) : null}

        <UploadProgress phase={phase} onCancel={() => abortRef.current?.()} />
        <p className="sr-only" aria-live="polite">
          {ANNOUNCEMENTS[phase.kind]}
        </p>

        <div className="flex flex-wrap items-center justify-end gap-3">
          <Button type="submit" size="lg" loading={busy} className="w-full sm:w-auto">
            {phase.kind === "idle" ? "Upload and start" : phase.kind === "done" ? "Opening job…" : "Uploading…"}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function UploadProgress({ phase, onCancel }: { phase: Phase; onCancel: () => void }) {
  if (phase.kind === "idle") return null;
  const percent =
    phase.kind === "uploading" ? (phase.total > 0 ? Math.round((phase.loaded / phase.total) * 100) : 0) : 100;
  const text =
    phase.kind === "uploading"
      ? `${formatBytes(phase.loaded)} of ${formatBytes(phase.total)} sent · ${percent}%`
      : phase.kind === "checking"
        ? "Uploaded. Checking the PDF…"
        : "Job created. Opening it…";
  return (
    <div className="space-y-2 rounded-xl border border-zinc-200 p-4 dark:border-zinc-800">
      <div className="flex items-center justify-between gap-3 text-sm">
        <p className="tabular-nums text-zinc-800 dark:text-zinc-200">{text}</p>

        {phase.kind === "uploading" ? (
          <Button variant="ghost" size="sm" onClick={onCancel}>
            Cancel upload
          </Button>
        ) : null}
      </div>
      <ProgressBar value={percent} label="Upload progress" valueText={`${percent}%`} tone={phase.kind === "uploading" ? "indigo" : "emerald"} />
    </div>
  );
}
