/**
 * niceAllThreads (lib/runtime/nice.ts): a parsing child past its CPU allowance gets every thread
 * lowered, not only its main one (on Linux a priority is a thread's: the OCR engine's worker
 * thread kept nice 0 and slowed another user's job under load).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { niceAllThreads } from "@/lib/runtime/nice";

const niceOf = (pid: number, tid: string) => Number(fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8").split(") ")[1].split(" ")[16]);
let child: ReturnType<typeof spawn> | null = null;
afterEach(() => {
  child?.kill("SIGKILL");
  child = null;
});

describe.skipIf(!fs.existsSync("/proc/self/task"))("niceAllThreads", () => {
  it("lowers the priority of a process's threads that already run, the worker threads included", async () => {
    const src = `const { Worker } = require("node:worker_threads"); new Worker("setInterval(() => {}, 1000)", { eval: true }); setTimeout(() => console.log("ready"), 300); setInterval(() => {}, 1000);`;
    child = spawn(process.execPath, ["-e", src], { stdio: ["ignore", "pipe", "ignore"] });
    await new Promise<void>((resolve) => child!.stdout!.once("data", () => resolve()));
    const pid = child.pid!;
    const tids = fs.readdirSync(`/proc/${pid}/task`);
    expect(tids.length).toBeGreaterThan(2);
    niceAllThreads(pid, 19);
    expect(tids.map((t) => niceOf(pid, t))).toEqual(tids.map(() => 19));
  });
});
