// Only what every command needs is imported here. Each command's action imports its own modules (`await
// import(...)`), so `--help` loads no command, `search` no ingest code, and only `start`, `digest` and
// `register-commands` load the Discord and Slack SDKs (docs/search.md, "Start"). A new command does the same.
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { isPaperboyError, PaperboyError } from '../core/errors.ts';
import { toPrintable } from '../core/text.ts';
import { type CliIo, EXIT } from './io.ts';
import type { Stores } from './open-stores.ts';
import { interruptedExit } from './shutdown.ts';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a whole number of 1 or more, got "${value}".`);
  return n;
}

function limitInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new InvalidArgumentError(`expected a whole number from 1 to 100, got "${value}".`);
  return n;
}

const DB_HELP = 'SQLite database file (default: $PAPERBOY_DB from the environment or .env, else data/paperboy.db)';

interface DbOptions {
  db?: string;
  json?: boolean;
}

/**
 * Runs the `paperboy` command line and returns its exit code: 0 success, 1 bad input or not found,
 * 2 usage errors. Streams and environment come from `io`, so tests run it in-process.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    const { PAPERBOY_VERSION } = await import('../config.ts');
    io.stdout.write(`${PAPERBOY_VERSION}\n`);
    return EXIT.ok;
  }
  let code: number = EXIT.ok;
  const withStore = async (options: DbOptions, run: (stores: Stores) => Promise<number> | number) => {
    const [{ resolveStoreTarget }, { openStores }] = await Promise.all([
      import('../config.ts'),
      import('./open-stores.ts'),
    ]);
    const stores = await openStores(resolveStoreTarget(options.db, io.env), {
      env: io.env,
      log: (line) => io.stderr.write(`${line}\n`),
    });
    try {
      code = await run(stores);
    } finally {
      await stores.close();
    }
  };
  const program = new Command('paperboy')
    .description('Research papers in team chat: ingest profile pages, search papers, answer in Discord and Slack.')
    // Answered before commander (above), reading package.json only then; listed here for --help.
    .option('-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run "paperboy --help" for usage)');

  program
    .command('ingest')
    .description('load profile pages (*.txt) and paper records (*.jsonl, *.jsonl.gz) from files or folders')
    .argument('<paths...>', 'files or folders, read recursively')
    .option('--db <file>', DB_HELP)
    .option('--json', 'print one JSON object with per-file results and totals')
    .option(
      '--announce',
      'announce every new paper of the records in digests (default: only records dated in the 7 days before now)',
    )
    .action(async (paths: string[], options: DbOptions & { announce?: boolean }) => {
      const { runIngest } = await import('./ingest-command.ts');
      return withStore(options, ({ store, searchPath, taste }) =>
        runIngest(paths, store, io, !!options.json, searchPath, taste, { announceAll: !!options.announce }),
      );
    });

  program
    .command('author')
    .description('show what the database holds for an author')
    .argument('<name...>', "the researcher's name")
    .option('--db <file>', DB_HELP)
    .option('--json', 'print JSON')
    .action(async (name: string[], options: DbOptions) => {
      const { runAuthor } = await import('./author-command.ts');
      return withStore(options, ({ store, enrichment }) =>
        runAuthor(name.join(' '), store, io, !!options.json, enrichment),
      );
    });

  program
    .command('search')
    .description('search papers with the query language (QUERY "-" reads one query per line from standard input)')
    .argument(
      '<query...>',
      'words, "phrases", -excluded, author:"Name", cat:CL, aff:x, year:2023, since:, before:, has:code, sort:date',
    )
    .option('--db <file>', DB_HELP)
    .option('--limit <n>', 'results per page, at most 100', positiveInt, 10)
    .option('--page <n>', 'page number', positiveInt, 1)
    .option('--json', 'print JSON (one object per line with QUERY "-")')
    .addHelpText(
      'after',
      `
Quote the whole query for the shell, so that a "phrase" or by:"Two Names" keeps its quotes:
  paperboy search 'moral self-correction by:"Deep Ganguli" since:2023'
  paperboy search '"language models" -survey has:code' --json`,
    )
    // `paperboy search models -survey`: a word after "-" is an excluded word of the query language, not an option.
    .allowUnknownOption()
    .action(async (words: string[], options: DbOptions & { limit: number; page: number }, command: Command) => {
      const mistyped = words.find((w) => /^--[^\s"]/.test(w));
      if (mistyped) command.error(`error: unknown option '${mistyped}'`, { code: 'commander.unknownOption' });
      const [{ openSearch }, { runSearch }] = await Promise.all([
        import('../core/search/open-search.ts'),
        import('./search-command.ts'),
      ]);
      return withStore(options, async ({ store, text, searchPath, enrichment }) => {
        const { search } = await openSearch({ store, text, citations: enrichment }, searchPath);
        return runSearch(words.join(' '), search, io, {
          limit: options.limit,
          page: options.page,
          json: !!options.json,
        });
      });
    });

  program
    .command('recommend')
    .description("papers of a window ranked by a person's or a channel's taste (what they saved, liked and dismissed)")
    .option(
      '--user <key>',
      "PLATFORM:SPACE:USER (slack:T…:U…, discord:GUILD:USER, discord:dm:USER) or a terminal name (default: the terminal's reader)",
    )
    .option('--channel <key>', "PLATFORM:SPACE:CHANNEL: the channel's taste (its Likes, Not interested and reactions)")
    .option('--since <date>', 'first day, YYYY-MM-DD (UTC; default: 7 days before --until)')
    .option('--until <date>', 'day after the last, YYYY-MM-DD (default: the day after the newest paper)')
    .option('--limit <n>', 'papers to show, 1 to 100', limitInt, 10)
    .option('--db <file>', DB_HELP)
    .option('--json', 'print { for, since, until, candidates, trained, results: [ search --json result + why ] }')
    .action(
      async (
        options: DbOptions & { user?: string; channel?: string; since?: string; until?: string; limit: number },
      ) => {
        const { runRecommend, checkRecommendFlags } = await import('./recommend-command.ts');
        checkRecommendFlags(options);
        return withStore(options, ({ store, taste }) =>
          runRecommend({ ...options, json: !!options.json }, { store, taste }, io),
        );
      },
    );

  const saved = program.command('saved').description('reading lists');
  saved
    .command('import')
    .description('import a BibTeX library (Zotero, Better BibTeX, JabRef) into a reading list and its taste')
    .argument('<file>', 'the .bib file (at most 10 MB)')
    .option('--user <key>', "PLATFORM:SPACE:USER or a terminal name (default: the terminal's reader)")
    .option('--db <file>', DB_HELP)
    .option(
      '--json',
      'print { user, entries, matched, added, unmatched: [ { key, title } ], errors: [ { line, message } ] }',
    )
    .action(async (file: string, options: DbOptions & { user?: string }) => {
      const { runSavedImport, importReader, readBibFile } = await import('./saved-import-command.ts');
      const reader = importReader(options.user);
      const library = await readBibFile(file);
      return withStore(options, ({ store, taste }) =>
        runSavedImport(file, reader, library, { store, taste }, io, !!options.json),
      );
    });

  program
    .command('bibtex')
    .description('print BibTeX entries for papers (ids shown on cards and by search, arXiv ids or links, DOIs)')
    .argument('<ids...>', 'paper ids, arXiv ids or links, DOIs (10.1038/nature14539, https://doi.org/…)')
    .option('--db <file>', DB_HELP)
    .action(async (ids: string[], options: DbOptions) => {
      const { runBibtex } = await import('./bibtex-command.ts');
      return withStore(options, ({ store }) => runBibtex(ids, store, io));
    });

  program
    .command('paper')
    .description('the paper behind an arXiv link or id, or a DOI (looked up on arXiv unless PAPERBOY_ARXIV_LOOKUP=off)')
    .argument('<link...>', 'https://arxiv.org/abs/2310.13548v2, arXiv:2310.13548, 2310.13548, hep-th/9901001, doi:10.…')
    .option('--db <file>', DB_HELP)
    .option('--json', 'print the paper as search --json shows it, without score')
    .action(async (link: string[], options: DbOptions) => {
      const [{ runPaper }, { linkLookupFor }] = await Promise.all([
        import('./paper-command.ts'),
        import('./link-lookup.ts'),
      ]);
      return withStore(options, ({ store }) =>
        runPaper(link.join(' '), store, io, { json: !!options.json, arxiv: linkLookupFor(io.env) }),
      );
    });

  program
    .command('start')
    .description('load data/profiles, then chat: on Discord/Slack when configured, else here in the terminal')
    .option('--db <file>', DB_HELP)
    .option('--profiles <dir>', 'profile pages to load first (default: $PAPERBOY_PROFILES or data/profiles)')
    .action(async (options: { db?: string; profiles?: string }) => {
      const { runStart } = await import('./start-command.ts');
      code = await runStart(io, options);
    });

  const digest = program.command('digest').description('daily digests');
  digest
    .command('run')
    .description('run the digests due at a time once, then exit (for cron-style deployments and tests)')
    .option('--now <iso-time>', 'the time to run at (default: now)')
    .option('--db <file>', DB_HELP)
    .option(
      '--json',
      'print { digests: [ { subscription, channel, platform, status, papers } ] }, papers as search --json shows them',
    )
    .action(async (options: { now?: string; db?: string; json?: boolean }) => {
      const { runDigestRun } = await import('./digest-command.ts');
      code = await runDigestRun(io, options);
    });

  // arXiv: the daily listing, lookups by id or link, and earlier papers through OAI-PMH. Loaded when
  // used, so other commands do not load the XML parser at start.
  const arxiv = program.command('arxiv').description('arXiv as a source of papers (politely: one request every 3 s)');
  const CATEGORIES_HELP = 'arXiv categories, comma-separated (default: $PAPERBOY_ARXIV_CATEGORIES)';
  arxiv
    .command('sync')
    .description("fetch today's listing of the categories once and store it (new papers reach the next digests)")
    .option('--categories <list>', CATEGORIES_HELP)
    .option('--db <file>', DB_HELP)
    .option('--json', 'print { feed, updated, entries, new, cross, replaced, newPapers, quiet }')
    .action(async (options: DbOptions & { categories?: string }) => {
      const [{ loadConfig }, { runArxivSync }] = await Promise.all([
        import('../config.ts'),
        import('./arxiv-command.ts'),
      ]);
      const config = loadConfig(io.env);
      return withStore(options, (stores) => runArxivSync(io, stores, config, options));
    });
  arxiv
    .command('add')
    .description('look papers up on arXiv by id or link and store them (searchable, not announced in digests)')
    .argument('<ids...>', 'arXiv ids or links: 2310.13548, arXiv:2310.13548v2, https://arxiv.org/abs/2310.13548')
    .option('--db <file>', DB_HELP)
    .option('--json', 'print { requested, papers: [ { id, arxivId } ], missing, newPapers }')
    .action(async (ids: string[], options: DbOptions) => {
      const [{ loadConfig }, { runArxivAdd }] = await Promise.all([
        import('../config.ts'),
        import('./arxiv-command.ts'),
      ]);
      const config = loadConfig(io.env);
      return withStore(options, (stores) => runArxivAdd(io, stores, config, ids, options));
    });
  arxiv
    .command('backfill')
    .description('load earlier papers through OAI-PMH (not announced); Ctrl-C stops it, running it again continues')
    .requiredOption('--from <day>', 'first day, YYYY-MM-DD')
    .option('--until <day>', 'last day, YYYY-MM-DD (default: today)')
    .option('--categories <list>', CATEGORIES_HELP)
    .option('--db <file>', DB_HELP)
    .option('--json', 'print { from, until, categories, pages, entries, newPapers, resumed, complete }')
    .action(async (options: DbOptions & { from: string; until?: string; categories?: string }) => {
      const [{ loadConfig }, { runArxivBackfill }] = await Promise.all([
        import('../config.ts'),
        import('./arxiv-command.ts'),
      ]);
      const config = loadConfig(io.env);
      return withStore(options, (stores) => runArxivBackfill(io, stores, config, options));
    });

  // OpenAlex and Semantic Scholar (optional, off by default): figures for the papers that are due, for cron.
  program
    .command('enrich')
    .description(
      'ask OpenAlex and Semantic Scholar (those switched on) for citations, published versions and TL;DRs of the papers that are due',
    )
    .option('--since <day>', "only papers dated on or after this day, YYYY-MM-DD (the paper's date)")
    .option('--limit <n>', 'at most this many papers', positiveInt)
    .option('--db <file>', DB_HELP)
    .option('--json', 'print { papers, updated, notFound, failed, authors }')
    .action(async (options: DbOptions & { since?: string; limit?: number }) => {
      const [{ loadConfig }, { runEnrich, requireServices, sinceOf }] = await Promise.all([
        import('../config.ts'),
        import('./enrich-command.ts'),
      ]);
      const config = loadConfig(io.env);
      requireServices(config);
      sinceOf(options.since);
      return withStore(options, (stores) => runEnrich(io, stores, config, options));
    });

  program
    .command('register-commands')
    .description('register the Discord slash commands (one bulk overwrite: running it twice changes nothing)')
    .option('--guild <id>', 'register in one server (instant) instead of globally')
    .action(async (options: { guild?: string }) => {
      const [{ loadConfig }, { registerCommands, FIND_PAPER }] = await Promise.all([
        import('../config.ts'),
        import('../adapters/discord/commands.ts'),
      ]);
      const config = loadConfig(io.env);
      if (!config.DISCORD_TOKEN || !config.DISCORD_APP_ID) {
        throw new PaperboyError(
          'invalid_config',
          'register-commands needs DISCORD_TOKEN and DISCORD_APP_ID (the application id from the Developer Portal). Set both in the environment or .env.',
        );
      }
      const names = await registerCommands({
        token: config.DISCORD_TOKEN,
        appId: config.DISCORD_APP_ID,
        apiUrl: config.DISCORD_API_URL,
        ...(options.guild ? { guildId: options.guild } : {}),
      });
      io.stdout.write(
        `registered ${names.map((n) => (n === FIND_PAPER ? `"${n}" (message command)` : `/${n}`)).join(', ')} ${options.guild ? `in server ${options.guild}` : 'globally'}\n`,
      );
    });

  program
    .command('doctor')
    .description('check the set-up: database, snapshot, profiles, each configured platform; says how to fix each')
    .option('--db <file>', DB_HELP)
    .option('--guild <id>', 'check the Discord commands registered in this server instead of the global ones')
    .option('--json', 'print { ok, checks: [ { id, status, message, fix } ] }')
    .action(async (options: { db?: string; guild?: string; json?: boolean }) => {
      const { runDoctor } = await import('./doctor-command.ts');
      code = await runDoctor(io, options);
    });

  program
    .command('backup')
    .description('write a consistent copy of the database to FILE, safe while Paperboy runs')
    .argument('<file>', 'where the copy goes (replaced when it exists)')
    .option('--db <file>', DB_HELP)
    .action(async (file: string, options: { db?: string }) => {
      const { runBackup } = await import('./backup-command.ts');
      code = await runBackup(io, file, options);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (isPaperboyError(error)) {
      // Messages quote what they refused (a query, a line of a page): nothing in it may drive the terminal.
      io.stderr.write(toPrintable(`error: ${error.message}\n`));
      // Stopped by SIGINT/SIGTERM before it finished (arXiv's answer cut short): 130/143, as docs/commands.md promises.
      if (io.signal?.aborted && error.code !== 'usage') return interruptedExit(io.signal);
      return error.code === 'usage' ? EXIT.usage : EXIT.failed;
    }
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0
        ? EXIT.ok
        : EXIT.usage;
    }
    throw error;
  }
  return code;
}
