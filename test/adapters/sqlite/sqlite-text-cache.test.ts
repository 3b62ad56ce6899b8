import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextCache, type SqliteTextCache } from '../../../src/adapters/sqlite/sqlite-text-cache.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import type { ArxivEntry } from '../../../src/core/arxiv/arxiv-entry.ts';
import { PaperIndex } from '../../../src/core/search/paper-index.ts';
import { createSearch } from '../../../src/core/search/search.ts';
import type { TextIndex } from '../../../src/core/search/text-index.ts';
import type { PaperInput, PaperStore } from '../../../src/core/store/paper-store.ts';
import { arxivEntry } from '../../helpers/arxiv-entries.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const now = new Date('2026-11-28T00:00:00Z');
const tempDir = useTempDir();

type Source = Pick<PaperStore, 'papersChangedSince' | 'identity' | 'maxRev'>;

/** The store as an instance on the async contract sees it, with the revs it was asked for changes since. */
function fed(store: PaperStore): { source: Source; asked: number[] } {
  const async: Source = store;
  const asked: number[] = [];
  return {
    asked,
    source: {
      identity: () => async.identity(),
      maxRev: () => async.maxRev(),
      papersChangedSince: (rev, limit) => {
        asked.push(rev);
        return async.papersChangedSince(rev, limit);
      },
    },
  };
}

const WORDS = [
  'reward',
  'hacking',
  'language',
  'model',
  'models',
  'Naïve',
  'Bayes',
  'sycophancy',
  'transformer',
  'transformers',
  'learning',
  'reinforcement',
  'graph',
  'neural',
  'attention',
  'calibration',
  'Über',
  'café',
  'robust',
  'robustness',
  'alignment',
  'interpretability',
];
const NAMES = ['Ann Lee', 'Bob "Bobby" Stone', 'Chidi Okafor', 'Dana Ünal', 'Eve Smith', 'Farid Haddad'];
const PLACES = ['Anthropic', 'MIT', 'ETH Zürich', 'University of Oxford'];

/** A paper made of words from a small vocabulary, so that queries meet many papers and rank them by BM25. */
function paper(n: number): PaperInput {
  const pick = (list: readonly string[], k: number) => list[(n * 7 + k * 13 + ((n * k) % 5)) % list.length] as string;
  const title = Array.from({ length: 3 + (n % 5) }, (_, k) => pick(WORDS, k)).join(' ');
  return {
    title: `${title} ${n}`,
    authors: Array.from({ length: 1 + (n % 3) }, (_, k) => pick(NAMES, k)),
    authorsTruncated: false,
    affiliations: n % 4 === 0 ? [] : [pick(PLACES, n)],
    abstract: n % 9 === 0 ? null : Array.from({ length: 8 + (n % 11) }, (_, k) => pick(WORDS, k + 3)).join(' '),
    date: `202${n % 6}-0${(n % 9) + 1}-1${n % 10}`,
    category: 'CL',
    categoryFull: 'cs.CL',
    hasCode: n % 2 === 0,
    codeUrl: null,
    arxivId: null,
    venue: null,
    citations: null,
  };
}

async function storeWith(file: string, from: number, to: number) {
  const store = createSqliteStore(file);
  await addPapers(store, from, to);
  return store;
}

async function addPapers(store: PaperStore, from: number, to: number): Promise<void> {
  const papers = Array.from({ length: to - from }, (_, i) => paper(from + i));
  await store.begin();
  await store.savePapers(papers, now);
  await store.commit();
}

/** The store's own full-text index (FTS5 in its file): what the cache must answer the same as. */
const ownText = (store: ReturnType<typeof createSqliteStore>): TextIndex => createSqliteTextIndex(store.db);

const EXPRESSIONS = [
  '"reward"',
  '"naive"',
  '"naïve"',
  '"uber"',
  '"cafe"',
  '"reward" AND "hacking"',
  '"reward" "hacking"',
  '"reward" OR "graph"',
  '"reward" NOT "hacking"',
  '"reward hacking"',
  '"language model"',
  'title : "reward"',
  'title : ("reward" AND "models")',
  '{title abstract} : "language model"',
  'abstract : "neural"',
  'authors : "ann lee"',
  'authors : "bobby"',
  'affiliations : "anthropic"',
  'affiliations : "zurich"',
  '"transform" *',
  'transform*',
  '"robust"*',
  'title : "calib" *',
  '("reward" OR "rewards") AND "model"',
  '(("reward") AND ("graph")) NOT ("sycophancy")',
  'NEAR("reward" "model", 3)',
  'title : "graph" NOT abstract : "neural"',
  '"interpretability" OR "alignment" OR "attention"',
  '"zzzz"',
  '"the"',
  '"12"',
];

function expectSameAnswers(cache: SqliteTextCache, own: TextIndex, ids: readonly number[]): void {
  const among = [ids.filter((id) => id % 3 === 0), ids.slice(0, 5), [], [999_999]];
  for (const expression of EXPRESSIONS) {
    expect(cache.matchText(expression), expression).toEqual(own.matchText(expression));
    expect(cache.scoreText(expression), expression).toEqual(own.scoreText(expression));
    for (const some of among) {
      expect(cache.matchText(expression, some), expression).toEqual(own.matchText(expression, some));
      expect(cache.scoreText(expression, some), expression).toEqual(own.scoreText(expression, some));
    }
  }
  for (const term of ['reward', 'naive', 'über', 'uber', 'cafe', 'bobby', 'zurich', 'absent', 'a"b', '"', '']) {
    expect(cache.hasTerm(term), term).toBe(own.hasTerm(term));
    expect(cache.papersHolding(term), term).toBe(own.papersHolding(term));
    // The words of a stem's range, with their paper counts (the forms of a word, docs/search.md).
    expect(cache.wordsStartingWith(term.slice(0, 3)), term).toEqual(own.wordsStartingWith(term.slice(0, 3)));
  }
}

const allIds = async (store: PaperStore) => (await store.papersChangedSince(0, 1_000_000)).map((p) => p.id);

describe('createSqliteTextCache', () => {
  it('answers every expression as the store’s own FTS5: words, phrases, prefixes, columns, NOT, among', async () => {
    const store = await storeWith(':memory:', 0, 120);
    const { source } = fed(store);
    const cache = createSqliteTextCache(join(tempDir(), 'instance', 'text-cache.db'), { batchSize: 25 });
    await cache.catchUp(source);
    expect(cache.rev()).toBe(await store.maxRev());
    expect(ownText(store).matchText('"reward"').length).toBeGreaterThan(10);
    expectSameAnswers(cache, ownText(store), await allIds(store));

    // The same pages from the search itself, over either.
    const index = await PaperIndex.open({ store });
    const ownSearch = createSearch({ index, store, text: ownText(store) });
    const cachedSearch = createSearch({ index, store, text: cache });
    for (const query of ['reward hacking', 'rewrad', 'transfor', '"language model" -graph', 'author:"Ann Lee" bayes']) {
      expect(await cachedSearch.search(query, { pageSize: 20 }), query).toEqual(
        await ownSearch.search(query, { pageSize: 20 }),
      );
    }
    cache.close();
    await store.close();
  });

  it('fills in memory too, and then follows papers added and changed', async () => {
    const store = await storeWith(':memory:', 0, 40);
    const { source } = fed(store);
    const cache = createSqliteTextCache(':memory:');
    await cache.catchUp(source);
    await addPapers(store, 40, 70);
    await cache.catchUp(source);
    expect(cache.rev()).toBe(await store.maxRev());
    expectSameAnswers(cache, ownText(store), await allIds(store));
    cache.close();
    await store.close();
  });

  it('finds a retitled paper by its new words and not by its old ones after the next catchUp', async () => {
    const store = await storeWith(':memory:', 0, 30);
    const entry = (overrides: Partial<ArxivEntry>) => arxivEntry(1, { abstract: 'A study.', ...overrides });
    const first = await store.saveArxivEntries([entry({ title: 'Zebra striping of okapis' })], 'listing', now);
    const [id] = first.paperIds;
    const { source } = fed(store);
    const cache = createSqliteTextCache(join(tempDir(), 'text-cache.db'));
    await cache.catchUp(source);
    expect(cache.matchText('"zebra"')).toEqual([id]);

    await store.saveArxivEntries(
      [entry({ title: 'Quokka gaits', version: 2, announceType: 'replace' })],
      'listing',
      now,
    );
    await cache.catchUp(source);
    expect(cache.matchText('"quokka"')).toEqual([id]);
    expect(cache.matchText('"zebra"')).toEqual([]);
    expect(cache.hasTerm('okapis')).toBe(false);
    expectSameAnswers(cache, ownText(store), await allIds(store));
    cache.close();
    await store.close();
  });

  it('replaces, never doubles, a paper changed while the first fill reads', async () => {
    const store = await storeWith(':memory:', 0, 50);
    const async: Source = store;
    const [early] = await store.papersChangedSince(0, 1);
    let calls = 0;
    const source: Source = {
      identity: () => async.identity(),
      maxRev: () => async.maxRev(),
      papersChangedSince: async (rev, limit) => {
        // Between the first batch and the second, a paper of the first batch gets a new title (a new rev).
        if (++calls === 2 && early) {
          await store.saveArxivEntries([arxivEntry(7, { title: early.title })], 'listing', now);
          await store.saveArxivEntries([arxivEntry(7, { title: 'Wombat burrows', version: 2 })], 'listing', now);
        }
        return async.papersChangedSince(rev, limit);
      },
    };
    const cache = createSqliteTextCache(join(tempDir(), 'text-cache.db'), { batchSize: 10 });
    await cache.catchUp(source);
    expect(calls).toBeGreaterThan(2);
    expect(cache.matchText('"wombat"')).toEqual(ownText(store).matchText('"wombat"'));
    expect(cache.matchText('"wombat"')).toHaveLength(1);
    expectSameAnswers(cache, ownText(store), await allIds(store));
    cache.close();
    await store.close();
  });

  it('resumes from its rev when reopened: reads only the papers changed since, and nothing when none did', async () => {
    const dir = tempDir();
    const store = await storeWith(join(dir, 'paperboy.db'), 0, 60);
    const file = join(dir, 'text-cache.db');
    const first = createSqliteTextCache(file, { batchSize: 25 });
    await first.catchUp(fed(store).source);
    const rev = first.rev();
    first.close();

    const unchanged = fed(store);
    const again = createSqliteTextCache(file, { batchSize: 25 });
    expect(again.rev()).toBe(rev);
    await again.catchUp(unchanged.source);
    expect(unchanged.asked).toEqual([]);

    await addPapers(store, 60, 63);
    const later = fed(store);
    await again.catchUp(later.source);
    expect(later.asked).toEqual([rev]);
    expect(again.rev()).toBe(await store.maxRev());
    expectSameAnswers(again, ownText(store), await allIds(store));
    again.close();
    await store.close();
  });

  it('keeps what a catchUp wrote before the store failed, and resumes after it', async () => {
    const store = await storeWith(':memory:', 0, 20);
    const cache = createSqliteTextCache(join(tempDir(), 'text-cache.db'), { batchSize: 10 });
    await cache.catchUp(fed(store).source);
    await addPapers(store, 20, 45);
    const revs = (await store.papersChangedSince(cache.rev(), 100)).map((p) => p.rev);
    const async: Source = store;
    let calls = 0;
    const failing: Source = {
      identity: () => async.identity(),
      maxRev: () => async.maxRev(),
      papersChangedSince: (rev, limit) =>
        ++calls === 2 ? Promise.reject(new Error('connection lost')) : async.papersChangedSince(rev, limit),
    };
    await expect(cache.catchUp(failing)).rejects.toThrow('connection lost');
    expect(cache.rev()).toBe(revs[9]);
    const again = fed(store);
    await cache.catchUp(again.source);
    expect(again.asked[0]).toBe(revs[9]);
    expect(cache.rev()).toBe(await store.maxRev());
    expectSameAnswers(cache, ownText(store), await allIds(store));
    cache.close();
    await store.close();
  });

  it('drops a cache file fed from another database and fills it from this one', async () => {
    const dir = tempDir();
    const file = join(dir, 'text-cache.db');
    const one = await storeWith(join(dir, 'one.db'), 0, 40);
    const other = createSqliteStore(join(dir, 'other.db'));
    other.begin();
    other.savePapers([{ ...paper(1000), title: 'Capybara herds' }, paper(1001)], now);
    other.commit();
    const cache = createSqliteTextCache(file);
    await cache.catchUp(fed(one).source);
    cache.close();

    const reopened = createSqliteTextCache(file);
    const fromOther = fed(other);
    await reopened.catchUp(fromOther.source);
    expect(fromOther.asked).toEqual([0]);
    expect(reopened.rev()).toBe(await other.maxRev());
    expect(reopened.matchText('"capybara"')).toHaveLength(1);
    expectSameAnswers(reopened, ownText(other), await allIds(other));
    reopened.close();
    await one.close();
    await other.close();
  });

  it('refills when the store’s rev went back (a backup put back in its place)', async () => {
    const dir = tempDir();
    const store = await storeWith(join(dir, 'paperboy.db'), 0, 30);
    const backupFile = join(dir, 'backup.db');
    store.db.exec(`VACUUM INTO '${backupFile}'`);
    await addPapers(store, 30, 45);
    const cache = createSqliteTextCache(join(dir, 'text-cache.db'));
    await cache.catchUp(fed(store).source);
    const identity = await store.identity();
    await store.close();

    const backup = createSqliteStore(backupFile);
    expect(await backup.identity()).toBe(identity);
    expect(await backup.maxRev()).toBeLessThan(cache.rev());
    await cache.catchUp(fed(backup).source);
    expect(cache.rev()).toBe(await backup.maxRev());
    expectSameAnswers(cache, ownText(backup), await allIds(backup));
    cache.close();
    await backup.close();
  });

  it('removes a damaged cache file and a fill left by a dead process, then fills anew', async () => {
    const dir = tempDir();
    const file = join(dir, 'text-cache.db');
    writeFileSync(file, 'not a database at all, just bytes '.repeat(200));
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const leftover = `${file}.filling-${dead}-1700000000000`;
    writeFileSync(leftover, 'half a fill');
    const store = await storeWith(':memory:', 0, 20);
    const cache = createSqliteTextCache(file);
    expect(existsSync(leftover)).toBe(false);
    expect(cache.rev()).toBe(0);
    expect(cache.matchText('"reward"')).toEqual([]);
    await cache.catchUp(fed(store).source);
    expectSameAnswers(cache, ownText(store), await allIds(store));
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['text-cache.db']));
    expect(readdirSync(dir).filter((name) => name.includes('.filling-'))).toEqual([]);
    cache.close();
    await store.close();
  });

  it('runs catchUp calls one after another, and a close during a fill leaves no file behind', async () => {
    const dir = tempDir();
    const store = await storeWith(':memory:', 0, 30);
    const revs = (await store.papersChangedSince(0, 100)).map((p) => p.rev);
    const { source, asked } = fed(store);
    const cache = createSqliteTextCache(join(dir, 'text-cache.db'), { batchSize: 10 });
    await Promise.all([cache.catchUp(source), cache.catchUp(source)]);
    // The second call starts after the first has finished: it finds the cache at the store's rev.
    expect(asked).toEqual([0, revs[9], revs[19], revs[29]]);
    cache.close();

    const async: Source = store;
    const closing = createSqliteTextCache(join(dir, 'closing.db'), { batchSize: 10 });
    let batches = 0;
    await closing.catchUp({
      identity: () => async.identity(),
      maxRev: () => async.maxRev(),
      papersChangedSince: (rev, limit) => {
        if (++batches === 2) closing.close();
        return async.papersChangedSince(rev, limit);
      },
    });
    expect(batches).toBe(2);
    expect(readdirSync(dir).filter((name) => name.startsWith('closing'))).toEqual([]);
    await store.close();
  });
});
