import { Command, CommanderError } from 'commander';
import { resolveDbPath } from '../config.ts';
import { createSqliteStore } from '../core/store/sqlite-store.ts';
import { runAuthor } from './author-command.ts';
import { runIngest } from './ingest-command.ts';
import { type CliIo, EXIT } from './io.ts';

interface DbOptions {
  db?: string;
  json?: boolean;
}

/**
 * Runs the `paperboy` command line and returns its exit code: 0 success, 1 bad input or not found,
 * 2 usage errors. Streams and environment come from `io`, so tests run it in-process.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const withStore = async (
    options: DbOptions,
    run: (store: ReturnType<typeof createSqliteStore>) => Promise<number> | number,
  ) => {
    const store = createSqliteStore(resolveDbPath(options.db, io.env));
    try {
      code = await run(store);
    } finally {
      store.close();
    }
  };
  const program = new Command('paperboy')
    .description('Research papers in team chat: ingest profile pages, search papers, answer in Discord and Slack.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run "paperboy --help" for usage)');

  program
    .command('ingest')
    .description('load profile pages (*.txt) and paper records (*.jsonl, *.jsonl.gz) from files or folders')
    .argument('<paths...>', 'files or folders, read recursively')
    .option('--db <file>', 'database file (default: $PAPERBOY_DB or data/paperboy.db)')
    .option('--json', 'print one JSON object with per-file results and totals')
    .action((paths: string[], options: DbOptions) =>
      withStore(options, (store) => runIngest(paths, store, io, !!options.json)),
    );

  program
    .command('author')
    .description('show what the database holds for an author')
    .argument('<name...>', "the researcher's name")
    .option('--db <file>', 'database file (default: $PAPERBOY_DB or data/paperboy.db)')
    .option('--json', 'print JSON')
    .action((name: string[], options: DbOptions) =>
      withStore(options, (store) => runAuthor(name.join(' '), store, io, !!options.json)),
    );

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0
        ? EXIT.ok
        : EXIT.usage;
    }
    throw error;
  }
  return code;
}
