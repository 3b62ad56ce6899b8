import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { migratePg } from '../../../src/adapters/postgres/pg-migrations.ts';
import { createPgPaperStore } from '../../../src/adapters/postgres/pg-paper-store.ts';
import { createPgSession } from '../../../src/adapters/postgres/pg-session.ts';
import type { PaperStore } from '../../../src/core/store/paper-store.ts';
import { arxivEntry } from '../../helpers/arxiv-entries.ts';
import { fakePaper, fakeProfile } from '../../helpers/make-pages.ts';
import { createTestDatabase, testPostgres } from '../../helpers/pg.ts';

const postgres = testPostgres();
const now = new Date('2026-11-27T06:00:00Z');

/** Pages of 3 new papers, stored in batches of 3 pages per transaction with pauses inside, as `ingest` commits. */
async function ingestPages(store: PaperStore, first: number, pages: number): Promise<void> {
  for (let page = 0; page < pages; page += 3) {
    await store.begin();
    for (let k = page; k < Math.min(page + 3, pages); k++) {
      const papers = [0, 1, 2].map((j) => fakePaper(first + k * 3 + j));
      await store.saveProfile(fakeProfile(`Person ${first + k}`, papers), { path: `${k}`, contentHash: `${k}` }, now);
      // Hold the transaction open across turns of the event loop, where a race would show.
      await sleep(Math.random() * 3);
    }
    await store.commit();
  }
}

/** Small saves, each its own transaction: records and arXiv listings. */
async function ingestSmallSaves(store: PaperStore, first: number, saves: number): Promise<void> {
  for (let i = 0; i < saves; i++) {
    if (i % 2 === 0) {
      const paper = {
        ...fakePaper(first + i),
        categoryFull: null,
        codeUrl: null,
        arxivId: null,
        venue: null,
        citations: null,
      };
      await store.savePapers([paper], now);
    } else await store.saveArxivEntries([arxivEntry(first + i)], 'listing', now);
    await sleep(Math.random() * 2);
  }
}

describe.skipIf(postgres.skip)('rev in commit order', () => {
  it('a reader polling by rev during two ingests at once meets every paper exactly once, revs only growing', async () => {
    const db = await createTestDatabase(postgres.url);
    const sessions = [1, 2, 3].map((n) => createPgSession(db.url, { max: 3, applicationName: `instance-${n}` }));
    const [one, two, reader] = sessions.map(createPgPaperStore) as [PaperStore, PaperStore, PaperStore];
    try {
      await migratePg((sessions[0] as (typeof sessions)[number]).pool);
      let writing = true;
      const seen: number[] = [];
      const revs: number[] = [];
      const poll = async () => {
        let rev = 0;
        for (;;) {
          const done = !writing;
          const page = await reader.papersChangedSince(rev, 7);
          for (const paper of page) {
            revs.push(paper.rev);
            seen.push(paper.id);
            rev = paper.rev;
          }
          // Once the writers are done, one pass that finds nothing new ends it.
          if (page.length === 0 && done) return;
          if (page.length === 0) await sleep(1);
        }
      };
      const polling = poll();
      // Both writers run to their end (or failure) before anything is closed.
      const writers = await Promise.allSettled([ingestPages(one, 1_000, 60), ingestSmallSaves(two, 5_000, 120)]);
      writing = false;
      await polling;
      for (const writer of writers) if (writer.status === 'rejected') throw writer.reason;

      const { papers } = await reader.counts();
      expect(papers).toBe(60 * 3 + 120);
      expect(seen).toHaveLength(papers);
      expect(new Set(seen).size).toBe(papers);
      expect(revs).toEqual([...revs].sort((a, b) => a - b));
      expect(new Set(revs).size).toBe(revs.length);
      expect(revs.at(-1)).toBe(await reader.maxRev());
    } finally {
      await Promise.all([one.close(), two.close(), reader.close()]);
      await db.drop();
    }
  });
});
