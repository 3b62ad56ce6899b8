import type { EventLedger } from '../../core/store/event-ledger.ts';
import type { PgSession } from './pg-session.ts';

/**
 * The platform events every instance on one PostgreSQL database has taken (table `seen_events`). `firstSeen` is
 * one `INSERT … ON CONFLICT DO NOTHING`: of any number of instances recording one key at once, exactly one inserts
 * it (the others wait on the key's unique index entry and then find it there).
 */
export function createPgEventLedger(session: PgSession): EventLedger {
  return {
    async firstSeen(key, now) {
      const result = await session.query(
        'INSERT INTO seen_events (key, seen_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
        [key, now],
      );
      return result.rowCount === 1;
    },
    async forget(before) {
      await session.query('DELETE FROM seen_events WHERE seen_at < $1', [before]);
    },
  };
}
