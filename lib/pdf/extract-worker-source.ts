/**
 * The source of the pdfjs extraction worker (lib/pdf/extract.ts runs it with
 * `new Worker(source, { eval: true })`).
 *
 * It is plain CommonJS JavaScript kept in a string on purpose: no bundler (Next.js, Vitest, tsx)
 * has to find, transpile or copy a worker file, so the same code runs under every one of them.
 * The only thing it loads is pdfjs-dist, by the absolute file URL that the parent resolved
 * (pdfjs-dist is an external package in next.config.mjs, so it is on disk in node_modules).
 *
 * Protocol: the parent posts { id, data } (data: an ArrayBuffer, transferred); the worker answers
 * { id, ok: true, pages } with, per page, { page, width, height, error?, strs, nums } where nums
 * holds x, y, width, fontSize of every text item (a Float64Array, transferred); or
 * { id, ok: false, code, message } (code "PDF_ENCRYPTED" | "PDF_UNREADABLE" for a bad document,
 * "LOAD_FAILED" when pdfjs itself could not be loaded).
 */
export const EXTRACT_WORKER_SOURCE = String.raw`
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
let pdfjsPromise;
function loadPdfjs() {
  // pdf.js's legacy build replaces these natives with slow polyfills (see withNativeBuiltins in
  // extract.ts): put them back once it is loaded.
  const push = Array.prototype.push, stringify = JSON.stringify, parse = JSON.parse;
  // Its worker module (the core, run in this thread) is loaded now as well: it installs them too.
  // Our patched copy of it when the parent made one (lib/pdf/pdfjs-patch.ts).
  const workerUrl = workerData.workerUrl || workerData.pdfjsUrl.replace(/pdf\.mjs$/, "pdf.worker.mjs");
  pdfjsPromise = pdfjsPromise || Promise.all([import(workerData.pdfjsUrl), import(workerUrl)]).then(([lib, worker]) => {
    globalThis.pdfjsWorker = worker;
    return lib;
  }).finally(() => {
    Object.defineProperty(Array.prototype, "push", { value: push, writable: true, configurable: true, enumerable: false });
    JSON.stringify = stringify;
    JSON.parse = parse;
  });
  return pdfjsPromise;
}

async function extract(data) {
  let pdfjs;
  try {
    pdfjs = await loadPdfjs();
  } catch (err) {
    pdfjsPromise = undefined;
    return { ok: false, code: "LOAD_FAILED", message: String((err && err.message) || err) };
  }
  const task = pdfjs.getDocument({
    data: new Uint8Array(data),
    disableFontFace: true,
    useSystemFonts: false,
    isEvalSupported: false,
    disableAutoFetch: true,
    disableStream: true,
    stopAtErrors: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  let doc;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    const name = err && err.name;
    if (name === "PasswordException") return { ok: false, code: "PDF_ENCRYPTED", message: "This PDF is encrypted or password-protected." };
    return { ok: false, code: "PDF_UNREADABLE", message: "This PDF cannot be read: " + String((err && err.message) || err) };
  }
  const pages = [];
  const transfer = [];
  try {
    for (let n = 1; n <= doc.numPages; n++) {
      let page;
      try {
        page = await doc.getPage(n);
        const view = page.view;
        const content = await page.getTextContent();
        const strs = [];
        const values = [];
        for (const it of content.items) {
          if (typeof it.str !== "string" || it.str.trim() === "") continue;
          const t = it.transform;
          const fontSize = Math.hypot(t[2], t[3]) || it.height || Math.hypot(t[0], t[1]) || 1;
          strs.push(it.str);
          values.push(t[4], t[5], Math.abs(it.width), fontSize);
        }
        const nums = Float64Array.from(values);
        transfer.push(nums.buffer);
        pages.push({ page: n, width: Math.abs(view[2] - view[0]), height: Math.abs(view[3] - view[1]), strs, nums });
      } catch (err) {
        pages.push({ page: n, width: 0, height: 0, error: String((err && err.message) || err), strs: [], nums: new Float64Array(0) });
      } finally {
        if (page) page.cleanup();
      }
    }
  } finally {
    await doc.destroy();
  }
  return { ok: true, pages, transfer };
}

parentPort.on("message", (msg) => {
  extract(msg.data).then(
    (res) => {
      const transfer = res.transfer || [];
      delete res.transfer;
      res.id = msg.id;
      parentPort.postMessage(res, transfer);
    },
    (err) => parentPort.postMessage({ id: msg.id, ok: false, code: "PDF_UNREADABLE", message: String((err && err.message) || err) }),
  );
});
`;
