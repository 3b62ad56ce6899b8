import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteEnrichment } from '../../../src/adapters/sqlite/sqlite-enrichment.ts';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import type { PaperFigures } from '../../../src/core/enrich/scholarly.ts';
import { PaperIndex } from '../../../src/core/search/paper-index.ts';
import { parseQuery } from '../../../src/core/search/query-parser.ts';
import { createSearch, type Search } from '../../../src/core/search/search.ts';
import { fixturePapers } from './fixture.ts';
import { createOracle, type Oracle, oracleCitationOrder, oracleSearch } from './oracle.ts';

// The fixture's papers with counts of their own on most (some none), and service counts on a third of them:
// `cites:` and `sort:citations` read the service's count where there is one, else the record's.
const store = createSqliteStore(':memory:');
const enrichment = createSqliteEnrichment(store.db);
let search: Search;
let oracle: Oracle;
const NOW = new Date('2026-12-08T00:00:00Z');

const figures = (citations: number): PaperFigures => ({
  source: 'openalex',
  citations,
  byYear: [],
  doi: null,
  venue: null,
  tldr: null,
});

beforeAll(async () => {
  const papers = fixturePapers(300).map((p, n) => ({ ...p, citations: n % 5 === 0 ? null : (n * 37) % 400 }));
  await store.savePapers(papers, NOW);
  const ids = (await store.papersChangedSince(0, 1000)).map((p) => p.id);
  const service = new Map(ids.filter((_, n) => n % 3 === 0).map((id, k) => [id, figures((k * 53) % 600)]));
  await enrichment.saveFigures('openalex', service, [], NOW);
  // A service that knows a paper but gives no count leaves the record's count in force.
  await enrichment.saveFigures(
    'semantic_scholar',
    new Map([[ids[1] as number, { ...figures(0), source: 'semantic_scholar', citations: null }]]),
    [],
    NOW,
  );
  const index = await PaperIndex.open({ store });
  search = createSearch({ index, store, text: createSqliteTextIndex(store.db), citations: enrichment });
  // The oracle is told the services' counts as written above, not what the store computes from them.
  oracle = {
    ...(await createOracle(store)),
    citations: new Map([...service].map(([id, f]) => [id, f.citations as number])),
  };
});
afterAll(() => store.close());

async function every(text: string) {
  const ids: number[] = [];
  for (let page = 1; ; page++) {
    const result = await search.search(text, { pageSize: 100, page });
    ids.push(...result.results.map((r) => r.paper.id));
    if (!result.nextCursor) return { ids, total: result.total };
  }
}

describe('cites:N and sort:citations', () => {
  it('parses: cites takes a whole number, sort takes citations', () => {
    expect(parseQuery('models cites:100 sort:citations')).toMatchObject({ minCitations: 100, sort: 'citations' });
    expect(() => parseQuery('cites:many')).toThrow(/cites:100/);
    expect(() => parseQuery('sort:cited')).toThrow(/date, relevance or citations/);
  });

  it('cites:N answers the papers with at least N citations, the service count winning; papers without a count never match', async () => {
    const { ids } = await every('cites:300');
    const expected = oracleSearch(oracle, 'cites:300').ids;
    expect(new Set(ids)).toEqual(expected);
    expect(expected.size).toBeGreaterThan(10);
    expect((await every('cites:0')).ids.length).toBe(oracleSearch(oracle, 'cites:0').ids.size);
    expect((await every('cites:0')).ids.length).toBeLessThan(300);
  });

  it('agrees with the oracle on words, filters and cites:, in sort:citations order (no count last)', async () => {
    const words = ['language', 'models', 'reward', 'question', 'robots', 'attention', 'graph'];
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(words, { minLength: 0, maxLength: 2 }),
        fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
        fc.boolean(),
        fc.option(fc.constantFrom('has:code', 'cat:CL', 'since:2023'), { nil: undefined }),
        async (terms, least, sorted, filter) => {
          const text = [
            ...terms,
            least !== undefined ? `cites:${least}` : '',
            filter ?? '',
            sorted ? 'sort:citations' : '',
          ]
            .filter(Boolean)
            .join(' ');
          const query = parseQuery(text);
          if (query.terms.length === 0 && query.minCitations === undefined && !filter) return;
          const expected = oracleSearch(oracle, text);
          const { ids, total } = await every(text);
          expect({ text, total }).toEqual({ text, total: expected.ids.size });
          expect(new Set(ids)).toEqual(expected.ids);
          if (sorted && !expected.relaxed) expect(ids).toEqual(oracleCitationOrder(oracle, expected.ids));
        },
      ),
      { numRuns: 60, seed: 27 },
    );
  });

  it('filterMatching (digests, watches) applies cites: too', async () => {
    const all = (await store.papersChangedSince(0, 1000)).map((p) => p.id);
    const kept = await search.filterMatching('cites:200', all);
    expect(new Set(kept)).toEqual(oracleSearch(oracle, 'cites:200').ids);
  });
});
