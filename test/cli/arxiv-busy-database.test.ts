import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteArxivState } from '../../src/adapters/sqlite/sqlite-arxiv-state.ts';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { type FetchOaiPage, runBackfill } from '../../src/core/arxiv/arxiv-backfill.ts';
import { runDailySync } from '../../src/core/arxiv/arxiv-sync.ts';
import { parseArxivListing } from '../../src/core/arxiv/parse-listing.ts';
import { BOT_BUSY_TIMEOUT_MS } from '../../src/core/store/busy.ts';
import { FAKE_PAPERS, listingXml } from '../fakes/arxiv-formats.ts';
import { FAKE_UPDATED, type FakeArxiv, startFakeArxiv } from '../fakes/fake-arxiv.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { holdWriteLock } from '../helpers/write-lock.ts';

it('B1 a listing whose build time is no date is synced once, not fetched again at every tick', async () => {
  const store = createSqliteStore(':memory:');
  const state = createSqliteArxivState(store.db);
  let fetches = 0;
  const fetchListing = async (categories: readonly string[]) => {
    fetches++;
    const xml = listingXml(categories.join('+'), 'build 42 of today', FAKE_PAPERS);
    return { url: 'fake', ...parseArxivListing(xml) };
  };
  let now = new Date('2026-11-27T05:30:00Z');
  const runner = { owner: 'a', leaseMs: 600_000, clock: () => now.getTime() };
  const sync = () => runDailySync({ store, state, fetchListing, categories: ['cs.CL'], runner });
  expect(await sync()).toMatchObject({ quiet: false, newPapers: 3 });
  for (const t of ['05:31', '05:32', '06:10', '12:00']) {
    now = new Date(`2026-11-27T${t}:00Z`);
    expect(await sync()).toBeNull();
  }
  expect(fetches).toBe(1);
});

describe('B2 a busy database', () => {
  const tempDir = useTempDir();
  let arxiv: FakeArxiv;
  beforeEach(async () => {
    arxiv = await startFakeArxiv();
  });
  afterEach(() => arxiv.stop());

  it('B2 arxiv sync on a database another process keeps locked says so and exits 1, no crash and no stack', async () => {
    const db = join(tempDir(), 'p.db');
    await createSqliteStore(db).close();
    const lock = await holdWriteLock(db, 12_000);
    const run = await runPaperboy(['arxiv', 'sync', '--categories', 'cs.CL', '--db', db, '--json'], {
      env: arxiv.env,
    });
    await lock.released;
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: the database is locked by another process/);
    expect(run.stderr).not.toMatch(/SqliteError| {4}at /);
  }, 30_000);
});

describe('B4 the daily sync of a running bot and a short write lock', () => {
  const tempDir = useTempDir();

  it('B4 a write lock taken by another process while the listing is fetched is waited out: the fetched listing is stored, not fetched again', async () => {
    const db = join(tempDir(), 'p.db');
    await createSqliteStore(db).close();
    // The bot's store: SQLite calls wait 200 ms for a lock, no more.
    const store = createSqliteStore(db, { busyTimeoutMs: BOT_BUSY_TIMEOUT_MS });
    const state = createSqliteArxivState(store.db);
    let fetches = 0;
    let lock: Awaited<ReturnType<typeof holdWriteLock>> | undefined;
    const fetchListing = async (categories: readonly string[]) => {
      fetches++;
      // Another process (an import, a runner posting digests) takes the write lock while arXiv answers.
      lock = await holdWriteLock(db, 1_500);
      return { url: 'fake', ...parseArxivListing(listingXml(categories.join('+'), FAKE_UPDATED, FAKE_PAPERS)) };
    };
    const now = new Date('2026-11-27T05:30:00Z');
    const runner = { owner: 'a', leaseMs: 600_000, clock: () => now.getTime() };
    try {
      const result = await runDailySync({ store, state, fetchListing, categories: ['cs.CL'], runner });
      expect(result).toMatchObject({ quiet: false, newPapers: 3 });
      expect(fetches).toBe(1);
      expect(await runDailySync({ store, state, fetchListing, categories: ['cs.CL'], runner })).toBeNull();
    } finally {
      await lock?.released;
      await store.close();
    }
  }, 30_000);
});

it('B6 a backfill whose resumption tokens go round in a circle stops with an error instead of fetching forever', async () => {
  const store = createSqliteStore(':memory:');
  const state = createSqliteArxivState(store.db);
  let fetches = 0;
  const fetchPage: FetchOaiPage = async (request) => {
    fetches++;
    if (fetches > 20) throw new Error('still fetching after 20 pages');
    const token = 'resumptionToken' in request && request.resumptionToken === 'A' ? 'B' : 'A';
    return { url: 'fake-oai', entries: [], resumptionToken: token };
  };
  await expect(
    runBackfill({
      store,
      state,
      fetchPage,
      categories: ['cs.CL'],
      from: '2026-11-01',
      clock: () => new Date('2026-11-28T10:00:00Z'),
    }),
  ).rejects.toThrow(/resumption token/);
  expect(fetches).toBeLessThanOrEqual(3);
});
