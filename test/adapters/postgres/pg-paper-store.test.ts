import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePg } from '../../../src/adapters/postgres/pg-migrations.ts';
import { createPgPaperStore } from '../../../src/adapters/postgres/pg-paper-store.ts';
import { createPgSession } from '../../../src/adapters/postgres/pg-session.ts';
import type { PaperInput, PaperStore } from '../../../src/core/store/paper-store.ts';
import { fakePaper, fakeProfile } from '../../helpers/make-pages.ts';
import { createTestDatabase, testPostgres } from '../../helpers/pg.ts';

const postgres = testPostgres();
const now = new Date('2026-11-27T06:00:00Z');
const record = (n: number, overrides: Partial<PaperInput> = {}): PaperInput => ({
  ...fakePaper(n),
  categoryFull: null,
  codeUrl: null,
  arxivId: null,
  venue: null,
  citations: null,
  ...overrides,
});

// What only PostgreSQL has: several instances on one database, its text type, its aborted transactions. The
// behaviour both stores share is in test/store-contract.
describe.skipIf(postgres.skip)('the PostgreSQL paper store', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const open: PaperStore[] = [];
  const instance = async () => {
    const session = createPgSession(db.url, { max: 3 });
    await migratePg(session.pool);
    const store = createPgPaperStore(session);
    open.push(store);
    return store;
  };
  beforeAll(async () => {
    db = await createTestDatabase(postgres.url);
  });
  afterAll(async () => {
    await Promise.all(open.map((store) => store.close()));
    await db.drop();
  });

  it('indexes the authors of papers stored before the author index when it migrates', async () => {
    const store = await instance();
    await store.begin();
    await store.savePapers([record(901, { title: 'Before the index', authors: ['Zoë Early', 'Al Later'] })], now);
    await store.commit();
    // As a database of the version before: no author rows, the index pending.
    const session = createPgSession(db.url, { max: 1 });
    try {
      await session.pool.query(
        "DELETE FROM paper_authors; DELETE FROM author_names; INSERT INTO database_meta (name, value) VALUES ('author_index', 'pending')",
      );
      await migratePg(session.pool);
    } finally {
      await session.close();
    }
    expect(await store.authors.find('zoe early')).toMatchObject({ name: 'Zoë Early', papers: 1 });
  });

  it('keeps a reading list under its cap when two instances save for one person at once', async () => {
    const [one, two] = [await instance(), await instance()];
    const reader = { platform: 'discord', space: 'G1', user: 'U-cap' };
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? one : two).readingList.save(reader, 100 + i, now, 5)),
    );
    expect(results.filter((r) => r.status === 'saved')).toHaveLength(5);
    expect(results.filter((r) => r.status === 'full')).toHaveLength(7);
    expect(await one.readingList.count(reader)).toBe(5);
  });

  it('runs two writes called at once on one store in two transactions, each whole', async () => {
    const store = await instance();
    const [a, b] = await Promise.all([
      store.saveProfile(
        fakeProfile('Ann Once', [fakePaper(501), fakePaper(502)]),
        { path: 'a', contentHash: 'a' },
        now,
      ),
      store.saveProfile(
        fakeProfile('Bob Once', [fakePaper(502), fakePaper(503)]),
        { path: 'b', contentHash: 'b' },
        now,
      ),
    ]);
    expect(new Set([...a.papers.values(), ...b.papers.values()])).toEqual(new Set(['new', 'unchanged']));
    const ann = await store.findProfile('Ann Once');
    const bob = await store.findProfile('Bob Once');
    expect([ann?.papers, bob?.papers]).toEqual([2, 2]);
    expect(
      new Set([...(await store.paperIdsOfProfile('Ann Once')), ...(await store.paperIdsOfProfile('Bob Once'))]).size,
    ).toBe(3);
  });

  it('undoes only the call that failed inside a transaction; the calls before and after it are committed', async () => {
    const store = await instance();
    const before = await store.counts();
    await store.begin();
    // More calls than one chain of savepoints holds (pg-write.ts), so a failure meets a released chain too.
    for (let n = 0; n < 70; n++) await store.savePapers([record(1_000 + n)], now);
    // PostgreSQL refuses what SQLite would store: citations beyond a 32-bit integer.
    await expect(store.savePapers([record(602), record(603, { citations: 3_000_000_000 })], now)).rejects.toThrow(
      /out of range/,
    );
    await store.savePapers([record(604)], now);
    await expect(store.savePapers([record(605, { citations: 3_000_000_000 })], now)).rejects.toThrow(/out of range/);
    await store.commit();
    const titles = (await store.papersChangedSince(0, 10_000)).map((p) => p.title);
    expect(titles).toEqual(
      expect.arrayContaining([fakePaper(1_000).title, fakePaper(1_069).title, fakePaper(604).title]),
    );
    expect(titles).not.toContain(fakePaper(602).title);
    expect((await store.counts()).papers).toBe(before.papers + 71);
  });

  it('stores text with a NUL character without it (PostgreSQL text cannot hold one), and knows it again', async () => {
    const store = await instance();
    const title = 'Study\u0000 of stray bytes';
    const [[id, outcome]] = [...(await store.savePapers([record(701, { title, abstract: 'a\u0000b' })], now))] as [
      [number, string],
    ];
    expect(outcome).toBe('new');
    expect((await store.getPapers([id]))[0]).toMatchObject({ title: 'Study of stray bytes', abstract: 'ab' });
    const again = await store.savePapers([record(701, { title, abstract: 'a\u0000b' })], now);
    expect([...again]).toEqual([[id, 'unchanged']]);
    const ref = await store.saveQuery('nul\u0000query', now);
    expect(await store.loadQuery(ref)).toBe('nulquery');
  });

  it('gives a second instance the papers the first one stored, and one identity', async () => {
    const [one, two] = [await instance(), await instance()];
    const { paperIds } = await one.saveArxivEntries(
      [
        {
          arxivId: '2611.30001',
          version: 2,
          title: 'Shared across instances',
          abstract: 'Seen by both.',
          authors: ['A. Writer'],
          categories: ['cs.CL'],
          published: '2026-11-26',
          announceType: 'new',
          doi: null,
          journalRef: null,
        },
      ],
      'listing',
      now,
    );
    expect(await two.findByArxivIds(['2611.30001v2'])).toEqual(new Map([['2611.30001', paperIds[0]]]));
    expect(await two.maxRev()).toBe(await one.maxRev());
    expect(await two.identity()).toBe(await one.identity());
  });
});
