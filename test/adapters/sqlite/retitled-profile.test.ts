import { expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import type { ArxivEntry } from '../../../src/core/arxiv/arxiv-entry.ts';
import { fakePaper, fakeProfile } from '../../helpers/make-pages.ts';

const entry = (over: Partial<ArxivEntry>): ArxivEntry => ({
  arxivId: '2611.20001',
  version: 1,
  title: 'Study number 1 of synthetic things',
  abstract: 'An abstract.',
  authors: ['Author 1', 'Shared Person'],
  categories: ['cs.CL'],
  published: '2026-11-26',
  announceType: 'new',
  doi: null,
  journalRef: null,
  ...over,
});

it('B3 a profile page saved again after arXiv retitled its paper (v2) keeps one paper, not a new announced copy under the old title', async () => {
  const store = createSqliteStore(':memory:');
  const page = (hIndex: number) => fakeProfile('Ann Lee', [fakePaper(1)], { hIndex });
  await store.saveProfile(page(3), { path: 'ann.txt', contentHash: 'a' }, new Date('2026-11-25T00:00:00Z'));
  await store.saveArxivEntries([entry({})], 'listing', new Date('2026-11-27T06:00:00Z'));
  await store.saveArxivEntries(
    [entry({ version: 2, title: 'A wholly new title for study one', announceType: 'replace' })],
    'listing',
    new Date('2026-11-28T06:00:00Z'),
  );
  const seqBefore = await store.maxSeq();
  // The page is refreshed (its metrics changed) but still lists the paper by its old title.
  await store.saveProfile(page(4), { path: 'ann.txt', contentHash: 'b' }, new Date('2026-11-29T00:00:00Z'));
  expect((await store.counts()).papers).toBe(1);
  expect(await store.maxSeq()).toBe(seqBefore);
  const [id] = (await store.findByArxivIds(['2611.20001'])).values();
  expect((await store.profileNamesFor([id as number])).get(id as number)).toEqual(['Ann Lee']);
});
