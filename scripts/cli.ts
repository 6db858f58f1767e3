/**
 * Folio's command-line tool: `npm run folio -- <command>`.
 *
 *   user create --email E --password P [--admin] [--name N]
 *   token create --email E [--name N] [--expires-days D]
 *   credits grant --email E --amount N [--note T] | credits balance --email E
 *   process <file.pdf> [--url U] [--token T] [--out F] [--format json|csv|txt] ...
 *
 * Database commands work on the app's database (DATABASE_URL, or FOLIO_DATA_DIR/folio.db,
 * default ./data/folio.db) and migrate it first. `process` talks to a running app over HTTP.
 */
import { CliError, describeError, exit } from "./cli/common";
import { USER_USAGE, userCommand } from "./cli/users";
import { TOKEN_USAGE, tokenCommand } from "./cli/tokens";
import { CREDITS_USAGE, creditsCommand } from "./cli/credits";
import { PROCESS_USAGE, processCommand } from "./cli/process";

const USAGE = `Folio command-line tool

Usage: npm run folio -- <command> [options]

Accounts (on the local database: DATABASE_URL or FOLIO_DATA_DIR/folio.db, default ./data/folio.db)
  user create --email E --password P [--admin] [--name N]
  token create --email E [--name N] [--expires-days D]
  credits grant --email E --amount N [--note T]
  credits balance --email E

Books (against a running app)
  process <file.pdf> [--url U] [--token T] [--word-limit N] [--language L]
                     [--out FILE] [--format json|csv|txt] [--poll-ms MS] [--timeout-s S]

  help [command]     this text, or a command's options

Example:
  npm run folio -- user create --email me@example.com --password 'a long secret'
  export FOLIO_TOKEN=$(npm run -s folio -- token create --email me@example.com)
  npm run folio -- process book.pdf --out book.txt`;

const HELP: Record<string, string> = { user: USER_USAGE, token: TOKEN_USAGE, credits: CREDITS_USAGE, process: PROCESS_USAGE };

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "user":
      return userCommand(rest[0], rest.slice(1));
    case "token":
      return tokenCommand(rest[0], rest.slice(1));
    case "credits":
      return creditsCommand(rest[0], rest.slice(1));
    case "process":
      return processCommand(rest);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log((rest[0] && HELP[rest[0]]) || USAGE);
      return 0;
    default:
      throw new CliError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => exit(code),
  (err: unknown) => {
    const code = err instanceof CliError ? err.exitCode : 1;
    // Help asked for with -h is not an error: print it where help goes.
    (code === 0 ? process.stdout : process.stderr).write(describeError(err) + "\n");
    return exit(code);
  },
);
