import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INPUT_LIMITS } from '../../src/core/input-limits.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { SAMPLE_PAGE } from '../helpers/shared-data.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

describe('paperboy search with a query over the limit', () => {
  const tempDir = useTempDir();

  it('exits 1 with "too long" and the limit; one line of a batch answers with the error, the next is searched', async () => {
    const db = join(tempDir(), 'p.db');
    await runPaperboy(['ingest', SAMPLE_PAGE, '--db', db]);
    const long = `sycophancy ${'x'.repeat(INPUT_LIMITS.query)}`;
    const one = await runPaperboy(['search', long, '--db', db]);
    expect(one.code).toBe(1);
    expect(one.stderr).toMatch(/query is too long: 1,011 characters, at most 1,000/);
    const batch = await runPaperboy(['search', '-', '--db', db], { stdin: `${long}\nsycophancy\n` });
    const [refused, answered] = batch.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(refused.error).toMatch(/too long/);
    expect(refused.code).toBe('invalid_query');
    expect(answered.total).toBeGreaterThan(0);
  });
});

describe('paperboy author with a name over the limit', () => {
  const tempDir = useTempDir();

  it('exits 1 with "too long" and the limit instead of looking the name up', async () => {
    const db = join(tempDir(), 'p.db');
    await runPaperboy(['ingest', SAMPLE_PAGE, '--db', db]);
    const result = await runPaperboy(['author', 'Zac '.repeat(60), '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/author name is too long: \d+ characters, at most 200/);
  });
});
