import type { Stores } from '../../cli/open-stores.ts';
import { pgAddressOf } from '../../config.ts';
import { PaperboyError } from '../../core/errors.ts';
import { createSqliteTextCache } from '../sqlite/sqlite-text-cache.ts';
import { createPgArxivState } from './pg-arxiv-state.ts';
import { createPgDigests } from './pg-digests.ts';
import { createPgEventLedger } from './pg-event-ledger.ts';
import { createPgInstanceLocks } from './pg-instance-locks.ts';
import { migratePg } from './pg-migrations.ts';
import { createPgPaperStore } from './pg-paper-store.ts';
import { createPgSession } from './pg-session.ts';
import { createPgTaste } from './pg-taste.ts';

// Errors that mean "no usable server at that address" rather than a bug: refused, unknown host, timed out, the
// server shutting down, a refused login, a database that does not exist.
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  '57P03',
  '28P01',
  '28000',
  '3D000',
]);

/** True for an error that says PostgreSQL cannot be reached or refused the login. */
export function isPgUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && UNREACHABLE.has(code)) return true;
  const message = (error as Error | undefined)?.message ?? '';
  return /Connection terminated|connect ECONN|timeout expired/i.test(message);
}

/** The message for a PostgreSQL that cannot be reached: the host and port and the variable, never the password. */
export function pgUnreachable(error: unknown, url: string): PaperboyError {
  let reason = (error as Error).message || String(error);
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password) reason = reason.split(password).join('***');
  } catch {}
  return new PaperboyError(
    'database_unreachable',
    `cannot reach PostgreSQL at ${pgAddressOf(url)} (DATABASE_URL): ${reason}. Check that the server runs and accepts connections there, and the user, password and database name in DATABASE_URL; or unset DATABASE_URL to use the SQLite file (PAPERBOY_DB).`,
  );
}

/**
 * The stores of an instance on PostgreSQL: one pool, the schema migrated (under its advisory lock), and a local
 * SQLite text cache at `searchPath` fed from the store by rev (its title snapshot goes beside it).
 */
export async function openPgStores(
  url: string,
  options: { label: string; searchPath: string },
): Promise<Omit<Stores, 'probe'>> {
  const session = createPgSession(url, { applicationName: `paperboy ${process.pid}` });
  try {
    await migratePg(session.pool);
  } catch (error) {
    await session.close().catch(() => {});
    throw isPgUnreachable(error) ? pgUnreachable(error, url) : error;
  }
  const locks = createPgInstanceLocks(session.pool);
  const text = createSqliteTextCache(options.searchPath);
  return {
    kind: 'postgres',
    label: options.label,
    store: createPgPaperStore(session),
    digests: createPgDigests(session),
    arxiv: createPgArxivState(session),
    events: createPgEventLedger(session),
    locks,
    text,
    taste: createPgTaste(session),
    searchPath: options.searchPath,
    papersAfter: async (rev) => {
      const { rows } = await session.query<{ n: string }>('SELECT count(*) AS n FROM papers WHERE rev > $1', [rev]);
      return Number(rows[0]?.n ?? 0);
    },
    close: async () => {
      text.close();
      await locks.close().catch(() => {});
      await session.close();
    },
  };
}
