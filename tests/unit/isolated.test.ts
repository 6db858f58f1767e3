import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT_ENVIRONMENT, IsolatedTaskError, runIsolated } from "@/lib/sandbox/isolated";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "folio-isolated-"));
function script(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
}
const limits = { memoryMb: 128, cpuSeconds: 5, timeoutMs: 60_000 };

describe("runIsolated (a capped child process)", () => {
  it("returns the child's JSON answer", async () => {
    const f = script("echo.mjs", `let s="";for await (const d of process.stdin) s+=d; const r=JSON.parse(s); process.stdout.write(JSON.stringify({ twice: r.n * 2 }));`);
    await expect(runIsolated([f], { n: 21 }, limits)).resolves.toEqual({ twice: 42 });
  });

  it("kills a child that allocates native memory past its cap, and says so", async () => {
    // Buffers live outside V8's heap: only the address-space cap stops them.
    const f = script("hog.mjs", `const a=[]; for(;;) { const b = Buffer.alloc(32<<20); b.fill(1); a.push(b); }`);
    const err = await runIsolated([f], {}, limits).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IsolatedTaskError);
    expect((err as IsolatedTaskError).reason).toBe("memory");
  });

  it("kills a child that spins past its CPU limit", async () => {
    const f = script("spin.mjs", `for(;;){}`);
    const err = await runIsolated([f], {}, { memoryMb: 128, cpuSeconds: 1, timeoutMs: 120_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IsolatedTaskError);
    expect((err as IsolatedTaskError).reason).toBe("cpu");
  });

  it("kills a child that sleeps past its wall-clock limit", async () => {
    const f = script("sleep.mjs", `setTimeout(() => {}, 1e9);`);
    const err = await runIsolated([f], {}, { memoryMb: 128, cpuSeconds: 5, timeoutMs: 500 }).catch((e: unknown) => e);
    expect((err as IsolatedTaskError).reason).toBe("timeout");
  });

  it("reports an exit with EXIT_ENVIRONMENT (a disk error, not the input's fault) as environment", async () => {
    const f = script("env.mjs", `process.stderr.write("ENOTDIR: not a directory\\n"); process.exit(${EXIT_ENVIRONMENT});`);
    const err = await runIsolated([f], {}, limits).catch((e: unknown) => e);
    expect((err as IsolatedTaskError).reason).toBe("environment");
  });

  it("reports a plain crash as a crash", async () => {
    const f = script("crash.mjs", `process.stderr.write("boom\\n"); process.exit(3);`);
    const err = await runIsolated([f], {}, limits).catch((e: unknown) => e);
    expect((err as IsolatedTaskError).reason).toBe("crash");
    expect((err as Error).message).toMatch(/boom/);
  });
});
