/** `folio user create --email E --password P [--admin] [--name N]` */
import { z } from "zod";
import { CliError, emailOption, formatZod, note, parseCommand, withDb } from "./common";

export const USER_USAGE = `Usage: folio user create --email E --password P [--admin] [--name N]

  Creates an account. Without --admin the app's own rule applies: the first account
  of a fresh installation becomes ADMIN, later ones USER.`;

const schema = z.object({
  _: z.array(z.string()).max(0, "unexpected extra argument"),
  email: emailOption,
  password: z.string({ message: "is required" }),
  admin: z.boolean().default(false),
  name: z.string().optional(),
});

export async function userCommand(sub: string | undefined, argv: string[]): Promise<number> {
  if (sub !== "create") throw new CliError(sub ? `Unknown command "user ${sub}".\n\n${USER_USAGE}` : USER_USAGE, sub ? 1 : 0);
  const args = parseCommand(argv, { email: { type: "string" }, password: { type: "string" }, admin: { type: "boolean" }, name: { type: "string" } }, schema, USER_USAGE);

  const { credentialsSchema, createUser } = await import("../../lib/users");
  // Validate before touching the database, with the app's own rules.
  const checked = credentialsSchema.safeParse({ email: args.email, password: args.password, name: args.name });
  if (!checked.success) throw new CliError(formatZod(checked.error));

  return withDb(async () => {
    const user = await createUser({ ...checked.data, role: args.admin ? "ADMIN" : undefined });
    console.log(`${user.id}\t${user.role}\t${user.email}`);
    note(`Created ${user.role === "ADMIN" ? "administrator" : "user"} ${user.email} (id ${user.id}).`);
    return 0;
  });
}
