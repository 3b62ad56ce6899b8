import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { PaperIndex, snapshotPathFor } from '../../src/core/search/paper-index.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { SAMPLE_PAGE } from '../helpers/shared-data.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const record = (title: string, date: string) =>
  JSON.stringify({ title, authors: ['Ann Lee'], date, category: 'cs.CL', abstract: `About ${title}.` });

/** What the snapshot file says it was made from, and what the database says it is. */
async function stampAndStore(db: string) {
  const file = JSON.parse(readFileSync(snapshotPathFor(db) as string, 'utf8')) as { identity: string; rev: number };
  const store = createSqliteStore(db);
  const now = { identity: await store.identity(), rev: await store.maxRev() };
  const index = await PaperIndex.open({ store, snapshotPath: snapshotPathFor(db) as string });
  const opened = { fromSnapshot: index.fromSnapshot, caughtUp: index.caughtUp, size: index.size };
  await store.close();
  return { stamp: { identity: file.identity, rev: file.rev }, now, opened };
}

// Docs/search.md said `paperboy ingest` writes the snapshot; it did not, so the first search after a
// large ingest read every paper (22.6 s at 189k papers).
describe('paperboy ingest leaves the search snapshot current', () => {
  const tempDir = useTempDir();

  it('after ingesting pages and records, the snapshot is of this database at its revision and search loads it', async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    expect((await runPaperboy(['ingest', SAMPLE_PAGE, '--db', db])).code).toBe(0);
    let state = await stampAndStore(db);
    expect(state.stamp).toEqual(state.now);
    expect(state.opened).toEqual({ fromSnapshot: true, caughtUp: 0, size: 18 });

    const records = join(dir, 'papers.jsonl');
    writeFileSync(records, `${record('Quantum gravel sorting', '2024-03-01')}\n${record('Gravel at scale', '2025')}\n`);
    expect((await runPaperboy(['ingest', records, '--db', db])).code).toBe(0);
    state = await stampAndStore(db);
    expect(state.stamp).toEqual(state.now);
    expect(state.opened).toEqual({ fromSnapshot: true, caughtUp: 0, size: 20 });

    // `search` loads it as it is: nothing to catch up, nothing rewritten.
    const before = readFileSync(snapshotPathFor(db) as string);
    const modified = statSync(snapshotPathFor(db) as string).mtimeMs;
    const search = await runPaperboy(['search', 'gravel', '--json', '--db', db]);
    expect(JSON.parse(search.stdout).total).toBe(2);
    expect(readFileSync(snapshotPathFor(db) as string)).toEqual(before);
    expect(statSync(snapshotPathFor(db) as string).mtimeMs).toBe(modified);
  });

  it('an ingest that changes nothing leaves the snapshot as it was', async () => {
    const db = join(tempDir(), 'p.db');
    await runPaperboy(['ingest', SAMPLE_PAGE, '--db', db]);
    const modified = statSync(snapshotPathFor(db) as string).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    expect((await runPaperboy(['ingest', SAMPLE_PAGE, '--db', db])).code).toBe(0);
    expect(statSync(snapshotPathFor(db) as string).mtimeMs).toBe(modified);
  });
});
