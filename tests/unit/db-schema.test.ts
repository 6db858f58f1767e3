/**
 * The PostgreSQL schema is generated from the one source (scripts/db/postgres-schema.ts): the
 * checked-in prisma/postgres/schema.prisma must be what the source gives today, and both schemas
 * must size Job.fileSize for uploads past 2 GiB.
 */
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { postgresSchema, SOURCE, TARGET } from "../../scripts/db/postgres-schema";

describe("the PostgreSQL schema variant", () => {
  const source = fs.readFileSync(SOURCE, "utf8");

  it("is current with prisma/schema.prisma (run npm run db:pg-schema after a schema change)", () => {
    expect(fs.readFileSync(TARGET, "utf8")).toBe(postgresSchema(source));
  });

  it("changes only the provider, the url and the client's output", () => {
    const pgText = postgresSchema(source);
    expect(pgText).toMatch(/provider = "postgresql"/);
    expect(pgText).toMatch(/output\s+= "\.\.\/\.\.\/lib\/generated\/prisma-pg"/);
    const models = (t: string) => t.slice(t.indexOf("enum Role"));
    expect(models(pgText)).toBe(models(source));
  });

  it("refuses a source it does not understand", () => {
    expect(() => postgresSchema(source.replace('provider = "sqlite"', 'provider = "mysql"'))).toThrow(/provider = "sqlite"/);
  });

  it("stores file sizes as 64-bit integers in both databases", () => {
    expect(source).toMatch(/fileSize\s+BigInt/);
    expect(fs.readFileSync("prisma/postgres/migrations/20261206000000_init/migration.sql", "utf8")).toMatch(/"fileSize" BIGINT NOT NULL/);
  });
});
