import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPaperboy } from '../helpers/run-cli.ts';
import { SAMPLE_PAGE } from '../helpers/shared-data.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

describe('a search snapshot that cannot be written', () => {
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
