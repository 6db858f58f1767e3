/**
 * The build the Stack benches run (tests/helpers/server.ts TEST_DIST: .next-test, or
 * FOLIO_TEST_DIST for a separate one), made up to date first. Another `next build` already
 * running on this machine (a test run, a colleague's build) is waited for instead of racing it
 * for the same directory. Also: what else loads the machine, so a reader can judge the figures.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { TEST_DIST } from "../../tests/helpers/server";
import { ensureBuild, ROOT } from "./app-server";

function runningBuilds(): string[] {
  // `next build` shows up as "next build" (the CLI) and "next-build (vX)" (its worker).
  const r = spawnSync("pgrep", ["-af", "next[ -]build"], { encoding: "utf8" });
  return (r.stdout ?? "").split("\n").filter((l) => l.trim() && !l.includes("pgrep"));
}

export async function benchBuild(maxWaitMs = 30 * 60_000): Promise<string> {
  const deadline = Date.now() + maxWaitMs;
  let told = false;
  for (let busy = runningBuilds(); busy.length; busy = runningBuilds()) {
    if (!told) {
      console.log(`Waiting for a next build already running (${busy.length} process${busy.length === 1 ? "" : "es"}: ${busy[0].slice(0, 100)})...`);
      told = true;
    }
    if (Date.now() > deadline) throw new Error(`a next build has been running for over ${maxWaitMs / 60_000} min; not starting another`);
    await new Promise((r) => setTimeout(r, 5000));
  }
  ensureBuild(TEST_DIST);
  if (!fs.existsSync(path.join(ROOT, TEST_DIST, "BUILD_ID"))) throw new Error(`no build in ${TEST_DIST} after the build step`);
  return TEST_DIST;
}

/** Load average and the busiest processes not started by this bench (CPU % since their start). */
export function machineLoad(): string {
  const [l1, l5] = os.loadavg();
  const r = spawnSync("ps", ["-eo", "pid,ppid,pcpu,rss,args", "--sort=-pcpu", "--no-headers"], { encoding: "utf8" });
  const mine = new Set<number>([process.pid]);
  const rows = (r.stdout ?? "")
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 5)
    .map((f) => ({ pid: Number(f[0]), ppid: Number(f[1]), cpu: Number(f[2]), rssMb: Number(f[3]) / 1024, cmd: f.slice(4).join(" ") }));
  // This bench's own processes are excluded: its descendants, then its ancestors (npm, the tsx wrapper).
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of rows) {
      if (!mine.has(p.pid) && mine.has(p.ppid)) {
        mine.add(p.pid);
        grew = true;
      }
    }
  }
  const byPid = new Map(rows.map((p) => [p.pid, p]));
  for (let up = byPid.get(process.pid)?.ppid; up && byPid.has(up) && !mine.has(up); up = byPid.get(up)?.ppid) mine.add(up);
  const others = rows.filter((p) => !mine.has(p.pid) && p.cpu >= 5 && !/^(ps|pgrep)\b/.test(p.cmd) && !p.cmd.includes("<defunct>")).slice(0, 4);
  const list = others.map((p) => `${p.cmd.slice(0, 70)} (${p.cpu.toFixed(0)}% CPU, ${p.rssMb.toFixed(0)} MB)`).join("; ");
  return `load average ${l1.toFixed(2)} (1 min), ${l5.toFixed(2)} (5 min) on ${os.availableParallelism()} cores${others.length ? `; other busy processes: ${list}` : ""}`;
}
