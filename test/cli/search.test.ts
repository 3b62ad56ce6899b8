import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPaperboy } from '../helpers/run-cli.ts';
import { SAMPLE_PAGE } from '../helpers/shared-data.ts';

describe('paperboy search', () => {
  let dir = '';
  let db = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-search-'));
    db = join(dir, 'p.db');
    await runPaperboy(['ingest', SAMPLE_PAGE, '--db', db]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the --json shape with text exactly as stored, fields a paper lacks as null', async () => {
    const result = await runPaperboy(['search', 'sycophancy', '--json', '--db', db]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json)).toEqual([
      'query',
      'total',
      'relaxed',
      'page',
      'pageSize',
      'didYouMean',
      'wordsLeftOut',
      'results',
    ]);
    expect(json).toMatchObject({ query: 'sycophancy', relaxed: false, page: 1, pageSize: 10, didYouMean: null });
    expect(json.total).toBeGreaterThan(0);
    expect(json.results[0]).toEqual({
      id: expect.any(Number),
      title: 'Towards Understanding Sycophancy in Language Models',
      authors: ['Mrinank Sharma', 'Meg Tong', 'Tomasz Korbak'],
      affiliations: ['openai', 'stanford'],
      date: '2023-10-20',
      category: 'CL',
      hasCode: false,
      arxivId: null,
      doi: null,
      url: `https://www.google.com/search?q=${encodeURIComponent('"Towards Understanding Sycophancy in Language Models"')}`,
      score: expect.any(Number),
    });
  });

  it('reports a relaxed answer and a spelling suggestion in the JSON', async () => {
    const relaxed = JSON.parse((await runPaperboy(['search', 'sycophancy zzzqqq', '--json', '--db', db])).stdout);
    expect(relaxed).toMatchObject({ relaxed: true, total: expect.any(Number) });
    expect(relaxed.results[0].title).toMatch(/Sycophancy/);
    const text = await runPaperboy(['search', 'sycophancy zzzqqq', '--db', db]);
    expect(text.stdout).toMatch(/^No paper has all of the words; these have most of them\./);
    const typo = JSON.parse((await runPaperboy(['search', 'superpositoin cat:CR', '--json', '--db', db])).stdout);
    expect(typo).toMatchObject({ total: 0, relaxed: false, didYouMean: 'superposition cat:CR', results: [] });
  });

  it('exits 0 with no results and 1 for an invalid query, naming the position', async () => {
    const none = await runPaperboy(['search', 'zzzqqq', '--db', db]);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/No papers match/);
    const bad = await runPaperboy(['search', 'colour:red', '--db', db]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/invalid query at position 1: unknown filter "colour:"/);
    expect((await runPaperboy(['search', '--limit', 'x', 'a', '--db', db])).code).toBe(2);
    const empty = await runPaperboy(['search', ' ', '--db', db]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/the query is empty/);
  });

  it('answers one query per line in batch mode and goes on after a bad one', async () => {
    const result = await runPaperboy(['search', '-', '--db', db, '--limit', '2'], {
      stdin: 'toy models\nfoo:bar\n\nsycophancy\n',
    });
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0].results[0].title).toBe('Toy Models of Superposition');
    expect(lines[0].results.length).toBeLessThanOrEqual(2);
    expect(lines[1]).toEqual({
      query: 'foo:bar',
      error: expect.stringMatching(/unknown filter/),
      code: 'invalid_query',
      results: [],
    });
    expect(lines[2].results[0].title).toMatch(/Sycophancy/);
  });

  it('B2 takes an exclusion given as its own argument as part of the query, not as an unknown option', async () => {
    const json = async (...argv: string[]) => {
      const result = await runPaperboy(['search', ...argv, '--json', '--db', db, '--limit', '100']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout) as { query: string; total: number; results: { title: string }[] };
    };
    const models = await json('models');
    const without = await json('models', '-superposition');
    expect(without.query).toBe('models -superposition');
    expect(without.total).toBeGreaterThan(0);
    expect(without.total).toBeLessThan(models.total);
    expect(without.results.map((r) => r.title)).not.toContain('Toy Models of Superposition');
    // As one argument, and a query made only of exclusions (the shell leaves the leading "-").
    expect((await json('-superposition models')).total).toBe(without.total);
    expect((await json('-superposition')).total).toBeGreaterThan(0);
    // A mistyped option is still a usage error, not a word of the query.
    const typo = await runPaperboy(['search', 'models', '--jsno', '--db', db]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown option '--jsno'/);
  });

  it('pages with --page and --limit', async () => {
    const one = JSON.parse((await runPaperboy(['search', 'year:2022', '--limit', '2', '--json', '--db', db])).stdout);
    const two = JSON.parse(
      (await runPaperboy(['search', 'year:2022', '--limit', '2', '--page', '2', '--json', '--db', db])).stdout,
    );
    expect(one.results).toHaveLength(2);
    expect(two.results[0].id).not.toBe(one.results[0].id);
    expect(two.total).toBe(one.total);
  });
});
