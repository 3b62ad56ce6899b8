import pg from 'pg';

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the character PostgreSQL text refuses
const NUL = /\u0000/g;
const stripNul = (value: unknown): unknown =>
  typeof value === 'string'
    ? value.includes('\u0000')
      ? value.replace(NUL, '')
      : value
    : Array.isArray(value)
      ? value.map(stripNul)
      : value;

/**
 * Every connection of a session. Its parameters lose NUL characters: PostgreSQL refuses them in text ("invalid
 * byte sequence"), SQLite stores them, and one typed into a slash command, a saved query or a note must not fail
 * the command (as pg-paper-rows does for papers). Its connection attempt gives up after `PGCONNECT_TIMEOUT`
 * seconds (10 by default): a server that accepts the connection and never answers fails the command instead of
 * hanging it.
 */
class PaperboyClient extends pg.Client {
  constructor(config?: pg.ClientConfig) {
    const seconds = Number(process.env.PGCONNECT_TIMEOUT);
    super({ ...config, connectionTimeoutMillis: (seconds > 0 ? seconds : 10) * 1000 });
  }
  // biome-ignore lint/suspicious/noExplicitAny: pg.Client.query has many overloads; this one forwards them all
  override query(config: any, values?: any, callback?: any): any {
    if (Array.isArray(values)) return super.query(config, values.map(stripNul), callback);
    if (config && typeof config === 'object' && typeof config.submit !== 'function' && Array.isArray(config.values)) {
      return super.query({ ...config, values: config.values.map(stripNul) }, values, callback);
    }
    return super.query(config, values, callback);
  }
}

/**
 * One connection pool, and the transaction a store object has open. While a transaction is open every query of
 * this session runs on its pinned client (so `begin`/`commit` around several store calls is one transaction, as on
 * SQLite); otherwise queries take any pooled client. Nested `transaction` calls become savepoints.
 */
export interface PgSession {
  readonly pool: pg.Pool;
  /** `text` may be a config with a `name`: a prepared statement, parsed and planned once per connection. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string | pg.QueryConfig,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  inTransaction(): boolean;
  /** Runs `work` in a transaction (a savepoint when one is open already); rolls back when it throws. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface PgSessionOptions {
  /** Pool size (default 10). */
  max?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
}

export function createPgSession(url: string, options: PgSessionOptions = {}): PgSession {
  const pool = new pg.Pool({
    connectionString: url,
    Client: PaperboyClient,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'paperboy',
  });
  // An idle client that loses its server (a restart) emits 'error' on the pool; without a listener that kills
  // the process. The next query gets a fresh client.
  pool.on('error', () => {});
  let pinned: pg.PoolClient | undefined;
  let depth = 0;
  const query = <R extends pg.QueryResultRow>(text: string | pg.QueryConfig, values?: unknown[]) =>
    (pinned ?? pool).query<R>(text, values as unknown[]);
  const release = (error?: Error) => {
    pinned?.release(error);
    pinned = undefined;
    depth = 0;
  };
  const session: PgSession = {
    pool,
    query,
    async begin() {
      if (pinned) throw new Error('a transaction is open already on this store');
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
      pinned = client;
      depth = 1;
    },
    async commit() {
      if (!pinned) return;
      try {
        await pinned.query('COMMIT');
        release();
      } catch (error) {
        release(error as Error);
        throw error;
      }
    },
    async rollback() {
      if (!pinned) return;
      try {
        await pinned.query('ROLLBACK');
        release();
      } catch (error) {
        release(error as Error);
      }
    },
    inTransaction: () => pinned !== undefined,
    async transaction(work) {
      if (!pinned) {
        await session.begin();
        try {
          const result = await work();
          await session.commit();
          return result;
        } catch (error) {
          await session.rollback();
          throw error;
        }
      }
      const savepoint = `sp_${depth++}`;
      await query(`SAVEPOINT ${savepoint}`);
      try {
        const result = await work();
        await query(`RELEASE SAVEPOINT ${savepoint}`);
        return result;
      } catch (error) {
        await query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
        throw error;
      } finally {
        depth--;
      }
    },
    async close() {
      await session.rollback();
      await pool.end();
    },
  };
  return session;
}
