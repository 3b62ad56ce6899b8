import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const PROFILES = join(PROJECT_ROOT, 'data', 'profiles');

describe('paperboy backup', () => {
  const tempDir = useTempDir();
  const sampleDb = async (dir: string) => {
    const db = join(dir, 'paperboy.db');
    expect((await runPaperboy(['ingest', PROFILES, '--db', db])).code).toBe(0);
    return db;
  };

  it('B5 a backup leaves only FILE behind: no FILE.PID.tmp-wal / -shm litter in the backup folder', async () => {
    const dir = tempDir();
    const db = await sampleDb(dir);
    const backups = join(dir, 'backups');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(backups);
    expect((await runPaperboy(['backup', join(backups, 'monday.db'), '--db', db])).code).toBe(0);
    expect((await runPaperboy(['backup', join(backups, 'tuesday.db'), '--db', db])).code).toBe(0);
    expect(readdirSync(backups).sort()).toEqual(['monday.db', 'tuesday.db']);
  });

  it.each([
    ['the database itself', (db: string) => db],
    ['the database by another path', (db: string) => join(db, '..', '.', 'paperboy.db')],
    ['its WAL', (db: string) => `${db}-wal`],
    ['its shared memory file', (db: string) => `${db}-shm`],
  ])('B6 a backup onto %s is refused (exit 2) and the database is untouched', async (_what, target) => {
    const dir = tempDir();
    const db = await sampleDb(dir);
    const before = statSync(db).ino;
    const run = await runPaperboy(['backup', target(db), '--db', db]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is the database|belongs to the database/);
    expect(statSync(db).ino).toBe(before);
  });

  it('B7 a backup into a folder that does not exist is an error naming the folder, not a crash', async () => {
    const dir = tempDir();
    const db = await sampleDb(dir);
    const run = await runPaperboy(['backup', join(dir, 'nowhere', 'copy.db'), '--db', db]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: .*nowhere/m);
  });
});
