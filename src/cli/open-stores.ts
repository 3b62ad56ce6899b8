import { DEFAULT_DB, envValue, maskUrl, readEnvFile, type StoreTarget } from '../config.ts';
import type { ArxivState } from '../core/arxiv/arxiv-state.ts';
import type { DigestStore } from '../core/digest/digest-store.ts';
import type { TasteStore } from '../core/foryou/taste-store.ts';
import type { TextIndex } from '../core/search/text-index.ts';
import type { EventLedger } from '../core/store/event-ledger.ts';
import type { InstanceLocks } from '../core/store/instance-locks.ts';
import type { PaperStore } from '../core/store/paper-store.ts';
import { probeOf, type StoreProbe, sqliteProbe } from './health-server.ts';

/** Everything a command needs of the store, on SQLite or PostgreSQL alike (issue 17). */
export interface Stores {
  kind: StoreTarget['kind'];
  /** The database file, or the PostgreSQL URL with its password masked: for logs, doctor and messages. */
  label: string;
  store: PaperStore;
  digests: DigestStore;
  arxiv: ArxivState;
  events: EventLedger;
  locks: InstanceLocks;
  text: TextIndex;
  /** Taste signals, posted single-paper messages and the papers' text features (docs/foryou.md). */
  taste: TasteStore;
  /** Where the title-index snapshot (and on PostgreSQL the text cache) live: `snapshotPathFor(searchPath)`. */
  searchPath: string;
  /** How many papers changed after `rev`: one cheap query, for readiness. Rejects when the store does not answer. */
  papersAfter(rev: number): Promise<number>;
  /** The same count for `/readyz`, synchronous (on PostgreSQL, the last answer; see `probeOf`). */
  probe: StoreProbe;
  close(): Promise<void>;
}

export interface OpenStoresOptions {
  /** SQLite: how long a call waits for another process's write lock (the bot's short wait). */
  busyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Told once when the search cache is in use by another process and a private copy is used. */
  log?: (line: string) => void;
}

/**
 * Opens the store a command runs on. SQLite: the file, its digests, arXiv state and event ledger in it, local
 * locks, the FTS5 table as text index. PostgreSQL: loaded only here (`await import`), so SQLite runs never load `pg`.
 */
export async function openStores(target: StoreTarget, options: OpenStoresOptions = {}): Promise<Stores> {
  if (target.kind === 'postgres') {
    openedPgUrl = target.url;
    const [{ openPgStores }, { takeSearchCache }] = await Promise.all([
      import('../adapters/postgres/open-pg-stores.ts'),
      import('./search-cache-lock.ts'),
    ]);
    const cache = takeSearchCache(searchCachePath(options.env ?? process.env), options.log);
    try {
      const stores = await openPgStores(target.url, { label: maskUrl(target.url), searchPath: cache.path });
      return {
        ...stores,
        probe: probeOf(stores.papersAfter),
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
  }
  const [
    { createSqliteStore },
    { createSqliteDigests },
    { createSqliteArxivState },
    { createSqliteEventLedger },
    { createLocalInstanceLocks },
    { createSqliteTextIndex },
    { createSqliteTaste },
  ] = await Promise.all([
    import('../adapters/sqlite/sqlite-store.ts'),
    import('../adapters/sqlite/sqlite-digests.ts'),
    import('../adapters/sqlite/sqlite-arxiv-state.ts'),
    import('../adapters/sqlite/sqlite-event-ledger.ts'),
    import('../core/store/instance-locks.ts'),
    import('../adapters/sqlite/sqlite-text-index.ts'),
    import('../adapters/sqlite/sqlite-taste.ts'),
  ]);
  const store = createSqliteStore(
    target.file,
    options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {},
  );
  const locks = createLocalInstanceLocks();
  const behind = store.db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM papers WHERE rev > ?');
  return {
    kind: 'sqlite',
    label: target.file,
    store,
    digests: createSqliteDigests(store.db),
    arxiv: createSqliteArxivState(store.db),
    events: createSqliteEventLedger(store.db),
    locks,
    text: createSqliteTextIndex(store.db),
    taste: createSqliteTaste(store.db),
    searchPath: target.file,
    papersAfter: async (rev) => behind.get(rev)?.n ?? 0,
    probe: sqliteProbe(store.db),
    close: async () => {
      await locks.close();
      await store.close();
    },
  };
}

let openedPgUrl: string | undefined;

/**
 * The PostgreSQL URL this process opened, if any: a connection lost in the middle of a command is reported with
 * its host and port (program.ts), not as a stack trace.
 */
export const pgUrlInUse = (): string | undefined => openedPgUrl;

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
