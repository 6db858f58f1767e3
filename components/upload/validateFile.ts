import { formatBytes } from "../format";

/** Mirrors the server's first checks: a PDF, not empty, not over the size limit. */
export function validatePdfFile(file: File, maxBytes: number): string | null {
  const looksLikePdf = file.type === "application/pdf" || file.name.toLowerCase().endsWith(".pdf");
  if (!looksLikePdf) return `“${file.name}” is not a PDF. Choose a file ending in .pdf.`;
  if (file.size === 0) return `“${file.name}” is empty.`;
  if (file.size > maxBytes) return `“${file.name}” is ${formatBytes(file.size)}; the limit is ${formatBytes(maxBytes)}.`;
  return null;
}

/** "" is allowed (no limit); otherwise an integer 1-200. */
export function validateWordLimit(raw: string): string | null {
  const v = raw.trim();
  if (!v) return null;
  if (!/^\d+$/.test(v)) return "Enter a whole number, or leave it empty for no limit.";
  const n = Number(v);
  return n >= 1 && n <= 200 ? null : "Enter a number from 1 to 200, or leave it empty.";
}

/** "" is allowed (server default); otherwise an integer 0-10. */
export function validatePriority(raw: string): string | null {
  const v = raw.trim();
  if (!v) return null;
  if (!/^\d+$/.test(v)) return "Enter a whole number from 0 to 10.";
  return Number(v) <= 10 ? null : "Enter a whole number from 0 to 10.";
}
