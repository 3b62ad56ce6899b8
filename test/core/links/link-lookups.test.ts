import { expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import { addArxivPapers } from '../../../src/core/arxiv/arxiv-add.ts';
import type { ArxivEntry } from '../../../src/core/arxiv/arxiv-entry.ts';
import { createChat } from '../../../src/core/commands/chat.ts';
import { isOnlyLinks, recogniseLinks } from '../../../src/core/links/recognise-links.ts';
import { PaperIndex } from '../../../src/core/search/paper-index.ts';
import { createSearch } from '../../../src/core/search/search.ts';
import { arxivEntry } from '../../helpers/arxiv-entries.ts';

it('B5 a message of 300 arXiv ids the index lacks looks up only the 5 it can show, not all 300', async () => {
  const store = createSqliteStore(':memory:');
  const search = createSearch({
    store,
    index: await PaperIndex.open({ store }),
    text: createSqliteTextIndex(store.db),
  });
  const asked: string[] = [];
  const arxiv = async (ids: readonly string[]): Promise<ArxivEntry[]> => {
    asked.push(...ids);
    return ids.map((id, i) => ({ ...arxivEntry(i + 1), arxivId: id, title: `Paper ${id}` }));
  };
  const chat = createChat({ store, search, clock: () => new Date('2026-11-28T10:00:00Z'), arxiv });
  const ids = Array.from({ length: 300 }, (_, i) => `2611.${String(10000 + i)}`);
  const reply = await chat.answer(ids.join(' '));
  expect(reply.kind).toBe('papers');
  expect(reply.kind === 'papers' && reply.cards.map((c) => c.title)).toEqual(
    ids.slice(0, 5).map((id) => `Paper ${id}`),
  );
  expect(asked).toEqual(ids.slice(0, 5));
  expect((await store.counts()).papers).toBe(5);
});

it('B7 arxiv add stores only the papers it asked for, not whatever else the API answer holds', async () => {
  const store = createSqliteStore(':memory:');
  const lookup = async (): Promise<ArxivEntry[]> => [
    { ...arxivEntry(1), arxivId: '2611.00001' },
    { ...arxivEntry(2), arxivId: '2611.99999' },
  ];
  const result = await addArxivPapers(['2611.00001'], { store, lookup, now: new Date('2026-11-28T10:00:00Z') });
  expect(result).toMatchObject({ requested: ['2611.00001'], missing: [], newPapers: 1 });
  expect(result.papers.map((p) => p.arxivId)).toEqual(['2611.00001']);
  expect((await store.counts()).papers).toBe(1);
});

it('B9 ids and links listed with commas or semicolons and no space are each recognised, and the line stays a lookup', () => {
  const ref = (id: string) => ({ kind: 'arxiv', id, version: null });
  for (const text of [
    '2310.13548,2310.13549',
    '2310.13548;2310.13549',
    'https://arxiv.org/abs/2310.13548,https://arxiv.org/abs/2310.13549',
    'arXiv:2310.13548,arXiv:2310.13549',
  ]) {
    expect(recogniseLinks(text)).toEqual([ref('2310.13548'), ref('2310.13549')]);
    expect(isOnlyLinks(text)).toBe(true);
  }
  // Still no id inside a longer token.
  expect(recogniseLinks('x,y2310.13548')).toEqual([]);
});
