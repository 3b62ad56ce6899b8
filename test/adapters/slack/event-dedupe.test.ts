import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/adapters/logger.ts';
import { createEventDedupe, createMemoryEventLedger } from '../../../src/adapters/slack/event-dedupe.ts';
import { createSqliteEventLedger } from '../../../src/adapters/sqlite/sqlite-event-ledger.ts';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { captureStream } from '../../helpers/capture.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { holdWriteLock } from '../../helpers/write-lock.ts';

const T0 = new Date('2026-11-28T12:00:00Z');
const minutes = (m: number) => new Date(T0.getTime() + m * 60_000);
const capturedLogger = () => {
  const stderr = captureStream();
  return { logger: createLogger(stderr.stream, { env: { LOG_FORMAT: 'json' } }), log: stderr.text };
};

describe('Slack event dedupe over an event ledger', () => {
  const tempDir = useTempDir();

  it('two apps on one database take an event once between them', async () => {
    const db = join(tempDir(), 'p.db');
    const stores = [createSqliteStore(db), createSqliteStore(db)];
    const [a, b] = stores.map((s) => createEventDedupe(createSqliteEventLedger(s.db), capturedLogger().logger));
    expect(await a?.('slack:Ev1')).toBe(true);
    expect(await b?.('slack:Ev1')).toBe(false);
    for (const s of stores) s.close();
  });

  it('forgets keys over a day old once an hour, on the next event', async () => {
    const store = createSqliteStore(join(tempDir(), 'p.db'));
    let now = T0;
    const firstTime = createEventDedupe(createSqliteEventLedger(store.db), capturedLogger().logger, () => now);
    expect(await firstTime('slack:old')).toBe(true);
    now = minutes(25 * 60);
    // The last pruning was a day ago: this event prunes first, so the day-old key counts as new again.
    expect(await firstTime('slack:other')).toBe(true);
    expect(await firstTime('slack:old')).toBe(true);
    const count = () => (store.db.prepare('SELECT count(*) AS n FROM seen_events').get() as { n: number }).n;
    expect(count()).toBe(2);
    now = minutes(50 * 60 + 30);
    expect(await firstTime('slack:later')).toBe(true);
    // Pruned again (over an hour since): the two keys of 25 h ago are gone.
    expect(count()).toBe(1);
    store.close();
  });

  it('answers an event when the ledger cannot record it (a busy database), and logs why', async () => {
    const db = join(tempDir(), 'p.db');
    const store = createSqliteStore(db, { busyTimeoutMs: 50 });
    const { logger, log } = capturedLogger();
    const firstTime = createEventDedupe(createSqliteEventLedger(store.db), logger);
    const lock = await holdWriteLock(db, 1500);
    expect(await firstTime('slack:Ev9')).toBe(true);
    expect(log()).toMatch(/event_ledger_failed: could not record slack:Ev9; answering it anyway/);
    expect(log()).toMatch(/database is locked by another process/);
    await lock.released;
    store.close();
  });

  it('without a shared ledger, remembers events in memory', async () => {
    const firstTime = createEventDedupe(createMemoryEventLedger(), capturedLogger().logger);
    expect(await firstTime('slack:Ev1')).toBe(true);
    expect(await firstTime('slack:Ev1')).toBe(false);
  });
});
