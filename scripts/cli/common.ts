/** Shared plumbing for the `folio` CLI: argument parsing, errors, database access, exit. */
import path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { z } from "zod";

/** An expected failure: printed as-is (no stack) and mapped to an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses `argv` with node:util parseArgs (strict: unknown options are refused) and validates
 * the result with `schema`. Option names map to schema keys as written (`word-limit`).
 * Positionals arrive as `_`.
 */
export function parseCommand<S extends z.ZodType>(argv: string[], options: Options, schema: S, usage: string): z.output<S> {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${usage}`);
  }
  if (parsed.values.help) throw new CliError(usage, 0);
  const values = { ...parsed.values };
  delete values.help;
  const result = schema.safeParse({ ...values, _: parsed.positionals });
  if (!result.success) throw new CliError(`${formatZod(result.error)}\n\n${usage}`);
  return result.data;
}

/** `--email: Enter a valid email address.` one issue per line. */
export function formatZod(err: z.ZodError): string {
  return err.issues
    .map((i) => {
      const key = i.path.length ? String(i.path[0]) : "";
      const where = key === "_" ? "argument" : key ? `--${key}` : "input";
      return `${where}: ${i.message}`;
    })
    .join("\n");
}

/** A line for any thrown value: API errors as `error CODE: message`. */
export function describeError(err: unknown): string {
  if (err instanceof CliError) return err.message;
  if (err instanceof z.ZodError) return formatZod(err);
  const e = err as { name?: string; code?: unknown; message?: string; status?: number };
  if (e?.name === "ApiError" && typeof e.code === "string") return `error ${e.code}: ${e.message}`;
  return err instanceof Error ? (process.env.FOLIO_DEBUG ? (err.stack ?? err.message) : err.message) : String(err);
}

/**
 * The directory the user ran the command from. `npm run` switches to the package root and
 * keeps the original in INIT_CWD, so relative file arguments must be resolved against it.
 */
export function userPath(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

/**
 * Runs `fn` against the app's database after `prepare()` (secret + migrations), so the CLI
 * works on a fresh clone. Uses DATABASE_URL, or FOLIO_DATA_DIR/folio.db, like the app.
 */
export async function withDb<T>(fn: () => Promise<T>): Promise<T> {
  // Keep Prisma's migration chatter off stdout (a token must be the only thing printed there).
  process.env.FOLIO_QUIET ??= "1";
  const { prepare } = await import("../prepare");
  try {
    await prepare();
  } catch (err) {
    throw new CliError(
      `Could not prepare the database (${(err as Error).message.split("\n")[0]}).\n` +
        `Run "npx tsx scripts/prepare.ts" to see the migration output.`,
    );
  }
  const { db } = await import("../../lib/db");
  try {
    return await fn();
  } finally {
    await db.$disconnect().catch(() => undefined);
  }
}

/** The user with this email (case-insensitive, as stored) or a CliError. */
export async function requireUser(email: string) {
  const { db } = await import("../../lib/db");
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user) throw new CliError(`error USER_NOT_FOUND: No user with the email ${email}. Create one with "folio user create".`);
  return user;
}

export const emailOption = z.string({ message: "is required" }).trim().min(1, "is required");

/** Prints to stderr (messages for humans; stdout carries only results). */
export function note(msg: string): void {
  process.stderr.write(msg + "\n");
}

/** Waits for stdout to drain, then exits (process.exit alone can cut piped output short). */
export async function exit(code: number): Promise<never> {
  await new Promise<void>((resolve) => {
    if (process.stdout.writableLength === 0) return resolve();
    process.stdout.write("", () => resolve());
  });
  process.exit(code);
}
