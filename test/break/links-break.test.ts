import { expect, it } from 'vitest';
import type { ArxivEntry } from '../../src/core/arxiv/arxiv-entry.ts';
import { createChat } from '../../src/core/commands/chat.ts';
import { PaperIndex } from '../../src/core/search/paper-index.ts';
import { createSearch } from '../../src/core/search/search.ts';
import { createSqliteStore } from '../../src/core/store/sqlite-store.ts';
import { arxivEntry } from '../helpers/arxiv-entries.ts';

it('B5 a message of 300 arXiv ids the index lacks looks up only the 5 it can show, not all 300', async () => {
  const store = createSqliteStore(':memory:');
  const search = createSearch({ store, index: PaperIndex.open({ store }) });
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
  expect(store.counts().papers).toBe(5);
});
