import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { decodeLatex, snapshotDois, utcDay } from '../../../src/core/ingest/arxiv-snapshot.ts';
import { collectFiles, ingestPaths } from '../../../src/core/ingest/ingest-files.ts';
import type { PaperStore, StoredPaper } from '../../../src/core/store/paper-store.ts';
import { realSnapshotLines, snapshotLinesFromCorpus } from '../../helpers/arxiv-snapshot-lines.ts';
import { hasSharedData, SHARED_SKIP_REASON } from '../../helpers/shared-data.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const clock = () => new Date('2026-06-01T00:00:00Z');

async function paperByArxivId(store: PaperStore, arxivId: string): Promise<StoredPaper | undefined> {
  const papers = await store.papersChangedSince(0, 100_000);
  return papers.find((p) => p.arxivId === arxivId);
}

describe('arXiv snapshot fields', () => {
  it('decodes LaTeX accents and letters in names', () => {
    expect(decodeLatex('M\\"uller')).toBe('Müller');
    expect(decodeLatex('M{\\"u}ller')).toBe('Müller');
    expect(decodeLatex("Gonz\\'{a}lez and Garc\\'{\\i}a")).toBe('González and García');
    expect(decodeLatex('{\\O}stergaard, Fran\\c{c}ois, \\v{C}ech, Pe\\~na, Ha\\ss')).toBe(
      'Østergaard, François, Čech, Peña, Haß',
    );
    expect(decodeLatex('no accents')).toBe('no accents');
  });

  it('reads the first version in UTC and every DOI', () => {
    expect(utcDay('Sat, 31 Mar 2007 03:16:14 GMT')).toBe('2007-03-31');
    expect(utcDay('Mon, 11 Jan 2021 23:59:59 GMT')).toBe('2021-01-11');
    expect(utcDay('not a date')).toBeUndefined();
    expect(snapshotDois('10.1002/spe.2984 10.1000/xyz.1')).toEqual(['10.1002/spe.2984', '10.1000/xyz.1']);
    expect(snapshotDois(null)).toEqual([]);
  });
});

if (hasSharedData) {
  describe('paperboy ingest reads arXiv metadata snapshot files', () => {
    const tempDir = useTempDir();

    it('ingests the two real lines of the format as given', async () => {
      const dir = tempDir();
      const file = join(dir, 'arxiv-metadata-oai-snapshot.json');
      const lines = realSnapshotLines();
      expect(lines).toHaveLength(2);
      writeFileSync(file, `${lines.join('\n')}\n`);
      const store = createSqliteStore(':memory:');
      const summary = await ingestPaths([file], { store, clock });
      expect(summary.files[0]).toMatchObject({ status: 'ok', papers: 2 });
      const lemire = await paperByArxivId(store, '2101.11408');
      expect(lemire).toMatchObject({
        title: 'Number Parsing at a Gigabyte per Second',
        authors: ['Daniel Lemire'],
        date: '2021-01-11',
        category: 'DS',
        categoryFull: 'cs.DS',
        doi: '10.1002/spe.2984',
        journalRef: 'Software: Practice and Experience 51 (8), 2021',
        arxivVersion: 2,
      });
      const callan = await paperByArxivId(store, '0704.0004');
      expect(callan).toMatchObject({
        authors: ['David Callan'],
        date: '2007-03-31',
        categoryFull: 'math.CO',
        doi: null,
        journalRef: null,
        abstract:
          'We show that a determinant of Stirling cycle numbers counts unlabeled acyclic single-source automata.',
      });
      // The DOI is found by lookups, and a paper stored before keeps its date.
      expect(await store.findByDoi('https://doi.org/10.1002/SPE.2984')).toBe(lemire?.id);
      store.close();
    });

    it('ingests a few hundred generated lines from a folder: authors, accents, categories, dates, DOIs', async () => {
      const dir = tempDir();
      const { lines, expected } = snapshotLinesFromCorpus(300);
      expect(lines.length).toBe(300);
      writeFileSync(join(dir, 'part-1.json.gz'), gzipSync(`${lines.slice(0, 150).join('\n')}\n`));
      writeFileSync(join(dir, 'part-2.json'), `${lines.slice(150).join('\n')}\n`);
      // In a folder, `.json` files that are not snapshot lines are not read.
      writeFileSync(join(dir, 'package.json'), '{"name": "not papers"}\n');
      writeFileSync(join(dir, 'settings.json'), '{\n  "a": 1\n}\n');
      expect(collectFiles([dir]).files.map((f) => f.slice(dir.length + 1))).toEqual(['part-1.json.gz', 'part-2.json']);
      const store = createSqliteStore(':memory:');
      const summary = await ingestPaths([dir], { store, clock });
      expect(summary.files.map((f) => f.status)).toEqual(['ok', 'ok']);
      const stored = new Map((await store.papersChangedSince(0, 100_000)).map((p) => [p.arxivId, p]));
      expect(stored.size).toBe(expected.length);
      for (const want of expected) {
        const got = stored.get(want.arxivId);
        expect(got, want.arxivId).toMatchObject({
          authors: want.authors,
          date: want.date,
          categoryFull: want.categoryFull,
          doi: want.doi,
          journalRef: want.journalRef,
        });
        expect(got?.abstract?.startsWith(' ')).toBe(false);
      }
      expect(expected.some((e) => e.authors.some((a) => /[üöéèçñíøč]/.test(a)))).toBe(true);
      store.close();
    });

    it('keeps the date of a paper stored before', async () => {
      const dir = tempDir();
      const [line] = snapshotLinesFromCorpus(1).lines;
      const record = JSON.parse(line as string);
      const store = createSqliteStore(':memory:');
      writeFileSync(join(dir, 'first.json'), `${line}\n`);
      await ingestPaths([join(dir, 'first.json')], { store, clock });
      const before = await paperByArxivId(store, record.id);
      record.versions[0].created = 'Fri, 01 Jan 2010 10:00:00 GMT';
      writeFileSync(join(dir, 'again.json'), `${JSON.stringify(record)}\n`);
      await ingestPaths([join(dir, 'again.json')], { store, clock });
      expect((await paperByArxivId(store, record.id))?.date).toBe(before?.date);
      store.close();
    });
  });
} else {
  describe.skip(`arXiv snapshot files: ${SHARED_SKIP_REASON}`, () => {
    it('runs with ../shared/data', () => {});
  });
}
