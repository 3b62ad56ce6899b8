import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { PaperboyError } from '../../core/errors.ts';
import { createLocalInstanceLocks } from '../../core/store/instance-locks.ts';
import {
  type BackupResult,
  type FutureRun,
  STORE_CLOSED,
  type StoreContents,
  type StoreEngine,
  type StoreInspection,
  type StoreProbe,
  type Stores,
} from '../../core/store/store-engine.ts';
import { createSqliteArxivState } from './sqlite-arxiv-state.ts';
import { createSqliteDigests } from './sqlite-digests.ts';
import { createSqliteEnrichment } from './sqlite-enrichment.ts';
import { fromSqliteError } from './sqlite-errors.ts';
import { createSqliteEventLedger } from './sqlite-event-ledger.ts';
import { MIGRATIONS } from './sqlite-migrations.ts';
import { createSqliteStore, inspectSqliteFile } from './sqlite-store.ts';
import { createSqliteTaste } from './sqlite-taste.ts';
import { createSqliteTextIndex } from './sqlite-text-index.ts';

export interface SqliteEngineOptions {
  /** How long a call waits for another process's write lock (the bot's short wait). */
  busyTimeoutMs?: number;
}

/** The {@link StoreProbe} of a SQLite database: the count itself, at once. */
export function sqliteProbe(db: Database.Database): StoreProbe {
  return {
    behind: (rev) => {
      if (!db.open) throw new Error(STORE_CLOSED);
      try {
        return db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM papers WHERE rev > ?').get(rev)?.n ?? 0;
      } catch (error) {
        throw fromSqliteError(error);
      }
    },
  };
}

/**
 * The SQLite engine at `file`: the store, its digests, arXiv state and event ledger in that one file, local
 * instance locks, the FTS5 table as text index; doctor's facts (`quick_check`, schema version) and the online
 * backup.
 */
export function createSqliteEngine(file: string, options: SqliteEngineOptions = {}): StoreEngine {
  return {
    kind: 'sqlite',
    label: file,
    open: async (): Promise<Stores> => {
      const store = createSqliteStore(
        file,
        options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {},
      );
      const locks = createLocalInstanceLocks();
      const probe = sqliteProbe(store.db);
      return {
        kind: 'sqlite',
        label: file,
        store,
        digests: createSqliteDigests(store.db),
        arxiv: createSqliteArxivState(store.db),
        events: createSqliteEventLedger(store.db),
        enrichment: createSqliteEnrichment(store.db),
        taste: createSqliteTaste(store.db),
        locks,
        text: createSqliteTextIndex(store.db),
        searchPath: file,
        papersAfter: async (rev) => probe.behind(rev),
        probe,
        close: async () => {
          await locks.close();
          await store.close();
        },
      };
    },
    inspect: () => inspectSqlite(file),
    backup: (to) => backupSqlite(file, to),
  };
}

async function inspectSqlite(file: string): Promise<StoreInspection> {
  const base = { kind: 'sqlite' as const, where: file, version: 0, current: MIGRATIONS.length, close: async () => {} };
  if (!existsSync(file)) return { ...base, problem: { kind: 'missing' } };
  let facts: ReturnType<typeof inspectSqliteFile>;
  try {
    facts = inspectSqliteFile(file);
  } catch (error) {
    return { ...base, problem: { kind: 'unopenable', message: (error as Error).message } };
  }
  const inspected = { ...base, version: facts.version };
  if (facts.quickCheck !== 'ok') return { ...inspected, problem: { kind: 'damaged', message: facts.quickCheck } };
  if (facts.version === 0 && facts.tables > 0 && !facts.paperboy) return { ...inspected, problem: { kind: 'foreign' } };
  // A schema of another version: the store's statements may not prepare on it, so it is not opened.
  if (facts.version < MIGRATIONS.length) return inspected;
  let store: ReturnType<typeof createSqliteStore>;
  try {
    store = createSqliteStore(file, { readonly: true });
  } catch (error) {
    return { ...inspected, contents: { error: (error as Error).message, opened: false } };
  }
  const close = () => store.close();
  const version = store.db.pragma('user_version', { simple: true }) as number;
  try {
    const probe = sqliteProbe(store.db);
    const contents: StoreContents = {
      ...(await store.counts()),
      identity: await store.identity(),
      maxRev: await store.maxRev(),
      behind: async (rev) => probe.behind(rev),
      subscriptions: store.db.prepare('SELECT id, tz FROM subscriptions ORDER BY id').all() as {
        id: number;
        tz: string;
      }[],
      // SQLite's clock is this machine's.
      futureRuns: store.db
        .prepare(
          'SELECT id, subscription_id AS subscriptionId, due_at AS dueAt FROM digest_runs WHERE due_at > ? ORDER BY due_at',
        )
        .all(new Date().toISOString()) as FutureRun[],
    };
    return { ...inspected, version, contents, close };
  } catch (error) {
    return { ...inspected, version, contents: { error: (error as Error).message, opened: true }, close };
  }
}

/**
 * A consistent copy through SQLite's online backup (better-sqlite3's `.backup()`), safe while a bot or an ingest
 * writes: the copy is of one moment. Written beside `to` first and renamed once it passes `quick_check`, so `to`
 * is never half a database.
 */
async function backupSqlite(file: string, to: string): Promise<BackupResult> {
  const temp = `${to}.${process.pid}.tmp`;
  const source = createSqliteStore(file, { readonly: true });
  try {
    // After the first step, copy the rest in one step: pages a writer changes between steps make SQLite start over.
    await source.db.backup(temp, { progress: ({ totalPages }) => Math.max(100, totalPages) });
    const copy = createSqliteStore(temp, { readonly: true });
    try {
      const check = copy.db.pragma('quick_check', { simple: true });
      if (check !== 'ok')
        throw new PaperboyError(
          'file_unreadable',
          `the copy of ${file} failed quick_check (${String(check)}). Run the backup again.`,
        );
      const { papers, profiles } = await copy.counts();
      renameSync(temp, to);
      return { papers, profiles, bytes: statSync(to).size };
    } finally {
      await copy.close();
    }
  } catch (error) {
    throw fromSqliteError(error);
  } finally {
    await source.close();
    // Opening the copy (a WAL database) to check it made its -wal and -shm beside it: they go with it.
    for (const path of [temp, `${temp}-wal`, `${temp}-shm`]) rmSync(path, { force: true });
  }
}
