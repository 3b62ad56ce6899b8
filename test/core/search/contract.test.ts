import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import { isPaperboyError } from '../../../src/core/errors.ts';
import { ingestPaths } from '../../../src/core/ingest/ingest-files.ts';
import { PaperIndex } from '../../../src/core/search/paper-index.ts';
import { parseQuery } from '../../../src/core/search/query-parser.ts';
import { createSearch, type Search, type SearchHit } from '../../../src/core/search/search.ts';
import { FUNCTION_WORDS, toWords } from '../../../src/core/search/tokenize.ts';
import type { PaperStore } from '../../../src/core/store/paper-store.ts';
import { hasSharedData, SHARED_DATA, SHARED_SKIP_REASON } from '../../helpers/shared-data.ts';
import { loadFixture } from './fixture.ts';
import { createOracle, type Oracle, oracleSearch, oracleStrict } from './oracle.ts';

/** Every result of a query, in order, page by page (paging must reach every match). */
async function everyResult(search: Search, text: string) {
  const first = await search.search(text, { pageSize: 100 });
  const hits: SearchHit[] = [...first.results];
  for (let page = 2; hits.length < first.total; page++) {
    const next = await search.search(text, { pageSize: 100, page });
    if (next.results.length === 0) break;
    hits.push(...next.results);
  }
  return { page: first, hits };
}

const ASCII_WORD = /^[a-z0-9]{2,}$/;

/** Queries made from the corpus: words, misspellings, prefixes, phrases, exclusions and every filter. */
function queryArbitrary(oracle: Oracle) {
  const papers = oracle.papers;
  const paper = fc.constantFrom(...papers);
  const wordsOf = (p: (typeof papers)[number]) => [...p.title, ...p.abstract].filter((w) => ASCII_WORD.test(w));
  const word = paper.chain((p) => {
    const words = wordsOf(p);
    return words.length ? fc.constantFrom(...words) : fc.constant('language');
  });
  const misspell = fc
    .tuple(word, fc.nat(), fc.constantFrom('drop', 'swap', 'add'))
    .map(([w, at, how]) => {
      const i = at % w.length;
      if (how === 'drop') return w.slice(0, i) + w.slice(i + 1);
      if (how === 'add') return `${w.slice(0, i)}x${w.slice(i)}`;
      return i + 1 < w.length ? w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2) : w;
    })
    .filter((w) => w.length >= 2);
  const prefix = word.filter((w) => w.length > 4).map((w) => w.slice(0, 3 + (w.length % 3)));
  const phrase = paper.chain((p) => {
    const source = (p.abstract.length > 3 ? p.abstract : p.title).filter((w) => ASCII_WORD.test(w));
    if (source.length < 2) return fc.constant('');
    return fc.nat(source.length - 2).map((i) => `"${source[i]} ${source[i + 1]}"`);
  });
  const author = paper.chain((p) => {
    const names = p.paper.authors.filter((a) => toWords(a).every((w) => ASCII_WORD.test(w)));
    return names.length ? fc.constantFrom(...names).map((n) => `author:"${n}"`) : fc.constant('');
  });
  const category = paper.chain((p) => {
    const short = p.paper.category;
    return short && /^[A-Za-z]+$/.test(short) ? fc.constant(`cat:${short}`) : fc.constant('');
  });
  const filter = fc.oneof(
    author,
    category,
    fc.integer({ min: 2019, max: 2026 }).map((y) => `year:${y}`),
    fc.integer({ min: 2019, max: 2026 }).map((y) => `since:${y}-06`),
    fc.integer({ min: 2019, max: 2026 }).map((y) => `before:${y}`),
    fc.constant('has:code'),
    fc.constant('aff:anthropic'),
    fc.constant('by:"Owner Person"'),
  );
  // Other forms of a corpus word: the stem's forms must be found whichever one is typed.
  const inflected = fc
    .tuple(word, fc.constantFrom('s', 'es', 'ed', 'ing', 'er', 'ly', '-s', '-e', '-ed', '-ing', 'y>ies'))
    .map(([w, how]) => {
      if (how === 'y>ies') return w.endsWith('y') ? `${w.slice(0, -1)}ies` : `${w}s`;
      if (!how.startsWith('-')) return w + how;
      const ending = how.slice(1);
      return w.endsWith(ending) && w.length > ending.length + 2 ? w.slice(0, -ending.length) : w;
    });
  const part = fc.oneof(
    { weight: 6, arbitrary: word },
    { weight: 3, arbitrary: inflected },
    { weight: 2, arbitrary: misspell },
    { weight: 1, arbitrary: fc.constantFrom(...FUNCTION_WORDS) },
    { weight: 1, arbitrary: word.map((w) => `"${w}"`) },
    { weight: 1, arbitrary: phrase },
    { weight: 1, arbitrary: word.map((w) => `-${w}`) },
    { weight: 2, arbitrary: filter },
  );
  return fc
    .tuple(fc.array(part, { minLength: 1, maxLength: 4 }), fc.option(prefix, { nil: undefined }))
    .map(([parts, last]) => [...parts, ...(last ? [last] : [])].filter((p) => p !== '').join(' '))
    .filter((q) => q.trim() !== '');
}

/** A query the parser refuses is refused by the search too (and there is nothing to compare). */
async function refused(search: Search, text: string): Promise<boolean> {
  try {
    parseQuery(text);
    return false;
  } catch (error) {
    if (!isPaperboyError(error, 'invalid_query')) throw error;
    await expect(search.search(text)).rejects.toThrow(/invalid query/);
    return true;
  }
}

interface Seen {
  matched: number;
  /** Queries with a word matched through other forms of its stem. */
  inflected: number;
  /** Relaxed answers the work budget cut. */
  cut: number;
  relaxed: number;
  alternatives: number;
  large: number;
}

async function checkAgainstOracle(search: Search, oracle: Oracle, text: string, seen: Seen, budget?: number) {
  if (await refused(search, text)) return;
  const expected = oracleSearch(oracle, text, budget);
  if (expected.words.some((w) => w.spellings.length > w.exact.length)) seen.inflected++;
  if (expected.relaxed && expected.leftOut.length > 0) seen.cut++;
  if (expected.ids.size > 0) seen.matched++;
  if (expected.relaxed) seen.relaxed++;
  if (expected.ids.size > 200) seen.large++;
  if (parseQuery(text).terms.some((t, i) => !expected.spellings[i]?.includes(t) || expected.spellings[i]?.length !== 1))
    seen.alternatives++;
  const { page, hits } = await everyResult(search, text);
  expect({ text, total: page.total, relaxed: page.relaxed }).toEqual({
    text,
    total: expected.ids.size,
    relaxed: expected.relaxed,
  });
  if (page.relaxed) expect(page.wordsLeftOut, text).toEqual(expected.leftOut);
  expect(new Set(hits.map((h) => h.paper.id))).toEqual(expected.ids);
  checkRanking(oracle, text, hits, expected);
}

/** The ranking properties of docs/search.md, checked on the full ordered list. */
function checkRanking(oracle: Oracle, text: string, hits: SearchHit[], expected: ReturnType<typeof oracleSearch>) {
  const query = parseQuery(text);
  const byId = new Map(oracle.papers.map((p) => [p.paper.id, p]));
  const dateOrder = query.sort === 'date' || (query.terms.length === 0 && query.phrases.length === 0);
  // The title phrase asks for each word's exact spellings (its other forms when it has none).
  const spellingOf = new Map(expected.words.map((w) => [w.word, w.exact.length ? w.exact : w.spellings]));
  const phrase = query.words.map((w) => spellingOf.get(w) ?? [w]);
  const key = (hit: SearchHit) => {
    const p = byId.get(hit.paper.id);
    if (!p) throw new Error(`unknown id ${hit.paper.id}`);
    const inTitle =
      expected.spellings.length > 0 && expected.spellings.every((s) => s.some((w) => p.title.includes(w)));
    const side =
      inTitle &&
      phrase.length >= 2 &&
      p.title.some((_, at) => phrase.every((g, k) => g.includes(p.title[at + k] as string)));
    const tier = expected.relaxed ? 0 : side ? 2 : inTitle ? 1 : 0;
    // Words the paper holds only in other forms than their exact spellings (fewer first within a tier).
    const holds = (words: string[]) => words.some((w) => p.all.has(w));
    const inexact = expected.counted.filter((w) => holds(w.spellings) && !holds(w.exact)).length;
    const held = expected.held.get(p.paper.id) ?? 0;
    return { held, tier, inexact, score: hit.score, date: p.to, id: p.paper.id };
  };
  const keys = hits.map(key);
  for (let i = 1; i < keys.length; i++) {
    const a = keys[i - 1] as ReturnType<typeof key>;
    const b = keys[i] as ReturnType<typeof key>;
    const where = `${text}: #${i} (id ${a.id}) before #${i + 1} (id ${b.id})`;
    if (dateOrder) {
      expect(a.date > b.date || (a.date === b.date && a.id < b.id), where).toBe(true);
      continue;
    }
    expect(a.held >= b.held, `${where}: words held`).toBe(true);
    if (a.held !== b.held) continue;
    expect(a.tier >= b.tier, `${where}: title tier`).toBe(true);
    if (a.tier !== b.tier) continue;
    expect(a.inexact <= b.inexact, `${where}: exact forms first`).toBe(true);
    if (a.inexact !== b.inexact) continue;
    expect(a.score >= b.score, `${where}: BM25`).toBe(true);
    if (a.score !== b.score) continue;
    expect(a.date > b.date || (a.date === b.date && a.id < b.id), `${where}: newer, then id`).toBe(true);
  }
}

function describeCorpus(name: string, load: (store: PaperStore) => Promise<void> | void, runs: number) {
  // Hundreds of queries, each against a scan of every paper: minutes on a loaded machine.
  describe(`the fast search agrees with the brute-force oracle (${name})`, { timeout: 300_000 }, () => {
    let store: ReturnType<typeof createSqliteStore>;
    let search: Search;
    let oracle: Oracle;
    beforeAll(async () => {
      store = createSqliteStore(':memory:');
      await load(store);
      search = createSearch({ store, index: await PaperIndex.open({ store }), text: createSqliteTextIndex(store.db) });
      oracle = await createOracle(store);
    });
    afterAll(() => store.close());

    it('finds the same papers, the same total and the same relaxed flag, ranked by the ranking properties', async () => {
      const seen: Seen = { matched: 0, inflected: 0, cut: 0, relaxed: 0, alternatives: 0, large: 0 };
      await fc.assert(
        fc.asyncProperty(queryArbitrary(oracle), (text) => checkAgainstOracle(search, oracle, text, seen)),
        { numRuns: runs, seed: 11 },
      );
      // The generated queries reach every part of the contract, not only empty answers.
      expect(seen.matched).toBeGreaterThan(runs / 3);
      expect(seen.relaxed).toBeGreaterThan(0);
      expect(seen.alternatives).toBeGreaterThan(0);
      expect(seen.inflected).toBeGreaterThan(runs / 10);
      // Past 200 matches the title tiers come from the text index, below from the titles: both are checked.
      expect(seen.large).toBeGreaterThan(0);
    });

    it('cuts a relaxed answer at the work budget as the contract says: rarest words first, the rest named', async () => {
      // A budget this corpus reaches: a tenth of its papers.
      const budget = Math.ceil(oracle.papers.length / 10);
      const small = createSearch({
        store,
        index: await PaperIndex.open({ store }),
        text: createSqliteTextIndex(store.db),
        workBudget: budget,
      });
      const seen: Seen = { matched: 0, inflected: 0, cut: 0, relaxed: 0, alternatives: 0, large: 0 };
      const words = fc.array(queryArbitrary(oracle), { minLength: 2, maxLength: 4 }).map((qs) => qs.join(' '));
      await fc.assert(
        fc.asyncProperty(words, (text) => checkAgainstOracle(small, oracle, text, seen, budget)),
        { numRuns: Math.ceil(runs / 3), seed: 14 },
      );
      expect(seen.cut).toBeGreaterThan(0);
    });

    it('answers any typed text, or refuses it with our own error, never crashing (FTS5 syntax included)', async () => {
      const text = fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.string({
          unit: fc.constantFrom('a', '"', '-', ':', '(', ')', '*', '^', '+', ' ', 'ï', '\u0301', '²', 'ﬁ', '\u200b'),
          maxLength: 30,
        }),
      );
      await fc.assert(
        fc.asyncProperty(text, async (t) => {
          try {
            await search.search(t);
            await search.filterMatching(t, [1, 2, 3]);
          } catch (error) {
            if (!isPaperboyError(error, 'invalid_query')) throw error;
          }
        }),
        { numRuns: Math.max(200, runs), seed: 13 },
      );
    });

    it('judges new papers for digests by the strict rule only', async () => {
      const ids = oracle.papers.map((p) => p.paper.id);
      await fc.assert(
        fc.asyncProperty(queryArbitrary(oracle), async (text) => {
          if (await refused(search, text)) return;
          expect(new Set(await search.filterMatching(text, ids))).toEqual(new Set(oracleStrict(oracle, text, ids)));
        }),
        { numRuns: Math.ceil(runs / 2), seed: 12 },
      );
    });
  });
}

describeCorpus('built-in fixture', loadFixture, 300);

if (hasSharedData) {
  describeCorpus(
    'small corpus',
    async (store) => {
      await ingestPaths([`${SHARED_DATA}/corpus/small.jsonl.gz`], { store, clock: () => new Date() });
    },
    60,
  );
} else {
  describe.skip(`the oracle on the small corpus: ${SHARED_SKIP_REASON}`, () => {
    it('runs with ../shared/data', () => {});
  });
}
