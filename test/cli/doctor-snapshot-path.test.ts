import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPaperboy } from '../helpers/run-cli.ts';
import { SAMPLE_PAGE } from '../helpers/shared-data.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

describe('doctor on a snapshot beside a database in a folder with a space', () => {
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
