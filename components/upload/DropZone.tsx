"use client";

import { useId, useState, type DragEvent, type ReactNode } from "react";
import { formatBytes } from "../format";
import { Button } from "../ui/Button";
import { cn } from "../ui/cn";

export type DropZoneProps = {
  file: File | null;
  onFile: (file: File | null) => void;
  /** Validation message for the chosen file. */
  error: string | null;
  maxBytes: number;
  disabled?: boolean;
  /** Extra facts about the chosen file (page count...), shown under its size. */
  details?: ReactNode;
};

/** A real, labelled file input that also accepts drag and drop. */
export function DropZone({ file, onFile, error, maxBytes, disabled = false, details }: DropZoneProps) {
  const inputId = useId();
  const hintId = `${inputId}-hint`;
  const errorId = `${inputId}-error`;
  const [dragging, setDragging] = useState(false);

  function onDragOver(e: DragEvent<HTMLLabelElement>) {
    e.preventDefault();
    if (disabled) {
      e.dataTransfer.dropEffect = "none";
      return;
    }
    e.dataTransfer.dropEffect = "copy";
    setDragging(true);
  }

  function onDragLeave(e: DragEvent<HTMLLabelElement>) {
    if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
  }

  function onDrop(e: DragEvent<HTMLLabelElement>) {
    e.preventDefault();
    setDragging(false);
    if (disabled) return;
    const dropped = e.dataTransfer.files[0];
    if (dropped) onFile(dropped);
  }

  return (
    <div>
      <label
        htmlFor={inputId}
        onDragOver={onDragOver}
        onDragLeave={onDragLeave}
        onDrop={onDrop}
        className={cn(
          "flex min-h-44 cursor-pointer flex-col items-center justify-center gap-2 rounded-2xl border-2 border-dashed px-6 py-8 text-center transition-colors",
          "has-[input:focus-visible]:outline-2 has-[input:focus-visible]:outline-offset-2 has-[input:focus-visible]:outline-indigo-600 dark:has-[input:focus-visible]:outline-indigo-400",
          dragging
            ? "border-indigo-500 bg-indigo-50 dark:border-indigo-400 dark:bg-indigo-950/50"
            : error
              ? "border-red-400 bg-red-50/50 dark:border-red-700 dark:bg-red-950/30"
              : "border-zinc-300 bg-zinc-50 hover:border-indigo-400 hover:bg-indigo-50/40 dark:border-zinc-700 dark:bg-zinc-900/50 dark:hover:border-indigo-500 dark:hover:bg-indigo-950/30",
          disabled && "pointer-events-none opacity-60",
        )}
      >
        <input
          id={inputId}
          type="file"
          accept="application/pdf,.pdf"
          className="sr-only"
          disabled={disabled}
          aria-describedby={error ? `${errorId} ${hintId}` : hintId}
          aria-invalid={error ? true : undefined}
          onChange={(e) => {
            const chosen = e.target.files?.[0] ?? null;
            if (chosen) onFile(chosen);
            e.target.value = "";
          }}
        />
        <svg viewBox="0 0 24 24" className="size-10 text-indigo-600 dark:text-indigo-400" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
          <path d="M12 16V4m0 0-4 4m4-4 4 4" />
          <path d="M4 16v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2" />
        </svg>
        <span className="text-base font-medium text-zinc-900 dark:text-zinc-100">
          {dragging ? "Drop the PDF to choose it" : (
            <>
              Drag a PDF here or <span className="text-indigo-700 underline underline-offset-2 dark:text-indigo-400">browse your files</span>
            </>
          )}
        </span>
        <span id={hintId} className="text-sm text-zinc-600 dark:text-zinc-400">
          One PDF, up to {formatBytes(maxBytes)}
        </span>
      </label>

      {error ? (
        <p id={errorId} className="mt-2 text-sm font-medium text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}

      {file ? (
        <div className="mt-3 flex items-center gap-3 rounded-xl border border-zinc-200 bg-white px-4 py-3 dark:border-zinc-800 dark:bg-zinc-900">
          <span className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-red-50 text-xs font-bold text-red-700 dark:bg-red-950 dark:text-red-300" aria-hidden="true">
            PDF
          </span>
          <div className="min-w-0 flex-1">
            <p className="truncate text-sm font-medium text-zinc-900 dark:text-zinc-100" title={file.name}>
              {file.name}
            </p>
            <p className="text-xs text-zinc-600 dark:text-zinc-400">
              {formatBytes(file.size)}
              {details ? <> · {details}</> : null}
            </p>
          </div>
          <Button variant="ghost" size="sm" onClick={() => onFile(null)} disabled={disabled} aria-label={`Remove ${file.name}`}>
            Remove
          </Button>
        </div>
      ) : null}
    </div>
  );
}
