import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ChildTaskError, IsolatedPool } from "@/lib/sandbox/pool";
import { IsolatedTaskError, parseLimitsFromEnv } from "@/lib/sandbox/isolated";
import { childBundle } from "@/lib/sandbox/child-bundle";
import { runParseTask } from "@/lib/sandbox/parse-tasks";
import { DEFAULT_CHUNKING } from "@/lib/pdf/chunking";
import { makeNovel } from "../fixtures/pdfs";

/**
 * A child speaking the pool's protocol (tasks on stdin, answers on fd 3) whose behaviour each
 * task chooses: echo, native memory hog, spin, sleep, crash, lower its own priority (as OCR
 * does), and report its pid.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "folio-pool-"));
const childFile = path.join(dir, "child.mjs");
fs.writeFileSync(
  childFile,
  `import fs from "node:fs"; import os from "node:os"; import readline from "node:readline";
const out = fs.createWriteStream("", { fd: 3 });
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const { id, req } = JSON.parse(line);
  const answer = (v) => out.write(JSON.stringify({ id, ok: true, answer: v }) + "\\n");
  if (req.do === "echo") answer({ twice: req.n * 2, pid: process.pid });
  else if (req.do === "fail") out.write(JSON.stringify({ id, ok: false, error: "bad input" }) + "\\n");
  else if (req.do === "hog") { const a = []; for (;;) { const b = Buffer.alloc(32 << 20); b.fill(1); a.push(b); } }
  else if (req.do === "spin") { for (;;) {} }
  else if (req.do === "sleep") setTimeout(() => answer("late"), 1e9);
  else if (req.do === "crash") process.exit(3);
  else if (req.do === "lower") { os.setPriority(Math.min(19, os.getPriority() + 5)); answer({ twice: 0, pid: process.pid }); }
});
`,
);

type Req = { do: string; n?: number };
type Ans = { twice: number; pid: number };
const pools: IsolatedPool<Req, Ans>[] = [];
function pool(limits = { memoryMb: 128, cpuSeconds: 5, timeoutMs: 60_000 }, extra: { size?: number; recycleAfter?: number } = {}) {
  const p = new IsolatedPool<Req, Ans>({ nodeArgs: [childFile], size: extra.size ?? 1, limits, recycleAfter: extra.recycleAfter });
  pools.push(p);
  return p;
}
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe("IsolatedPool (long-lived capped children)", () => {
  it("answers tasks one after another from the same child", async () => {
    const p = pool();
    const a = await p.run({ do: "echo", n: 2 });
    const b = await p.run({ do: "echo", n: 5 });
    expect([a.twice, b.twice]).toEqual([4, 10]);
    expect(b.pid).toBe(a.pid);
  });

  it("a task's own error fails that task only, and the child stays", async () => {
    const p = pool();
    const a = await p.run({ do: "echo", n: 1 });
    await expect(p.run({ do: "fail" })).rejects.toBeInstanceOf(ChildTaskError);
    const b = await p.run({ do: "echo", n: 1 });
    expect(b.pid).toBe(a.pid);
    expect(p.deaths).toBe(0);
  });

  it("a child that exhausts its native memory cap fails its task with reason memory; the next task gets a fresh child", async () => {
    const p = pool();
    const before = await p.run({ do: "echo", n: 1 });
    const err = await p.run({ do: "hog" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IsolatedTaskError);
    expect((err as IsolatedTaskError).reason).toBe("memory");
    const after = await p.run({ do: "echo", n: 3 });
    expect(after.twice).toBe(6);
    expect(after.pid).not.toBe(before.pid);
    expect(p.deaths).toBe(1);
  });

  it("kills a task past its CPU budget (reason cpu) and one past its wall-clock limit (reason timeout)", async () => {
    const cpu = await pool({ memoryMb: 128, cpuSeconds: 1, timeoutMs: 120_000 }).run({ do: "spin" }).catch((e: unknown) => e);
    expect((cpu as IsolatedTaskError).reason).toBe("cpu");
    const slow = await pool({ memoryMb: 128, cpuSeconds: 5, timeoutMs: 400 }).run({ do: "sleep" }).catch((e: unknown) => e);
    expect((slow as IsolatedTaskError).reason).toBe("timeout");
  });

  it("a crash fails only the task running in that child; queued tasks still run", async () => {
    const p = pool(undefined, { size: 1 });
    const results = await Promise.allSettled([p.run({ do: "crash" }), p.run({ do: "echo", n: 4 }), p.run({ do: "echo", n: 5 })]);
    expect(results[0].status).toBe("rejected");
    expect(((results[0] as PromiseRejectedResult).reason as IsolatedTaskError).reason).toBe("crash");
    expect(results.slice(1).map((r) => (r.status === "fulfilled" ? r.value.twice : null))).toEqual([8, 10]);
  });

  it("replaces a child after recycleAfter tasks", async () => {
    const p = pool(undefined, { recycleAfter: 2 });
    const pids = [];
    for (let n = 0; n < 4; n++) pids.push((await p.run({ do: "echo", n })).pid);
    expect(pids[0]).toBe(pids[1]);
    expect(pids[2]).not.toBe(pids[1]);
    expect(pids[2]).toBe(pids[3]);
    expect(p.deaths).toBe(0);
  });

  it("retires a child that lowered its own priority (it cannot raise it again); the next task gets one at the pool's", async () => {
    const p = pool();
    const first = await p.run({ do: "echo", n: 1 });
    expect((await p.run({ do: "lower" })).pid).toBe(first.pid);
    const next = await p.run({ do: "echo", n: 1 });
    expect(next.pid).not.toBe(first.pid);
    expect(os.getPriority(next.pid)).toBe(os.getPriority());
    expect(p.deaths).toBe(0);
  });
});

describe("the parsing child's tasks", () => {
  it("the child bundle builds to one plain module, named by its content", () => {
    const file = childBundle(path.resolve("lib/sandbox/parse-child.ts"));
    expect(file).toMatch(/parse-child-[0-9a-f]{16}\.mjs$/);
    expect(fs.readFileSync(file, "utf8")).toContain("serveTasks");
  });

  it("a fresh parsing child answers chunk tasks that arrive during its warm-up (they wait for it, nothing hangs)", async () => {
    // The real child, as the functions process runs it; tasks sent the moment it starts (as after
    // a restart, when the runner's retried steps come at once). Before the warm-up was awaited,
    // a task opening its document while the warm-up read its own hung until the wall-clock limit.
    const real = new IsolatedPool<import("@/lib/sandbox/parse-tasks").ParseRequest, Awaited<ReturnType<typeof runParseTask>>>({
      nodeArgs: [childBundle(path.resolve("lib/sandbox/parse-child.ts"))],
      size: 1,
      limits: { ...parseLimitsFromEnv(), timeoutMs: 60_000 },
    });
    pools.push(real as unknown as IsolatedPool<Req, Ans>);
    const books = await Promise.all([3, 4].map((seed) => makeNovel({ pages: 4, seed })));
    const files = books.map((b, i) => {
      const f = path.join(dir, `fresh-${i}.pdf`);
      fs.writeFileSync(f, b.bytes);
      return f;
    });
    const opts = { language: "fr", sentenceWordLimit: null, firstPage: 1, overlapPages: 0 };
    const answers = await Promise.all(files.map((f, i) => real.run({ kind: "chunk", path: f, firstPage: 1, lastPage: 4, expectSize: books[i].bytes.length, opts })));
    for (const a of answers) {
      expect(a.ok).toBe(true);
      if (a.ok && "result" in a) expect(a.result.sentences.length).toBeGreaterThan(10);
    }
  }, 90_000);

  it("plans a PDF's chunks and reads a chunk's page range of the file in place", async () => {
    const novel = await makeNovel({ pages: 40 });
    const file = path.join(dir, "novel.pdf");
    fs.writeFileSync(file, novel.bytes);
    const plan = await runParseTask({ kind: "plan", source: file, rules: DEFAULT_CHUNKING, maxPages: 5000, maxStreamBytes: 1 << 28, maxDecodedBytes: 1 << 30 });
    expect(plan).toMatchObject({ ok: true, pageCount: 40 });
    const second = plan.ok && "chunks" in plan ? plan.chunks[1] : null;
    expect(second).toMatchObject({ startPage: 20, endPage: 40, overlapPages: 1 });
    const opts = { language: "fr", sentenceWordLimit: null, firstPage: 20, overlapPages: 1 };
    const ranged = await runParseTask({ kind: "chunk", path: file, firstPage: 20, lastPage: 40, expectSize: novel.bytes.length, opts });
    expect(ranged.ok).toBe(true);
    if (!ranged.ok || !("result" in ranged)) return;
    expect(ranged.result.pages.map((p) => p.page)).toEqual(Array.from({ length: 21 }, (_, i) => 20 + i));
    expect(ranged.result.sentences.length).toBeGreaterThan(20);
    expect(Math.min(...ranged.result.sentences.map((s) => s.page))).toBeGreaterThanOrEqual(20);
    const lying = await runParseTask({ kind: "chunk", path: file, firstPage: 1, lastPage: 2, expectSize: novel.bytes.length + 1, opts: { ...opts, firstPage: 1, overlapPages: 0 } });
    expect(lying).toMatchObject({ ok: false, code: "INVALID_CHUNK" });
  });
});
