import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteArxivState } from '../../../src/adapters/sqlite/sqlite-arxiv-state.ts';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import type { ArxivEntry } from '../../../src/core/arxiv/arxiv-entry.ts';
import { isDailySyncDue, newYorkTime, runDailySync } from '../../../src/core/arxiv/arxiv-sync.ts';
import { parseArxivListing } from '../../../src/core/arxiv/parse-listing.ts';
import { FAKE_PAPERS, listingXml } from '../../fakes/arxiv-formats.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

// Friday 2026-11-27 in New York is UTC-5: the listing is rebuilt at 05:00 UTC, the first try is at 05:30 UTC.
const FRIDAY_BUILD = '2026-11-27T05:00:12.118930+00:00';
const THURSDAY_BUILD = '2026-11-26T05:00:09.000001+00:00';

/** A listing source in arXiv's format: the build it serves can change, and it counts its fetches. */
function listingSource(build: string, papers = FAKE_PAPERS) {
  const source = {
    build,
    papers,
    fetches: 0,
    fetch: async (categories: readonly string[]) => {
      source.fetches++;
      const xml = listingXml(categories.join('+'), source.build, source.papers);
      return { url: `fake/${categories.join('+')}`, ...parseArxivListing(xml) };
    },
  };
  return source;
}

const runnerAt = (owner: string, at: () => Date) => ({ owner, leaseMs: 600_000, clock: () => at().getTime() });

describe('the daily arXiv sync of a running bot', () => {
  const tempDir = useTempDir();

  it('reads New York time across daylight saving', () => {
    expect(newYorkTime(new Date('2026-11-27T05:30:00Z'))).toEqual({ day: '2026-11-27', minutes: 30 });
    expect(newYorkTime(new Date('2026-07-01T04:30:00Z'))).toEqual({ day: '2026-07-01', minutes: 30 });
    expect(isDailySyncDue({ doneDay: null, triedAt: null }, new Date('2026-11-27T05:29:00Z'))).toBe(false);
    expect(isDailySyncDue({ doneDay: null, triedAt: null }, new Date('2026-11-27T05:30:00Z'))).toBe(true);
    expect(isDailySyncDue({ doneDay: '2026-11-27', triedAt: null }, new Date('2026-11-27T12:00:00Z'))).toBe(false);
  });

  it('first tries at 00:30 New York time, again every 30 minutes while the feed is not rebuilt, then not until the next day', async () => {
    const store = createSqliteStore(':memory:');
    const state = createSqliteArxivState(store.db);
    let now = new Date('2026-11-27T05:29:00Z');
    const source = listingSource(THURSDAY_BUILD);
    const sync = () =>
      runDailySync({
        store,
        state,
        fetchListing: source.fetch,
        categories: ['cs.CL'],
        runner: runnerAt('a', () => now),
      });

    expect(await sync()).toBeNull();
    expect(source.fetches).toBe(0);

    now = new Date('2026-11-27T05:30:00Z');
    // Still Thursday's build, never seen before: stored, but the day is not done (Friday's build is to come).
    expect(await sync()).toMatchObject({ quiet: false, newPapers: 3 });
    now = new Date('2026-11-27T05:59:00Z');
    expect(await sync()).toBeNull();
    now = new Date('2026-11-27T06:00:00Z');
    expect(await sync()).toMatchObject({ quiet: true });
    expect(source.fetches).toBe(2);

    source.build = FRIDAY_BUILD;
    source.papers = [{ ...(FAKE_PAPERS[1] as (typeof FAKE_PAPERS)[number]), id: '2611.10099', title: 'Friday paper' }];
    now = new Date('2026-11-27T06:30:00Z');
    expect(await sync()).toMatchObject({ quiet: false, new: 1, newPapers: 1, updated: FRIDAY_BUILD });
    for (const later of ['2026-11-27T07:00:00Z', '2026-11-27T23:00:00Z', '2026-11-28T05:29:00Z']) {
      now = new Date(later);
      expect(await sync()).toBeNull();
    }
    expect(source.fetches).toBe(3);
    // Saturday: the feed is empty, but built that day: done after one fetch.
    source.build = '2026-11-28T05:00:01.000001+00:00';
    source.papers = [];
    now = new Date('2026-11-28T05:30:00Z');
    expect(await sync()).toMatchObject({ quiet: true, entries: 0 });
    now = new Date('2026-11-28T06:30:00Z');
    expect(await sync()).toBeNull();
    expect(source.fetches).toBe(4);
    await store.close();
  });

  it('a failed fetch is tried again 30 minutes later, not at every tick', async () => {
    const store = createSqliteStore(':memory:');
    const state = createSqliteArxivState(store.db);
    let now = new Date('2026-11-27T05:30:00Z');
    let fetches = 0;
    const failing = async (): Promise<{ url: string; updated: string; entries: ArxivEntry[] }> => {
      fetches++;
      throw new Error('arXiv is down');
    };
    const sync = () =>
      runDailySync({ store, state, fetchListing: failing, categories: ['cs.CL'], runner: runnerAt('a', () => now) });
    await expect(sync()).rejects.toThrow('arXiv is down');
    now = new Date('2026-11-27T05:31:00Z');
    expect(await sync()).toBeNull();
    now = new Date('2026-11-27T06:00:00Z');
    await expect(sync()).rejects.toThrow('arXiv is down');
    expect(fetches).toBe(2);
    await store.close();
  });

  it('two runners on one database: only one fetches the listing', async () => {
    const db = join(tempDir(), 'p.db');
    const a = createSqliteStore(db);
    const b = createSqliteStore(db);
    const now = new Date('2026-11-27T05:30:00Z');
    const source = listingSource(FRIDAY_BUILD);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The first fetch hangs until released, as a slow arXiv would, while the second runner tries.
    const slowFetch = async (categories: readonly string[]) => {
      await held;
      return source.fetch(categories);
    };
    const first = runDailySync({
      store: a,
      state: createSqliteArxivState(a.db),
      fetchListing: slowFetch,
      categories: ['cs.CL'],
      runner: runnerAt('a', () => now),
    });
    const second = await runDailySync({
      store: b,
      state: createSqliteArxivState(b.db),
      fetchListing: source.fetch,
      categories: ['cs.CL'],
      runner: runnerAt('b', () => now),
    });
    expect(second).toBeNull();
    release();
    expect(await first).toMatchObject({ quiet: false, newPapers: 3 });
    expect(source.fetches).toBe(1);
    // Done for the day: the other runner does not fetch either.
    expect(
      await runDailySync({
        store: b,
        state: createSqliteArxivState(b.db),
        fetchListing: source.fetch,
        categories: ['cs.CL'],
        runner: runnerAt('b', () => new Date('2026-11-27T07:00:00Z')),
      }),
    ).toBeNull();
    await a.close();
    await b.close();
  });
});
