/**
 * A throwaway PostgreSQL server for tests and benches (Debian's postgresql package,
 * /usr/lib/postgresql/<v>/bin): initdb in a temporary directory, a server on 127.0.0.1:<port>
 * (or on another address, for the several-hosts test), trust authentication for user `folio`,
 * stopped by `pg_ctl stop` (its pid is in the data directory). As root, initdb and the server
 * run as the `postgres` user (initdb refuses root).
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./free-port";

export function pgBinDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return null;
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], "bin") : null;
}


export class PgServer {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "folio-pg-"));
  port = 0;
  private asUser: string[] = [];

  constructor(
    private readonly bin: string,
    readonly host = "127.0.0.1",
  ) {
    if (process.getuid?.() === 0) {
      this.asUser = ["runuser", "-u", "postgres", "--"];
      execFileSync("chown", ["postgres:postgres", this.dir]);
    }
  }

  private run(cmd: string, args: string[]): void {
    const [exe, ...rest] = [...this.asUser, path.join(this.bin, cmd), ...args];
    const r = spawnSync(exe, rest, { encoding: "utf8", cwd: this.dir });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${(r.stderr || r.stdout).slice(-2000)}`);
  }

  async start(): Promise<this> {
    this.port = await freePort(this.host);
    const data = path.join(this.dir, "data");
    this.run("initdb", ["-D", data, "-U", "folio", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
    // fsync off: a test database need not survive a power cut, and commits are several times faster.
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=${this.host} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    this.run("pg_ctl", ["-D", data, "-o", opts, "-l", path.join(this.dir, "server.log"), "-w", "start"]);
    return this;
  }

  /** Creates a database (and returns its URL). */
  createDatabase(name: string): string {
    this.run("createdb", ["-h", this.host, "-p", String(this.port), "-U", "folio", name]);
    return this.url(name);
  }

  url(database: string): string {
    return `postgresql://folio@${this.host}:${this.port}/${database}`;
  }

  stop(): void {
    try {
      this.run("pg_ctl", ["-D", path.join(this.dir, "data"), "-m", "fast", "-w", "stop"]);
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
