import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeArxiv, startFakeArxiv } from '../fakes/fake-arxiv.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const PAGES = join(import.meta.dirname, '..', '..', 'data', 'profiles');
const tempDir = useTempDir();

/** One line on standard error, naming the problem, and no stack trace. */
const expectOneLineError = (stderr: string, pattern: RegExp) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at |failed unexpectedly/);
};

describe('--db on something that is not a database', () => {
  const commands: [string, string[]][] = [
    ['search', ['search', 'sycophancy']],
    ['ingest', ['ingest', PAGES]],
    ['digest run', ['digest', 'run']],
    ['backup', ['backup', 'copy.db']],
  ];
  for (const [name, argv] of commands) {
    it(`R9: ${name} --db FOLDER and --db on a text file exit 1 with one line naming the path`, async () => {
      const dir = tempDir();
      const folder = join(dir, 'folder');
      mkdirSync(folder);
      const text = join(dir, 'notes.txt');
      writeFileSync(text, 'these are my notes, not a database\n'.repeat(20));
      const args = argv.map((a) => (a === 'copy.db' ? join(dir, 'copy.db') : a));
      const onFolder = await runPaperboy([...args, '--db', folder]);
      expect(onFolder.code).toBe(1);
      expectOneLineError(onFolder.stderr, /folder.*is a folder, not a file/);
      const onText = await runPaperboy([...args, '--db', text]);
      expect(onText.code).toBe(1);
      expectOneLineError(onText.stderr, /notes\.txt is not a SQLite database/);
      // The text file is left as it was.
      expect(readFileSync(text, 'utf8')).toMatch(/^these are my notes/);
    });
  }
});

describe('paperboy backup FILE that is not a new path or a regular file', () => {
  const withDatabase = async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    expect((await runPaperboy(['ingest', PAGES, '--db', db])).code).toBe(0);
    return { dir, db };
  };

  it('R9: backup DIR is refused before copying anything (no EISDIR, no copy left behind)', async () => {
    const { dir, db } = await withDatabase();
    const into = join(dir, 'backups');
    mkdirSync(into);
    const run = await runPaperboy(['backup', into, '--db', db]);
    // A usage error (2), as naming the database itself is.
    expect(run.code).toBe(2);
    expectOneLineError(run.stderr, /backups is a folder, not a file.*Name a file in it/);
    expect(lstatSync(into).isDirectory()).toBe(true);
    expect(execFileSync('ls', ['-A', dir], { encoding: 'utf8' })).not.toMatch(/\.tmp/);
  });

  it('R9: a FIFO, a socket and a symbolic link out of the folder are never replaced; a link inside it is followed', async () => {
    const { dir, db } = await withDatabase();
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const socketPath = join(dir, 'sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const elsewhere = join(tempDir(), 'outside.db');
    writeFileSync(elsewhere, 'not to be touched');
    const outLink = join(dir, 'out-link.db');
    symlinkSync(elsewhere, outLink);
    try {
      for (const target of [fifo, socketPath]) {
        const run = await runPaperboy(['backup', target, '--db', db]);
        expect(run.code, target).toBe(2);
        expectOneLineError(run.stderr, /is a device, FIFO or socket, not a file/);
      }
      expect(lstatSync(fifo).isFIFO()).toBe(true);
      expect(lstatSync(socketPath).isSocket()).toBe(true);
      const out = await runPaperboy(['backup', outLink, '--db', db]);
      expect(out.code).toBe(2);
      expectOneLineError(out.stderr, /symbolic link to .*outside\.db, outside its folder/);
      expect(readFileSync(elsewhere, 'utf8')).toBe('not to be touched');
      expect(lstatSync(outLink).isSymbolicLink()).toBe(true);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    // A link to a file in the same folder: that file gets the copy, the link stays.
    const inLink = join(dir, 'latest.db');
    symlinkSync('monday.db', inLink);
    const run = await runPaperboy(['backup', inLink, '--db', db]);
    expect(run.code, run.stderr).toBe(0);
    expect(lstatSync(inLink).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'monday.db')).subarray(0, 15).toString()).toBe('SQLite format 3');
    // An existing regular file is replaced, as before.
    writeFileSync(join(dir, 'old.db'), 'yesterday');
    expect((await runPaperboy(['backup', join(dir, 'old.db'), '--db', db])).code).toBe(0);
    expect(existsSync(join(dir, 'old.db'))).toBe(true);
  });
});

describe('an arXiv feed with an external entity', () => {
  let arxiv: FakeArxiv;
  beforeEach(async () => {
    arxiv = await startFakeArxiv();
  });
  afterEach(() => arxiv.stop());

  it('R9: arxiv sync exits 1 with one line, stores nothing, reads no file', async () => {
    const db = join(tempDir(), 'p.db');
    arxiv.serveListing({
      kind: 'raw',
      status: 200,
      body: '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><feed xmlns="http://www.w3.org/2005/Atom"><title>&xxe;</title><updated>2026-11-27T05:00:12Z</updated></feed>',
    });
    const run = await runPaperboy(['arxiv', 'sync', '--categories', 'cs.CL', '--db', db], { env: arxiv.env });
    expect(run.code).toBe(1);
    expectOneLineError(run.stderr, /listing feed .*could not be read as XML \(External entities are not supported\)/);
    expect(run.stderr).not.toContain('root:');
  });
});
