import type pg from 'pg';

/** Runs a query inside `inOwnTransaction`'s transaction. */
export type TxQuery = <R extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  values?: unknown[],
) => Promise<pg.QueryResult<R>>;

/**
 * Runs `work` as one transaction on a client of its own from the pool, never on a session's pinned client: the
 * transaction another flow of the same process has open (an ingest on the same session) neither holds it back nor
 * takes it in, and concurrent calls never land inside each other's transaction.
 */
export async function inOwnTransaction<T>(pool: pg.Pool, work: (query: TxQuery) => Promise<T>): Promise<T> {
  const client = await pool.connect();
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
