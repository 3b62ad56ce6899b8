import { createLogger } from '../adapters/logger.ts';
import { createTerminalPoster } from '../adapters/terminal/digest-poster.ts';
import { COLOUR, PLAIN } from '../adapters/terminal/render.ts';
import { loadConfig, resolveDbPath } from '../config.ts';
import type { Platform } from '../core/digest/digest-store.ts';
import { type DigestPoster, runDueDigests } from '../core/digest/run-digests.ts';
import { PaperboyError } from '../core/errors.ts';
import { openSearch } from '../core/search/open-search.ts';
import { createSqliteDigests } from '../core/store/sqlite-digests.ts';
import { createSqliteStore } from '../core/store/sqlite-store.ts';
import { type CliIo, EXIT, writeJson } from './io.ts';
import { platformPosters } from './platform-posters.ts';

/** `paperboy digest run [--now ISO] [--json]`: runs whatever is due at that time once, then exits. */
export async function runDigestRun(io: CliIo, flags: { db?: string; now?: string; json?: boolean }): Promise<number> {
  const config = loadConfig(io.env);
  const now = flags.now ? new Date(flags.now) : io.clock();
  if (Number.isNaN(now.getTime())) {
    throw new PaperboyError(
      'usage',
      `--now "${flags.now}" is not a time. Use ISO 8601, like 2026-03-30T09:00:00+02:00.`,
    );
  }
  const dbPath = resolveDbPath(flags.db, io.env);
  const store = createSqliteStore(dbPath);
  try {
    const { search } = openSearch(store, dbPath);
    const logger = createLogger(io.stderr);
    const style = io.stdout.isTTY && !io.env.NO_COLOR ? COLOUR : PLAIN;
    const posters: Partial<Record<Platform, DigestPoster>> = {
      ...platformPosters(config, logger),
      terminal: createTerminalPoster((text) => {
        if (!flags.json) io.stdout.write(`${text}\n`);
      }, style),
    };
    const outcomes = await runDueDigests({
      store,
      digests: createSqliteDigests(store.db),
      search,
      posters,
      now,
      maxLateMinutes: config.PAPERBOY_DIGEST_MAX_LATE,
      log: (line) => logger.info(line),
    });
    if (flags.json) writeJson(io, { digests: outcomes });
    return EXIT.ok;
  } finally {
    store.close();
  }
}
