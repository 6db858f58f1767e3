/**
 * S3-compatible object storage (FOLIO_STORAGE=s3): AWS S3, or any server speaking its API
 * (tested against Ceph's RADOS Gateway, scripts/lib/rgw-server.ts). Objects live under
 * `FOLIO_S3_PREFIX` in `FOLIO_S3_BUCKET`.
 *
 * - put: one pass over the incoming stream, which is counted (the size limit), hashed (sha256)
 *   and fed at once to a multipart upload (@aws-sdk/lib-storage, 8 MiB parts) and to this
 *   host's cache file; any error (the limit, a client gone, S3 refusing) aborts the multipart
 *   upload (no orphan parts; an object appears only when the upload completes) and removes the
 *   cache file. `If-None-Match: *` makes an existing key a refusal, never an overwrite.
 * - localFile: the parsers need a file to seek in (pdf.js reads ranges of it), so a host reads an
 *   object through its cache (FOLIO_S3_CACHE_DIR, default <data dir>/s3-cache): the uploading web
 *   host has it already, a functions host downloads it once and every chunk reads that copy.
 * - delete / deleteFolder remove the objects and this host's cached copies (retention, DELETE
 *   /api/jobs); copies on other hosts (the web host keeps what it received) go when the host's
 *   cache passes FOLIO_S3_CACHE_MB, oldest first, never one used in the last 15 minutes.
 */
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import crypto from "node:crypto";
import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AbortMultipartUploadCommand, DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { PutResult, Storage } from "@/lib/storage/types";
import { meteredBody } from "@/lib/storage/meter";

export type S3Settings = {
  endpoint?: string;
  region: string;
  bucket: string;
  prefix: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  cacheDir: string;
  /** Cached copies kept on this host, in bytes, before the oldest go (FOLIO_S3_CACHE_MB, default 2048). */
  cacheBytes: number;
};

/** A cached copy used this recently is never swept (a parser may be reading it). */
const CACHE_MIN_AGE_MS = 15 * 60 * 1000;
const SWEEP_EVERY_MS = 60 * 1000;

const PART_BYTES = 8 * 1024 * 1024;

export function s3SettingsFromEnv(env: Record<string, string | undefined>, defaultCacheDir: string): S3Settings {
  const bucket = env.FOLIO_S3_BUCKET;
  if (!bucket) throw new Error("FOLIO_STORAGE=s3 needs FOLIO_S3_BUCKET");
  const prefix = (env.FOLIO_S3_PREFIX ?? "").replace(/^\/+/, "");
  return {
    endpoint: env.FOLIO_S3_ENDPOINT || undefined,
    region: env.FOLIO_S3_REGION || env.AWS_REGION || "us-east-1",
    bucket,
    prefix: prefix && !prefix.endsWith("/") ? `${prefix}/` : prefix,
    accessKeyId: env.FOLIO_S3_ACCESS_KEY_ID || undefined,
    secretAccessKey: env.FOLIO_S3_SECRET_ACCESS_KEY || undefined,
    // Path-style (http://host/bucket/key) unless told otherwise when an endpoint is given: what
    // self-hosted servers expect.
    forcePathStyle: env.FOLIO_S3_FORCE_PATH_STYLE ? env.FOLIO_S3_FORCE_PATH_STYLE !== "0" : Boolean(env.FOLIO_S3_ENDPOINT),
    cacheDir: env.FOLIO_S3_CACHE_DIR || defaultCacheDir,
    cacheBytes: (Number(env.FOLIO_S3_CACHE_MB) > 0 ? Number(env.FOLIO_S3_CACHE_MB) : 2048) * 1024 * 1024,
  };
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === "NotFound" || e?.name === "NoSuchKey" || e?.$metadata?.httpStatusCode === 404;
}

export class S3Storage implements Storage {
  readonly client: S3Client;
  private downloads = new Map<string, Promise<string>>();
  private lastSweep = 0;

  constructor(readonly settings: S3Settings) {
    this.client = new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      credentials: settings.accessKeyId && settings.secretAccessKey ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } : undefined,
      // Checksums only where the API requires them: S3-compatible servers refuse the SDK's
      // default trailing checksums on streamed uploads (../shared/ENVIRONMENT.md).
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  private objectKey(key: string): string {
    const clean = path.posix.normalize(key);
    if (clean.startsWith("/") || clean.startsWith("..") || clean.includes("/../") || clean === ".") throw new Error(`invalid storage key: ${key}`);
    return this.settings.prefix + clean;
  }

  /** This host's cached copy of `key` (may not exist). */
  cachePath(key: string): string {
    const clean = this.objectKey(key).slice(this.settings.prefix.length);
    return path.join(this.settings.cacheDir, clean);
  }

  async put(key: string, body: Readable | Uint8Array, opts: { maxBytes?: number } = {}): Promise<PutResult> {
    const dest = this.cachePath(key);
    await fsp.mkdir(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.${crypto.randomBytes(6).toString("hex")}.partial`;
    const { source, meter, size, sha256 } = meteredBody(body, opts.maxBytes);
    const toS3 = new PassThrough({ highWaterMark: PART_BYTES });
    const toCache = fs.createWriteStream(tmp, { mode: 0o600 });
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.settings.bucket, Key: this.objectKey(key), Body: toS3, ContentType: "application/pdf", IfNoneMatch: "*" },
      partSize: PART_BYTES,
      queueSize: 2,
      // On any failure the multipart upload is aborted: no parts are left behind.
      leavePartsOnError: false,
    });
    const uploaded = upload.done();
    let cached: Promise<void> = Promise.resolve();
    try {
      // One read of the source feeds both: `pipeline` into the cache file, a pipe into the upload
      // (backpressure from either slows the source).
      meter.pipe(toS3);
      cached = pipeline(source, meter, toCache);
      // The upload's body must end with an error, never plainly: a body that just ended would
      // be completed as a (truncated) object.
      cached.catch((err: unknown) => toS3.destroy(err instanceof Error ? err : new Error(String(err))));
      await Promise.all([cached, uploaded]);
      await fsp.rename(tmp, dest);
      this.sweepSoon();
    } catch (err) {
      const why = err instanceof Error ? err : new Error(String(err));
      toS3.destroy(why);
      source.destroy();
      meter.destroy();
      // Not upload.abort(): it settles done() at once while the upload still runs. Erroring its
      // body lets lib-storage finish its own failure path (AbortMultipartUpload) first.
      await uploaded.catch(() => undefined);
      await cached.catch(() => undefined);
      const uploadId = (upload as unknown as { uploadId?: string }).uploadId;
      if (uploadId) {
        // Idempotent safety net: an upload lib-storage already aborted answers NoSuchUpload.
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key), UploadId: uploadId })).catch(() => undefined);
      }
      if (!toCache.closed) await new Promise<void>((resolve) => toCache.once("close", () => resolve()));
      await fsp.rm(tmp, { force: true });
      throw err;
    }
    return { key, size: size(), sha256: sha256() };
  }

  async get(key: string): Promise<Readable> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }));
    return out.Body as Readable;
  }

  async getBytes(key: string): Promise<Uint8Array> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }));
    return (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
  }

  async localFile(key: string): Promise<string> {
    const dest = this.cachePath(key);
    if (fs.existsSync(dest)) {
      // Marks it used (the sweep keeps recently used copies).
      const now = new Date();
      await fsp.utimes(dest, now, now).catch(() => undefined);
      return dest;
    }
    let pending = this.downloads.get(dest);
    if (!pending) {
      pending = (async () => {
        await fsp.mkdir(path.dirname(dest), { recursive: true });
        const tmp = `${dest}.${crypto.randomBytes(6).toString("hex")}.partial`;
        try {
          await pipeline(await this.get(key), fs.createWriteStream(tmp, { mode: 0o600 }));
          await fsp.rename(tmp, dest);
        } catch (err) {
          await fsp.rm(tmp, { force: true });
          throw err;
        }
        this.sweepSoon();
        return dest;
      })().finally(() => this.downloads.delete(dest));
      this.downloads.set(dest, pending);
    }
    return pending;
  }

  /** Removes the oldest cached copies past the cache's size (at most once a minute, in the background). */
  private sweepSoon(): void {
    if (Date.now() - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = Date.now();
    void sweepCache(this.settings.cacheDir, this.settings.cacheBytes).catch(() => undefined);
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }));
    await fsp.rm(this.cachePath(key), { force: true });
  }

  async deleteFolder(key: string): Promise<void> {
    const folder = this.objectKey(key).replace(/\/?$/, "/");
    if (folder === "/" || folder === this.settings.prefix) throw new Error(`refusing to delete the storage root (key ${JSON.stringify(key)})`);
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: folder, ContinuationToken: token }));
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length) await this.client.send(new DeleteObjectsCommand({ Bucket: this.settings.bucket, Delete: { Objects: keys, Quiet: true } }));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    await fsp.rm(this.cachePath(key), { recursive: true, force: true });
  }

  async list(prefix: string): Promise<string[]> {
    const folder = this.objectKey(prefix).replace(/\/?$/, "/");
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: folder, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key.slice(this.settings.prefix.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }
}

/** Deletes the least recently used files under `dir` until they total at most `maxBytes`. */
export async function sweepCache(dir: string, maxBytes: number, now = Date.now()): Promise<number> {
  const files: { file: string; size: number; used: number }[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const entry of await fsp.readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (entry.isFile() && !entry.name.endsWith(".partial")) {
        const st = await fsp.stat(p).catch(() => null);
        if (st) files.push({ file: p, size: st.size, used: Math.max(st.mtimeMs, st.atimeMs) });
      }
    }
  };
  await walk(dir);
  let total = files.reduce((n, f) => n + f.size, 0);
  let removed = 0;
  for (const f of files.sort((a, b) => a.used - b.used)) {
    if (total <= maxBytes) break;
    if (now - f.used < CACHE_MIN_AGE_MS) continue;
    await fsp.rm(f.file, { force: true });
    total -= f.size;
    removed++;
  }
  return removed;
}
