import { maskUrl, pgAddressOf } from '../../config.ts';
import { probeOf, type StoreEngine, type StoreInspection, type Stores } from '../../core/store/store-engine.ts';
import { createSqliteTextCache } from '../sqlite/sqlite-text-cache.ts';
import { createPgArxivState } from './pg-arxiv-state.ts';
import { createPgDigests } from './pg-digests.ts';
import { createPgEnrichment } from './pg-enrichment.ts';
import { fromPgError, isPgUnreachable, pgUnreachable, translatingErrors } from './pg-errors.ts';
import { createPgEventLedger } from './pg-event-ledger.ts';
import { createPgInstanceLocks } from './pg-instance-locks.ts';
import { migratePg, PG_MIGRATIONS, pgSchemaVersion } from './pg-migrations.ts';
import { createPgPaperStore } from './pg-paper-store.ts';
import { createPgSession, type PgSession } from './pg-session.ts';
import { createPgTaste } from './pg-taste.ts';

export interface PgEngineOptions {
  /** The local SQLite text cache of this instance (its title snapshot goes beside it). */
  searchPath: string;
}

const papersAfter = async (session: PgSession, rev: number) => {
  const { rows } = await session.query<{ n: string }>('SELECT count(*) AS n FROM papers WHERE rev > $1', [rev]);
  return Number(rows[0]?.n ?? 0);
};

/**
 * The PostgreSQL engine at `url`: one pool, the schema migrated (under its advisory lock), and a local SQLite
 * text cache at `searchPath` fed from the store by rev. Its errors reach the caller as Paperboy's
 * (`database_unreachable`, `database_refused`). No backup of its own: `pg_dump` does that.
 */
export function createPgEngine(url: string, options: PgEngineOptions): StoreEngine {
  const translate = (error: unknown) => fromPgError(error, url);
  return {
    kind: 'postgres',
    label: maskUrl(url),
    // The variable's name in the example, never its value: the command is pasted as it is, in a shell that has it.
    backupAdvice:
      'the store is PostgreSQL (DATABASE_URL); back it up with pg_dump, for example: pg_dump --format=custom --file=paperboy.dump "$DATABASE_URL"',
    open: async (): Promise<Stores> => {
      const session = createPgSession(url, { applicationName: `paperboy ${process.pid}` });
      try {
        await migratePg(session.pool);
      } catch (error) {
        await session.close().catch(() => {});
        throw translate(error);
      }
      const locks = createPgInstanceLocks(session.pool);
      const text = createSqliteTextCache(options.searchPath);
      const count = (rev: number) => papersAfter(session, rev);
      return {
        kind: 'postgres',
        label: maskUrl(url),
        ...translatingErrors(
          {
            store: createPgPaperStore(session),
            digests: createPgDigests(session),
            arxiv: createPgArxivState(session),
            events: createPgEventLedger(session),
            enrichment: createPgEnrichment(session),
            taste: createPgTaste(session),
            locks,
          },
          translate,
        ),
        text,
        searchPath: options.searchPath,
        papersAfter: (rev) => count(rev).catch((error: unknown) => Promise.reject(translate(error))),
        probe: probeOf(count),
        close: async () => {
          text.close();
          await locks.close().catch(() => {});
          await session.close();
        },
      };
    },
    inspect: () => inspectPg(url),
  };
}

/** Connects once (a pool of one), reads the schema version, counts and subscriptions' time zones. */
async function inspectPg(url: string): Promise<StoreInspection> {
  const session = createPgSession(url, { max: 1, applicationName: 'paperboy doctor' });
  const close = () => session.close().catch(() => {});
  const base = { kind: 'postgres' as const, where: pgAddressOf(url), current: PG_MIGRATIONS.length, close };
  try {
    const version = await pgSchemaVersion(session.pool);
    if (version !== PG_MIGRATIONS.length) return { ...base, version };
    const store = createPgPaperStore(session);
    const { rows } = await session.query<{ id: string; tz: string }>('SELECT id, tz FROM subscriptions ORDER BY id');
    const future = await session.query<{ id: string; subscription_id: string; due_at: Date }>(
      'SELECT id, subscription_id, due_at FROM digest_runs WHERE due_at > now() ORDER BY due_at',
    );
    return {
      ...base,
      version,
      contents: {
        ...(await store.counts()),
        identity: await store.identity(),
        maxRev: await store.maxRev(),
        behind: (rev) => papersAfter(session, rev),
        subscriptions: rows.map((r) => ({ id: Number(r.id), tz: r.tz })),
        futureRuns: future.rows.map((r) => ({
          id: Number(r.id),
          subscriptionId: Number(r.subscription_id),
          dueAt: r.due_at.toISOString(),
        })),
      },
    };
  } catch (error) {
    await close();
    const message = isPgUnreachable(error)
      ? pgUnreachable(error, url).message
      : `PostgreSQL answered with an error: ${(error as Error).message}`;
    return { ...base, version: 0, problem: { kind: 'unreachable', message } };
  }
}
