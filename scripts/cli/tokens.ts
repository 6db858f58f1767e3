/** `folio token create --email E [--name N] [--expires-days D]` */
import { z } from "zod";
import { CliError, emailOption, note, parseCommand, requireUser, withDb } from "./common";

export const TOKEN_USAGE = `Usage: folio token create --email E [--name N] [--expires-days D]

  Creates a personal API token for the user and prints it once on stdout.
  Use it as "Authorization: Bearer <token>", or export FOLIO_TOKEN=<token> for "folio process".`;

const schema = z.object({
  _: z.array(z.string()).max(0, "unexpected extra argument"),
  email: emailOption,
  name: z.string().trim().min(1).max(100).default("cli"),
  "expires-days": z.coerce.number({ message: "must be a number" }).int("must be a whole number").positive("must be positive").optional(),
});

export async function tokenCommand(sub: string | undefined, argv: string[]): Promise<number> {
  if (sub !== "create") throw new CliError(sub ? `Unknown command "token ${sub}".\n\n${TOKEN_USAGE}` : TOKEN_USAGE, sub ? 1 : 0);
  const args = parseCommand(argv, { email: { type: "string" }, name: { type: "string" }, "expires-days": { type: "string" } }, schema, TOKEN_USAGE);
  return withDb(async () => {
    const user = await requireUser(args.email);
    const { createApiToken } = await import("../../lib/auth/tokens");
    const created = await createApiToken(user.id, args.name, args["expires-days"]);
    console.log(created.token);
    const expiry = created.expiresAt ? `, expires ${created.expiresAt.toISOString()}` : "";
    note(`Token "${args.name}" for ${user.email} (prefix ${created.prefix}${expiry}). It is shown only this once: store it now,`);
    note(`e.g. export FOLIO_TOKEN=<token>  (then: npm run folio -- process book.pdf)`);
    return 0;
  });
}
