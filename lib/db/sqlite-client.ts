import Database from "libsql";
import { LibsqlError } from "@libsql/client";
import type { Client, InArgs, InStatement, InValue, ResultSet, Row, Transaction, TransactionMode } from "@libsql/client";

type Connection = Database.Database;
type Statement = Database.Statement;
type Prepared = { stmt: Statement; reader: boolean; columns: string[]; columnTypes: string[] };

const STATEMENT_CACHE = 200;
// Longer SQL (multi-row INSERTs whose row count varies) is prepared for each use instead, so
// one-off statements neither hold memory nor push the hot ones out.
const CACHEABLE_SQL_CHARS = 4096;

/**
 * A @libsql/client `Client` for a local SQLite file, on one connection that stays open, with
 * prepared statements kept by SQL text. @libsql/client's own file client prepares every
 * statement again and opens a new connection (schema parsed again) after each transaction;
 * in the functions process that was most of the main thread's database time.
 *
 * Only PrismaLibSQL uses it (lib/db/adapter.ts). Sharing one connection with transactions is
 * safe there because the adapter holds its lock from startTransaction to commit or rollback,
 * so no other query of this client runs while a transaction is open. Rows are plain arrays
 * (the adapter reads them by index only).
 */
export class SqliteFileClient implements Client {
  closed = false;
  protocol = "file";
  private db: Connection;
  private cache = new Map<string, Prepared>();

  /**
   * `pragmas` run once on the connection. `writeTransactions`: every transaction takes the write
   * lock up front (BEGIN IMMEDIATE) whatever mode is asked for, so a transaction that reads and
   * then writes waits for another process's writer instead of failing with SQLITE_BUSY.
   */
  constructor(
    path: string,
    pragmas: string[],
    private opts: { writeTransactions?: boolean } = {},
  ) {
    this.db = new Database(path);
    // Pragmas answer with a row, which exec() refuses.
    for (const p of pragmas) this.run(p);
  }

  async execute(stmtOrSql: InStatement | string, args?: InArgs): Promise<ResultSet> {
    this.checkOpen();
    return this.run(typeof stmtOrSql === "string" ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql);
  }

  async batch(stmts: InStatement[], mode: TransactionMode = "deferred"): Promise<ResultSet[]> {
    this.checkOpen();
    this.exec(begin(this.opts.writeTransactions ? "write" : mode));
    try {
      const results = stmts.map((s) => this.run(s));
      this.exec("COMMIT");
      return results;
    } finally {
      if (this.db.inTransaction) this.exec("ROLLBACK");
    }
  }

  async transaction(mode: TransactionMode = "write"): Promise<Transaction> {
    this.checkOpen();
    this.exec(begin(this.opts.writeTransactions ? "write" : mode));
    return new SqliteFileTransaction(this.db, (s) => this.run(s), (sql) => this.exec(sql));
  }

  async executeMultiple(sql: string): Promise<void> {
    this.checkOpen();
    try {
      this.exec(sql);
    } finally {
      if (this.db.inTransaction) this.exec("ROLLBACK");
    }
  }

  async sync(): Promise<void> {
    // a local file: nothing to sync
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cache.clear();
    this.db.close();
  }

  /** Prepared statements kept (for tests and diagnostics). */
  get cachedStatements(): number {
    return this.cache.size;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error("the SQLite client is closed");
  }

  private exec(sql: string): void {
    try {
      this.db.exec(sql);
    } catch (e) {
      throw asLibsqlError(e);
    }
  }

  private prepared(sql: string): Prepared {
    const hit = this.cache.get(sql);
    if (hit) {
      // Least recently used first: move the hit to the end.
      this.cache.delete(sql);
      this.cache.set(sql, hit);
      return hit;
    }
    const stmt = this.db.prepare(sql);
    stmt.safeIntegers(true);
    const reader = stmt.reader;
    if (reader) stmt.raw(true);
    const cols = reader ? stmt.columns() : [];
    const prepared: Prepared = { stmt, reader, columns: cols.map((c) => c.name), columnTypes: cols.map((c) => c.type ?? "") };
    if (sql.length > CACHEABLE_SQL_CHARS) return prepared;
    this.cache.set(sql, prepared);
    if (this.cache.size > STATEMENT_CACHE) this.cache.delete(this.cache.keys().next().value as string);
    return prepared;
  }

  private run(stmt: InStatement): ResultSet {
    try {
      return this.runUnchecked(stmt);
    } catch (e) {
      throw asLibsqlError(e);
    }
  }

  private runUnchecked(stmt: InStatement): ResultSet {
    const sql = typeof stmt === "string" ? stmt : stmt.sql;
    const rawArgs = typeof stmt === "string" ? [] : (stmt.args ?? []);
    const args = Array.isArray(rawArgs) ? rawArgs.map(toSql) : namedArgs(rawArgs);
    const p = this.prepared(sql);
    if (p.reader) {
      const rows = (p.stmt.all(args) as unknown[][]).map((r) => r.map(fromSql));
      return resultSet(p.columns, p.columnTypes, rows as unknown as Row[], 0, undefined);
    }
    const info = p.stmt.run(args);
    return resultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
  }
}

class SqliteFileTransaction implements Transaction {
  constructor(
    private db: Connection,
    private runStmt: (s: InStatement) => ResultSet,
    private exec: (sql: string) => void,
  ) {}

  get closed(): boolean {
    return !this.db.inTransaction;
  }

  async execute(stmt: InStatement): Promise<ResultSet> {
    this.checkOpen();
    return this.runStmt(stmt);
  }

  async batch(stmts: InStatement[]): Promise<ResultSet[]> {
    return stmts.map((s) => {
      this.checkOpen();
      return this.runStmt(s);
    });
  }

  async executeMultiple(sql: string): Promise<void> {
    this.checkOpen();
    this.exec(sql);
  }

  async commit(): Promise<void> {
    this.checkOpen();
    this.exec("COMMIT");
  }

  async rollback(): Promise<void> {
    if (this.db.inTransaction) this.exec("ROLLBACK");
  }

  close(): void {
    if (this.db.inTransaction) this.exec("ROLLBACK");
  }

  private checkOpen(): void {
    if (this.closed) throw new Error("the transaction is closed");
  }
}

function begin(mode: TransactionMode): string {
  return mode === "write" ? "BEGIN IMMEDIATE" : mode === "read" ? "BEGIN TRANSACTION READONLY" : "BEGIN DEFERRED";
}

function resultSet(columns: string[], columnTypes: string[], rows: Row[], rowsAffected: number, lastInsertRowid: bigint | undefined): ResultSet {
  return { columns, columnTypes, rows, rowsAffected, lastInsertRowid, toJSON: () => ({ columns, columnTypes, rows, rowsAffected, lastInsertRowid: lastInsertRowid?.toString() }) };
}

/** SQLite's errors as @libsql/client raises them (code and rawCode, which Prisma's adapter maps to P2002 etc.). */
function asLibsqlError(e: unknown): unknown {
  if (e instanceof Error && !(e instanceof LibsqlError) && typeof (e as { code?: unknown }).code === "string") {
    const { code, rawCode } = e as Error & { code: string; rawCode?: number };
    return new LibsqlError(e.message, code, rawCode, e);
  }
  return e;
}

function toSql(value: InValue): unknown {
  if (value === undefined) throw new TypeError("undefined cannot be passed as argument to the database");
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.valueOf();
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (typeof value === "number" && !Number.isFinite(value)) throw new RangeError("only finite numbers can be stored in SQLite");
  if (typeof value === "bigint" && (value < MIN_I64 || value > MAX_I64)) throw new RangeError("this bigint does not fit a 64-bit SQLite integer");
  return value;
}

function namedArgs(args: Record<string, InValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(args)) out["@$:".includes(name[0]) ? name.slice(1) : name] = toSql(v);
  return out;
}

function fromSql(value: unknown): unknown {
  if (typeof value === "bigint") {
    if (value < MIN_SAFE || value > MAX_SAFE) throw new RangeError("an integer read from SQLite does not fit a JavaScript number");
    return Number(value);
  }
  if (Buffer.isBuffer(value)) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  return value;
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_I64 = -(2n ** 63n);
const MAX_I64 = 2n ** 63n - 1n;
