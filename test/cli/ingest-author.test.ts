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

  it('npm start on the sample answers /author, who is and A vs B for a co-author with cards', async () => {
    const db = join(tempDir(), 'p.db');
    const result = await runPaperboy(['start', '--db', db], {
      stdin: '/author Amanda Askell\nwho is Amanda Askell\n/author Amanda Askell vs Deep Ganguli\n',
    });
    expect(result.code).toBe(0);
    expect(result.stdout.match(/^Amanda Askell\n {2}papers: 3 \(2021–2023\)/gm)).toHaveLength(3);
    expect(result.stdout).toMatch(/^Deep Ganguli\n {2}papers: /m);
    expect(result.stdout).toMatch(/per year: 2021 [▁▂▃▄▅▆▇█·]+ 2023/);
    expect(result.stdout).not.toMatch(/No author like/);
  });

  it('--json has exactly the documented keys, integers where stated, and nothing on stdout for an unknown name', async () => {
    const dir = tempDir();
    const records = join(dir, 'records.jsonl');
    const line = (o: object) => JSON.stringify({ authors: [], category: 'cs.CL', date: '2024-01-02', ...o });
    writeFileSync(
      records,
      [
        line({
          title: 'Graphs one',
          authors: ['Ida Example', 'Co Worker'],
          arxivId: '2401.00011',
          codeUrl: 'https://x.org',
        }),
        line({
          title: 'Graphs one',
          authors: ['Ida Example', 'Co Worker'],
          category: 'ACL 2024',
          venue: 'ACL',
          date: '2024',
          citations: 7,
        }),
        line({
          title: 'Graphs two',
          authors: ['Ida Example'],
          category: 'ACL 2023',
          venue: 'ACL',
          date: '2023',
          citations: 0,
        }),
      ].join('\n'),
    );
    const db = join(dir, 'p.db');
    expect((await runPaperboy(['ingest', records, '--db', db])).code).toBe(0);
    const run = await runPaperboy(['author', 'Ida Example', '--json', '--db', db]);
    expect(run.code).toBe(0);
    const card = JSON.parse(run.stdout);
    expect(Object.keys(card)).toEqual([
      'name',
      'profile',
      'papers',
      'firstYear',
      'lastYear',
      'perYear',
      'categories',
      'venues',
      'affiliations',
      'coAuthors',
      'withCode',
      'citations',
      'papersWithCitations',
      'hIndex',
      'mayBeSeveral',
      'external',
      'latest',
    ]);
    expect(card).toMatchObject({
      name: 'Ida Example',
      profile: null,
      papers: 2,
      firstYear: 2023,
      lastYear: 2024,
      perYear: { '2023': 1, '2024': 1 },
      categories: [{ name: 'cs.CL', papers: 1 }],
      venues: [{ name: 'ACL', papers: 2 }],
      coAuthors: [{ name: 'Co Worker', papers: 1 }],
      withCode: 1,
      citations: 7,
      papersWithCitations: 2,
      hIndex: 1,
      mayBeSeveral: false,
      external: [],
    });
    for (const key of ['papers', 'firstYear', 'lastYear', 'withCode', 'papersWithCitations'])
      expect(Number.isInteger(card[key]), key).toBe(true);
    expect(card.latest).toHaveLength(2);
    expect(card.latest[0]).toMatchObject({ title: 'Graphs one', score: null, arxivId: '2401.00011' });
    expect(Object.keys(card.latest[0])).toEqual(
      Object.keys(JSON.parse((await runPaperboy(['search', 'graphs', '--json', '--db', db])).stdout).results[0]),
    );
    const unknown = await runPaperboy(['author', 'Ida Exampel', '--json', '--db', db]);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toMatch(/Closest names: "Ida Example" \(2 papers\)/);
  });
});
