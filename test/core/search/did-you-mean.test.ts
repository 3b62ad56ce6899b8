import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import { PaperIndex } from '../../../src/core/search/paper-index.ts';
import { createSearch } from '../../../src/core/search/search.ts';
import { fakePaper, fakeProfile } from '../../helpers/make-pages.ts';

async function languageSearch() {
  const store = createSqliteStore(':memory:');
  await store.saveProfile(
    fakeProfile('Ann', [
      fakePaper(1, { title: 'Language models of gravel' }),
      fakePaper(2, { title: 'Transformer language tricks' }),
    ]),
    { path: 'a', contentHash: '1' },
    new Date('2026-01-01T00:00:00Z'),
  );
  return {
    store,
    search: createSearch({ store, index: await PaperIndex.open({ store }), text: createSqliteTextIndex(store.db) }),
  };
}

describe('did you mean', () => {
  it('B4 corrects the misspelled word as typed, accents and capitals included, not the query unchanged', async () => {
    const { store, search } = await languageSearch();
    const page = await search.search('Lañgauge qqqzzz');
    expect(page.relaxed).toBe(true);
    expect(page.didYouMean).toBe('language qqqzzz');
    expect((await search.search('TRÄNSFORMR qqqzzz')).didYouMean).toBe('transformer qqqzzz');
    await store.close();
  });

  it('B4 corrects the free word, not the same letters in a filter, an exclusion or another word', async () => {
    const { store, search } = await languageSearch();
    expect((await search.search('author:"langauge" langauge')).didYouMean).toBe('author:"langauge" language');
    expect((await search.search('-langauge langauge qqqzzz')).didYouMean).toBe('-langauge language qqqzzz');
    // A quoted word is corrected inside its quotes.
    expect((await search.search('"langauge" qqqzzz')).didYouMean).toBe('"language" qqqzzz');
    await store.close();
  });

  it('B4 suggests nothing when no word has a correction', async () => {
    const { store, search } = await languageSearch();
    expect((await search.search('qqqzzz zzzqqq')).didYouMean).toBeUndefined();
    await store.close();
  });
});
