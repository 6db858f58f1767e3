/**
 * The PostgreSQL variant of the Prisma schema, derived from the one source, prisma/schema.prisma
 * (SQLite): the same models, another provider, its own generated client
 * (lib/generated/prisma-pg). `npm run db:pg-schema` writes prisma/postgres/schema.prisma;
 * `--check` exits 1 when the file on disk is not what the source gives (tests/unit/db-schema.test.ts
 * runs the same check, so CI fails on a stale variant).
 */
import fs from "node:fs";
import path from "node:path";

export const SOURCE = path.join("prisma", "schema.prisma");
export const TARGET = path.join("prisma", "postgres", "schema.prisma");

const HEADER = `// GENERATED from prisma/schema.prisma by \`npm run db:pg-schema\` (scripts/db/postgres-schema.ts).
// Do not edit: change the source and run it again. PostgreSQL variant: DATABASE_URL=postgres://...
`;

/** The PostgreSQL schema text for a SQLite schema text. */
export function postgresSchema(source: string): string {
  let out = source;
  const swap = (from: RegExp, to: string, what: string) => {
    if (!from.test(out)) throw new Error(`prisma/schema.prisma: ${what} not found (the generator expects it)`);
    out = out.replace(from, to);
  };
  swap(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"', 'provider = "sqlite"');
  // The CLI reads a url at start-up; prisma/postgres/prisma.config.ts supplies the real adapter.
  swap(/url\s*=\s*"file:[^"]*"/, 'url      = "postgresql://folio@127.0.0.1:5432/folio"', 'a url = "file:..."');
  swap(/output\s*=\s*"\.\.\/lib\/generated\/prisma"/, 'output     = "../../lib/generated/prisma-pg"', 'output = "../lib/generated/prisma"');
  // SQLite-only native types would not parse for PostgreSQL.
  const sqliteOnly = /@db\.\w+/.exec(out);
  if (sqliteOnly) throw new Error(`prisma/schema.prisma uses ${sqliteOnly[0]}: give it a PostgreSQL mapping in scripts/db/postgres-schema.ts`);
  return HEADER + out.replace(/^\/\/ Folio data model\..*\n/, "");
}

function main(): void {
  const want = postgresSchema(fs.readFileSync(SOURCE, "utf8"));
  if (process.argv.includes("--check")) {
    const have = fs.existsSync(TARGET) ? fs.readFileSync(TARGET, "utf8") : "";
    if (have !== want) {
      console.error(`${TARGET} is not current: run npm run db:pg-schema`);
      process.exit(1);
    }
    return;
  }
  fs.mkdirSync(path.dirname(TARGET), { recursive: true });
  fs.writeFileSync(TARGET, want);
  console.log(`wrote ${TARGET}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) main();
