/**
 * PostgreSQL through @prisma/adapter-pg (used when DATABASE_URL is postgres:// or postgresql://).
 *
 * The pg Client given to the pool rewrites result columns of PostgreSQL's internal types
 * `"char"` (OID 18) and `name` (OID 19) to `text` (OID 25): Prisma 6.19's WASM schema engine
 * cannot read them and `prisma migrate deploy` failed with "Column type 'name' could not be
 * deserialized" (prisma/orm issue 27403; ../shared/ENVIRONMENT.md). Both forms of `query`
 * (promise and callback) are covered. The pool gets host, port, user and database as fields, not
 * a connection string, so a shadow-database setting given by the CLI is not overridden.
 */
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";

const INTERNAL_TEXT_TYPES = new Set([18, 19]);
const TEXT_OID = 25;

type Fields = { dataTypeID: number }[] | undefined;
function asText<R extends { fields?: Fields }>(result: R): R {
  for (const f of result?.fields ?? []) if (INTERNAL_TEXT_TYPES.has(f.dataTypeID)) f.dataTypeID = TEXT_OID;
  return result;
}

/** pg.Client whose results never carry the `"char"` and `name` types (see above). */
export class TextNamesClient extends pg.Client {
  // pg's query has many overloads; the arguments pass through unchanged, only results are touched.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- forwards every overload of pg's query
  query(...args: any[]): any {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      args[args.length - 1] = (err: Error | null, res: { fields?: Fields }) => last(err, res ? asText(res) : res);
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const out = (super.query as (...a: unknown[]) => unknown)(...args);
    if (out && typeof (out as Promise<unknown>).then === "function") return (out as Promise<{ fields?: Fields }>).then(asText);
    return out;
  }
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Pool settings from a postgres:// URL, as fields (host, port, user, password, database, options). */
export function poolConfig(url: string, extra: pg.PoolConfig = {}): pg.PoolConfig {
  const u = new URL(url);
  const params = u.searchParams;
  const host = params.get("host") ?? decodeURIComponent(u.hostname || "127.0.0.1");
  return {
    host,
    port: u.port ? Number(u.port) : Number(params.get("port") ?? 5432),
    user: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.replace(/^\//, "")) || undefined,
    ssl: params.get("sslmode") === "require" ? { rejectUnauthorized: false } : undefined,
    max: Number(process.env.FOLIO_PG_POOL_MAX ?? 10),
    Client: TextNamesClient,
    ...extra,
  };
}

/** The schema named by `?schema=` (Prisma's convention), if any. */
export function schemaOf(url: string): string | undefined {
  return new URL(url).searchParams.get("schema") ?? undefined;
}

export function postgresAdapter(url: string): PrismaPg {
  return new PrismaPg(poolConfig(url), { schema: schemaOf(url) });
}
