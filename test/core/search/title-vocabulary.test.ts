import fc from 'fast-check';
import SearchableMap from 'minisearch/SearchableMap';
import { describe, expect, it } from 'vitest';
import { PaperFactsTable } from '../../../src/core/search/paper-facts.ts';
import { TitleVocabulary } from '../../../src/core/search/title-vocabulary.ts';

/** Words over a small alphabet (so near words are common), accents and a surrogate pair included. */
const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', 'é', 'ß', '😀'), minLength: 1, maxLength: 9 });

const vocabularyOf = (words: string[]) => {
  const vocabulary = new TitleVocabulary();
  for (const w of words) vocabulary.add(w);
  vocabulary.commit();
  return vocabulary;
};

describe('the title vocabulary', () => {
  it('finds the same words within k edits as the MiniSearch radix tree it replaced', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 60 }), word, fc.integer({ min: 0, max: 2 }), (words, term, k) => {
        const tree = new SearchableMap<number>();
        for (const w of words) tree.set(w, 1);
        expect(vocabularyOf(words).within(term, k).sort()).toEqual([...tree.fuzzyGet(term, k).keys()].sort());
      }),
      { numRuns: 500 },
    );
  });

  it('counts titles per word, lists a prefix in order, and merges later additions', () => {
    fc.assert(
      fc.property(
        fc.array(word, { maxLength: 40 }),
        fc.array(word, { maxLength: 40 }),
        word,
        (first, later, prefix) => {
          const vocabulary = vocabularyOf(first);
          for (const w of later) vocabulary.add(w);
          vocabulary.commit();
          const counts = new Map<string, number>();
          for (const w of [...first, ...later]) counts.set(w, (counts.get(w) ?? 0) + 1);
          const sorted = [...counts.keys()].sort();
          expect(vocabulary.entries().words).toEqual(sorted);
          for (const [w, n] of counts) expect(vocabulary.count(w)).toBe(n);
          expect(vocabulary.count(`${prefix}zz`)).toBe(0);
          expect([...vocabulary.atPrefix(prefix)].map(([w]) => w)).toEqual(sorted.filter((w) => w.startsWith(prefix)));
        },
      ),
    );
  });
});

describe('the paper facts table', () => {
  it('keeps each paper once, answers filters, and survives its own parts', () => {
    const table = new PaperFactsTable();
    table.set(3, { from: 20240301, to: 20240301, categories: ['cl', 'cs.cl'], hasCode: true });
    table.set(7, { from: 20210101, to: 20211231, categories: ['ro'], hasCode: false });
    table.set(3, { from: 20240301, to: 20240301, categories: ['cl', 'cs.cl', 'lg'], hasCode: true });
    table.set(5000, { from: 20260101, to: 20260101, categories: ['cl', 'cs.cl'], hasCode: false });
    expect(table.size).toBe(3);
    expect([...table.keys()]).toEqual([3, 7, 5000]);
    expect(table.get(3)).toEqual({ from: 20240301, to: 20240301, categories: ['cl', 'cs.cl', 'lg'], hasCode: true });
    expect(table.get(4)).toBeUndefined();
    const ids = (filter: Parameters<PaperFactsTable['matcher']>[0]) => [3, 4, 7, 5000].filter(table.matcher(filter));
    expect(ids({ categories: ['cs.cl'] })).toEqual([3, 5000]);
    expect(ids({ categories: [], from: 20210601, to: 20211231 })).toEqual([7]);
    expect(ids({ categories: ['lg', 'ro'], hasCode: false })).toEqual([7]);
    expect(ids({ categories: [], from: 20240101 })).toEqual([3, 5000]);
    expect(table.lastDay(7)).toBe(20211231);
    expect(table.lastDay(4)).toBe(0);

    const parts = table.parts();
    expect(parts.flags.length).toBe(5001);
    const copy = new PaperFactsTable({ ...parts, categorySets: table.categorySets.map((s) => [...s]) });
    expect([...copy.keys()]).toEqual([3, 7, 5000]);
    expect(copy.get(5000)).toEqual(table.get(5000));
  });
});
