import type pg from 'pg';
import type { PgSession } from './pg-session.ts';

/** Runs a query inside `atomically`'s transaction. */
export type TxQuery = <R extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  values?: unknown[],
) => Promise<pg.QueryResult<R>>;

/**
 * Runs `work` as one transaction. Inside a transaction the caller opened on the session (`begin` … `commit`), it
 * joins it as a savepoint, so it commits or rolls back with the rest. Otherwise it takes a client of its own from
 * the pool rather than the session's `begin`, so that concurrent calls on one store (a lease heartbeat beside a
 * close) never find themselves inside each other's transaction.
 */
export async function atomically<T>(session: PgSession, work: (query: TxQuery) => Promise<T>): Promise<T> {
  if (session.inTransaction()) return session.transaction(() => work(session.query));
  const client = await session.pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work((text, values) => client.query(text, values));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
