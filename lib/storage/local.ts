import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import crypto from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { PutResult, Storage } from "@/lib/storage/types";
import { meteredBody } from "@/lib/storage/meter";

/** Disk storage under a root directory; writes go to a temp file renamed into place. */
export class LocalStorage implements Storage {
  constructor(readonly root: string) {}

  localPath(key: string): string {
    const clean = path.posix.normalize(key).replace(/^(\.\.(\/|$))+/, "");
    if (clean.startsWith("/") || clean.includes("..")) throw new Error(`invalid storage key: ${key}`);
    return path.join(this.root, clean);
  }

  async localFile(key: string): Promise<string> {
    return this.localPath(key);
  }

  async put(key: string, body: Readable | Uint8Array, opts: { maxBytes?: number } = {}): Promise<PutResult> {
    const dest = this.localPath(key);
    await fsp.mkdir(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.${crypto.randomBytes(6).toString("hex")}.partial`;
    const { source, meter, size, sha256 } = meteredBody(body, opts.maxBytes);
    const out = fs.createWriteStream(tmp, { mode: 0o600 });
    try {
      await pipeline(source, meter, out);
      await fsp.rename(tmp, dest);
    } catch (err) {
      // A write stream destroyed before its file was opened still creates the file when the open
      // completes: wait until it has closed, or the file would outlive this removal.
      if (!out.closed) await new Promise<void>((resolve) => out.once("close", () => resolve()));
      await fsp.rm(tmp, { force: true });
      throw err;
    }
    return { key, size: size(), sha256: sha256() };
  }

  async get(key: string): Promise<Readable> {
    const p = this.localPath(key);
    await fsp.access(p);
    return fs.createReadStream(p);
  }

  async getBytes(key: string): Promise<Uint8Array> {
    return fsp.readFile(this.localPath(key));
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.localPath(key), { force: true });
  }

  async deleteFolder(key: string): Promise<void> {
    const dir = this.localPath(key);
    // Never the root itself: "", "." and "/" all normalize to it.
    if (path.resolve(dir) === path.resolve(this.root)) throw new Error(`refusing to delete the storage root (key ${JSON.stringify(key)})`);
    await fsp.rm(dir, { recursive: true, force: true });
  }

  async list(prefix: string): Promise<string[]> {
    const dir = this.localPath(prefix);
    const names = (await fsp.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])) as fs.Dirent[];
    return names.filter((d) => d.isFile()).map((d) => path.relative(this.root, path.join(d.parentPath ?? d.path, d.name)).split(path.sep).join("/"));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await fsp.access(this.localPath(key));
      return true;
    } catch {
      return false;
    }
  }
}
