import { join } from 'node:path';
import { parse } from '@retorquere/bibtex-parser';
import { describe, expect, it } from 'vitest';
import { runPaperboy } from '../helpers/run-cli.ts';
import { SAMPLE_PAGE } from '../helpers/shared-data.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

describe('reading list in the terminal, and paperboy bibtex', () => {
  const tempDir = useTempDir();

  /** The id the terminal shows on the first card for a query (`… · id 17`). */
  async function firstId(db: string, query: string): Promise<number> {
    const { stdout } = await runPaperboy(['search', query, '--db', db, '--json']);
    return (JSON.parse(stdout) as { results: { id: number }[] }).results[0]?.id as number;
  }

  it('/save ID, /saved and /cite ID work in the terminal chat', async () => {
    const db = join(tempDir(), 'p.db');
    await runPaperboy(['ingest', SAMPLE_PAGE, '--db', db]);
    const id = await firstId(db, 'sycophancy');
    const result = await runPaperboy(['start', '--db', db], {
      stdin: `/save ${id}\n/save ${id}\n/saved\n/cite ${id}\n/saved export\n/saved remove ${id}\n/saved\n`,
    });
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('Saved “Towards Understanding Sycophancy in Language Models”');
    expect(out).toMatch(/is already in your reading list, saved \d{4}-\d\d-\d\d/);
    expect(out).toMatch(/Your reading list: 1 of 1,000 papers[\s\S]*1\. Towards Understanding Sycophancy/);
    expect(out).toContain(`/saved remove ID, /cite ID`);
    expect(out).toContain('BibTeX for “Towards Understanding Sycophancy in Language Models”');
    const entries = parse(out.slice(out.indexOf('@misc{'))).entries;
    expect(entries[0]?.key).toBe('sharma2023understanding');
    expect(out).toContain(`Removed paper ${id} from your reading list.`);
    expect(out).toContain('Your reading list is empty.');
  });

  it('paperboy bibtex ID prints entries a BibTeX parser accepts; unknown ids exit 1, no ids exit 2', async () => {
    const db = join(tempDir(), 'p.db');
    await runPaperboy(['ingest', SAMPLE_PAGE, '--db', db]);
    const a = await firstId(db, 'sycophancy');
    const b = await firstId(db, 'toy models superposition');
    const ok = await runPaperboy(['bibtex', String(a), String(b), '--db', db]);
    expect(ok.code).toBe(0);
    const parsed = parse(ok.stdout, { sentenceCase: false });
    expect(parsed.errors).toEqual([]);
    expect(parsed.entries.map((e) => e.fields.title)).toEqual([
      'Towards Understanding Sycophancy in Language Models',
      'Toy Models of Superposition',
    ]);
    const unknown = await runPaperboy(['bibtex', String(a), '424242', 'nonsense', '--db', db]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no paper for "424242", "nonsense"/);
    expect(parse(unknown.stdout).entries).toHaveLength(1);
    expect((await runPaperboy(['bibtex', '--db', db])).code).toBe(2);
  });
});
