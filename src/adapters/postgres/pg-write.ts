import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { PgSession } from './pg-session.ts';

/** Runs one statement: the session's (its pinned client or the pool) or a write transaction's own client. */
export type PgQuery = <R extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  values?: unknown[],
) => Promise<pg.QueryResult<R>>;

/**
 * A statement with parameters as a prepared statement, named by its text: PostgreSQL parses and plans it once per
 * connection instead of at every call (planning the batch read costs more than running it). A plan made while the
 * tables were nearly empty reads them whole: the name also holds the scale of the store
 * ({@link notePlanScale}), so each doubling of the papers plans the statement again (a few dozen plans at most).
 */
export const prepared = (text: string, values: unknown[], scale = 0): pg.QueryConfig => ({
  name: `paperboy_${createHash('sha1').update(text).digest('hex').slice(0, 20)}_${scale}`,
  text,
  values,
});

const scales = new WeakMap<PgSession, number>();

/** Tells the session's statements how many rows the store holds (any count that grows with the papers). */
export function notePlanScale(session: PgSession, rows: number): void {
  const scale = Math.floor(Math.log2(Math.max(1, rows)));
  if (scale > (scales.get(session) ?? 0)) scales.set(session, scale);
}

/** {@link PgQuery} on a session (or on a client of its pool), with every parameterised statement prepared. */
export const preparedQuery =
  (session: PgSession, target: Pick<PgSession, 'query'> = session): PgQuery =>
  <R extends pg.QueryResultRow>(text: string, values?: unknown[]) =>
    values === undefined ? target.query<R>(text) : target.query<R>(prepared(text, values, scales.get(session) ?? 0));

/**
 * Runs a store method's writes as one transaction. Inside the caller's transaction (`begin` … `commit` on the
 * session) it is a savepoint of it, so a failed call leaves no trace and the rest stands, as on SQLite. Otherwise
 * it takes a client of its own: two methods called at once (two chat users saving) never share a transaction.
 * `first`, a statement without parameters, goes in the same round trip as BEGIN or SAVEPOINT; its rows are given
 * to `work`.
 */
export async function inWriteTransaction<T>(
  session: PgSession,
  work: (query: PgQuery, firstRows: pg.QueryResultRow[]) => Promise<T>,
  first?: string,
): Promise<T> {
  if (session.inTransaction()) return inSavepoint(session, work, first);
  const client = await session.pool.connect();
  let broken: Error | undefined;
  try {
    // A simple-protocol query (no parameters) may hold several statements: one round trip for them all.
    const opened = await client.query(first ? `BEGIN; ${first}` : 'BEGIN');
    try {
      const own = preparedQuery(session, { query: (text, values) => client.query(text, values) });
      const result = await work(own, first ? (resultsOf(opened)[1]?.rows ?? []) : []);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    }
  } finally {
    client.release(broken);
  }
}

const resultsOf = (result: pg.QueryResult | pg.QueryResult[]): pg.QueryResult[] =>
  Array.isArray(result) ? result : [result];

/** The savepoints of successful writes left open in the caller's transaction (its id): released every so often. */
interface SavepointChain {
  xid: string;
  /** The outermost open savepoint: releasing it releases the whole chain. */
  first: string | undefined;
  depth: number;
  made: number;
}
const chains = new WeakMap<PgSession, SavepointChain>();
const CHAIN_LIMIT = 64;

/**
 * A write inside the caller's transaction, in a savepoint of its own: when it fails, it alone is undone. A
 * successful write's savepoint is not released at once (a round trip per page of an ingest): they nest, and the
 * chain is released in one statement every {@link CHAIN_LIMIT} writes, or committed with the transaction. The
 * transaction id read with the savepoint tells whether the chain is still this transaction's.
 */
async function inSavepoint<T>(
  session: PgSession,
  work: (query: PgQuery, firstRows: pg.QueryResultRow[]) => Promise<T>,
  first?: string,
): Promise<T> {
  const chain = chains.get(session) ?? { xid: '', first: undefined, depth: 0, made: 0 };
  chains.set(session, chain);
  const name = `paperboy_write_${++chain.made}`;
  const opened = resultsOf(
    await session.query(`SAVEPOINT ${name}; ${first ? `${first}; ` : ''}SELECT txid_current()::text AS xid`),
  );
  const xid = String(opened.at(-1)?.rows[0]?.xid);
  if (xid !== chain.xid || chain.depth === 0) Object.assign(chain, { xid, first: name, depth: 0 });
  chain.depth++;
  try {
    const result = await work(preparedQuery(session), first ? (opened[1]?.rows ?? []) : []);
    if (chain.depth >= CHAIN_LIMIT && chain.first) {
      await session.query(`RELEASE SAVEPOINT ${chain.first}`);
      Object.assign(chain, { first: undefined, depth: 0 });
    }
    return result;
  } catch (error) {
    // A connection that broke fails the caller's commit anyway: the error to report is the first one.
    await session.query(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`).catch(() => {});
    chain.depth--;
    if (chain.depth === 0) chain.first = undefined;
    throw error;
  }
}

/** The counters every paper write moves: paper ids, sequence, revision, profile revision. */
export interface Counters {
  paper_id: number;
  profile_rev: number;
  rev: number;
  seq: number;
}

/**
 * Locks the counter rows, always in one order (so two writers never deadlock), and reads them. Held until the
 * transaction ends, the lock makes paper writers take turns as SQLite's one writer does: a rev is given in commit
 * order (a reader that saw 105 never later meets a 104), and a writer that waited sees what the other committed.
 * Must be the first statement of the write: in READ COMMITTED each later statement sees everything committed
 * before the lock was granted.
 */
const LOCK_COUNTERS = `SELECT name, value FROM counters WHERE name IN ('paper_id', 'profile_rev', 'rev', 'seq')
  ORDER BY name FOR UPDATE`;

/** {@link inWriteTransaction} for a paper write: its first statement locks the counters, which `work` gets. */
export function inCounterTransaction<T>(
  session: PgSession,
  work: (query: PgQuery, counters: Counters) => Promise<T>,
): Promise<T> {
  return inWriteTransaction(
    session,
    (query, rows) => {
      const counters: Counters = { paper_id: 0, profile_rev: 0, rev: 0, seq: 0 };
      for (const row of rows as { name: keyof Counters; value: string }[]) counters[row.name] = Number(row.value);
      notePlanScale(session, counters.paper_id);
      return work(query, counters);
    },
    LOCK_COUNTERS,
  );
}

/** A statement to send with others in one round trip ({@link runTogether}); `$1`… number its own values. */
export interface Statement {
  text: string;
  values: unknown[];
}

/** The statement that stores the counters that moved since `before`, or none. */
export function saveCounters(before: Counters, after: Counters): Statement[] {
  const names = (Object.keys(after) as (keyof Counters)[]).filter((name) => after[name] !== before[name]);
  if (names.length === 0) return [];
  return [
    {
      text: `UPDATE counters c SET value = u.value FROM unnest($1::text[], $2::bigint[]) AS u (name, value)
             WHERE c.name = u.name`,
      values: [names, names.map((name) => after[name])],
    },
  ];
}

/**
 * Runs data-changing statements as one (`WITH s1 AS (…), s2 AS (…) SELECT`): one round trip instead of one
 * each. They see the same snapshot, so they must not depend on each other's rows, except foreign keys, which
 * PostgreSQL checks at the end of the statement.
 */
export async function runTogether(query: PgQuery, statements: readonly Statement[]): Promise<void> {
  if (statements.length === 0) return;
  if (statements.length === 1) {
    const [only] = statements as [Statement];
    await query(only.text, only.values);
    return;
  }
  const values: unknown[] = [];
  const parts = statements.map((statement, i) => {
    const offset = values.length;
    values.push(...statement.values);
    // Our statements hold no `$` but their parameters (no dollar quoting), so renumbering them is safe.
    const text = statement.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
    return `s${i} AS (${text})`;
  });
  await query(`WITH ${parts.join(',\n')} SELECT 1`, values);
}

/**
 * Gathers the planner's statistics when this write doubled the papers (from 1,024 on).
 * Autovacuum's first ANALYZE comes a minute or more after a large ingest starts; until then the planner guesses
 * (foreign-key checks read whole tables), and a fresh ingest runs at half speed.
 */
export async function analyzeWhenDoubled(query: PgQuery, before: Counters, after: Counters): Promise<void> {
  const doublings = (n: number) => Math.floor(Math.log2(Math.max(1, n)));
  if (after.paper_id >= 1024 && doublings(after.paper_id) > doublings(before.paper_id)) {
    await query('ANALYZE papers, profiles, profile_papers');
  }
}
