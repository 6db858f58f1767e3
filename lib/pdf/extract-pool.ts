/**
 * pdf.js in a small pool of worker threads (for PDF bytes in memory): min(2, CPUs - 1) workers,
 * each with its own heap limit (FOLIO_EXTRACT_WORKER_MB, default 256); a worker that dies fails
 * only its chunk and is replaced. The worker's code is a string (extract-worker-source.ts). If
 * the pool cannot start, extraction runs in the calling thread. FOLIO_EXTRACT_WORKERS=0 forces that.
 */
import os from "node:os";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { EXTRACT_WORKER_SOURCE } from "./extract-worker-source";
import { PdfExtractError, type RawPage } from "./extract-types";
import { pdfjsInThread } from "./pdfjs-thread";
import { pdfjsWorkerUrl } from "./pdfjs-patch";
import { resolvePackage } from "../runtime/resolve-package";

type Job = { id: number; data: ArrayBuffer; resolve: (pages: RawPage[]) => void; reject: (err: unknown) => void };
type Slot = { worker: Worker; job: Job | null; done: number };
type WorkerAnswer = { id: number; ok: true; pages: RawPage[] } | { id: number; ok: false; code: string; message: string };

const RECYCLE_AFTER = 200; // chunks per worker, then a fresh heap
let poolBroken = false;
let poolState: { slots: Slot[]; queue: Job[]; size: number; pdfjsUrl: string; nextId: number } | null = null;

export function poolEnabled(): boolean {
  return !poolBroken && process.env.FOLIO_EXTRACT_WORKERS !== "0";
}

/**
 * Workers in the pool: FOLIO_EXTRACT_WORKERS, else one per CPU but one (at least 1, at most 2):
 * the process's main thread (repair, segmentation, database, HTTP) keeps a core to itself.
 */
export function extractPoolSize(): number {
  const env = Number(process.env.FOLIO_EXTRACT_WORKERS);
  if (Number.isInteger(env) && env > 0) return Math.min(env, 16);
  const cpus = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(2, cpus - 1));
}

/** pdfjs-dist's legacy build, as a file URL a worker can import (from the app's node_modules). */
function resolvePdfjsUrl(): string {
  return pathToFileURL(resolvePackage("pdfjs-dist/legacy/build/pdf.mjs")).href;
}

function workerHeapMb(): number {
  const v = Number(process.env.FOLIO_EXTRACT_WORKER_MB);
  return Number.isFinite(v) && v >= 64 ? v : 256;
}

export async function pdfjsInPool(pdf: Uint8Array): Promise<RawPage[]> {
  let state = poolState;
  if (!state) {
    let pdfjsUrl: string;
    try {
      pdfjsUrl = resolvePdfjsUrl();
    } catch (err) {
      return fallBack(pdf, err);
    }
    state = poolState = { slots: [], queue: [], size: extractPoolSize(), pdfjsUrl, nextId: 1 };
  }
  const data = new ArrayBuffer(pdf.byteLength);
  new Uint8Array(data).set(pdf);
  try {
    return await new Promise<RawPage[]>((resolve, reject) => {
      state.queue.push({ id: state.nextId++, data, resolve, reject });
      pump();
    });
  } catch (err) {
    if ((err as { loadFailed?: boolean }).loadFailed) return fallBack(pdf, err);
    throw err;
  }
}

function fallBack(pdf: Uint8Array, err: unknown): Promise<RawPage[]> {
  if (!poolBroken) {
    poolBroken = true;
    console.warn(`[folio] PDF extraction workers unavailable, extracting in-thread: ${(err as Error)?.message ?? String(err)}`);
  }
  return pdfjsInThread(pdf);
}

function pump(): void {
  const state = poolState;
  if (!state) return;
  while (state.queue.length) {
    let slot = state.slots.find((s) => !s.job);
    if (!slot && state.slots.length < state.size) slot = spawnSlot(state.pdfjsUrl);
    if (!slot) return;
    const job = state.queue.shift()!;
    slot.job = job;
    slot.worker.ref();
    slot.worker.postMessage({ id: job.id, data: job.data }, [job.data]);
  }
}

function spawnSlot(pdfjsUrl: string): Slot {
  const state = poolState!;
  const worker = new Worker(EXTRACT_WORKER_SOURCE, {
    eval: true,
    workerData: { pdfjsUrl, workerUrl: pdfjsWorkerUrl() },
    // A small young generation keeps a worker's resident memory low (pdfjs makes much short-lived
    // garbage) at no measurable cost in speed; the old generation bounds one chunk's memory.
    resourceLimits: { maxOldGenerationSizeMb: workerHeapMb(), maxYoungGenerationSizeMb: 6 },
    stdout: false,
    stderr: false,
  });
  const slot: Slot = { worker, job: null, done: 0 };
  state.slots.push(slot);
  worker.unref();
  const remove = () => {
    const i = state.slots.indexOf(slot);
    if (i >= 0) state.slots.splice(i, 1);
  };
  worker.on("message", (msg: WorkerAnswer) => {
    const job = slot.job;
    if (!job || job.id !== msg.id) return;
    slot.job = null;
    slot.done++;
    worker.unref();
    if (msg.ok) job.resolve(msg.pages);
    else if (msg.code === "LOAD_FAILED") job.reject(Object.assign(new Error(msg.message), { loadFailed: true }));
    else job.reject(new PdfExtractError(msg.code === "PDF_ENCRYPTED" ? "PDF_ENCRYPTED" : "PDF_UNREADABLE", msg.message));
    if (slot.done >= RECYCLE_AFTER) {
      remove();
      void worker.terminate();
    }
    pump();
  });
  const fail = (err: unknown) => {
    remove();
    const job = slot.job;
    slot.job = null;
    if (job) {
      const code = (err as { code?: string })?.code;
      const message =
        code === "ERR_WORKER_OUT_OF_MEMORY"
          ? `extracting this chunk needs more than ${workerHeapMb()} MB (FOLIO_EXTRACT_WORKER_MB)`
          : `the PDF extraction worker failed: ${(err as Error)?.message ?? String(err)}`;
      job.reject(new Error(message, { cause: err }));
    }
    pump();
  };
  worker.on("error", fail);
  worker.on("exit", (code) => {
    if (state.slots.includes(slot)) fail(new Error(`worker exited with code ${code}`));
  });
  return slot;
}

/** Stops the pool's workers (they are also unref'd when idle, so they never keep a process alive). */
export async function closeExtractPool(): Promise<void> {
  const state = poolState;
  poolState = null;
  if (!state) return;
  for (const job of state.queue) job.reject(new Error("the extraction pool was closed"));
  await Promise.all(state.slots.map((s) => s.worker.terminate()));
}
