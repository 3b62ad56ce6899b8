import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArxivState } from '../../src/core/arxiv/arxiv-state.ts';

const FEED = 'cs.CL+cs.LG';
const T0 = 1_800_000_000_000;
const MINUTE = 60_000;

/** The arXiv source's state (feeds, their lease, backfill positions), run against every store. */
export function describeArxivStateContract(
  name: string,
  open: () => Promise<{ state: ArxivState; close(): Promise<void> }>,
) {
  describe(`arXiv state contract: ${name}`, () => {
    let opened: { state: ArxivState; close(): Promise<void> };
    let state: ArxivState;
    beforeEach(async () => {
      opened = await open();
      state = opened.state;
    });
    afterEach(async () => {
      await opened.close();
    });

    it('remembers each feed’s last build and tries, keeping the day it is done for until a new one is given', async () => {
      expect(await state.feed(FEED)).toEqual({ updated: null, syncedAt: null, doneDay: null, triedAt: null });
      await state.markTried(FEED, T0, null);
      expect(await state.feed(FEED)).toEqual({ updated: null, syncedAt: null, doneDay: null, triedAt: T0 });
      const now = new Date('2026-11-30T05:31:00Z');
      await state.markSynced(FEED, '2026-11-30T00:30:00-05:00', now);
      await state.markTried(FEED, T0 + MINUTE, '2026-11-30');
      await state.markTried(FEED, T0 + 2 * MINUTE, null);
      expect(await state.feed(FEED)).toEqual({
        updated: '2026-11-30T00:30:00-05:00',
        syncedAt: now.toISOString(),
        doneDay: '2026-11-30',
        triedAt: T0 + 2 * MINUTE,
      });
      await state.markSynced(FEED, null, now);
      expect(await state.feed(FEED)).toMatchObject({ updated: null, doneDay: '2026-11-30' });
      expect(await state.feed('cs.RO')).toEqual({ updated: null, syncedAt: null, doneDay: null, triedAt: null });
    });

    it('lets one runner hold a feed’s lease until it releases it or it runs out', async () => {
      expect(await state.claim(FEED, 'a', T0, MINUTE)).toBe(true);
      expect(await state.claim(FEED, 'b', T0 + 1000, MINUTE)).toBe(false);
      expect(await state.claim(FEED, 'a', T0 + 1000, MINUTE)).toBe(true);
      // Another feed is another lease.
      expect(await state.claim('cs.RO', 'b', T0, MINUTE)).toBe(true);
      // Still live at the instant it runs out; free after it.
      expect(await state.claim(FEED, 'b', T0 + 1000 + MINUTE, MINUTE)).toBe(false);
      expect(await state.claim(FEED, 'b', T0 + 1001 + MINUTE, MINUTE)).toBe(true);
      await state.release(FEED, 'a');
      expect(await state.claim(FEED, 'c', T0 + 1002 + MINUTE, MINUTE)).toBe(false);
      await state.release(FEED, 'b');
      expect(await state.claim(FEED, 'c', T0 + 1002 + MINUTE, MINUTE)).toBe(true);
      // A lease leaves what the feed remembers alone.
      expect(await state.feed(FEED)).toEqual({ updated: null, syncedAt: null, doneDay: null, triedAt: null });
    });

    it('saves where a backfill stopped, and replaces it page after page', async () => {
      const now = new Date('2026-11-30T12:00:00Z');
      expect(await state.backfill('2026-01-01..2026-02-01 cs.CL')).toBeUndefined();
      await state.saveBackfill(
        '2026-01-01..2026-02-01 cs.CL',
        { categoryIndex: 0, token: 'tok|1001', pages: 1, entries: 1000, done: false },
        now,
      );
      await state.saveBackfill(
        '2026-01-01..2026-02-01 cs.CL',
        { categoryIndex: 1, token: null, pages: 3, entries: 2400, done: true },
        now,
      );
      expect(await state.backfill('2026-01-01..2026-02-01 cs.CL')).toEqual({
        categoryIndex: 1,
        token: null,
        pages: 3,
        entries: 2400,
        done: true,
      });
      expect(await state.backfill('other')).toBeUndefined();
    });
  });
}
