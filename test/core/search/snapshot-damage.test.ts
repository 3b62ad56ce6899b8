import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import { openSearch } from '../../../src/core/search/open-search.ts';
import { snapshotPathFor } from '../../../src/core/search/paper-index.ts';
import { fakePaper, fakeProfile } from '../../helpers/make-pages.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const clock = () => new Date('2026-01-01T00:00:00Z');

// The snapshot is only a cache: whatever is in the file, a start rebuilds from the database instead of crashing
// (before the fix, a snapshot of the right version and database whose parts were missing or of the wrong type
// stopped every `paperboy search` and `paperboy start` with a TypeError, until someone deleted the file).
const ints = (...values: number[]) => Buffer.from(Uint32Array.from(values).buffer).toString('base64');
const DAMAGE: Record<string, (snapshot: Record<string, unknown>, text: string) => string> = {
  'cut in half': (_, text) => text.slice(0, text.length / 2),
  empty: () => '',
  'not JSON': () => '\u0000\u00ff'.repeat(50),
  'JSON null': () => 'null',
  'a future version': (s) => JSON.stringify({ ...s, version: 99 }),
  'more papers counted than its facts hold': (s) => JSON.stringify({ ...s, papers: (s.papers as number) + 1 }),
  'a word in more titles than there are papers': (s) => JSON.stringify({ ...s, words: 'gravel', counts: ints(99) }),
  'a word listed twice': (s) => JSON.stringify({ ...s, words: 'gravel\ngravel', counts: ints(1, 1) }),
  'more words than counts': (s) => JSON.stringify({ ...s, words: `${s.words}\nzzz` }),
  'without its facts': (s) => JSON.stringify({ ...s, from: undefined }),
  'facts that are not bytes': (s) => JSON.stringify({ ...s, to: { 1: {} } }),
  'facts cut to a length that is not whole numbers': (s) => JSON.stringify({ ...s, from: 'AAA=' }),
  'facts of two lengths': (s) => JSON.stringify({ ...s, categorySet: ints(0) }),
  'a category set that does not exist': (s) => JSON.stringify({ ...s, categorySets: [] }),
  'category sets that are not lists of names': (s) => JSON.stringify({ ...s, categorySets: [[1], 'x'] }),
  'without its vocabulary': (s) => JSON.stringify({ ...s, words: undefined }),
  'a revision that is not a number': (s) => JSON.stringify({ ...s, rev: 'x' }),
  'a negative revision': (s) => JSON.stringify({ ...s, rev: -5 }),
};

describe('a damaged search snapshot', () => {
  const tempDir = useTempDir();

  it.each(Object.entries(DAMAGE))('B1 %s: is rebuilt from the database, never a crash', async (_, damage) => {
    const file = join(tempDir(), 'p.db');
    const store = createSqliteStore(file);
    await store.saveProfile(
      fakeProfile('Ann', [
        fakePaper(1, { title: 'Quantum gravel sorting', category: 'RO', date: '2024-03-01' }),
        fakePaper(2, { title: 'Gravel under pressure', category: 'CL', date: '2021-05-01' }),
      ]),
      { path: 'a', contentHash: '1' },
      clock(),
    );
    await (await openSearch({ store, text: createSqliteTextIndex(store.db) }, file)).index.saveSnapshot();
    const path = snapshotPathFor(file) as string;
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, damage(JSON.parse(text), text));

    const { search, index } = await openSearch({ store, text: createSqliteTextIndex(store.db) }, file);
    expect(index.size).toBe(2);
    expect((await search.search('gravel', { pageSize: 10 })).total).toBe(2);
    expect((await search.search('gravle')).total).toBe(2);
    expect((await search.search('gravel cat:RO')).results.map((r) => r.paper.title)).toEqual([
      'Quantum gravel sorting',
    ]);
    expect((await search.search('since:2024')).total).toBe(1);
    // Once saved again, the snapshot is whole and loads as it is.
    await index.saveSnapshot();
    expect((await openSearch({ store, text: createSqliteTextIndex(store.db) }, file)).index.caughtUp).toBe(0);
    await store.close();
  });
});
