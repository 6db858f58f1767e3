/**
 * `folio process <file.pdf>`: upload a PDF to a running Folio, follow the job until it
 * settles, then download the sentences.
 */
import { openAsBlob } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { JobDTO } from "../../lib/jobs/serialize";
import { LANGUAGES } from "../../lib/jobs/options";
import { CliError, note, parseCommand, userPath } from "./common";
import { ProgressLine } from "./progress";

export const PROCESS_USAGE = `Usage: folio process <file.pdf> [options]

  Uploads the PDF, follows the job, then writes its sentences.

  --url URL          Folio's address (env FOLIO_URL, default http://localhost:3000)
  --token T          API token (env FOLIO_TOKEN); create one with "folio token create"
  --word-limit N     split sentences longer than N words (1-500)
  --language L       ${LANGUAGES.join(", ")} (server default: fr)
  --priority P       0-10 (raising it needs an admin token)
  --out FILE         write the result there instead of stdout
  --format F         json, csv or txt (default: from --out's extension, else txt)
  --poll-ms MS       how often to ask for progress (default 1000)
  --timeout-s S      stop waiting after S seconds (the job keeps running)

  Progress goes to stderr. Exit code: 0 COMPLETED, 2 PARTIAL_SUCCESS, 1 anything else.
  Ctrl-C stops watching; the job keeps running on the server.`;

const FORMATS = ["json", "csv", "txt"] as const;
const TERMINAL = new Set(["COMPLETED", "PARTIAL_SUCCESS", "FAILED", "CANCELLED"]);

const int = (min: number, max: number) =>
  z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

const schema = z.object({
  _: z.array(z.string()).length(1, "give exactly one PDF file"),
  // Flags win over the environment (FOLIO_URL, FOLIO_TOKEN); both are validated the same way.
  url: z.preprocess(
    (v) => v ?? (process.env.FOLIO_URL || "http://localhost:3000"),
    z.url({ protocol: /^https?$/, message: "must be an http(s) URL like http://localhost:3000" }),
  ),
  token: z.preprocess(
    (v) => v ?? (process.env.FOLIO_TOKEN || undefined),
    z.string({ message: "is required (or set FOLIO_TOKEN)" }).trim().min(1, "is required (or set FOLIO_TOKEN)"),
  ),
  "word-limit": int(1, 500).optional(),
  language: z.enum(LANGUAGES, { message: `must be one of ${LANGUAGES.join(", ")}` }).optional(),
  priority: int(0, 10).optional(),
  out: z.string().min(1).optional(),
  format: z.enum(FORMATS, { message: `must be one of ${FORMATS.join(", ")}` }).optional(),
  "poll-ms": int(100, 60_000).default(1000),
  "timeout-s": int(1, 7 * 86_400).optional(),
});

const OPTIONS = {
  url: { type: "string" },
  token: { type: "string" },
  "word-limit": { type: "string" },
  language: { type: "string" },
  priority: { type: "string" },
  out: { type: "string", short: "o" },
  format: { type: "string" },
  "poll-ms": { type: "string" },
  "timeout-s": { type: "string" },
} as const;

type ApiErrorBody = { error?: { code?: string; message?: string } };

class Interrupted extends Error {}

export async function processCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, OPTIONS, schema, PROCESS_USAGE);
  const base = args.url.replace(/\/+$/, "");
  const file = userPath(args._[0]);
  const outFile = args.out ? userPath(args.out) : undefined;
  const format = args.format ?? formatFromName(outFile) ?? "txt";
  const auth = { Authorization: `Bearer ${args.token}` };

  // Ctrl-C: stop polling (and any request in flight); the job is not cancelled.
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort(new Interrupted());
  };
  process.on("SIGINT", onSigint);
  const progress = new ProgressLine();
  let jobId: string | undefined;

  try {
    const job = await upload(base, file, auth, args, abort.signal);
    jobId = job.id;
    note(`Job ${job.id} created: ${job.fileName}, ${job.pageCount ?? "?"} pages. Following it at ${base}/api/jobs/${job.id}`);

    const final = await follow(base, job, auth, progress, args["poll-ms"], args["timeout-s"], abort.signal);
    progress.end();
    summarize(final);

    if (final.status === "COMPLETED" || final.status === "PARTIAL_SUCCESS") {
      await downloadResult(base, final, auth, format, outFile, abort.signal);
    }
    return final.status === "COMPLETED" ? 0 : final.status === "PARTIAL_SUCCESS" ? 2 : 1;
  } catch (err) {
    progress.end();
    if (abort.signal.aborted) {
      throw new CliError(
        jobId
          ? `Stopped watching job ${jobId}. It keeps running on the server: GET ${base}/api/jobs/${jobId}`
          : "Interrupted before the upload finished: no job was created (or none was confirmed).",
        130,
      );
    }
    throw err;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

function formatFromName(file?: string): (typeof FORMATS)[number] | undefined {
  const ext = file ? path.extname(file).slice(1).toLowerCase() : "";
  return (FORMATS as readonly string[]).includes(ext) ? (ext as (typeof FORMATS)[number]) : undefined;
}

async function upload(base: string, file: string, auth: Record<string, string>, args: z.output<typeof schema>, signal: AbortSignal): Promise<JobDTO> {
  // A file-backed Blob: the PDF is streamed from disk, not read into memory.
  let blob: Blob;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw new CliError(`Not a file: ${file}`);
    blob = (await openAsBlob(file, { type: "application/pdf" })) as Blob;
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(code === "ENOENT" ? `No such file: ${file}` : `Cannot read ${file}: ${(err as Error).message}`);
  }
  const form = new FormData();
  form.append("file", blob, path.basename(file));
  if (args["word-limit"] !== undefined) form.append("sentenceWordLimit", String(args["word-limit"]));
  if (args.language) form.append("language", args.language);
  if (args.priority !== undefined) form.append("priority", String(args.priority));

  note(`Uploading ${path.basename(file)} (${(blob.size / 1024 / 1024).toFixed(1)} MB) to ${base} ...`);
  const res = await request(`${base}/api/jobs`, { method: "POST", body: form, headers: auth, signal }, base);
  if (res.status !== 202 && !res.ok) throw await httpError(res, "upload failed");
  const body = (await res.json()) as { job: JobDTO };
  return body.job;
}

async function follow(
  base: string,
  initial: JobDTO,
  auth: Record<string, string>,
  progress: ProgressLine,
  pollMs: number,
  timeoutS: number | undefined,
  signal: AbortSignal,
): Promise<JobDTO> {
  const deadline = timeoutS ? Date.now() + timeoutS * 1000 : Infinity;
  let job = initial;
  let failures = 0;
  progress.update(job);
  while (!TERMINAL.has(job.status)) {
    if (Date.now() >= deadline) {
      progress.end();
      throw new CliError(`Timed out after ${timeoutS} s; job ${job.id} is ${job.status} (${job.progressPercent}%) and keeps running on the server.`);
    }
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), signal);
    let res: Response;
    try {
      res = await request(`${base}/api/jobs/${job.id}`, { headers: auth, signal, cache: "no-store" }, base);
    } catch (err) {
      if (signal.aborted || ++failures > 10) throw err;
      progress.message(`(${describeNetwork(err)}; retrying)`);
      continue;
    }
    if (res.status >= 500) {
      if (++failures > 10) throw await httpError(res, "polling failed");
      progress.message(`(server answered ${res.status}; retrying)`);
      await res.body?.cancel();
      continue;
    }
    if (!res.ok) throw await httpError(res, "polling failed");
    failures = 0;
    job = ((await res.json()) as { job: JobDTO }).job;
    progress.update(job);
  }
  return job;
}

function summarize(job: JobDTO): void {
  const parts = [`Job ${job.id} ${job.status}`];
  if (job.sentenceCount != null) parts.push(`${job.sentenceCount} sentences`);
  if (job.totalChunks) parts.push(`chunks ${job.succeededChunks}/${job.totalChunks} ok${job.failedChunks ? `, ${job.failedChunks} failed` : ""}`);
  if (job.creditsCharged) parts.push(`${job.creditsCharged} credits charged`);
  note(parts.join(", ") + (job.errorSummary ? `\n  ${job.errorSummary}` : ""));
}

async function downloadResult(
  base: string,
  job: JobDTO,
  auth: Record<string, string>,
  format: string,
  outFile: string | undefined,
  signal: AbortSignal,
): Promise<void> {
  const url = `${base}/api/jobs/${job.id}/result?format=${format}`;
  const res = await request(url, { headers: auth, signal }, base);
  if (res.status === 404) {
    const body = await readError(res);
    if (body?.code === "JOB_NOT_FOUND") throw new CliError(`error JOB_NOT_FOUND: ${body.message ?? "No such job."}`);
    throw new CliError(
      `This server cannot return results yet (GET /api/jobs/:id/result answered 404${body?.code ? ` ${body.code}` : ""}).\n` +
        `The job finished as ${job.status}; fetch the sentences later from ${url}`,
    );
  }
  if (!res.ok) throw await httpError(res, "downloading the result failed");
  const data = Buffer.from(await res.arrayBuffer());
  if (outFile) {
    await fs.mkdir(path.dirname(outFile), { recursive: true });
    await fs.writeFile(outFile, data);
    note(`Wrote ${format} result to ${outFile} (${data.byteLength} bytes).`);
  } else {
    await new Promise<void>((resolve, reject) => process.stdout.write(data, (err) => (err ? reject(err) : resolve())));
  }
}

/** fetch with a readable message when the server cannot be reached. */
async function request(url: string, init: RequestInit, base: string): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if (init.signal?.aborted) throw err;
    throw new CliError(`Cannot reach Folio at ${base} (${describeNetwork(err)}). Is the app running? Set --url or FOLIO_URL.`);
  }
}

function describeNetwork(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err as Error)?.message ?? String(err);
}

async function readError(res: Response): Promise<{ code?: string; message?: string } | null> {
  try {
    return ((await res.json()) as ApiErrorBody).error ?? null;
  } catch {
    return null;
  }
}

/** `error CODE: message` from the API's error body (or the bare HTTP status). */
async function httpError(res: Response, what: string): Promise<CliError> {
  const body = await readError(res);
  if (body?.code) {
    const retry = res.headers.get("retry-after");
    return new CliError(`error ${body.code}: ${body.message ?? ""}${retry ? ` (retry after ${retry} s)` : ""}`);
  }
  return new CliError(`${what}: HTTP ${res.status} ${res.statusText}`);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
