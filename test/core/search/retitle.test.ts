import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import { openSearch } from '../../../src/core/search/open-search.ts';
import { PaperIndex } from '../../../src/core/search/paper-index.ts';
import type { PaperStore } from '../../../src/core/store/paper-store.ts';
import { arxivEntry } from '../../helpers/arxiv-entries.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const now = new Date('2026-11-27T06:00:00Z');
const oldTitle = 'Quantum gravel sorting with hedgehogs';
const newTitle = 'Tidal sponge lagoons';
const retitle = (n: number) =>
  arxivEntry(n, { title: newTitle, version: 2, announceType: 'replace', abstract: 'About lagoons.' });

describe('a retitled paper', () => {
  const tempDir = useTempDir();

  it('is found by its new title words and not by its old ones in a running index', async () => {
    const store = createSqliteStore(':memory:');
    await store.saveArxivEntries(
      [arxivEntry(1, { title: oldTitle }), arxivEntry(2, { title: 'Gravel roads' })],
      'listing',
      now,
    );
    const { index, search } = await openSearch({ store, text: createSqliteTextIndex(store.db) }, ':memory:');
    expect((await search.search('hedgehogs')).total).toBe(1);
    expect(index.titleCount('gravel')).toBe(2);

    await store.saveArxivEntries([retitle(1)], 'listing', now);
    expect((await search.search('hedgehogs')).total).toBe(0);
    expect((await search.search('quantum sorting')).total).toBe(0);
    expect((await search.search('sponge lagoons')).results.map((r) => r.paper.title)).toEqual([newTitle]);
    // The title vocabulary (typos, completions, spelling suggestions) follows too.
    expect(index.titleCount('hedgehogs')).toBe(0);
    expect(index.titleCount('gravel')).toBe(1);
    expect(index.titleCount('sponge')).toBe(1);
    expect(index.completions('hedge')).toEqual([]);
    expect(index.completions('lago')).toEqual(['lagoons']);
    await store.close();
  });

  it('is found by its new words after a restart from a snapshot made before the change', async () => {
    const file = join(tempDir(), 'p.db');
    const first = createSqliteStore(file);
    await first.saveArxivEntries([arxivEntry(1, { title: oldTitle })], 'listing', now);
    await (await openSearch({ store: first, text: createSqliteTextIndex(first.db) }, file)).index.saveSnapshot();
    // Another process (a sync) retitles it, twice, while no index runs.
    await first.saveArxivEntries(
      [arxivEntry(1, { title: 'Quantum gravel, an interlude', version: 2 })],
      'listing',
      now,
    );
    await first.saveArxivEntries([retitle(1)], 'listing', now);
    await first.close();

    const store = createSqliteStore(file);
    const { index, search } = await openSearch({ store, text: createSqliteTextIndex(store.db) }, file);
    expect(index.caughtUp).toBe(1);
    expect((await search.search('hedgehogs')).total).toBe(0);
    expect((await search.search('interlude')).total).toBe(0);
    expect((await search.search('tidal')).total).toBe(1);
    expect([index.titleCount('hedgehogs'), index.titleCount('interlude'), index.titleCount('quantum')]).toEqual([
      0, 0, 0,
    ]);
    expect(index.titleCount('tidal')).toBe(1);
    await store.close();
  });

  it('is counted once when it is retitled again while a catch-up pages through more than one page', async () => {
    const store = createSqliteStore(':memory:');
    await store.saveArxivEntries([arxivEntry(1, { title: 'Original walrus title' })], 'listing', now);
    // A store that retitles paper 1 once more right after the first page of a catch-up was read.
    let pages: number | undefined;
    const paging: PaperStore = {
      ...store,
      indexRowsChangedSince: async (rev, limit) => {
        const page = await store.indexRowsChangedSince(rev, limit);
        if (pages !== undefined && ++pages === 1) {
          await store.saveArxivEntries([arxivEntry(1, { title: 'Third narwhal title', version: 3 })], 'listing', now);
        }
        return page;
      },
    };
    const index = await PaperIndex.open({ store: paging });
    expect(index.titleCount('walrus')).toBe(1);
    // Retitled before the catch-up, then 5,000 more papers: the catch-up reads two pages.
    await store.saveArxivEntries([arxivEntry(1, { title: 'Second dugong title', version: 2 })], 'listing', now);
    await store.saveArxivEntries(
      Array.from({ length: 5000 }, (_, i) => arxivEntry(i + 2, { title: `Filler ${i} of seals` })),
      'lookup',
      now,
    );
    pages = 0;
    await index.sync();
    expect(pages).toBe(3);
    expect([index.titleCount('walrus'), index.titleCount('dugong'), index.titleCount('narwhal')]).toEqual([0, 0, 1]);
    expect(index.titleCount('title')).toBe(1);
    await store.close();
  });
});
