import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePaperRef } from '../../src/core/reading/paper-ref.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { SAMPLE_PAGE } from '../helpers/shared-data.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

describe('break round 3 (c): reading list and BibTeX ids', () => {
  it('B1 a bare DOI (10.1145/…), as papers print it, names a paper for /save, /cite and paperboy bibtex', () => {
    expect(parsePaperRef('10.1145/3597503.3639187')).toEqual({ kind: 'doi', doi: '10.1145/3597503.3639187' });
    // arXiv's own DOI is its arXiv id, as with the doi: prefix.
    expect(parsePaperRef('10.48550/arXiv.2310.13548')).toEqual({ kind: 'arxiv', arxivId: '2310.13548' });
    expect(parsePaperRef('doi:10.1145/3597503.3639187')).toEqual(parsePaperRef('10.1145/3597503.3639187'));
    // Still one paper only: a bare DOI followed by words is no reference.
    expect(parsePaperRef('10.1145/3597503.3639187 and more')).toBeUndefined();
    expect(parsePaperRef('10.1/x')).toBeUndefined();
  });
});

describe('break round 3 (c): doctor on a snapshot beside a database in a folder with a space', () => {
  const tempDir = useTempDir();

  it('B2 the snapshot fix quotes a database path with spaces or quotes, so it can be pasted into a shell', async () => {
    const dir = join(tempDir(), "Bob's papers");
    mkdirSync(dir);
    const db = join(dir, 'p.db');
    await runPaperboy(['ingest', SAMPLE_PAGE, '--db', db]);
    writeFileSync(`${db}.search-index.json`, '{}');
    const { stdout } = await runPaperboy(['doctor', '--db', db]);
    expect(stdout).toContain(`Run "paperboy search x --db '${db.replace(/'/g, `'\\''`)}'" once`);
  });
});

describe('break round 3 (c): a search snapshot that cannot be written', () => {
  const tempDir = useTempDir();

  it('B3 ingest warns and search still answers when a folder stands where the snapshot goes; no temp files are left', async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    mkdirSync(`${db}.search-index.json`);
    const ingest = await runPaperboy(['ingest', SAMPLE_PAGE, '--db', db]);
    expect(ingest.code).toBe(0);
    expect(ingest.stdout).toContain('papers: 18 (18 new');
    expect(ingest.stderr).toMatch(/warning: the search snapshot could not be written/);
    const search = await runPaperboy(['search', 'sycophancy', '--db', db, '--json']);
    expect(search.code).toBe(0);
    expect(JSON.parse(search.stdout).total).toBeGreaterThan(0);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
