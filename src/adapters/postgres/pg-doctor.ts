import { isPgUnreachable, pgUnreachable } from './open-pg-stores.ts';
import { PG_MIGRATIONS, pgSchemaVersion } from './pg-migrations.ts';
import { createPgPaperStore } from './pg-paper-store.ts';
import { createPgSession } from './pg-session.ts';

/** What doctor learns of a PostgreSQL store, without migrating it or writing anything. */
export type PgFacts =
  | { reachable: false; message: string }
  | {
      reachable: true;
      version: number;
      current: number;
      counts?: { profiles: number; papers: number };
      identity?: string;
      /** Papers changed after `rev` (for the snapshot check). */
      behind?: (rev: number) => Promise<number>;
      maxRev?: number;
      subscriptions: { id: number; tz: string }[];
      /** Digest ledger rows dated after the database's clock. */
      futureRuns?: { id: number; subscription_id: number; due_at: string }[];
      close: () => Promise<void>;
    };

/** Connects once (a pool of one), reads the schema version, counts and subscriptions' time zones. */
export async function inspectPg(url: string): Promise<PgFacts> {
  const session = createPgSession(url, { max: 1, applicationName: 'paperboy doctor' });
  const close = () => session.close().catch(() => {});
  try {
    const version = await pgSchemaVersion(session.pool);
    const current = PG_MIGRATIONS.length;
    if (version !== current) return { reachable: true, version, current, subscriptions: [], close };
    const store = createPgPaperStore(session);
    const { rows } = await session.query<{ id: string; tz: string }>('SELECT id, tz FROM subscriptions ORDER BY id');
    const future = await session.query<{ id: string; subscription_id: string; due_at: Date }>(
      'SELECT id, subscription_id, due_at FROM digest_runs WHERE due_at > now() ORDER BY due_at',
    );
    return {
      reachable: true,
      version,
      current,
      counts: await store.counts(),
      identity: await store.identity(),
      maxRev: await store.maxRev(),
      behind: async (rev) => {
        const result = await session.query<{ n: string }>('SELECT count(*) AS n FROM papers WHERE rev > $1', [rev]);
        return Number(result.rows[0]?.n ?? 0);
      },
      subscriptions: rows.map((r) => ({ id: Number(r.id), tz: r.tz })),
      futureRuns: future.rows.map((r) => ({
        id: Number(r.id),
        subscription_id: Number(r.subscription_id),
        due_at: r.due_at.toISOString(),
      })),
      close,
    };
  } catch (error) {
    await close();
    if (isPgUnreachable(error)) return { reachable: false, message: pgUnreachable(error, url).message };
    return { reachable: false, message: `PostgreSQL answered with an error: ${(error as Error).message}` };
  }
}
