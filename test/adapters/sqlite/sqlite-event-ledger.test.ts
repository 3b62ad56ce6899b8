import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteEventLedger } from '../../../src/adapters/sqlite/sqlite-event-ledger.ts';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { holdWriteLock } from '../../helpers/write-lock.ts';

const T0 = new Date('2026-11-28T12:00:00Z');
const hours = (h: number) => new Date(T0.getTime() + h * 3_600_000);

describe('the SQLite event ledger (seen_events)', () => {
  const tempDir = useTempDir();

  it('records a key once across every connection to the file: the first firstSeen is true, every other false', async () => {
    const db = join(tempDir(), 'p.db');
    const a = createSqliteStore(db);
    const b = createSqliteStore(db);
    const ledgers = [createSqliteEventLedger(a.db), createSqliteEventLedger(b.db)];
    expect(await ledgers[0]?.firstSeen('slack:Ev1', T0)).toBe(true);
    expect(await ledgers[1]?.firstSeen('slack:Ev1', T0)).toBe(false);
    expect(await ledgers[0]?.firstSeen('slack:Ev1', hours(1))).toBe(false);
    // Many at once, from both connections: exactly one wins.
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => ledgers[i % 2]?.firstSeen('slack:Ev2', T0)),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);
    a.close();
    b.close();
  });

  it('forgets keys seen before the given time, and only those', async () => {
    const store = createSqliteStore(join(tempDir(), 'p.db'));
    const ledger = createSqliteEventLedger(store.db);
    await ledger.firstSeen('old', T0);
    await ledger.firstSeen('new', hours(30));
    await ledger.forget(hours(24));
    expect(await ledger.firstSeen('old', hours(31))).toBe(true);
    expect(await ledger.firstSeen('new', hours(31))).toBe(false);
    store.close();
  });

  it('rejects (does not block) while another process holds the write lock', async () => {
    const db = join(tempDir(), 'p.db');
    const store = createSqliteStore(db, { busyTimeoutMs: 50 });
    const ledger = createSqliteEventLedger(store.db);
    const lock = await holdWriteLock(db, 1500);
    await expect(ledger.firstSeen('slack:Ev3', T0)).rejects.toMatchObject({
      code: 'database_busy',
    });
    await lock.released;
    expect(await ledger.firstSeen('slack:Ev3', T0)).toBe(true);
    store.close();
  });
});
