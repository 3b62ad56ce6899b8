import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArxivEntry } from '../../src/core/arxiv/arxiv-entry.ts';
import type { PaperInput, PaperStore } from '../../src/core/store/paper-store.ts';
import { arxivEntry } from '../helpers/arxiv-entries.ts';
import { fakePaper, fakeProfile } from '../helpers/make-pages.ts';

/** Opens an empty store of one kind; `close` closes it and removes what it made. */
export type OpenStore = () => Promise<{ store: PaperStore; close(): Promise<void> }>;

const now = new Date('2026-11-27T06:00:00Z');
const source = (path: string, contentHash = path) => ({ path, contentHash });
/** A corpus record: a profile page's paper with the fields records add. */
const record = (n: number, overrides: Partial<PaperInput> = {}): PaperInput => ({
  ...fakePaper(n),
  categoryFull: null,
  codeUrl: null,
  arxivId: null,
  venue: null,
  citations: null,
  ...overrides,
});

function first<T>(values: Iterable<T>): T {
  for (const value of values) return value;
  throw new Error('expected at least one value');
}

/**
 * The behaviour every `PaperStore` has, whatever keeps it (SQLite, PostgreSQL): one suite run against each store,
 * so they cannot drift. Counts, ids, seq and rev are asserted exactly: both stores give the same numbers.
 */
export function describePaperStoreContract(name: string, open: OpenStore): void {
  describe(`PaperStore contract: ${name}`, () => {
    let store: PaperStore;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ store, close } = await open());
    });
    afterEach(async () => {
      await close();
    });

    describe('profiles', () => {
      it('stores a paper listed on two profiles once, linked to both, with the first spelling', async () => {
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
        expect(a.profile).toBe('new');
        expect([...a.papers.values()]).toEqual(['new']);
        expect([...b.papers.values()]).toEqual(['unchanged']);
        expect(await store.counts()).toEqual({ profiles: 2, papers: 1 });
        const id = first(a.papers.keys());
        expect([...b.papers.keys()]).toEqual([id]);
        expect((await store.getPapers([id]))[0]?.title).toBe('Deep Nets: A Study');
        expect((await store.profileNamesFor([id])).get(id)).toEqual(['Ann', 'Bob']);
      });

      it('keys a profile by name, ignoring case and spacing, whatever file it came from', async () => {
        await store.saveProfile(fakeProfile('Ann  Lee', [fakePaper(1)]), source('one/ann.txt', 'h1'), now);
        const again = await store.saveProfile(
          fakeProfile('ann lee', [fakePaper(1)], { hIndex: 7, novelty: 0.25 }),
          source('two/ann.txt', 'h2'),
          new Date('2026-11-28T00:00:00Z'),
        );
        expect(again.profile).toBe('updated');
        expect(await store.counts()).toEqual({ profiles: 1, papers: 1 });
        expect(await store.profileCount()).toBe(1);
        expect(await store.findProfile('ANN LEE')).toMatchObject({
          name: 'ann lee',
          sourcePath: 'two/ann.txt',
          hIndex: 7,
          novelty: 0.25,
          aiScore: null,
          updatedAt: '2026-11-28T00:00:00.000Z',
          papers: 1,
        });
        expect(await store.findProfile('Nobody')).toBeUndefined();
      });

      it('changes nothing when the same file comes again, and says so without a write', async () => {
        const profile = fakeProfile('Ann', [fakePaper(1), fakePaper(2)]);
        const first = await store.saveProfile(profile, source('a', 'same'), now);
        const before = { seq: await store.maxSeq(), rev: await store.maxRev(), profiles: await store.profileRev() };
        const again = await store.saveProfile(profile, source('a', 'same'), now);
        expect(again.profile).toBe('unchanged');
        expect(again.papers).toEqual(new Map([...first.papers.keys()].map((id) => [id, 'unchanged'])));
        expect({ seq: await store.maxSeq(), rev: await store.maxRev(), profiles: await store.profileRev() }).toEqual(
          before,
        );
        expect(await store.unchangedProfile('ann', 'same')).toEqual(again);
        expect(await store.unchangedProfile('Ann', 'other bytes')).toBeUndefined();
        expect(await store.unchangedProfile('Bob', 'same')).toBeUndefined();
      });

      it('updates a changed page: adds papers, updates metrics, unlinks papers gone but keeps them', async () => {
        await store.saveProfile(fakeProfile('Ann', [fakePaper(1), fakePaper(2)]), source('a', 'v1'), now);
        await store.saveProfile(fakeProfile('Bob', [fakePaper(2)]), source('b', 'v1'), now);
        const seqBefore = await store.maxSeq();
        const profileRev = await store.profileRev();
        const result = await store.saveProfile(
          fakeProfile('Ann', [fakePaper(1), fakePaper(3)], { hIndex: 9 }),
          source('a', 'v2'),
          now,
        );
        expect(result.profile).toBe('updated');
        expect(await store.maxSeq()).toBe(seqBefore + 1);
        expect(await store.profileRev()).toBeGreaterThan(profileRev);
        const ann = await store.findProfile('Ann');
        expect(ann).toMatchObject({ hIndex: 9, papers: 2 });
        expect(await store.counts()).toEqual({ profiles: 2, papers: 3 });
        const ids = await store.profilePaperIds(ann?.id ?? 0);
        expect((await store.getPapers(ids)).map((p) => p.title)).toEqual([fakePaper(3).title, fakePaper(1).title]);
        expect(await store.paperIdsOfProfile('ANN')).toHaveLength(2);
        expect(await store.listProfileNames()).toEqual(['Ann', 'Bob']);
      });

      it('fills gaps in a stored paper from a richer source and counts it updated', async () => {
        await store.saveProfile(
          fakeProfile('Ann', [fakePaper(1, { abstract: null, hasCode: false })]),
          source('a'),
          now,
        );
        const rev = await store.maxRev();
        const result = await store.saveProfile(fakeProfile('Bob', [fakePaper(1, { hasCode: true })]), source('b'), now);
        expect([...result.papers.values()]).toEqual(['updated']);
        const id = first(result.papers.keys());
        expect((await store.getPapers([id]))[0]).toMatchObject({
          hasCode: true,
          abstract: fakePaper(1).abstract,
          rev: rev + 1,
        });
        expect(await store.maxRev()).toBe(rev + 1);
      });

      it('gives each new paper a growing sequence number, a revision and a first-seen time', async () => {
        const saved = await store.saveProfile(fakeProfile('Ann', [fakePaper(1), fakePaper(2)]), source('a'), now);
        const papers = await store.getPapers([...saved.papers.keys()]);
        expect(papers.map((p) => [p.seq, p.rev])).toEqual([
          [1, 1],
          [2, 2],
        ]);
        expect(papers[0]).toMatchObject({ firstSeenAt: now.toISOString(), announce: true, alsoCategories: [] });
        expect(await store.maxSeq()).toBe(2);
        expect(await store.maxRev()).toBe(2);
      });

      it('lists a paper twice on one page as one paper, and keeps profile names in byte order', async () => {
        const saved = await store.saveProfile(
          fakeProfile('zoe', [
            fakePaper(1),
            fakePaper(2),
            fakePaper(1, { title: 'STUDY number 1 of synthetic things' }),
          ]),
          source('z'),
          now,
        );
        expect([...saved.papers.values()]).toEqual(['new', 'new']);
        await store.saveProfile(fakeProfile('Zed', [fakePaper(1)]), source('zed'), now);
        await store.saveProfile(fakeProfile('Émile', [fakePaper(1)]), source('e'), now);
        expect(await store.listProfileNames()).toEqual(['Zed', 'zoe', 'Émile']);
        const id = first(saved.papers.keys());
        expect((await store.profileNamesFor([id])).get(id)).toEqual(['Zed', 'zoe', 'Émile']);
        expect(await store.profileNamesFor([999])).toEqual(new Map());
      });
    });

    describe('records', () => {
      it('keeps the categories of every source, so cat: finds a preprint that is also a conference paper', async () => {
        const [id] = (await store.savePapers([record(1, { category: 'CV', categoryFull: 'cs.CV' })], now)).keys();
        const again = await store.savePapers(
          [record(1, { category: 'CVPR', categoryFull: 'CVPR 2025', date: '2025' })],
          now,
        );
        expect([...again.values()]).toEqual(['updated']);
        expect((await store.getPapers([id as number]))[0]).toMatchObject({
          category: 'CV',
          alsoCategories: ['CVPR', 'CVPR 2025'],
        });
        const third = await store.savePapers([record(1, { category: 'CVPR', categoryFull: 'CVPR 2025' })], now);
        expect([...third.values()]).toEqual(['unchanged']);
      });

      it('merges records of one paper within one batch, keeping the first outcome', async () => {
        const result = await store.savePapers(
          [
            record(1, { abstract: null, citations: 3 }),
            record(2),
            record(1, { title: 'study NUMBER 1 of synthetic things', citations: 9, venue: 'ACL' }),
          ],
          now,
        );
        expect([...result.values()]).toEqual(['new', 'new']);
        const [first] = await store.getPapers([...result.keys()]);
        expect(first).toMatchObject({
          title: fakePaper(1).title,
          abstract: fakePaper(1).abstract,
          citations: 9,
          venue: 'ACL',
          seq: 1,
          rev: 3,
        });
        expect(await store.maxRev()).toBe(3);
      });

      it('saves a large batch with one sequence number per new paper, in order', async () => {
        const records = Array.from({ length: 2500 }, (_, i) => record(i + 1));
        const result = await store.savePapers(records, now);
        expect(result.size).toBe(2500);
        expect(new Set(result.values())).toEqual(new Set(['new']));
        const papers = await store.getPapers([...result.keys()]);
        expect(papers.map((p) => p.seq)).toEqual(records.map((_, i) => i + 1));
        expect(papers.map((p) => p.title)).toEqual(records.map((r) => r.title));
        const again = await store.savePapers(records, now);
        expect(new Set(again.values())).toEqual(new Set(['unchanged']));
        expect(await store.maxSeq()).toBe(2500);
      });

      it('keys records with an arXiv id by the id without version', async () => {
        const result = await store.savePapers([record(1, { arxivId: 'arXiv:2310.13548v4' })], now);
        const id = first(result.keys());
        expect((await store.getPapers([id]))[0]).toMatchObject({ arxivId: '2310.13548', arxivVersion: 4 });
        // Another title under the same id is the same paper: its title stays, its category joins the others.
        const again = await store.savePapers([record(2, { arxivId: '2310.13548' })], now);
        expect([...again.entries()]).toEqual([[id, 'updated']]);
        expect((await store.getPapers([id]))[0]).toMatchObject({
          title: fakePaper(1).title,
          category: 'LG',
          alsoCategories: ['CV'],
        });
        expect(await store.findByArxivIds(['2310.13548v1'])).toEqual(new Map([['2310.13548', id]]));
      });
    });

    describe('arXiv entries', () => {
      it('stores new and cross papers announced, counts by announce type, and returns each paper once', async () => {
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
        expect(result).toEqual({ entries: 5, new: 2, cross: 1, replaced: 2, newPapers: 2, paperIds: [1, 2, 3, 4] });
        const papers = await store.getPapers(result.paperIds);
        expect(papers.map((p) => p.announce)).toEqual([true, true, false, false]);
        expect(papers[0]).toEqual({
          id: 1,
          title: 'Arxiv paper 1 about calibrated reasoning',
          authors: ['Writer 1', 'Common Coauthor', 'Third Person'],
          authorsTruncated: false,
          affiliations: [],
          abstract: 'We study calibrated reasoning case 1.',
          date: '2026-11-26',
          category: 'CL',
          categoryFull: 'cs.CL',
          hasCode: false,
          codeUrl: null,
          arxivId: '2611.20001',
          venue: null,
          citations: null,
          seq: 1,
          rev: 1,
          firstSeenAt: now.toISOString(),
          alsoCategories: ['LG', 'cs.LG'],
          arxivVersion: 1,
          doi: null,
          journalRef: null,
          announce: true,
        });
        expect(papers[1]).toMatchObject({ category: 'ML', categoryFull: 'stat.ML', alsoCategories: ['CL', 'cs.CL'] });
      });

      it('stores nothing new when the same entries come twice: no sequence, no revision', async () => {
        const entries = [arxivEntry(1), arxivEntry(2, { announceType: 'cross' })];
        const first = await store.saveArxivEntries(entries, 'listing', now);
        const before = { seq: await store.maxSeq(), rev: await store.maxRev() };
        const again = await store.saveArxivEntries(entries, 'listing', now);
        expect(again).toMatchObject({ entries: 2, new: 1, cross: 1, newPapers: 0, paperIds: first.paperIds });
        expect({ seq: await store.maxSeq(), rev: await store.maxRev() }).toEqual(before);
      });

      it('updates a replaced paper (retitle included), keeps seq and announce, bumps rev, and remembers the old title', async () => {
        const id = first((await store.saveArxivEntries([arxivEntry(1)], 'listing', now)).paperIds);
        const [before] = await store.getPapers([id]);
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
        const [after] = await store.getPapers([id]);
        expect(after).toMatchObject({
          title: 'A wholly renamed study of tidal lagoons',
          abstract: 'New abstract.',
          arxivVersion: 2,
          doi: '10.1000/XYZ.1',
          journalRef: 'J. Lagoons 3 (2027)',
          seq: before?.seq,
          rev: 2,
          announce: true,
        });
        expect(after?.authors).toHaveLength(4);
        // An older version arriving late only fills gaps: the v2 title stays.
        await store.saveArxivEntries([arxivEntry(1, { version: 1, announceType: 'replace' })], 'listing', now);
        expect((await store.getPapers([id]))[0]?.title).toBe('A wholly renamed study of tidal lagoons');
        expect(await store.titlesAt(before?.rev ?? 0)).toEqual(new Map([[id, arxivEntry(1).title]]));
        expect(await store.titlesAt(2)).toEqual(new Map());
        // A second retitle: a reader at rev 0 still holds the first title; one at rev 2 holds the second.
        await store.saveArxivEntries(
          [arxivEntry(1, { announceType: 'replace', version: 3, title: 'Lagoons, third title' })],
          'listing',
          now,
        );
        expect(await store.titlesAt(0)).toEqual(new Map([[id, arxivEntry(1).title]]));
        expect(await store.titlesAt(2)).toEqual(new Map([[id, 'A wholly renamed study of tidal lagoons']]));
      });

      it('stores looked-up and backfilled papers, and a replace of a paper never seen, without announcing them', async () => {
        const lookup = await store.saveArxivEntries([arxivEntry(1, { announceType: null })], 'lookup', now);
        const backfill = await store.saveArxivEntries([arxivEntry(2, { announceType: null })], 'backfill', now);
        const replace = await store.saveArxivEntries([arxivEntry(3, { announceType: 'replace' })], 'listing', now);
        for (const result of [lookup, backfill, replace]) expect(result.newPapers).toBe(0);
        const ids = [...lookup.paperIds, ...backfill.paperIds, ...replace.paperIds];
        expect((await store.getPapers(ids)).map((p) => p.announce)).toEqual([false, false, false]);
        // A listing entry without an announce type (an older feed) is news.
        expect((await store.saveArxivEntries([arxivEntry(5, { announceType: null })], 'listing', now)).newPapers).toBe(
          1,
        );
      });

      it("R1: a listing's new or cross entry announces a paper a lookup or a backfill stored first, once; a replace never does", async () => {
        const later = new Date('2026-11-28T00:30:00Z');
        const [looked] = (await store.saveArxivEntries([arxivEntry(1, { announceType: null })], 'lookup', now))
          .paperIds as [number];
        const [backfilled] = (await store.saveArxivEntries([arxivEntry(2, { announceType: null })], 'backfill', now))
          .paperIds as [number];
        const [replaced] = (await store.saveArxivEntries([arxivEntry(3, { announceType: null })], 'lookup', now))
          .paperIds as [number];
        const watermark = await store.maxSeq();
        // A replace in the listing updates the paper and still does not announce it.
        await store.saveArxivEntries([arxivEntry(3, { announceType: 'replace', version: 2 })], 'listing', later);
        const listing = await store.saveArxivEntries(
          [arxivEntry(1), arxivEntry(2, { announceType: 'cross' })],
          'listing',
          later,
        );
        // Not new to the index, so not counted as such; announced all the same.
        expect(listing).toMatchObject({ new: 1, cross: 1, newPapers: 0, paperIds: [looked, backfilled] });
        const [one, two, three] = await store.getPapers([looked, backfilled, replaced]);
        expect([one?.announce, two?.announce, three?.announce]).toEqual([true, true, false]);
        // A digest reads announced papers past its watermark by seq: both are past one taken before the listing.
        expect(one?.seq).toBeGreaterThan(watermark);
        expect(two?.seq).toBeGreaterThan(watermark);
        expect(one?.firstSeenAt).toBe(now.toISOString());
        // Once: the next listing that names them again changes neither their seq nor the counters.
        const seq = await store.maxSeq();
        const rev = await store.maxRev();
        await store.saveArxivEntries([arxivEntry(1), arxivEntry(2, { announceType: 'cross' })], 'listing', later);
        expect(await store.maxSeq()).toBe(seq);
        expect(await store.maxRev()).toBe(rev);
        expect((await store.getPapers([looked]))[0]?.seq).toBe(one?.seq);
      });

      it("R1: a paper stored by a lookup and then listed new in the same batch as a replace is announced once, in one transaction of the caller's", async () => {
        const [id] = (await store.saveArxivEntries([arxivEntry(1, { announceType: null })], 'lookup', now))
          .paperIds as [number];
        await store.begin();
        await store.saveArxivEntries(
          [arxivEntry(1, { announceType: 'replace', version: 2 }), arxivEntry(1, { version: 2 }), arxivEntry(1)],
          'listing',
          now,
        );
        await store.commit();
        const seq = await store.maxSeq();
        const [paper] = await store.getPapers([id]);
        expect(paper).toMatchObject({ announce: true, seq, arxivVersion: 2 });
      });

      it('finds papers by arXiv id with or without version, and by DOI whatever its case or prefix', async () => {
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
        expect(await store.findByArxivIds([])).toEqual(new Map());
        expect(await store.findByDoi('10.48550/arxiv.2611.20001')).toBe(paperIds[0]);
        expect(await store.findByDoi('https://doi.org/10.48550/ARXIV.2611.20001')).toBe(paperIds[0]);
        expect(await store.findByDoi('doi:10.48550/arXiv.2611.20001')).toBe(paperIds[0]);
        expect(await store.findByDoi('10.1/none')).toBeUndefined();
      });

      it("gives a profile page's copy the arXiv id and links, without a new seq or a second announcement", async () => {
        const title = 'Shared Study of Calibrated Lagoons';
        const page = (papers: ReturnType<typeof fakePaper>[]) => fakeProfile('Ann', papers);
        const saved = await store.saveProfile(
          page([fakePaper(1, { title, authorsTruncated: true, authors: ['Ann'] })]),
          source('a'),
          now,
        );
        const id = first(saved.papers.keys());
        const [before] = await store.getPapers([id]);
        const result = await store.saveArxivEntries(
          [arxivEntry(7, { title: 'Shared study of calibrated lagoons', doi: '10.1/abc' })],
          'listing',
          now,
        );
        expect(result).toMatchObject({ new: 1, newPapers: 0, paperIds: [id] });
        const [after] = await store.getPapers([id]);
        expect(after).toMatchObject({ arxivId: '2611.20007', doi: '10.1/abc', seq: before?.seq, announce: true });
        expect(after?.authors).toEqual(arxivEntry(7).authors);
        expect(await store.counts()).toEqual({ profiles: 1, papers: 1 });
        // The page loaded again (other bytes) still lists the same paper, not a second copy.
        const again = await store.saveProfile(
          page([fakePaper(1, { title, authorsTruncated: true, authors: ['Ann'] }), fakePaper(2)]),
          source('a', 'v2'),
          now,
        );
        expect(again.papers.get(id)).toBe('unchanged');
        expect(await store.counts()).toEqual({ profiles: 1, papers: 2 });
      });

      it('keeps two arXiv ids with one title as two papers; a record without an id joins the oldest', async () => {
        const title = 'Attention Is All You Need';
        const result = await store.saveArxivEntries(
          [arxivEntry(1, { title }), arxivEntry(2, { title: 'attention is all you need' })],
          'listing',
          now,
        );
        expect(result.paperIds).toHaveLength(2);
        expect(result.newPapers).toBe(2);
        const third = await store.savePapers([record(9, { title, arxivId: '1706.03762v7' })], now);
        expect([...third.values()]).toEqual(['new']);
        const thirdId = first(third.keys());
        expect((await store.getPapers([thirdId]))[0]).toMatchObject({ arxivId: '1706.03762', arxivVersion: 7 });
        const plain = await store.savePapers([record(9, { title })], now);
        expect([...plain.keys()]).toEqual([result.paperIds[0]]);
        expect(await store.counts()).toEqual({ profiles: 0, papers: 3 });
      });

      it('finds a retitled paper by its former title when a page without arXiv ids still names it so', async () => {
        const entry = (over: Partial<ArxivEntry>) =>
          arxivEntry(1, { title: fakePaper(1).title, authors: fakePaper(1).authors, ...over });
        const page = (hIndex: number) => fakeProfile('Ann Lee', [fakePaper(1)], { hIndex });
        await store.saveProfile(page(3), source('ann.txt', 'a'), new Date('2026-11-25T00:00:00Z'));
        await store.saveArxivEntries([entry({})], 'listing', new Date('2026-11-27T06:00:00Z'));
        await store.saveArxivEntries(
          [entry({ version: 2, title: 'A wholly new title for study one', announceType: 'replace' })],
          'listing',
          new Date('2026-11-28T06:00:00Z'),
        );
        const seqBefore = await store.maxSeq();
        const saved = await store.saveProfile(page(4), source('ann.txt', 'b'), new Date('2026-11-29T00:00:00Z'));
        expect(await store.counts()).toEqual({ profiles: 1, papers: 1 });
        expect(await store.maxSeq()).toBe(seqBefore);
        const id = first((await store.findByArxivIds(['2611.20001'])).values());
        expect([...saved.papers.keys()]).toEqual([id]);
        expect((await store.profileNamesFor([id])).get(id)).toEqual(['Ann Lee']);
      });
    });

    describe('changes by revision', () => {
      it('lists changed papers and index rows in rev order, from any rev, a page at a time', async () => {
        await store.saveProfile(fakeProfile('Ann', [fakePaper(1), fakePaper(2), fakePaper(3)]), source('a'), now);
        await store.saveArxivEntries([arxivEntry(1)], 'listing', now);
        // Paper 1 gains code: it moves to the end of the revision order.
        await store.savePapers([record(1, { hasCode: true })], now);
        const all = await store.papersChangedSince(0, 100);
        expect(all.map((p) => [p.id, p.rev])).toEqual([
          [2, 2],
          [3, 3],
          [4, 4],
          [1, 5],
        ]);
        expect(await store.maxRev()).toBe(5);
        const pages = [];
        for (let rev = 0; ; ) {
          const page = await store.papersChangedSince(rev, 2);
          if (page.length === 0) break;
          pages.push(page.map((p) => p.id));
          rev = page.at(-1)?.rev ?? rev;
        }
        expect(pages).toEqual([
          [2, 3],
          [4, 1],
        ]);
        const rows = await store.indexRowsChangedSince(3, 10);
        expect(rows).toEqual([
          {
            id: 4,
            rev: 4,
            title: arxivEntry(1).title,
            date: '2026-11-26',
            category: 'CL',
            categoryFull: 'cs.CL',
            alsoCategories: ['LG', 'cs.LG'],
            hasCode: false,
          },
          expect.objectContaining({ id: 1, rev: 5, hasCode: true, title: fakePaper(1).title, alsoCategories: [] }),
        ]);
        expect(await store.papersChangedSince(5, 10)).toEqual([]);
      });

      it('keeps one identity for the database', async () => {
        const identity = await store.identity();
        expect(identity).toMatch(/^[0-9a-f]{32}$/);
        expect(await store.identity()).toBe(identity);
      });
    });

    describe('author index', () => {
      it('indexes every listed name with the paper, folds case and accents, follows updates and arXiv entries', async () => {
        await store.begin();
        const saved = await store.savePapers(
          [
            record(1, { title: 'One', authors: ['José Müller', 'Ann Lee'], arxivId: '2401.00001' }),
            record(2, { title: 'Two', authors: ['Jose Muller', 'Bo Lee'] }),
            record(3, { title: 'Three', authors: ['Cy Lee'] }),
          ],
          now,
        );
        await store.commit();
        const [one, two] = [...saved.keys()];
        expect(await store.authors.find('jose muller')).toEqual({ name: 'José Müller', key: 'jose muller', papers: 2 });
        expect((await store.authors.paperIds('jose muller')).sort((a, b) => a - b)).toEqual([one, two]);
        expect(await store.authors.find('nobody here')).toBeUndefined();
        const lees = await store.authors.candidates({ surname: 'lee', surnamePrefix: 'lee', initial: '' }, 10);
        expect(lees.map((c) => c.name).sort()).toEqual(['Ann Lee', 'Bo Lee', 'Cy Lee']);
        const prefixed = await store.authors.candidates(
          { surname: 'x', surnamePrefix: 'x', initial: 'x', keyPrefix: 'jo' },
          10,
        );
        expect(prefixed.map((c) => c.key)).toEqual(['jose muller']);
        // A longer author list replaces the stored one: the new name is indexed, the paper keeps its listings.
        await store.begin();
        await store.savePapers(
          [record(1, { title: 'One', authors: ['José Müller', 'Ann Lee', 'Dee Fox'], arxivId: '2401.00001' })],
          now,
        );
        await store.commit();
        expect(await store.authors.paperIds('dee fox')).toEqual([one]);
        expect(await store.authors.find('ann lee')).toMatchObject({ papers: 1 });
        await store.saveArxivEntries([arxivEntry(7, { authors: ['Eve Ng'] })], 'listing', now);
        expect(await store.authors.find('eve ng')).toMatchObject({ name: 'Eve Ng', papers: 1 });
      });
    });

    describe('saved queries', () => {
      it('keeps a query under a short reference: the same query, the same reference', async () => {
        const query = 'papers on reward hacking by "Deep Ganguli" since 2023 '.repeat(5);
        const ref = await store.saveQuery(query, now);
        expect(ref).toMatch(/^[\w-]{16}$/);
        expect(await store.saveQuery(query, new Date('2027-01-01T00:00:00Z'))).toBe(ref);
        expect(await store.loadQuery(ref)).toBe(query);
        expect(await store.loadQuery('nothing-here-000')).toBeUndefined();
      });
    });

    describe('reading lists', () => {
      const ann = { platform: 'slack', space: 'T1', user: 'U1' };
      const annElsewhere = { platform: 'slack', space: 'T2', user: 'U1' };
      it('saves once, refuses beyond the cap, removes, and lists newest first, per person and space', async () => {
        const list = store.readingList;
        const at = (minute: number) => new Date(Date.UTC(2026, 10, 27, 6, minute));
        expect(await list.save(ann, 11, at(1), 3)).toEqual({ status: 'saved', count: 1 });
        expect(await list.save(ann, 12, at(2), 3)).toEqual({ status: 'saved', count: 2 });
        expect(await list.save(ann, 11, at(3), 3)).toEqual({ status: 'already', savedAt: at(1).toISOString() });
        expect(await list.save(ann, 13, at(2), 3)).toEqual({ status: 'saved', count: 3 });
        expect(await list.save(ann, 14, at(4), 3)).toEqual({ status: 'full', count: 3 });
        expect(await list.save(annElsewhere, 14, at(4), 3)).toEqual({ status: 'saved', count: 1 });
        // Newest first; two saved in the same minute: the later save first.
        expect(await list.list(ann, 0, 10)).toEqual([
          { paperId: 13, savedAt: at(2).toISOString() },
          { paperId: 12, savedAt: at(2).toISOString() },
          { paperId: 11, savedAt: at(1).toISOString() },
        ]);
        expect((await list.list(ann, 1, 1)).map((s) => s.paperId)).toEqual([12]);
        expect(await list.remove(ann, 12)).toBe(true);
        expect(await list.remove(ann, 12)).toBe(false);
        expect(await list.count(ann)).toBe(2);
        expect(await list.count(annElsewhere)).toBe(1);
        expect(await list.count({ ...ann, user: 'U2' })).toBe(0);
        expect(await list.save(ann, 14, at(5), 3)).toEqual({ status: 'saved', count: 3 });
      });
    });

    describe('transactions', () => {
      it('undoes every call between begin and rollback', async () => {
        await store.saveProfile(fakeProfile('Kept', [fakePaper(9)]), source('k'), now);
        const before = { seq: await store.maxSeq(), rev: await store.maxRev(), profiles: await store.profileRev() };
        await store.begin();
        await store.saveProfile(fakeProfile('Ann', [fakePaper(1)]), source('a'), now);
        await store.savePapers([record(2)], now);
        await store.saveArxivEntries([arxivEntry(1)], 'listing', now);
        await store.readingList.save({ platform: 'terminal', space: 'terminal', user: 'me' }, 1, now, 10);
        expect(await store.counts()).toEqual({ profiles: 2, papers: 4 });
        await store.rollback();
        expect(await store.counts()).toEqual({ profiles: 1, papers: 1 });
        expect({ seq: await store.maxSeq(), rev: await store.maxRev(), profiles: await store.profileRev() }).toEqual(
          before,
        );
        expect(await store.readingList.count({ platform: 'terminal', space: 'terminal', user: 'me' })).toBe(0);
        expect(await store.findByArxivIds(['2611.20001'])).toEqual(new Map());
      });

      it('keeps every call between begin and commit, as one transaction', async () => {
        await store.begin();
        await store.saveProfile(fakeProfile('Ann', [fakePaper(1)]), source('a'), now);
        await store.savePapers([record(2)], now);
        const { paperIds } = await store.saveArxivEntries([arxivEntry(1)], 'listing', now);
        await store.commit();
        expect(await store.counts()).toEqual({ profiles: 1, papers: 3 });
        expect(paperIds).toEqual([3]);
        expect((await store.papersChangedSince(0, 10)).map((p) => p.seq)).toEqual([1, 2, 3]);
        // A rollback with no transaction open does nothing.
        await store.rollback();
        expect(await store.counts()).toEqual({ profiles: 1, papers: 3 });
      });

      it('saves a file per call by itself: a call outside begin is kept without commit', async () => {
        await store.saveArxivEntries([arxivEntry(1)], 'listing', now);
        await store.rollback();
        expect(await store.counts()).toEqual({ profiles: 0, papers: 1 });
      });
    });
  });
}
