import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { writeFakePages } from '../helpers/make-pages.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'paperboy.js');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

const count = (db: string, table: string) => {
  try {
    const raw = new Database(db, { readonly: true, fileMustExist: true });
    const n = (raw.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    raw.close();
    return n;
  } catch {
    return 0;
  }
};

describe('signals during an ingest of many files', () => {
  const tempDir = useTempDir();

  it('B8 ingest of a folder of many pages stops soon after SIGTERM (exit 143), the pages done committed', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'pages'));
    const PAGES = 3000;
    writeFakePages(join(dir, 'pages'), PAGES, 4);
    const db = join(dir, 'p.db');
    const child = spawn(process.execPath, [BIN, 'ingest', join(dir, 'pages'), '--db', db], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(() => count(db, 'profiles') > 0, 30_000);
    const sentAt = Date.now();
    child.kill('SIGTERM');
    const code = await exit;
    expect(code, stderr).toBe(143);
    // Stopped between files (a page takes milliseconds), well within the 10 s grace.
    expect(Date.now() - sentAt).toBeLessThan(3000);
    const done = count(db, 'profiles');
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(PAGES);
    const raw = new Database(db, { readonly: true });
    expect(raw.pragma('quick_check', { simple: true })).toBe('ok');
    raw.close();
  }, 90_000);
});
