import { DEFAULT_DB, envValue, readEnvFile, type StoreTarget } from '../config.ts';
import type { StoreEngine, Stores } from '../core/store/store-engine.ts';

export type { Stores } from '../core/store/store-engine.ts';

export interface OpenStoresOptions {
  /** SQLite: how long a call waits for another process's write lock (the bot's short wait). */
  busyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Told once when the search cache is in use by another process and a private copy is used. */
  log?: (line: string) => void;
}

/**
 * The storage engine a command runs on: the one place the CLI chooses between SQLite and PostgreSQL. Each is
 * loaded only here (`await import`), so SQLite runs never load `pg`. On PostgreSQL, opening takes this instance's
 * local search cache (a private copy when another process holds it) and gives it back at close.
 */
export async function engineFor(target: StoreTarget, options: OpenStoresOptions = {}): Promise<StoreEngine> {
  if (target.kind === 'sqlite') {
    const { createSqliteEngine } = await import('../adapters/sqlite/sqlite-engine.ts');
    return createSqliteEngine(
      target.file,
      options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {},
    );
  }
  const [{ createPgEngine }, { takeSearchCache }] = await Promise.all([
    import('../adapters/postgres/pg-engine.ts'),
    import('./search-cache-lock.ts'),
  ]);
  const searchPath = searchCachePath(options.env ?? process.env);
  const engine = createPgEngine(target.url, { searchPath });
  return {
    ...engine,
    open: async () => {
      const cache = takeSearchCache(searchPath, options.log);
      try {
        const stores = await createPgEngine(target.url, { searchPath: cache.path }).open();
        return {
          ...stores,
          close: async () => {
            try {
              await stores.close();
            } finally {
              cache.release();
            }
          },
        };
      } catch (error) {
        cache.release();
        throw error;
      }
    },
  };
}

/** Opens the stores a command runs on, on the engine {@link engineFor} chooses. */
export async function openStores(target: StoreTarget, options: OpenStoresOptions = {}): Promise<Stores> {
  return (await engineFor(target, options)).open();
}

/**
 * The local search cache of an instance on PostgreSQL: `PAPERBOY_SEARCH_CACHE` (environment, then `.env`), else
 * `data/paperboy-search-cache.sqlite` beside the default database.
 */
export function searchCachePath(env: NodeJS.ProcessEnv): string {
  return (
    envValue(env, 'PAPERBOY_SEARCH_CACHE') ??
    envValue(readEnvFile(), 'PAPERBOY_SEARCH_CACHE') ??
    DEFAULT_DB.replace(/paperboy\.db$/, 'paperboy-search-cache.sqlite')
  );
}
