import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { toShortCategory } from '../../../src/core/categories.ts';
import { ingestPaths } from '../../../src/core/ingest/ingest-files.ts';
import { renderProfile } from '../../../src/core/profile/render-profile.ts';
import { fakePaper, fakeProfile, writeFakePages } from '../../helpers/make-pages.ts';
import { SAMPLE_PAGE } from '../../helpers/shared-data.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const clock = () => new Date('2026-01-01T00:00:00Z');
const record = (n: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: `x${n}`,
    arxivId: n % 2 ? `2401.0000${n}` : null,
    title: `Record paper ${n}`,
    authors: ['R One', 'R Two', 'R Three', 'R Four'],
    affiliations: ['', 'mit'],
    date: n % 2 ? `2024-01-0${n % 9 || 1}` : '2023',
    category: n % 2 ? 'cs.CL' : 'NeurIPS 2023',
    abstract: 'An abstract.',
    codeUrl: null,
    ...extra,
  });

describe('ingestPaths', () => {
  const tempDir = useTempDir();

  it('reads folders recursively and counts distinct papers across files', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'nested'));
    writeFakePages(dir, 2, 5);
    writeFakePages(join(dir, 'nested'), 1, 5);
    writeFileSync(join(dir, 'notes.md'), 'ignored');
    const store = createSqliteStore(':memory:');
    const summary = await ingestPaths([dir], { store, clock });
    expect(summary.files).toHaveLength(3);
    // person-0 in both folders is one profile; pages overlap by two papers.
    // 15 paper blocks in 3 pages: 7 of them went into a paper an earlier page had stored (merged).
    expect(summary.totals).toEqual({
      profiles: 2,
      papers: 8,
      newPapers: 8,
      updatedPapers: 0,
      unchangedPapers: 0,
      records: 15,
      merged: 7,
      announced: 8,
    });
    const again = await ingestPaths([dir], { store, clock });
    expect(again.totals).toMatchObject({ newPapers: 0, unchangedPapers: 8 });
    await store.close();
  });

  it('rejects a file that is not a profile, naming it, while the others load', async () => {
    const dir = tempDir();
    writeFakePages(dir, 1, 3);
    writeFileSync(join(dir, 'page.txt'), '<html><body>Not a profile</body></html>');
    writeFileSync(join(dir, 'empty.txt'), '');
    const store = createSqliteStore(':memory:');
    const summary = await ingestPaths([dir, join(dir, 'missing.txt')], { store, clock });
    const byName = Object.fromEntries(summary.files.map((f) => [f.path.split('/').pop(), f]));
    expect(byName['page.txt']).toMatchObject({ status: 'error', papers: 0 });
    expect(byName['page.txt']?.messages[0]?.message).toMatch(/page\.txt.*looks like HTML/);
    expect(byName['empty.txt']?.messages[0]?.message).toMatch(/empty\.txt.*empty/);
    expect(byName['missing.txt']?.messages[0]?.message).toMatch(/no such file/);
    expect(byName['person-0.txt']).toMatchObject({ status: 'ok', papers: 3, profile: 'Person 0' });
    expect(await store.counts()).toEqual({ profiles: 1, papers: 3 });
    await store.close();
  });

  it('loads a page with a malformed block with a warning that names file and line', async () => {
    const dir = tempDir();
    const file = join(dir, 'ann.txt');
    writeFileSync(
      file,
      renderProfile(fakeProfile('Ann', [fakePaper(1), fakePaper(2)])).replace('Mar 12, 2024', 'Mar 2024'),
    );
    const store = createSqliteStore(':memory:');
    const summary = await ingestPaths([file], { store, clock });
    expect(summary.files[0]).toMatchObject({ status: 'warning', papers: 1 });
    expect(summary.files[0]?.messages[0]).toMatchObject({ line: 17, severity: 'warning' });
    expect(summary.files[0]?.messages[0]?.message).toMatch(/ann\.txt line 17: expected a category and a date/);
    await store.close();
  });

  it('imports JSON Lines records (plain and gzipped), keeping date precision and both categories', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'a.jsonl'),
      [record(1), '', 'not json', JSON.stringify({ title: 'x' }), record(2)].join('\n'),
    );
    writeFileSync(join(dir, 'b.jsonl.gz'), gzipSync([record(2), record(3)].join('\n')));
    const store = createSqliteStore(':memory:');
    const summary = await ingestPaths([dir], { store, clock });
    expect(summary.files[0]).toMatchObject({ status: 'warning', papers: 2 });
    expect(summary.files[0]?.messages.map((m) => m.line)).toEqual([3, 4]);
    expect(summary.files[0]?.messages[1]?.message).toMatch(/line 4: not a paper record \(authors/);
    expect(summary.totals).toMatchObject({ papers: 3, newPapers: 3 });
    const [first, second] = await store.getPapers([1, 2]);
    expect(first).toMatchObject({ date: '2024-01-01', category: 'CL', categoryFull: 'cs.CL', arxivId: '2401.00001' });
    expect(first?.authors).toHaveLength(4);
    expect(first?.affiliations).toEqual(['mit']);
    expect(second).toMatchObject({ date: '2023', category: 'NeurIPS', categoryFull: 'NeurIPS 2023', venue: null });
    await store.close();
  });

  it('rejects a records file with no records and leaves the database as it was', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.jsonl'), 'nope\n{"a":1}\n');
    const store = createSqliteStore(':memory:');
    const summary = await ingestPaths([dir], { store, clock });
    expect(summary.files[0]?.status).toBe('error');
    expect((await store.counts()).papers).toBe(0);
    await store.close();
  });

  it('merges a page paper with the same paper from a corpus record', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ann.txt'), renderProfile(fakeProfile('Ann', [fakePaper(1, { title: 'Record Paper 1' })])));
    writeFileSync(join(dir, 'r.jsonl'), record(1));
    const store = createSqliteStore(':memory:');
    const summary = await ingestPaths([join(dir, 'ann.txt'), join(dir, 'r.jsonl')], { store, clock });
    expect(summary.totals).toMatchObject({ papers: 1, newPapers: 1 });
    expect((await store.getPapers([1]))[0]).toMatchObject({
      title: 'Record Paper 1',
      authorsTruncated: false,
      arxivId: '2401.00001',
    });
    await store.close();
  });

  it('loads the sample page', async () => {
    const store = createSqliteStore(':memory:');
    const summary = await ingestPaths([SAMPLE_PAGE], { store, clock });
    expect(summary.files[0]).toMatchObject({ status: 'ok', papers: 18, profile: 'Zac Hatfield-Dodds' });
    await store.close();
  });

  it('loads the sample folder pages first: its arXiv ids merge into the papers of the page, which keep their authors', async () => {
    const store = createSqliteStore(':memory:');
    // `sample-arxiv.jsonl` sorts before the page, and its records name no authors.
    const summary = await ingestPaths([dirname(SAMPLE_PAGE)], { store, clock });
    expect(summary.files.map((f) => basename(f.path))).toEqual(['zac-hatfield-dodds.txt', 'sample-arxiv.jsonl']);
    expect(summary.totals).toMatchObject({ papers: 18, newPapers: 18, announced: 18 });
    const ids = await store.findByArxivIds(['2212.08073']);
    const [paper] = await store.getPapers([ids.get('2212.08073') as number]);
    expect(paper?.authors[0]).toBe('Yuntao Bai');
    await store.close();
  });

  it('a paper stored with no authors takes those of the next source that names them', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.jsonl'), `${record(1, { authors: [] })}\n`);
    writeFileSync(join(dir, 'b.jsonl'), `${record(1, { authors: ['Named Later'] })}\n`);
    const store = createSqliteStore(':memory:');
    await ingestPaths([dir], { store, clock });
    expect((await store.getPapers([1]))[0]?.authors).toEqual(['Named Later']);
    await store.close();
  });
});

describe('toShortCategory', () => {
  it.each([
    ['cs.CL', 'CL'],
    ['stat.ML', 'ML'],
    ['hep-th', 'HEP-TH'],
    ['NeurIPS 2023', 'NeurIPS'],
  ])('%s -> %s', (full, short) => expect(toShortCategory(full)).toBe(short));
});
