/**
 * A throwaway S3-compatible server for tests: Ceph's RADOS Gateway (Debian 12's radosgw, ceph-mon,
 * ceph-osd packages, Ceph 16) on a one-node cluster kept in memory. Everything (ceph.conf, mon and
 * osd data, pid files, admin sockets, logs) lives in a temporary directory; every command gets
 * `-c <dir>/ceph.conf`, so nothing reads /etc/ceph or /var/lib/ceph. Facts it relies on
 * (/work/shared/ENVIRONMENT.md, "S3-compatible storage", and tried here):
 * - `auth * required = none`, pool size 1 (`mon allow pool size one`), `osd objectstore =
 *   memstore`, `osd crush chooseleaf type = 0`: one OSD is enough; 8 PGs a pool keeps rgw's pools
 *   under the per-OSD PG limit. radosgw creates its own pools, then radosgw-admin the S3 user.
 * - `paxos propose interval` 0.01 s (default 1 s): rgw's pool creations took ~9 s, now start()
 *   takes ~1-1.5 s; the three daemons use ~140 MB, ~165 MB after a 12 MB upload.
 * - The daemons run in the foreground (`-f`) as detached children; stop() signals them by pid and
 *   waits until each has exited (a zombie until Node reaps it on its next event-loop turn).
 * - SDK: forcePathStyle, checksums only WHEN_REQUIRED (radosgw refuses the SDK's default
 *   streamed checksums); use lib-storage `Upload` for streamed writes.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./free-port";
import { CreateBucketCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";

/** The binaries exist on PATH (radosgw, ceph-mon, ceph-osd, monmaptool, radosgw-admin, ceph). */
export function rgwAvailable(): boolean {
  const dirs = (process.env.PATH ?? "/usr/bin:/bin").split(":").filter(Boolean);
  return ["radosgw", "ceph-mon", "ceph-osd", "monmaptool", "radosgw-admin", "ceph"].every((b) => dirs.some((d) => fs.existsSync(path.join(d, b))));
}


const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** True while the process exists and is not a zombie (a killed child we have not reaped yet). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function tail(file: string, lines = 25): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

type Daemon = { name: string; child: ChildProcess; log: string };

export class RgwServer {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "folio-rgw-"));
  endpoint = "";
  accessKey = "FOLIO" + randomBytes(8).toString("hex").toUpperCase();
  secretKey = randomBytes(20).toString("hex");
  region = "us-east-1";
  private readonly conf = path.join(this.dir, "ceph.conf");
  private daemons: Daemon[] = [];
  private readonly onExit = () => this.kill("SIGKILL");

  constructor(readonly host = "127.0.0.1") {}

  client(): S3Client {
    return new S3Client({
      endpoint: this.endpoint,
      region: this.region,
      forcePathStyle: true,
      credentials: { accessKeyId: this.accessKey, secretAccessKey: this.secretKey },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  /**
   * Runs a ceph tool against our ceph.conf; throws with its output on failure. A fresh client can
   * send its first command before it has the monmap, with fsid 0…0, which the mon refuses
   * ("problem getting command descriptions from mon", mon log "handle_command on fsid 0000…"):
   * that is retried.
   */
  private run(cmd: string, args: string[], timeoutMs = 60_000): string {
    for (let attempt = 1; ; attempt++) {
      const r = spawnSync(cmd, ["-c", this.conf, ...args], { encoding: "utf8", cwd: this.dir, timeout: timeoutMs });
      if (r.status === 0) return r.stdout;
      if (attempt < 5 && /problem getting command descriptions/.test(r.stderr)) continue;
      throw new Error(`${cmd} ${args.join(" ")} failed (${r.status ?? r.signal ?? r.error?.message}): ${(r.stderr + r.stdout).slice(-2000)}`);
    }
  }

  private spawnDaemon(name: string, cmd: string, args: string[]): void {
    const log = path.join(this.dir, "log", `${name}.log`);
    const out = fs.openSync(path.join(this.dir, "log", `${name}.stdout`), "a");
    try {
      const child = spawn(cmd, ["-f", "-c", this.conf, ...args], { cwd: this.dir, detached: true, stdio: ["ignore", out, out] });
      child.unref();
      child.on("error", () => {}); // reported through exitCode / the wait below
      this.daemons.push({ name, child, log });
    } finally {
      fs.closeSync(out);
    }
  }

  /** Polls `ready` until it returns true; fails early if a daemon died, with the tail of its log. */
  private async waitFor(what: string, timeoutMs: number, ready: () => boolean | Promise<boolean>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    for (;;) {
      const dead = this.daemons.find((d) => d.child.exitCode !== null || d.child.signalCode !== null || !d.child.pid);
      if (dead) {
        const stdout = tail(path.join(this.dir, "log", `${dead.name}.stdout`), 10);
        throw new Error(`${dead.name} exited (${dead.child.exitCode ?? dead.child.signalCode ?? "did not start"}) while waiting for ${what}:\n${tail(dead.log)}\n${stdout}`);
      }
      try {
        if (await ready()) return;
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
      }
      if (Date.now() > deadline) {
        const logs = this.daemons.map((d) => `--- ${d.name}.log\n${tail(d.log, 15)}`).join("\n");
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.slice(-1000)}` : ""}\n${logs}`);
      }
      await sleep(100);
    }
  }

  async start(): Promise<this> {
    try {
      await this.boot();
      return this;
    } catch (e) {
      this.kill("SIGKILL"); // the directory stays, with the logs, until stop()
      if (e instanceof Error) e.message += `\n(logs in ${this.dir}/log)`;
      throw e;
    }
  }

  private async boot(): Promise<void> {
    const monPort = await freePort(this.host);
    let rgwPort = await freePort(this.host);
    while (rgwPort === monPort) rgwPort = await freePort(this.host);
    this.endpoint = `http://${this.host}:${rgwPort}`;
    for (const d of ["run", "log", "mon", "osd", "rgw", "crash"]) fs.mkdirSync(path.join(this.dir, d));
    const fsid = randomUUID();
    const d = this.dir;
    fs.writeFileSync(
      this.conf,
      `[global]
fsid = ${fsid}
mon host = v1:${this.host}:${monPort}
public addr = ${this.host}
ms bind msgr2 = false
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
keyring = ${d}/keyring
run dir = ${d}/run
pid file = ${d}/run/$name.pid
admin socket = ${d}/run/$name.asok
log file = ${d}/log/$name.log
mon cluster log file = ${d}/log/cluster.log
crash dir = ${d}/crash
log to stderr = false
err to stderr = false
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
osd crush chooseleaf type = 0
osd crush update on start = false
osd class update on start = false
[mon]
paxos propose interval = 0.01
paxos min wait = 0.001
mon data = ${d}/mon/$cluster-$id
[osd]
osd data = ${d}/osd/$cluster-$id
osd objectstore = memstore
memstore device bytes = 2147483648
[client.rgw.a]
rgw frontends = beast endpoint=${this.host}:${rgwPort}
rgw data = ${d}/rgw
rgw init timeout = 120
`,
    );
    const monmap = path.join(d, "monmap");
    this.run("monmaptool", ["--create", "--fsid", fsid, "--add", "a", `v1:${this.host}:${monPort}`, monmap]);
    this.run("ceph-mon", ["--mkfs", "-i", "a", "--monmap", monmap]);
    this.spawnDaemon("mon.a", "ceph-mon", ["-i", "a"]);
    process.once("exit", this.onExit);
    await this.waitFor("ceph-mon quorum", 60_000, () => (this.run("ceph", ["--connect-timeout", "5", "mon", "stat"], 15_000), true));

    const osdUuid = randomUUID();
    const id = this.run("ceph", ["osd", "create", osdUuid]).trim();
    fs.mkdirSync(path.join(d, "osd", `ceph-${id}`));
    this.run("ceph-osd", ["-i", id, "--mkfs", "--osd-uuid", osdUuid]);
    // Placed in the CRUSH map here, not by the OSD at boot: its boot-time mon command can race
    // its first monmap and be refused ("wrong fsid", fsid 0…0), and then the OSD exits.
    this.run("ceph", ["osd", "crush", "add", `osd.${id}`, "1", "root=default"]);
    this.spawnDaemon(`osd.${id}`, "ceph-osd", ["-i", id]);
    await this.waitFor("the OSD to be up", 60_000, () => {
      const stat = JSON.parse(this.run("ceph", ["osd", "stat", "-f", "json"])) as { num_up_osds?: number; num_in_osds?: number };
      return stat.num_up_osds === 1 && stat.num_in_osds === 1;
    });

    this.spawnDaemon("client.rgw.a", "radosgw", ["-n", "client.rgw.a"]);
    await this.waitFor(`radosgw on ${this.endpoint}`, 120_000, async () => (await fetch(this.endpoint)).status > 0);
    this.run("radosgw-admin", ["user", "create", "--uid=folio", "--display-name=Folio tests", `--access-key=${this.accessKey}`, `--secret-key=${this.secretKey}`]);
    const s3 = this.client();
    await this.waitFor("an S3 ListBuckets to succeed", 30_000, async () => (await s3.send(new ListBucketsCommand({})), true)).finally(() => s3.destroy());
  }

  async createBucket(name: string): Promise<void> {
    const s3 = this.client();
    await s3.send(new CreateBucketCommand({ Bucket: name })).finally(() => s3.destroy());
  }

  /** Signals radosgw, then the OSD, then the mon, and waits (up to 10 s each, then SIGKILL) until each is gone. */
  private kill(signal: NodeJS.Signals): void {
    for (const dm of [...this.daemons].reverse()) {
      const pid = dm.child.pid;
      if (!pid || !alive(pid)) continue;
      // The OSD's clean shutdown would copy its memstore to disk: a throwaway cluster need not.
      const sig = dm.name.startsWith("osd.") ? "SIGKILL" : signal;
      try {
        process.kill(pid, sig);
      } catch {
        continue; // gone meanwhile
      }
      const deadline = Date.now() + 10_000;
      while (alive(pid) && Date.now() < deadline) sleepSync(50);
      if (alive(pid)) {
        process.kill(pid, "SIGKILL");
        while (alive(pid)) sleepSync(50);
      }
    }
    this.daemons = [];
  }

  stop(): void {
    try {
      this.kill("SIGTERM");
    } finally {
      process.removeListener("exit", this.onExit);
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
