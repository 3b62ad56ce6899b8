import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/adapters/sqlite/sqlite-migrations.ts';
import { createSqliteStore, migrate } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import { arxivEntry } from '../../helpers/arxiv-entries.ts';
import { fakePaper, fakeProfile } from '../../helpers/make-pages.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const now = new Date('2026-11-27T06:00:00Z');
const source = (path: string, contentHash = path) => ({ path, contentHash });
// Found by what it does, not by number: the lead renumbers migrations when branches merge.
const ARXIV_MIGRATION = MIGRATIONS.findIndex((sql) => sql.includes('papers_rebuilt'));

describe('saving arXiv entries', () => {
  it('stores new and cross papers announced, counts by announce type, and returns each paper once', async () => {
    const store = createSqliteStore(':memory:');
    const result = await store.saveArxivEntries(
      [
        arxivEntry(1),
        arxivEntry(2, { announceType: 'cross', categories: ['stat.ML', 'cs.CL'] }),
        arxivEntry(3, { announceType: 'replace', version: 2 }),
        arxivEntry(4, { announceType: 'replace-cross', version: 3 }),
        arxivEntry(1),
      ],
      'listing',
      now,
    );
    expect(result).toMatchObject({ entries: 5, new: 2, cross: 1, replaced: 2, newPapers: 2 });
    expect(result.paperIds).toHaveLength(4);
    const papers = await store.getPapers(result.paperIds);
    expect(papers.map((p) => p.announce)).toEqual([true, true, false, false]);
    expect(papers[0]).toMatchObject({
      arxivId: '2611.20001',
      arxivVersion: 1,
      category: 'CL',
      categoryFull: 'cs.CL',
      alsoCategories: ['LG', 'cs.LG'],
      date: '2026-11-26',
      authors: ['Writer 1', 'Common Coauthor', 'Third Person'],
      authorsTruncated: false,
    });
    expect(papers[1]).toMatchObject({ category: 'ML', categoryFull: 'stat.ML', alsoCategories: ['CL', 'cs.CL'] });
    await store.close();
  });

  it('stores nothing new when the same entries come twice: no sequence, no revision', async () => {
    const store = createSqliteStore(':memory:');
    const entries = [arxivEntry(1), arxivEntry(2, { announceType: 'cross' })];
    const first = await store.saveArxivEntries(entries, 'listing', now);
    const before = { seq: await store.maxSeq(), rev: await store.maxRev() };
    const again = await store.saveArxivEntries(entries, 'listing', now);
    expect(again).toMatchObject({ entries: 2, new: 1, cross: 1, newPapers: 0, paperIds: first.paperIds });
    expect({ seq: await store.maxSeq(), rev: await store.maxRev() }).toEqual(before);
    await store.close();
  });

  it('updates title, abstract, authors and version on a replace, keeps seq and announce, and bumps rev', async () => {
    const store = createSqliteStore(':memory:');
    const [id] = (await store.saveArxivEntries([arxivEntry(1)], 'listing', now)).paperIds;
    const before = (await store.getPapers([id as number]))[0];
    const replaced = await store.saveArxivEntries(
      [
        arxivEntry(1, {
          announceType: 'replace',
          version: 2,
          title: 'A wholly renamed study of tidal lagoons',
          abstract: 'New abstract.',
          authors: ['Writer 1', 'Common Coauthor', 'Third Person', 'Fourth Person'],
          doi: '10.1000/XYZ.1',
          journalRef: 'J. Lagoons 3 (2027)',
        }),
      ],
      'listing',
      new Date('2026-11-28T06:00:00Z'),
    );
    expect(replaced).toMatchObject({ replaced: 1, newPapers: 0, paperIds: [id] });
    const after = (await store.getPapers([id as number]))[0];
    expect(after).toMatchObject({
      title: 'A wholly renamed study of tidal lagoons',
      abstract: 'New abstract.',
      arxivVersion: 2,
      doi: '10.1000/XYZ.1',
      journalRef: 'J. Lagoons 3 (2027)',
      seq: before?.seq,
      announce: true,
    });
    expect(after?.authors).toHaveLength(4);
    expect(after?.rev).toBeGreaterThan(before?.rev ?? 0);
    // An older version arriving late only fills gaps: the v2 title stays.
    await store.saveArxivEntries([arxivEntry(1, { version: 1, announceType: 'replace' })], 'listing', now);
    expect((await store.getPapers([id as number]))[0]?.title).toBe('A wholly renamed study of tidal lagoons');
    expect(await store.titlesAt(before?.rev ?? 0)).toEqual(new Map([[id, arxivEntry(1).title]]));
    await store.close();
  });

  it('stores looked-up and backfilled papers, and a replace of a paper never seen, without announcing them', async () => {
    const store = createSqliteStore(':memory:');
    const lookup = await store.saveArxivEntries([arxivEntry(1, { announceType: null })], 'lookup', now);
    const backfill = await store.saveArxivEntries([arxivEntry(2, { announceType: null })], 'backfill', now);
    const replace = await store.saveArxivEntries([arxivEntry(3, { announceType: 'replace' })], 'listing', now);
    for (const result of [lookup, backfill, replace]) expect(result.newPapers).toBe(0);
    const ids = [...lookup.paperIds, ...backfill.paperIds, ...replace.paperIds];
    expect((await store.getPapers(ids)).map((p) => p.announce)).toEqual([false, false, false]);
    // A listing's `new` for a paper a lookup stored announces it, without counting it as new to the index (R1,
    // in the store contract).
    expect((await store.saveArxivEntries([arxivEntry(1)], 'listing', now)).newPapers).toBe(0);
    expect((await store.getPapers([lookup.paperIds[0] as number]))[0]?.announce).toBe(true);
    await store.close();
  });

  it('finds papers by arXiv id with or without version, and by DOI whatever its case or prefix', async () => {
    const store = createSqliteStore(':memory:');
    const { paperIds } = await store.saveArxivEntries(
      [arxivEntry(1, { doi: '10.48550/ArXiv.2611.20001' }), arxivEntry(2)],
      'listing',
      now,
    );
    expect(await store.findByArxivIds(['2611.20001v3', '2611.20002', '2611.99999'])).toEqual(
      new Map([
        ['2611.20001', paperIds[0]],
        ['2611.20002', paperIds[1]],
      ]),
    );
    expect(await store.findByDoi('10.48550/arxiv.2611.20001')).toBe(paperIds[0]);
    expect(await store.findByDoi('https://doi.org/10.48550/ARXIV.2611.20001')).toBe(paperIds[0]);
    expect(await store.findByDoi('10.1/none')).toBeUndefined();
    await store.close();
  });

  it('joins the caller transaction: a rollback undoes the entries', async () => {
    const store = createSqliteStore(':memory:');
    await store.begin();
    await store.saveArxivEntries([arxivEntry(1)], 'listing', now);
    await store.rollback();
    expect((await store.counts()).papers).toBe(0);
    await store.close();
  });
});

describe('paper identity with arXiv ids', () => {
  it("gives a profile page's copy the arXiv id and links, without a new seq or a second announcement", async () => {
    const store = createSqliteStore(':memory:');
    const title = 'Shared Study of Calibrated Lagoons';
    const saved = await store.saveProfile(
      fakeProfile('Ann', [fakePaper(1, { title, authorsTruncated: true, authors: ['Ann'] })]),
      source('a'),
      now,
    );
    const [id] = saved.papers.keys();
    const before = (await store.getPapers([id as number]))[0];
    const result = await store.saveArxivEntries(
      [arxivEntry(7, { title: 'Shared study of calibrated lagoons', doi: '10.1/abc' })],
      'listing',
      now,
    );
    expect(result).toMatchObject({ new: 1, newPapers: 0, paperIds: [id] });
    const after = (await store.getPapers([id as number]))[0];
    expect(after).toMatchObject({ arxivId: '2611.20007', doi: '10.1/abc', seq: before?.seq, announce: true });
    expect(after?.authors).toEqual(arxivEntry(7).authors);
    expect((await store.counts()).papers).toBe(1);
    // The page loaded again (other bytes) still lists the same paper, not a second copy.
    const again = await store.saveProfile(
      fakeProfile('Ann', [fakePaper(1, { title, authorsTruncated: true, authors: ['Ann'] }), fakePaper(2)]),
      source('a', 'v2'),
      now,
    );
    expect(again.papers.get(id as number)).toBe('unchanged');
    expect((await store.counts()).papers).toBe(2);
    await store.close();
  });

  it('keeps two arXiv ids with one title as two papers', async () => {
    const store = createSqliteStore(':memory:');
    const title = 'Attention Is All You Need';
    const result = await store.saveArxivEntries(
      [arxivEntry(1, { title }), arxivEntry(2, { title: 'attention is all you need' })],
      'listing',
      now,
    );
    expect(result.paperIds).toHaveLength(2);
    expect(result.newPapers).toBe(2);
    // A corpus record with a third id is a third paper; one without an id merges into the oldest.
    const base = { ...fakePaper(9, { title }), categoryFull: null, codeUrl: null, venue: null, citations: null };
    const third = await store.savePapers([{ ...base, arxivId: '1706.03762v7' }], now);
    expect([...third.values()]).toEqual(['new']);
    const [thirdId] = third.keys();
    expect((await store.getPapers([thirdId as number]))[0]).toMatchObject({ arxivId: '1706.03762', arxivVersion: 7 });
    const plain = await store.savePapers([{ ...base, arxivId: null }], now);
    expect([...plain.keys()]).toEqual([result.paperIds[0]]);
    expect((await store.counts()).papers).toBe(3);
    await store.close();
  });
});

describe('the arXiv migration', () => {
  const tempDir = useTempDir();

  it('upgrades a database from the previous version: versions stripped, a shared id kept by the first paper', async () => {
    const file = join(tempDir(), 'old.db');
    const old = new Database(file);
    migrate(old, ARXIV_MIGRATION);
    const paper = (id: number, title: string, arxivId: string | null, seq: number) =>
      `INSERT INTO papers (id, title_key, title, authors, authors_truncated, affiliations, abstract, date, category,
         category_full, has_code, code_url, arxiv_id, venue, citations, seq, first_seen_at, rev)
       VALUES (${id}, lower('${title}'), '${title}', '["Ann"]', 0, '[]', 'about ${title}', '2023-01-02', 'CL', 'cs.CL',
         0, NULL, ${arxivId === null ? 'NULL' : `'${arxivId}'`}, NULL, NULL, ${seq}, 't', ${seq});`;
    old.exec(`INSERT INTO profiles VALUES (1, 'ann', 'Ann', 'CL', 1, 1, 1, NULL, NULL, 1, 'a.txt', 'h', 't', 't');
      ${paper(7, 'Lagoon tides', '2301.00001v2', 1)}
      ${paper(8, 'Lagoon tides revisited', '2301.00001v3', 2)}
      ${paper(9, 'Old hep paper', 'hep-th/9901001v1', 3)}
      ${paper(10, 'No id at all', null, 4)}
      ${paper(11, 'Plain id', '2301.00002', 5)}
      INSERT INTO profile_papers VALUES (1, 7, 0), (1, 8, 1);
      UPDATE counters SET value = 5;`);
    old.close();

    const store = createSqliteStore(file);
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const papers = await store.getPapers([7, 8, 9, 10, 11]);
    expect(papers.map((p) => [p.arxivId, p.arxivVersion, p.seq, p.rev, p.announce])).toEqual([
      ['2301.00001', 2, 1, 1, true],
      [null, null, 2, 2, true],
      ['hep-th/9901001', 1, 3, 3, true],
      [null, null, 4, 4, true],
      ['2301.00002', null, 5, 5, true],
    ]);
    expect((await store.profilePaperIds(1)).sort()).toEqual([7, 8]);
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    // The text index and its triggers survived the rebuild.
    expect(createSqliteTextIndex(store.db).matchText('"lagoon" AND "revisited"')).toEqual([8]);
    const { paperIds } = await store.saveArxivEntries(
      [arxivEntry(1, { arxivId: '2301.00001', version: 4, title: 'Lagoon tides: a second look' })],
      'listing',
      now,
    );
    expect(paperIds).toEqual([7]);
    expect(createSqliteTextIndex(store.db).matchText('"second" AND "look"')).toEqual([7]);
    expect(createSqliteTextIndex(store.db).matchText('"lagoon" AND "tides"').sort()).toEqual([7, 8]);
    expect((await store.getPapers([7]))[0]?.seq).toBe(1);
    await store.close();
  });
});
