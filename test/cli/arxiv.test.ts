import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { runCli } from '../../src/cli/program.ts';
import { FAKE_PAPERS } from '../fakes/arxiv-formats.ts';
import { type FakeArxiv, startFakeArxiv } from '../fakes/fake-arxiv.ts';
import { captureStream } from '../helpers/capture.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

// Every request of this file goes through the process's real gate: at least 3 s apart, so they are few.
let arxiv: FakeArxiv;
beforeEach(async () => {
  arxiv = await startFakeArxiv();
});
afterEach(() => arxiv.stop());
const tempDir = useTempDir();

const papersIn = async (db: string) => {
  const store = createSqliteStore(db);
  try {
    const ids = await store.findByArxivIds(FAKE_PAPERS.map((p) => p.id));
    return (await store.getPapers([...ids.values()]))
      .map((p) => ({ arxivId: p.arxivId ?? '', announce: p.announce }))
      .sort((a, b) => a.arxivId.localeCompare(b.arxivId));
  } finally {
    await store.close();
  }
};

describe('paperboy arxiv sync', () => {
  it('stores a listing and prints the counts; the same feed again is quiet and adds none', async () => {
    const db = join(tempDir(), 'p.db');
    const env = { ...arxiv.env, PAPERBOY_CONTACT: 'ops@example.org' };
    const first = await runPaperboy(['arxiv', 'sync', '--categories', 'cs.CL', '--db', db, '--json'], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      feed: `${arxiv.feedUrl}cs.CL`,
      updated: '2026-11-27T05:00:12.118930+00:00',
      entries: 5,
      new: 2,
      cross: 1,
      replaced: 2,
      newPapers: 3,
      quiet: false,
    });
    // new and cross are announced; replacements of papers we never had are stored for search only.
    expect(await papersIn(db)).toEqual([
      { arxivId: '2609.30005', announce: false },
      { arxivId: '2610.20004', announce: false },
      { arxivId: '2611.10001', announce: true },
      { arxivId: '2611.10002', announce: true },
      { arxivId: '2611.10003', announce: true },
    ]);
    const second = await runPaperboy(['arxiv', 'sync', '--db', db, '--json'], {
      env: { ...env, PAPERBOY_ARXIV_CATEGORIES: 'cs.CL' },
    });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ entries: 0, new: 0, newPapers: 0, quiet: true });
    expect(arxiv.requests.map((r) => r.userAgent)).toEqual([
      expect.stringMatching(/^Paperboy\/\d+\.\d+\.\d+ \(\+mailto:ops@example\.org\)$/),
      expect.stringMatching(/^Paperboy\/\d+\.\d+\.\d+ \(\+mailto:ops@example\.org\)$/),
    ]);
    const search = await runPaperboy(['search', 'turn', 'taking', '--db', db, '--json']);
    expect(JSON.parse(search.stdout).results[0]).toMatchObject({
      arxivId: '2611.10001',
      title: 'Caf\u00e9 Talk & Turn-Taking in Spoken Dialogue Agents',
    });
  });

  it('an empty holiday feed is quiet: exit 0, counts 0', async () => {
    arxiv.serveHolidayListing();
    const db = join(tempDir(), 'p.db');
    const run = await runPaperboy(['arxiv', 'sync', '--categories', 'cs.CL,cs.LG', '--db', db, '--json'], {
      env: arxiv.env,
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ feed: `${arxiv.feedUrl}cs.CL+cs.LG`, entries: 0, quiet: true });
  });

  it('malformed XML is exit 1, names the URL, and stores nothing', async () => {
    arxiv.serveListing({ kind: 'raw', status: 200, body: '<?xml version="1.0"?><feed><entry><title>x</feed>' });
    const db = join(tempDir(), 'p.db');
    const run = await runPaperboy(['arxiv', 'sync', '--categories', 'cs.CL', '--db', db, '--json'], { env: arxiv.env });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${arxiv.feedUrl}cs.CL`);
    expect(await papersIn(db)).toEqual([]);
  });

  it('without categories, or with a bad one, is a usage error (exit 2) and asks arXiv nothing', async () => {
    const db = join(tempDir(), 'p.db');
    const none = await runPaperboy(['arxiv', 'sync', '--db', db], { env: arxiv.env });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--categories cs\.CL,cs\.LG or set PAPERBOY_ARXIV_CATEGORIES/);
    const bad = await runPaperboy(['arxiv', 'sync', '--categories', 'cs.CL,CS-CL!', '--db', db], { env: arxiv.env });
    expect(bad.code).toBe(2);
    const empty = await runPaperboy(['arxiv', 'sync', '--categories', '', '--db', db], { env: arxiv.env });
    expect(empty.code).toBe(2);
    expect(arxiv.requests).toEqual([]);
  });
});

describe('paperboy arxiv add', () => {
  it('looks ids and links up in one request and stores them not announced; an unknown id is exit 1', async () => {
    const db = join(tempDir(), 'p.db');
    const run = await runPaperboy(
      ['arxiv', 'add', '2611.10001', 'https://arxiv.org/abs/2610.20004v2', 'arXiv:2612.99999', '--db', db, '--json'],
      { env: arxiv.env },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('2612.99999');
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      requested: ['2611.10001', '2610.20004', '2612.99999'],
      missing: ['2612.99999'],
      newPapers: 2,
    });
    expect(result.papers.map((p: { arxivId: string }) => p.arxivId).sort()).toEqual(['2610.20004', '2611.10001']);
    expect(arxiv.requests).toHaveLength(1);
    expect(arxiv.requests[0]?.query).toEqual({ id_list: '2611.10001,2610.20004,2612.99999', max_results: '3' });
    expect(await papersIn(db)).toEqual([
      { arxivId: '2610.20004', announce: false },
      { arxivId: '2611.10001', announce: false },
    ]);
    const again = await runPaperboy(['arxiv', 'add', '2611.10001', '--db', db, '--json'], { env: arxiv.env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ missing: [], newPapers: 0 });
  });

  it('refuses what is not an arXiv id or link (exit 2)', async () => {
    const run = await runPaperboy(['arxiv', 'add', 'transformers', '--db', join(tempDir(), 'p.db')], {
      env: arxiv.env,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/"transformers" is not an arXiv id or link/);
  });
});

describe('paperboy arxiv backfill', () => {
  it('pages through OAI-PMH, stops on Ctrl-C with its place saved, and continues from there', async () => {
    const db = join(tempDir(), 'p.db');
    const argv = ['arxiv', 'backfill', '--from', '2026-11-01', '--categories', 'cs.CL', '--db', db, '--json'];
    // Ctrl-C once the first page is stored, while the next request waits its 3 s turn.
    const controller = new AbortController();
    const pagesStored = () => {
      const reader = new Database(db, { readonly: true, fileMustExist: true });
      try {
        return reader.prepare<[], { pages: number }>('SELECT pages FROM arxiv_backfills').get()?.pages ?? 0;
      } catch {
        return 0; // not created yet
      } finally {
        reader.close();
      }
    };
    const poll = setInterval(() => {
      if (existsSync(db) && pagesStored() >= 1) controller.abort('SIGINT');
    }, 50);
    const stdout = captureStream();
    const stderr = captureStream();
    const code = await runCli(argv, {
      stdout: stdout.stream,
      stderr: stderr.stream,
      stdin: Readable.from(['']),
      env: arxiv.env,
      clock: () => new Date(),
      signal: controller.signal,
    }).finally(() => clearInterval(poll));
    // Stopped by SIGINT: 130, as every one-shot command; the pages done are committed.
    expect(code).toBe(130);
    expect(JSON.parse(stdout.text())).toMatchObject({ pages: 1, entries: 2, complete: false, resumed: false });
    expect(stderr.text()).toMatch(/run the same command again to continue/);
    // The second page was never asked for: Ctrl-C ended its wait.
    expect(arxiv.requests).toHaveLength(1);

    const again = await runPaperboy(argv, { env: arxiv.env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      pages: 3,
      entries: 5,
      newPapers: 3,
      complete: true,
      resumed: true,
    });
    expect(arxiv.requests.map((r) => r.query.resumptionToken ?? r.query.set)).toEqual([
      'cs:cs:CL',
      'verb%3DListRecords%26skip%3D2',
      'verb%3DListRecords%26skip%3D4',
    ]);
    expect((await papersIn(db)).every((p) => !p.announce)).toBe(true);
    expect(await papersIn(db)).toHaveLength(5);
  }, 30_000);

  it('checks its days (exit 2)', async () => {
    const run = await runPaperboy(['arxiv', 'backfill', '--from', '2026-02-30', '--categories', 'cs.CL'], {
      env: arxiv.env,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--from must be a day such as 2025-05-30/);
  });
});
