import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { writeFakePages } from '../helpers/make-pages.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'paperboy.js');

const countOf = (db: string, table: string) => {
  const raw = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return (raw.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    raw.close();
  }
};

describe('paperboy backup FILE', () => {
  const tempDir = useTempDir();

  it('writes consistent copies while another process keeps writing: each opens and passes quick_check', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'pages'));
    writeFakePages(join(dir, 'pages'), 1200, 4);
    const db = join(dir, 'p.db');
    // The writer: an ingest in its own process, committing a batch of pages every half second.
    const writer = spawn(process.execPath, [BIN, 'ingest', join(dir, 'pages'), '--db', db], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => writer.once('exit', resolve));
    let running = true;
    void exited.then(() => {
      running = false;
    });
    try {
      const started = () => {
        try {
          return existsSync(db) && countOf(db, 'profiles') > 0;
        } catch {
          return false; // created, not yet migrated
        }
      };
      await waitFor(started, 30_000);
      const copies: { file: string; during: boolean }[] = [];
      for (let i = 0; copies.length < 2 || (running && i < 20); i++) {
        const file = join(dir, `copy-${i}.db`);
        const during = running;
        const run = await runPaperboy(['backup', file, '--db', db]);
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout).toMatch(new RegExp(`backed up .* to .*copy-${i}\\.db: [\\d,]+ papers, [\\d,]+ profiles`));
        copies.push({ file, during });
      }
      expect(copies.some((c) => c.during)).toBe(true);
      for (const { file } of copies) {
        const copy = new Database(file, { readonly: true });
        expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
        // Each profile's papers came in the same transaction as the profile: a copy never has half a page.
        const orphans = copy
          .prepare(
            'SELECT count(*) AS n FROM profiles p WHERE NOT EXISTS (SELECT 1 FROM profile_papers pp WHERE pp.profile_id = p.id)',
          )
          .get() as { n: number };
        expect(orphans.n).toBe(0);
        copy.close();
      }
      expect(await exited).toBe(0);
      // The copy beside FILE is renamed into place: no temporary file is left behind.
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const last = join(dir, 'final.db');
      expect((await runPaperboy(['backup', last, '--db', db])).code).toBe(0);
      expect(countOf(last, 'papers')).toBe(countOf(db, 'papers'));
    } finally {
      writer.kill('SIGKILL');
    }
  }, 90_000);

  it('a database that does not exist is an error naming it, and creates nothing', async () => {
    const dir = tempDir();
    const run = await runPaperboy(['backup', join(dir, 'copy.db'), '--db', join(dir, 'none.db')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no database at .*none\.db/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
