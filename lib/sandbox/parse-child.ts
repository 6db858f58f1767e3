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

serveTasks((req) => runParseTask(req as ParseRequest));
preloadPdfjs();
