import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createClient, LibsqlError, type Client } from "@libsql/client";
import { SqliteFileClient } from "@/lib/db/sqlite-client";

const dirs: string[] = [];
const clients: Client[] = [];

function open(): { ours: SqliteFileClient; upstream: Client; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "folio-sqlite-"));
  dirs.push(dir);
  const file = path.join(dir, "t.db");
  const ours = new SqliteFileClient(file, ["PRAGMA busy_timeout = 2000", "PRAGMA journal_mode = WAL"]);
  const upstream = createClient({ url: `file:${file}` });
  clients.push(ours, upstream);
  return { ours, upstream, file };
}

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const SCHEMA = `CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER NOT NULL, r REAL, b BLOB, s TEXT, at DATETIME);`;

describe("SqliteFileClient", () => {
  it("answers like @libsql/client: columns, declared types, values, rowsAffected", async () => {
    const { ours, upstream } = open();
    await ours.executeMultiple(SCHEMA);
    const ins = await ours.execute({ sql: "INSERT INTO t (id, n, r, b, s, at) VALUES (?, ?, ?, ?, ?, ?)", args: ["a", 42, 1.5, new Uint8Array([1, 2, 3]).buffer, null, "2026-01-01T00:00:00.000Z"] });
    expect(ins.rowsAffected).toBe(1);
    await ours.execute({ sql: "INSERT INTO t (id, n) VALUES (:id, :n)", args: { id: "b", n: true } });
    const sql = "SELECT id, n, r, b, s, at, n * 2 AS twice FROM t ORDER BY id";
    const a = await ours.execute(sql);
    const b = await upstream.execute(sql);
    expect(a.columns).toEqual(b.columns);
    expect(a.columnTypes).toEqual(b.columnTypes);
    const plain = (rows: ArrayLike<unknown>[]) => rows.map((r) => Array.from(r, (v) => (v instanceof ArrayBuffer ? [...new Uint8Array(v)] : v)));
    expect(plain(a.rows)).toEqual(plain(b.rows));
    expect(plain(a.rows)[0]).toEqual(["a", 42, 1.5, [1, 2, 3], null, "2026-01-01T00:00:00.000Z", 84]);
    const upd = await ours.execute({ sql: "UPDATE t SET n = n + 1", args: [] });
    expect(upd.rowsAffected).toBe(2);
  });

  it("reuses a prepared statement with new arguments, and re-prepares after a schema change", async () => {
    const { ours, upstream } = open();
    await ours.executeMultiple(SCHEMA);
    for (let i = 0; i < 5; i++) await ours.execute({ sql: "INSERT INTO t (id, n) VALUES (?, ?)", args: [`k${i}`, i] });
    const count = async (min: number) => Number((await ours.execute({ sql: "SELECT count(*) AS c FROM t WHERE n >= ?", args: [min] })).rows[0][0]);
    expect(await count(0)).toBe(5);
    expect(await count(3)).toBe(2);
    // Another connection changes the schema: the cached statement must still work.
    await upstream.execute("ALTER TABLE t ADD COLUMN extra TEXT");
    await upstream.execute("INSERT INTO t (id, n, extra) VALUES ('k9', 9, 'x')");
    expect(await count(3)).toBe(3);
    const star = await ours.execute("SELECT * FROM t WHERE id = 'k9'");
    expect(star.columns).toContain("extra");
  });

  it("keeps at most 200 statements, and does not keep long one-off SQL", async () => {
    const { ours } = open();
    await ours.executeMultiple(SCHEMA);
    const rows = 600; // about 4.8 KB of SQL
    const values = Array.from({ length: rows }, () => "(?, ?)").join(", ");
    const args = Array.from({ length: rows }, (_, i) => [`r${i}`, i]).flat();
    const kept = ours.cachedStatements;
    const res = await ours.execute({ sql: `INSERT INTO t (id, n) VALUES ${values}`, args });
    expect(res.rowsAffected).toBe(rows);
    expect(ours.cachedStatements).toBe(kept);
    await ours.execute("SELECT count(*) FROM t");
    expect(ours.cachedStatements).toBe(kept + 1);
    for (let i = 0; i < 250; i++) await ours.execute({ sql: `SELECT ${i} AS n, count(*) FROM t`, args: [] });
    expect(ours.cachedStatements).toBe(200);
    expect((await ours.execute("SELECT count(*) FROM t")).rows[0][0]).toBe(rows);
  });

  it("commits and rolls back transactions on its one connection", async () => {
    const { ours, upstream } = open();
    await ours.executeMultiple(SCHEMA);
    const tx = await ours.transaction("write");
    await tx.execute({ sql: "INSERT INTO t (id, n) VALUES (?, ?)", args: ["x", 1] });
    // Not visible to another connection before commit.
    expect((await upstream.execute("SELECT count(*) FROM t")).rows[0][0]).toBe(0);
    await tx.commit();
    expect(tx.closed).toBe(true);
    expect((await upstream.execute("SELECT count(*) FROM t")).rows[0][0]).toBe(1);

    const tx2 = await ours.transaction("write");
    await tx2.execute({ sql: "INSERT INTO t (id, n) VALUES (?, ?)", args: ["y", 2] });
    await tx2.rollback();
    await expect(tx2.execute("SELECT 1")).rejects.toThrow(/closed/);
    expect((await ours.execute("SELECT count(*) FROM t")).rows[0][0]).toBe(1);

    await expect(ours.batch([{ sql: "INSERT INTO t (id, n) VALUES ('z', 1)", args: [] }, { sql: "INSERT INTO t (id, n) VALUES ('z', 2)", args: [] }])).rejects.toThrow();
    // The failed batch left nothing behind and no transaction open.
    expect((await ours.execute("SELECT count(*) FROM t")).rows[0][0]).toBe(1);
    await ours.execute({ sql: "INSERT INTO t (id, n) VALUES ('w', 1)", args: [] });
    expect((await upstream.execute("SELECT count(*) FROM t")).rows[0][0]).toBe(2);
  });

  it("raises SQLite errors as LibsqlError with the raw code Prisma maps (unique violation 1555)", async () => {
    const { ours } = open();
    await ours.executeMultiple(SCHEMA);
    await ours.execute({ sql: "INSERT INTO t (id, n) VALUES (?, ?)", args: ["dup", 1] });
    const err = await ours.execute({ sql: "INSERT INTO t (id, n) VALUES (?, ?)", args: ["dup", 2] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibsqlError);
    expect((err as LibsqlError).code).toBe("SQLITE_CONSTRAINT_PRIMARYKEY");
    expect((err as LibsqlError).rawCode).toBe(1555);
    expect((err as Error).message).toMatch(/UNIQUE constraint failed: t\.id/);
    await expect(ours.execute({ sql: "INSERT INTO t (id, n) VALUES (?, ?)", args: ["u", undefined as unknown as null] })).rejects.toThrow(/undefined/);
    await expect(ours.execute("SELEC nonsense")).rejects.toBeInstanceOf(LibsqlError);
  });

  it("with writeTransactions, a read-then-write transaction holds the write lock from its start", async () => {
    const { ours, upstream, file } = open();
    await ours.executeMultiple(SCHEMA);
    // Prisma's adapter asks for "deferred": the read below would take a snapshot, another
    // process would commit, and the write would then fail at once with SQLITE_BUSY_SNAPSHOT.
    const deferred = await ours.transaction("deferred");
    await deferred.execute("SELECT count(*) FROM t");
    await upstream.execute("INSERT INTO t (id, n) VALUES ('other', 1)");
    await expect(deferred.execute("INSERT INTO t (id, n) VALUES ('mine', 1)")).rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_BUSY/) });
    await deferred.rollback();

    const safe = new SqliteFileClient(file, [], { writeTransactions: true });
    clients.push(safe);
    const tx = await safe.transaction("deferred");
    await tx.execute("SELECT count(*) FROM t");
    // The other writer now waits (and, with no busy timeout, fails) instead of invalidating our read.
    await expect(upstream.execute("INSERT INTO t (id, n) VALUES ('other2', 1)")).rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_BUSY/) });
    await tx.execute("INSERT INTO t (id, n) VALUES ('mine', 1)");
    await tx.commit();
    expect((await upstream.execute("SELECT id FROM t ORDER BY id")).rows.map((r) => r[0])).toEqual(["mine", "other"]);
  });

  it("waits for another writer's lock instead of failing (busy_timeout)", async () => {
    const { ours, upstream } = open();
    await ours.executeMultiple(SCHEMA);
    const other = await upstream.transaction("write");
    await other.execute("INSERT INTO t (id, n) VALUES ('held', 1)");
    setTimeout(() => void other.commit(), 300);
    const started = Date.now();
    // The driver is synchronous, so the timer above cannot commit while this write waits in the
    // same thread: it fails, but only after the 2 s busy timeout (without the pragma, at once).
    const err = await ours.execute("INSERT INTO t (id, n) VALUES ('mine', 2)").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibsqlError);
    expect((err as LibsqlError).code).toMatch(/^SQLITE_BUSY/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });
});
