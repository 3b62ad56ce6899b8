import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { PROJECT_ROOT } from '../../src/config.ts';
import { parseProfile } from '../../src/core/profile/parse-profile.ts';
import { writeFakePages } from '../helpers/make-pages.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'paperboy.js');
const startIngest = (args: string[]): ChildProcess =>
  spawn(process.execPath, [BIN, 'ingest', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ingest in another process', () => {
  const tempDir = useTempDir();

  it('keeps a reader answering while another process writes (WAL)', async () => {
    const dir = tempDir();
    writeFakePages(dir, 1500, 12);
    const db = join(dir, 'p.db');
    await createSqliteStore(db).close();
    const reader = createSqliteStore(db);
    const child = startIngest([dir, '--db', db]);
    const done = exited(child);
    let finished = false;
    void done.then(() => {
      finished = true;
    });
    const seen: number[] = [];
    while (!finished) {
      seen.push((await reader.counts()).papers);
      await sleep(20);
    }
    expect(await done).toBe(0);
    seen.push((await reader.counts()).papers);
    // The reader saw the database grow while the writer ran, and never failed with SQLITE_BUSY.
    expect(new Set(seen).size).toBeGreaterThan(2);
    expect(seen.at(-1)).toBe(1500 * 10 + 2);
    await reader.close();
  });

  it('loses nothing when the ingest process is killed half way', async () => {
    const dir = tempDir();
    const files = writeFakePages(dir, 1500, 12);
    const db = join(dir, 'p.db');
    await createSqliteStore(db).close();
    const reader = createSqliteStore(db);
    const child = startIngest([dir, '--db', db]);
    const done = exited(child);
    while ((await reader.counts()).profiles < 50) await sleep(5);
    child.kill('SIGKILL');
    await done;
    await reader.close();

    const store = createSqliteStore(db);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const loaded = (await store.counts()).profiles;
    expect(loaded).toBeGreaterThanOrEqual(50);
    expect(loaded).toBeLessThan(1500);
    // Every profile that made it in has all of its papers: no file is half stored.
    for (const file of files) {
      const { profile } = parseProfile(readFileSync(file, 'utf8'), file);
      const stored = await store.findProfile(profile.name);
      if (stored) expect(stored.papers).toBe(profile.papers.length);
    }
    await store.close();
    // Running again completes the job.
    expect(await exited(startIngest([dir, '--db', db]))).toBe(0);
    const after = createSqliteStore(db);
    expect(await after.counts()).toEqual({ profiles: 1500, papers: 1500 * 10 + 2 });
    await after.close();
  });
});
