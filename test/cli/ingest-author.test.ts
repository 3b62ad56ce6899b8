import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPaperboy } from '../helpers/run-cli.ts';
import { SAMPLE_PAGE } from '../helpers/shared-data.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

describe('paperboy ingest and author', () => {
  const tempDir = useTempDir();

  it('ingests the sample page and reports the author as the issue asks', async () => {
    const db = join(tempDir(), 'p.db');
    const ingest = await runPaperboy(['ingest', SAMPLE_PAGE, '--json', '--db', db]);
    expect(ingest.code).toBe(0);
    const summary = JSON.parse(ingest.stdout);
    expect(summary.files[0]).toMatchObject({ status: 'ok', profile: 'Zac Hatfield-Dodds', papers: 18, messages: [] });
    expect(summary.totals).toEqual({
      profiles: 1,
      papers: 18,
      newPapers: 18,
      updatedPapers: 0,
      unchangedPapers: 0,
      records: 18,
      merged: 0,
      announced: 18,
    });

    const author = await runPaperboy(['author', 'Zac Hatfield-Dodds', '--json', '--db', db]);
    expect(author.code).toBe(0);
    expect(JSON.parse(author.stdout)).toMatchObject({
      name: 'Zac Hatfield-Dodds',
      profile: { category: 'CL', hIndex: 18, paperCount: 18, citationCount: 15836, novelty: 54, aiScore: 45 },
      papers: 18,
      citations: null,
      hIndex: null,
      papersWithCitations: 0,
    });
  });

  it('prints a missing metric as null', async () => {
    const dir = tempDir();
    const page = join(dir, 'solo.txt');
    writeFileSync(page, 'Solo Person\n\nh-index2\n\nCLJun 1, 2024\nA title\n\nSolo Person\n');
    const db = join(dir, 'p.db');
    await runPaperboy(['ingest', page, '--db', db]);
    const author = JSON.parse((await runPaperboy(['author', 'solo  person', '--json', '--db', db])).stdout);
    expect(author).toMatchObject({
      name: 'Solo Person',
      profile: { hIndex: 2, citationCount: null, novelty: null },
      papers: 1,
    });
  });

  it('uses PAPERBOY_DB when --db is not given', async () => {
    const db = join(tempDir(), 'env.db');
    const env = { PAPERBOY_DB: db };
    await runPaperboy(['ingest', SAMPLE_PAGE], { env });
    expect((await runPaperboy(['author', 'Zac Hatfield-Dodds'], { env })).stdout).toMatch(/citations 15,836/);
  });

  it('exits 1 for an unknown author and names the closest ones', async () => {
    const db = join(tempDir(), 'p.db');
    await runPaperboy(['ingest', SAMPLE_PAGE, '--db', db]);
    const result = await runPaperboy(['author', 'Zak Hatfeld Dods', '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/no author named "Zak Hatfeld Dods".*Closest names: "Zac Hatfield-Dodds"/);
  });

  it('exits 1 when a file is rejected, and still loads the rest', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.txt'), '');
    const db = join(dir, 'p.db');
    const result = await runPaperboy(['ingest', dir, SAMPLE_PAGE, '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bad\.txt: the file is empty/);
    expect(result.stdout).toMatch(/files read: 2 \(1 ok, 0 with warnings, 1 rejected\)/);
    expect((await runPaperboy(['author', 'Zac Hatfield-Dodds', '--db', db])).code).toBe(0);
  });

  it('exits 2 for usage errors and 0 for --help', async () => {
    expect((await runPaperboy(['ingest'])).code).toBe(2);
    expect((await runPaperboy(['frobnicate'])).code).toBe(2);
    const help = await runPaperboy(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/ingest/);
  });
});
