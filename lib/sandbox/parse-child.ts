/**
 * Entry of a parsing child (bundled by child-bundle.ts, started by lib/sandbox/parse-pool.ts under
 * the caps of lib/sandbox/isolated.ts). Every parse of untrusted PDF bytes after the upload runs
 * here: the split's plan (lib/pdf/plan.ts) and a chunk's extraction, repair and segmentation
 * (lib/processors/local.ts, reading the chunk's pages of the stored file in place).
 * Never import it (it starts serving at load).
 */
import { serveTasks } from "./child-loop";
import { runParseTask, type ParseRequest } from "./parse-tasks";
import { preloadPdfjs } from "../pdf/extract";
import { warmUpChunkPipeline } from "../pdf/warmup";
import { beforeFirstOcr } from "../pdf/ocr";
import { niceAllThreads } from "../runtime/nice";

preloadPdfjs();
// OCR yields the cores from its first page on; the pool retires a child that lowered itself.
beforeFirstOcr(() => niceAllThreads(process.pid, 19));
// While no task has come yet: compile the chunk pipeline on a small PDF of our own (a cold
// child's first chunk took several times as long as the next ones). A task that arrives meanwhile
// waits for it: the child keeps one document open at a time (lib/pdf/extract.ts), and a task
// opening its document while the warm-up still read its own hung both (seen after a restart,
// when the runner's retried steps reach a fresh child at once).
const warm = warmUpChunkPipeline();
serveTasks(async (req) => {
  await warm;
  return runParseTask(req as ParseRequest);
});
