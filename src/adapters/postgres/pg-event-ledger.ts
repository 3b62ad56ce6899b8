import type { EventLedger } from '../../core/store/event-ledger.ts';
import type { PgSession } from './pg-session.ts';

/**
 * The platform events every instance on one PostgreSQL database has taken (table `seen_events`). `firstSeen` is
 * one `INSERT … ON CONFLICT DO NOTHING`: of any number of instances recording one key at once, exactly one inserts
 * it (the others wait on the key's unique index entry and then find it there). It queries the session's pool, never a
 * transaction open on the session: an event taken is taken at once, whatever else the process is doing.
 */
export function createPgEventLedger(session: PgSession): EventLedger {
  const { pool } = session;
  return {
    async firstSeen(key, now) {
      const result = await pool.query(
        'INSERT INTO seen_events (key, seen_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
        [key, now],
      );
      return result.rowCount === 1;
    },
    async forget(before) {
      await pool.query('DELETE FROM seen_events WHERE seen_at < $1', [before]);
    },
  };
}
