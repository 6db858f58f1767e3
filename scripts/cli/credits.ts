/** `folio credits grant --email E --amount N [--note T]` and `folio credits balance --email E` */
import { z } from "zod";
import { CliError, emailOption, note, parseCommand, requireUser, withDb } from "./common";

export const CREDITS_USAGE = `Usage: folio credits grant --email E --amount N [--note T]
       folio credits balance --email E

  One credit processes one page.`;

const none = z.array(z.string()).max(0, "unexpected extra argument");

const grantSchema = z.object({
  _: none,
  email: emailOption,
  amount: z.coerce.number({ message: "must be a number" }).int("must be a whole number").positive("must be positive"),
  note: z.string().max(500).optional(),
});

const balanceSchema = z.object({ _: none, email: emailOption });

export async function creditsCommand(sub: string | undefined, argv: string[]): Promise<number> {
  if (sub === "grant") {
    const args = parseCommand(argv, { email: { type: "string" }, amount: { type: "string" }, note: { type: "string" } }, grantSchema, CREDITS_USAGE);
    return withDb(async () => {
      const user = await requireUser(args.email);
      const { grantCredits, creditBalance } = await import("../../lib/credits");
      await grantCredits(user.id, args.amount, args.note ?? "granted with the CLI");
      const balance = await creditBalance(user.id);
      console.log(balance);
      note(`Granted ${args.amount} credits to ${user.email}; balance is now ${balance}.`);
      return 0;
    });
  }
  if (sub === "balance") {
    const args = parseCommand(argv, { email: { type: "string" } }, balanceSchema, CREDITS_USAGE);
    return withDb(async () => {
      const user = await requireUser(args.email);
      const { creditBalance } = await import("../../lib/credits");
      console.log(await creditBalance(user.id));
      return 0;
    });
  }
  throw new CliError(sub ? `Unknown command "credits ${sub}".\n\n${CREDITS_USAGE}` : CREDITS_USAGE, sub ? 1 : 0);
}
