/**
 * The supervisor of `npm start` (scripts/supervisor.mjs), on real child processes: one that is
 * killed is restarted alone while its sibling keeps running (same pid), quick deaths back off,
 * a process that fails its very first start stops everything, and stop() ends them all.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Supervisor } from "../../scripts/supervisor.mjs";

const node = process.execPath;
// A process that stays up until killed.
const forever = ["-e", "setInterval(() => {}, 1000)"];
const alive = (pid: number | undefined) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let sup: Supervisor | null = null;
afterEach(async () => {
  await sup?.stop("SIGKILL");
  sup = null;
});

describe("the npm start supervisor", () => {
  it("restarts a killed process alone; its sibling keeps its pid; quick deaths back off", async () => {
    const lines: string[] = [];
    sup = new Supervisor({ stdio: "ignore", log: (l) => lines.push(l), minBackoffMs: 100, maxBackoffMs: 400, startupGraceMs: 0, stableAfterMs: 60_000 });
    sup.add({ name: "web", cmd: node, args: forever }).add({ name: "functions", cmd: node, args: forever });
    const pidOf = (name: string) => sup!.state().find((s) => s.name === name)?.pid;
    const web = await waitFor("web pid", () => pidOf("web"));
    const fn1 = await waitFor("functions pid", () => pidOf("functions"));

    process.kill(fn1, "SIGKILL");
    const fn2 = await waitFor("a new functions process", () => pidOf("functions") !== fn1 && pidOf("functions"));
    expect(fn2).not.toBe(fn1);
    expect(pidOf("web")).toBe(web);
    expect(alive(web)).toBe(true);

    // Two more quick deaths: the delays double (100 ms, 200 ms, 400 ms), capped at 400 ms.
    process.kill(fn2, "SIGKILL");
    const fn3 = await waitFor("a third functions process", () => pidOf("functions") !== fn2 && pidOf("functions"));
    process.kill(fn3, "SIGKILL");
    await waitFor("a fourth functions process", () => pidOf("functions") !== fn3 && pidOf("functions"));
    const delays = lines.filter((l) => l.startsWith("functions exited")).map((l) => /in (\d+\.\d) s/.exec(l)?.[1]);
    expect(delays).toEqual(["0.1", "0.2", "0.4"]);
    expect(sup.state().find((s) => s.name === "functions")?.restarts).toBe(3);
    expect(sup.state().find((s) => s.name === "web")?.restarts).toBe(0);
    expect(pidOf("web")).toBe(web);
  });

  it("stops everything when a process fails its first start (a setup error)", async () => {
    const fatal: string[] = [];
    sup = new Supervisor({ stdio: "ignore", log: () => undefined, startupGraceMs: 5_000, onFatal: (name) => fatal.push(name) });
    sup.add({ name: "runner", cmd: node, args: forever }).add({ name: "web", cmd: node, args: ["-e", "process.exit(3)"] });
    await waitFor("the fatal report", () => fatal.length > 0);
    expect(fatal).toEqual(["web"]);
    // No restart was scheduled for it.
    await new Promise((r) => setTimeout(r, 300));
    expect(sup.state().find((s) => s.name === "web")).toMatchObject({ pid: undefined, restarts: 0 });
  });

  it("stop() ends every process and cancels pending restarts", async () => {
    sup = new Supervisor({ stdio: "ignore", log: () => undefined, minBackoffMs: 200, startupGraceMs: 0 });
    sup.add({ name: "a", cmd: node, args: forever }).add({ name: "b", cmd: node, args: forever });
    const [a, b] = await waitFor("both pids", () => {
      const s = sup!.state();
      return s.every((x) => x.pid) && s.map((x) => x.pid!);
    });
    process.kill(b, "SIGKILL");
    await waitFor("b gone", () => !alive(b));
    await sup.stop();
    expect(alive(a)).toBe(false);
    await new Promise((r) => setTimeout(r, 400));
    expect(sup.state().every((x) => x.pid === undefined)).toBe(true);
  });
});
