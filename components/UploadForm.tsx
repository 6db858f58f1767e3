"use client";

import { useQueryClient } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { ApiRequestError, errorMessage } from "./api";
import { formatBytes, formatNumber, pluralize } from "./format";
import { JobProgressDialog } from "./JobProgressDialog";
import { meQueryKey, useMe, useUploadConfig } from "./queries";
import { Alert } from "./ui/Alert";
import { Button } from "./ui/Button";
import { Card } from "./ui/Card";
import { Field, Select, TextInput } from "./ui/Field";
import { ProgressBar } from "./ui/ProgressBar";
import { DropZone } from "./upload/DropZone";
import { readPageCount } from "./upload/readPageCount";
import { validatePdfFile, validatePriority, validateWordLimit } from "./upload/validateFile";
import { UploadAbortedError, newIdempotencyKey, uploadJob } from "./upload/xhrUpload";

export type UploadFormProps = {
  /** Admins may set a queue priority (0-10). */
  isAdmin: boolean;
};

type Phase =
  | { kind: "idle" }
  | { kind: "uploading"; loaded: number; total: number }
  | { kind: "checking" };

const ANNOUNCEMENTS: Record<Phase["kind"], string> = {
  idle: "",
  uploading: "Uploading the PDF.",
  checking: "Uploaded. Checking the PDF.",
};

type ServerError = { message: string; signIn?: boolean };

/** The page count read in the browser for the chosen file. */
type PageCount = { file: File; state: "reading" } | { file: File; state: "ok"; pages: number } | { file: File; state: "unreadable" };

/** Reads the chosen file's page count (pdf-lib, loaded on demand); forgets answers for files no longer chosen. */
function usePageCount(file: File | null, enabled: boolean): PageCount | null {
  const [result, setResult] = useState<PageCount | null>(null);
  useEffect(() => {
    if (!file || !enabled) return;
    let live = true;
    // Reading starts now; the "reading" state is derived below until an answer arrives.
    readPageCount(file).then(
      (pages) => live && setResult({ file, state: "ok", pages }),
      () => live && setResult({ file, state: "unreadable" }),
    );
    return () => {
      live = false;
    };
  }, [file, enabled]);
  if (!file || !enabled) return null;
  return result && result.file === file ? result : { file, state: "reading" };
}

export function UploadForm({ isAdmin }: UploadFormProps) {
  const queryClient = useQueryClient();
  const { maxUploadBytes, languages, processors } = useUploadConfig();
  const me = useMe();
  const llmAvailable = processors.includes("llm");

  const [file, setFile] = useState<File | null>(null);
  const [wordLimit, setWordLimit] = useState("");
  const [language, setLanguage] = useState("fr");
  const [processor, setProcessor] = useState("local");
  const [priority, setPriority] = useState("");
  const [showErrors, setShowErrors] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [serverError, setServerError] = useState<ServerError | null>(null);
  const [openJobId, setOpenJobId] = useState<string | null>(null);
  const abortRef = useRef<(() => void) | null>(null);
  const submitRef = useRef<HTMLButtonElement | null>(null);
  /** Reused only when the same submission is retried after a network failure. */
  const lastAttempt = useRef<{ key: string; signature: string; networkFailed: boolean } | null>(null);

  const fileError = file ? validatePdfFile(file, maxUploadBytes) : showErrors ? "Choose a PDF to upload." : null;
  const wordLimitError = validateWordLimit(wordLimit);
  const priorityError = isAdmin ? validatePriority(priority) : null;
  const busy = phase.kind !== "idle";
  const pageCount = usePageCount(file, Boolean(file) && !fileError);
  const balance = me.data?.credits.balance;
  const short = pageCount?.state === "ok" && balance !== undefined && pageCount.pages > balance;
  const chosenProcessor = llmAvailable ? processor : "local";

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
    body.append("processor", chosenProcessor);
    if (isAdmin && priority.trim()) body.append("priority", priority.trim());

    const signature = JSON.stringify([file.name, file.size, file.lastModified, wordLimit, language, chosenProcessor, priority]);
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
      setPhase({ kind: "idle" });
      queryClient.setQueryData(["job", job.id], { job });
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
      void queryClient.invalidateQueries({ queryKey: meQueryKey });
      // The form is ready for the next book; the dialog follows this one.
      setFile(null);
      setShowErrors(false);
      lastAttempt.current = null;
      setOpenJobId(job.id);
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
        <div>
          <DropZone
            file={file}
            onFile={chooseFile}
            error={fileError}
            maxBytes={maxUploadBytes}
            disabled={busy}
            details={
              pageCount ? (
                <span data-testid="page-count">
                  {pageCount.state === "reading" ? "counting pages…" : pageCount.state === "ok" ? pluralize(pageCount.pages, "page") : "page count unknown"}
                </span>
              ) : null
            }
          />
          <p className={file ? "mt-2 min-h-5 text-xs" : "sr-only"} aria-live="polite">
            {pageCount?.state === "unreadable" ? (
              <span className="font-medium text-amber-800 dark:text-amber-300">
                This browser could not read the page count. The file may be damaged; the server will check it when you upload.
              </span>
            ) : pageCount?.state === "ok" ? (
              <span className={short ? "font-medium text-red-700 dark:text-red-400" : "text-zinc-600 dark:text-zinc-400"}>
                {pluralize(pageCount.pages, "page")}: uses {pluralize(pageCount.pages, "credit")}
                {balance !== undefined ? ` of your ${formatNumber(balance)}` : ""}
                {short ? ". Not enough credits for this book." : "."}
              </span>
            ) : null}
          </p>
        </div>

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
          <Field
            id="upload-processor"
            label="Processor"
            hint={
              chosenProcessor === "llm"
                ? "Sentences over the word limit are split by the configured language model; set a word limit."
                : "Runs on this server; your book never leaves it."
            }
          >
            {(aria) => (
              <Select {...aria} name="processor" value={chosenProcessor} onChange={(e) => setProcessor(e.target.value)}>
                <option value="local">Local (no network)</option>
                {llmAvailable ? <option value="llm">LLM (splits long sentences)</option> : null}
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
          <Button ref={submitRef} type="submit" size="lg" loading={busy} className="w-full sm:w-auto">
            {phase.kind === "idle" ? "Upload and start" : "Uploading…"}
          </Button>
        </div>
      </form>
      <JobProgressDialog jobId={openJobId} onClose={() => setOpenJobId(null)} fallbackFocus={submitRef} />
    </Card>
  );
}

function UploadProgress({ phase, onCancel }: { phase: Phase; onCancel: () => void }) {
  if (phase.kind === "idle") return null;
  const percent =
    phase.kind === "uploading" ? (phase.total > 0 ? Math.round((phase.loaded / phase.total) * 100) : 0) : 100;
  const text =
    phase.kind === "uploading" ? `${formatBytes(phase.loaded)} of ${formatBytes(phase.total)} sent · ${percent}%` : "Uploaded. Checking the PDF…";
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
