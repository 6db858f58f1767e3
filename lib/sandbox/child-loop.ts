/**
 * The child side of IsolatedPool (pool.ts): reads one JSON task per line on stdin, runs them one
 * at a time, writes one JSON answer per line on file descriptor 3, and exits when stdin closes
 * (the parent retired it or died). A handler's thrown error is the task's failure; an allocation
 * failure (RangeError: the memory cap) or a failed system call ends the process, so the parent
 * sees a memory death (exit 134) or an environment failure (exit 75).
 */
import fs from "node:fs";
import readline from "node:readline";
import { EXIT_ENVIRONMENT } from "./isolated";

export function serveTasks(handle: (req: unknown) => Promise<unknown>): void {
  const out = fs.createWriteStream("", { fd: 3 });
  // Libraries that print (pdf.js warnings) must not reach the answer channel: stdout is not it, but keep them off stdout too.
  console.log = console.info = console.warn = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(" ")}\n`);
  const lines = readline.createInterface({ input: process.stdin });
  let chain = Promise.resolve();
  lines.on("line", (line) => {
    chain = chain.then(async () => {
      const { id, req } = JSON.parse(line) as { id: number; req: unknown };
      let answer: string;
      try {
        answer = JSON.stringify({ id, ok: true, answer: await handle(req) });
      } catch (err) {
        if (err instanceof RangeError && /alloc|memory|Invalid array length|Invalid typed array length/i.test(err.message)) {
          process.stderr.write(`allocation failed: ${err.message}\n`);
          process.exit(134);
        }
        if (typeof (err as { syscall?: unknown })?.syscall === "string" && (err as { code?: string }).code !== "ENOENT") {
          process.stderr.write(`environment: ${(err as Error).message}\n`);
          process.exit(EXIT_ENVIRONMENT);
        }
        answer = JSON.stringify({ id, ok: false, error: (err as Error)?.message ?? String(err) });
      }
      await new Promise<void>((resolve) => out.write(`${answer}\n`, () => resolve()));
    });
  });
  lines.on("close", () => {
    void chain.then(() => out.end(() => process.exit(0)));
  });
}
