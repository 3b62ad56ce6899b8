import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/adapters/sqlite/sqlite-migrations.ts';
import { createSqliteStore, migrate } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { toPaperKey } from '../../../src/core/store/identity.ts';
import { fakePaper, fakeProfile } from '../../helpers/make-pages.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const now = new Date('2026-01-01T00:00:00Z');
const source = (path: string, contentHash = path) => ({ path, contentHash });

describe('paper identity', () => {
  it('folds case, punctuation, accents and spacing of titles', () => {
    expect(toPaperKey('Naïve  Bayes: a Study!')).toBe(toPaperKey('naive bayes - A study'));
    expect(toPaperKey('Naïve Bayes')).not.toBe(toPaperKey('Naive Bayes 2'));
  });
});

describe('createSqliteStore', () => {
  it('stores a paper listed on two profiles once, linked to both, with the first spelling', async () => {
    const store = createSqliteStore(':memory:');
    const a = await store.saveProfile(
      fakeProfile('Ann', [fakePaper(1, { title: 'Deep Nets: A Study' })]),
      source('a'),
      now,
    );
    const b = await store.saveProfile(
      fakeProfile('Bob', [fakePaper(1, { title: 'deep nets -- a  study' })]),
      source('b'),
      now,
    );
    expect([...a.papers.values()]).toEqual(['new']);
    expect([...b.papers.values()]).toEqual(['unchanged']);
    expect(await store.counts()).toEqual({ profiles: 2, papers: 1 });
    const [id] = a.papers.keys();
    expect((await store.getPapers([id as number]))[0]?.title).toBe('Deep Nets: A Study');
    expect((await store.profileNamesFor([id as number])).get(id as number)).toEqual(['Ann', 'Bob']);
    await store.close();
  });

  it('keys a profile by name, ignoring case and spacing, whatever file it came from', async () => {
    const store = createSqliteStore(':memory:');
    await store.saveProfile(fakeProfile('Ann  Lee', [fakePaper(1)]), source('one/ann.txt', 'h1'), now);
    await store.saveProfile(fakeProfile('ann lee', [fakePaper(1)]), source('two/ann.txt', 'h2'), now);
    expect((await store.counts()).profiles).toBe(1);
    expect((await store.findProfile('ANN LEE'))?.sourcePath).toBe('two/ann.txt');
    await store.close();
  });

  it('changes nothing when the same file comes again: no new sequence numbers', async () => {
    const store = createSqliteStore(':memory:');
    const profile = fakeProfile('Ann', [fakePaper(1), fakePaper(2)]);
    await store.saveProfile(profile, source('a', 'same'), now);
    const before = { seq: await store.maxSeq(), rev: await store.maxRev() };
    const again = await store.saveProfile(profile, source('a', 'same'), now);
    expect(again.profile).toBe('unchanged');
    expect({ seq: await store.maxSeq(), rev: await store.maxRev() }).toEqual(before);
    await store.close();
  });

  it('updates a changed page: adds papers, updates metrics, unlinks papers gone but keeps them', async () => {
    const store = createSqliteStore(':memory:');
    await store.saveProfile(fakeProfile('Ann', [fakePaper(1), fakePaper(2)]), source('a', 'v1'), now);
    await store.saveProfile(fakeProfile('Bob', [fakePaper(2)]), source('b', 'v1'), now);
    const seqBefore = await store.maxSeq();
    const result = await store.saveProfile(
      fakeProfile('Ann', [fakePaper(1), fakePaper(3)], { hIndex: 9 }),
      source('a', 'v2'),
      now,
    );
    expect(result.profile).toBe('updated');
    expect(await store.maxSeq()).toBe(seqBefore + 1);
    const ann = await store.findProfile('Ann');
    expect(ann).toMatchObject({ hIndex: 9, papers: 2 });
    expect((await store.counts()).papers).toBe(3);
    expect((await store.getPapers(await store.profilePaperIds(ann?.id ?? 0))).map((p) => p.title)).toEqual([
      fakePaper(3).title,
      fakePaper(1).title,
    ]);
    await store.close();
  });

  it('fills gaps in a stored paper from a richer source and counts it updated', async () => {
    const store = createSqliteStore(':memory:');
    await store.saveProfile(fakeProfile('Ann', [fakePaper(1, { abstract: null, hasCode: false })]), source('a'), now);
    const result = await store.saveProfile(fakeProfile('Bob', [fakePaper(1, { hasCode: true })]), source('b'), now);
    expect([...result.papers.values()]).toEqual(['updated']);
    const [id] = result.papers.keys();
    expect((await store.getPapers([id as number]))[0]).toMatchObject({
      hasCode: true,
      abstract: fakePaper(1).abstract,
    });
    await store.close();
  });

  it('gives each new paper a growing sequence number and a first-seen time', async () => {
    const store = createSqliteStore(':memory:');
    const saved = await store.saveProfile(fakeProfile('Ann', [fakePaper(1), fakePaper(2)]), source('a'), now);
    const papers = await store.getPapers([...saved.papers.keys()]);
    expect(papers.map((p) => p.seq)).toEqual([1, 2]);
    expect(papers[0]?.firstSeenAt).toBe(now.toISOString());
    await store.close();
  });
});

describe('migrations', () => {
  const tempDir = useTempDir();

  it('opens a database made by schema version 1 and upgrades it, keeping its data', async () => {
    const file = join(tempDir(), 'old.db');
    const old = new Database(file);
    migrate(old, 1);
    old.exec(`INSERT INTO profiles VALUES (1, 'ann', 'Ann', 'CL', 1, 1, 1, NULL, NULL, 1, 'a.txt', 'h', 't', 't');
      INSERT INTO papers VALUES (7, 'old paper', 'Old Paper', '["Ann"]', 0, '[]', NULL, '2020-01-02', 'CL', NULL, 0,
        NULL, NULL, NULL, NULL, 5, 't');
      INSERT INTO profile_papers VALUES (1, 7, 0);`);
    expect(old.pragma('user_version', { simple: true })).toBe(1);
    old.close();

    const store = createSqliteStore(file);
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect((await store.getPapers([7]))[0]).toMatchObject({ title: 'Old Paper', seq: 5, rev: 5 });
    expect((await store.findProfile('ann'))?.papers).toBe(1);
    const next = await store.saveProfile(fakeProfile('Bob', [fakePaper(1)]), source('b'), now);
    expect((await store.getPapers([...next.papers.keys()]))[0]?.seq).toBe(6);
    await store.close();
  });

  it('refuses a database from a newer Paperboy with a clear message', () => {
    const file = join(tempDir(), 'new.db');
    const db = new Database(file);
    db.pragma('user_version = 999');
    db.close();
    expect(() => createSqliteStore(file)).toThrow(/newer than this Paperboy/);
  });
});

describe('one paper from several sources', () => {
  it('keeps the categories of every source, so cat: finds a preprint that is also a conference paper', async () => {
    const store = createSqliteStore(':memory:');
    const base = { ...fakePaper(1), categoryFull: null, codeUrl: null, arxivId: null, venue: null, citations: null };
    const [id] = (await store.savePapers([{ ...base, category: 'CV', categoryFull: 'cs.CV' }], now)).keys();
    const again = await store.savePapers([{ ...base, category: 'CVPR', categoryFull: 'CVPR 2025', date: '2025' }], now);
    expect([...again.values()]).toEqual(['updated']);
    expect((await store.getPapers([id as number]))[0]).toMatchObject({
      category: 'CV',
      alsoCategories: ['CVPR', 'CVPR 2025'],
    });
    expect([
      ...(await store.savePapers([{ ...base, category: 'CVPR', categoryFull: 'CVPR 2025' }], now)).values(),
    ]).toEqual(['unchanged']);
    await store.close();
  });
});
