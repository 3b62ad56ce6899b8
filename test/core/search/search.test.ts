import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTaste } from '../../../src/adapters/sqlite/sqlite-taste.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import { ingestPaths } from '../../../src/core/ingest/ingest-files.ts';
import { openSearch } from '../../../src/core/search/open-search.ts';
import { PaperIndex } from '../../../src/core/search/paper-index.ts';
import { createSearch } from '../../../src/core/search/search.ts';
import { fakePaper, fakeProfile } from '../../helpers/make-pages.ts';
import { SAMPLE_PAGE } from '../../helpers/shared-data.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const clock = () => new Date('2026-01-01T00:00:00Z');

async function sampleSearch({ vectors = false } = {}) {
  const store = createSqliteStore(':memory:');
  await ingestPaths([SAMPLE_PAGE], { store, clock });
  const index = await PaperIndex.open({ store });
  const text = createSqliteTextIndex(store.db);
  const search = createSearch({ index, store, text, vectors: vectors ? createSqliteTaste(store.db) : undefined });
  return { store, index, search };
}

const titles = (page: { results: { paper: { title: string } }[] }) => page.results.map((r) => r.paper.title);

describe('search over the sample page', () => {
  it('ranks the sycophancy paper first for "sycophancy"', async () => {
    const { search } = await sampleSearch();
    const page = await search.search('sycophancy');
    expect(titles(page)[0]).toBe('Towards Understanding Sycophancy in Language Models');
    expect(page.results[0]?.matchedTerms).toContain('sycophancy');
    expect(page.results[0]?.profiles).toEqual(['Zac Hatfield-Dodds']);
  });

  it('finds the Schemathesis paper by profile owner and category', async () => {
    const { search } = await sampleSearch();
    const page = await search.search('author:"Zac Hatfield-Dodds" cat:CR');
    expect(page.total).toBe(1);
    expect(titles(page)[0]).toMatch(/Web API Schemas/);
  });

  it('matches a listed author hidden from no one: by: finds listed names too', async () => {
    const { search } = await sampleSearch();
    expect((await search.search('by:"Deep Ganguli"')).total).toBeGreaterThan(0);
    expect((await search.search('by:"Nobody Here"')).total).toBe(0);
  });

  it('tolerates a typo and a prefix', async () => {
    const { search } = await sampleSearch();
    expect(titles(await search.search('sycophncy'))[0]).toBe('Towards Understanding Sycophancy in Language Models');
    expect(titles(await search.search('superpos'))[0]).toBe('Toy Models of Superposition');
  });

  it('honours phrases, exclusions, dates, code and date sorting', async () => {
    const { search } = await sampleSearch();
    expect(titles(await search.search('"toy models"'))).toEqual(['Toy Models of Superposition']);
    expect(titles(await search.search('language models -sycophancy', { pageSize: 50 }))).not.toContain(
      'Towards Understanding Sycophancy in Language Models',
    );
    const recent = await search.search('since:2023-06-01', { pageSize: 50 });
    expect(recent.results.every((r) => r.paper.date >= '2023-06-01')).toBe(true);
    const coded = await search.search('has:code', { pageSize: 50 });
    expect(coded.total).toBeGreaterThan(0);
    expect(coded.results.every((r) => r.paper.hasCode)).toBe(true);
    const dated = (await search.search('language sort:date', { pageSize: 50 })).results.map((r) => r.paper.date);
    expect(dated).toEqual([...dated].sort().reverse());
  });

  it('pages through results with cursors', async () => {
    const { search } = await sampleSearch();
    const first = await search.search('year:2022', { pageSize: 3 });
    expect(first.results).toHaveLength(3);
    expect(first.prevCursor).toBeUndefined();
    const second = await search.search('year:2022', { cursor: first.nextCursor as string });
    expect(second.page).toBe(2);
    expect(titles(second)).not.toContain(titles(first)[0]);
    const back = await search.search('year:2022', { cursor: second.prevCursor as string });
    expect(titles(back)).toEqual(titles(first));
  });

  it('suggests a spelling when nothing matches', async () => {
    const { search } = await sampleSearch();
    const page = await search.search('superpositoin cat:CR');
    expect(page.total).toBe(0);
    expect(page.didYouMean).toBe('superposition cat:CR');
  });

  it.each([false, true])('finds more like a paper, leaving it out (text vectors: %s)', async (vectors) => {
    const { search, store } = await sampleSearch({ vectors });
    const [toy] = (await search.search('"toy models of superposition"')).results;
    const like = await search.moreLikeThis(toy?.paper.id as number);
    expect(like?.total).toBeGreaterThan(0);
    expect(titles(like as never)).not.toContain('Toy Models of Superposition');
    expect(await search.moreLikeThis(99999)).toBeUndefined();
    await store.close();
  });

  it('ranks more like a paper by cosine of text vectors: a near-duplicate abstract first, best first, paged', async () => {
    const { search, store } = await sampleSearch({ vectors: true });
    const [toy] = (await search.search('"toy models of superposition"')).results;
    const abstract = toy?.paper.abstract ?? '';
    expect(abstract.length).toBeGreaterThan(200);
    // A different title, and the abstract cut short with the paper's title words swapped for others: matching
    // title words would not find it at all, the vectors of the rest of its text do.
    const twin = fakePaper(1, {
      title: 'A note on packing features into neurons',
      abstract: abstract
        .slice(0, Math.floor(abstract.length * 0.8))
        .replace(/\btoy\b/gi, 'small')
        .replace(/\bmodels?\b/gi, 'networks')
        .replace(/\bsuperposition\b/gi, 'overlap'),
    });
    await store.saveProfile(fakeProfile('Twin Writer', [twin]), { path: 'twin', contentHash: 'twin' }, clock());
    const like = await search.moreLikeThis(toy?.paper.id as number, { pageSize: 3 });
    expect(titles(like as never)[0]).toBe('A note on packing features into neurons');
    const scores = (like?.results ?? []).map((r) => r.score);
    expect(scores[0]).toBeGreaterThan(0.5);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(like?.query).toBe(`like:${toy?.paper.id}`);
    if ((like?.total ?? 0) > 3) {
      const next = await search.moreLikeThis(toy?.paper.id as number, { cursor: like?.nextCursor as string });
      expect(next?.page).toBe(2);
      expect(next?.results[0]?.score ?? 1).toBeLessThanOrEqual(scores[2] ?? 0);
    }
    await store.close();
  });
});

describe('search folds accents', () => {
  it('finds Naïve by naive', async () => {
    const store = createSqliteStore(':memory:');
    await store.saveProfile(
      fakeProfile('Ann', [fakePaper(1, { title: 'Naïve Bayes Revisited' })]),
      { path: 'a', contentHash: 'a' },
      clock(),
    );
    const search = createSearch({
      store,
      index: await PaperIndex.open({ store }),
      text: createSqliteTextIndex(store.db),
    });
    expect(titles(await search.search('naive'))).toEqual(['Naïve Bayes Revisited']);
    expect(titles(await search.search('NAÏVE bayes'))).toEqual(['Naïve Bayes Revisited']);
  });
});

describe('the index stays in step with the database', () => {
  const tempDir = useTempDir();

  it('sees papers written by another connection without a restart or a rebuild', async () => {
    const file = join(tempDir(), 'p.db');
    const writer = createSqliteStore(file);
    const reader = createSqliteStore(file);
    await writer.saveProfile(fakeProfile('Ann', [fakePaper(1)]), { path: 'a', contentHash: '1' }, clock());
    const { index, search } = await openSearch({ store: reader, text: createSqliteTextIndex(reader.db) }, file);
    expect(index.size).toBe(1);
    await writer.saveProfile(
      fakeProfile('Bob', [fakePaper(2, { title: 'Quantum gravel' })]),
      { path: 'b', contentHash: '2' },
      clock(),
    );
    expect(titles(await search.search('gravel'))).toEqual(['Quantum gravel']);
    expect(index.caughtUp).toBe(1);
    await writer.close();
    await reader.close();
  });

  it('loads its snapshot on restart instead of re-indexing, catching up only what changed', async () => {
    const file = join(tempDir(), 'p.db');
    const store = createSqliteStore(file);
    await store.saveProfile(fakeProfile('Ann', [fakePaper(1), fakePaper(2)]), { path: 'a', contentHash: '1' }, clock());
    await (await openSearch({ store, text: createSqliteTextIndex(store.db) }, file)).index.saveSnapshot();
    const reopened = await openSearch({ store, text: createSqliteTextIndex(store.db) }, file);
    expect(reopened.index.size).toBe(2);
    expect(reopened.index.caughtUp).toBe(0);
    await store.saveProfile(fakeProfile('Bob', [fakePaper(3)]), { path: 'b', contentHash: '2' }, clock());
    expect((await openSearch({ store, text: createSqliteTextIndex(store.db) }, file)).index.caughtUp).toBe(1);
    await store.close();
  });
});
