import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import { PaperIndex } from '../../../src/core/search/paper-index.ts';
import { createSearch, RELAXED_WORK_BUDGET } from '../../../src/core/search/search.ts';
import type { TextIndex } from '../../../src/core/search/text-index.ts';
import type { PaperInput } from '../../../src/core/store/paper-store.ts';

// 32 common words, none of them an English form of another (each its own stem), and papers that each lack 4 of
// them: no paper holds all 32, so the query is answered relaxed, from doclists of 8,750 papers a word.
const WORDS = Array.from({ length: 32 }, (_, i) => `w${String.fromCharCode(97 + (i % 26))}${i}q`);
const PAPERS = 10_000;

function paper(n: number): PaperInput {
  const held = WORDS.filter((_, i) => (i + n) % 8 !== 0);
  return {
    title: `Paper ${n} ${held.slice(0, 6).join(' ')}`,
    authors: [`Author ${n}`],
    authorsTruncated: false,
    affiliations: [],
    abstract: held.join(' '),
    date: '2025-01-01',
    category: 'CL',
    categoryFull: 'cs.CL',
    hasCode: false,
    codeUrl: null,
    arxivId: null,
    venue: null,
    citations: null,
  };
}

/** The text index, recording what each call reads: the papers holding each word its expression names. */
function counting(text: TextIndex) {
  const reads: number[] = [];
  const cost = (expression: string) => {
    let papers = 0;
    for (const [, word] of expression.matchAll(/"([^"]+)"/g)) papers += text.papersHolding(word as string);
    return papers;
  };
  const wrapped: TextIndex = {
    ...text,
    matchText: (expression, among) => {
      reads.push(cost(expression));
      return text.matchText(expression, among);
    },
    scoreText: (expression, among) => {
      reads.push(cost(expression));
      return text.scoreText(expression, among);
    },
  };
  return { text: wrapped, reads };
}

describe('the work of one query is bounded', () => {
  it('R6: a query of 32 common words reads the doclists of the rarest words within the budget, and says which it left out', async () => {
    const store = createSqliteStore(':memory:');
    await store.begin();
    await store.savePapers(
      Array.from({ length: PAPERS }, (_, n) => paper(n)),
      new Date('2026-01-01T00:00:00Z'),
    );
    await store.commit();
    const { text, reads } = counting(createSqliteTextIndex(store.db));
    const search = createSearch({ store, index: await PaperIndex.open({ store }), text });

    const page = await search.search(WORDS.join(' '));
    expect(page.relaxed).toBe(true);
    // Every word is held by 8,750 papers: 280,000 doclist entries in all, past the budget of 200,000.
    const perWord = (PAPERS * 7) / 8;
    const counted = Math.floor(RELAXED_WORK_BUDGET / perWord);
    expect(page.wordsLeftOut).toHaveLength(WORDS.length - counted);
    // Rarest first, then query order: all are alike here, so the last words typed are left out.
    expect(page.wordsLeftOut).toEqual(WORDS.slice(counted));
    // After the one strict pass (no paper holds all 32), each read of the relaxed answer (matching, counting
    // each word, BM25 of the page's segment) stays within the budget, and all of them within three budgets.
    const relaxedReads = reads.slice(1);
    for (const read of relaxedReads) expect(read).toBeLessThanOrEqual(RELAXED_WORK_BUDGET);
    expect(relaxedReads.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3 * RELAXED_WORK_BUDGET);
    // The papers holding most of the counted words come first.
    const countedWords = WORDS.slice(0, counted);
    const heldBy = (abstract: string) => countedWords.filter((w) => abstract.split(' ').includes(w)).length;
    const most = Math.max(...Array.from({ length: 8 }, (_, n) => heldBy(paper(n).abstract ?? '')));
    expect(heldBy(page.results[0]?.paper.abstract ?? '')).toBe(most);
    store.close();
  });

  it('R6: a search gives the event loop a turn between its parts: an acknowledgement waiting is sent before it ends', async () => {
    const store = createSqliteStore(':memory:');
    await store.begin();
    await store.savePapers(
      Array.from({ length: 2000 }, (_, n) => paper(n)),
      new Date('2026-01-01T00:00:00Z'),
    );
    await store.commit();
    const search = createSearch({
      store,
      index: await PaperIndex.open({ store }),
      text: createSqliteTextIndex(store.db),
    });
    let acknowledged = false;
    let acknowledgedBeforeTheAnswer = false;
    const answering = search.search(WORDS.join(' ')).then(() => {
      acknowledgedBeforeTheAnswer = acknowledged;
    });
    // What a platform's acknowledgement is: a callback of the event loop, queued while the search runs.
    setImmediate(() => {
      acknowledged = true;
    });
    await answering;
    expect(acknowledgedBeforeTheAnswer).toBe(true);
    store.close();
  });
});
