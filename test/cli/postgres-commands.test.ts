import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS } from '../../src/adapters/postgres/pg-migrations.ts';
import { PROJECT_ROOT, resolveStoreTarget } from '../../src/config.ts';
import { renderProfile } from '../../src/core/profile/render-profile.ts';
import { startFakeArxiv } from '../fakes/fake-arxiv.ts';
import { fakePaper, fakeProfile, writeFakePages } from '../helpers/make-pages.ts';
import { createTestDatabase, testPostgres } from '../helpers/pg.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const PROFILES = join(PROJECT_ROOT, 'data', 'profiles');
const pg = testPostgres();

describe('which store a command uses', () => {
  const tempDir = useTempDir();
  const none = join(tempDir(), 'no.env');

  it('--db forces SQLite; else DATABASE_URL; else PAPERBOY_DB; empty counts as unset', () => {
    const url = 'postgres://u:p@db.example:5432/paperboy';
    expect(resolveStoreTarget('f.db', { DATABASE_URL: url, PAPERBOY_DB: 'x.db' }, none)).toEqual({
      kind: 'sqlite',
      file: 'f.db',
    });
    expect(resolveStoreTarget(undefined, { DATABASE_URL: url, PAPERBOY_DB: 'x.db' }, none)).toEqual({
      kind: 'postgres',
      url,
    });
    expect(resolveStoreTarget(undefined, { DATABASE_URL: 'postgresql://h/db' }, none).kind).toBe('postgres');
    expect(resolveStoreTarget(undefined, { DATABASE_URL: ' ', PAPERBOY_DB: 'x.db' }, none)).toEqual({
      kind: 'sqlite',
      file: 'x.db',
    });
  });

  it('DATABASE_URL from .env when the environment lacks it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), 'DATABASE_URL=postgres://h/db\n');
    expect(resolveStoreTarget(undefined, {}, join(dir, '.env'))).toEqual({ kind: 'postgres', url: 'postgres://h/db' });
  });

  it('a DATABASE_URL of another scheme: exit 2 naming the variable, nothing run', async () => {
    const run = await runPaperboy(['search', 'x'], { env: { DATABASE_URL: 'mysql://u:hunter2@h/db' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/DATABASE_URL must be a PostgreSQL URL/);
    expect(run.stderr).not.toContain('hunter2');
  });
});

describe.skipIf(pg.skip)('every command on PostgreSQL', () => {
  const tempDir = useTempDir();
  const drops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const drop of drops.splice(0)) await drop();
  });
  const database = async () => {
    const made = await createTestDatabase(pg.url);
    drops.push(made.drop);
    return made.url;
  };

  it('ingest, search --json, author, paper and bibtex answer as on SQLite', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const pages = join(dir, 'pages');
    mkdirSync(pages);
    writeFakePages(pages, 20, 10);
    const url = await database();
    const onPg = { DATABASE_URL: url, PAPERBOY_SEARCH_CACHE: join(dir, 'cache.sqlite') };
    const db = join(dir, 'p.db');
    for (const folder of [PROFILES, pages]) {
      const pgIngest = await runPaperboy(['ingest', folder], { env: onPg });
      expect(pgIngest.code, pgIngest.stderr).toBe(0);
      expect((await runPaperboy(['ingest', folder, '--db', db])).code).toBe(0);
    }
    const queries = [
      ['sycophancy'],
      ['synthetic', 'things'],
      ['author:"Shared Person"', '--limit', '5', '--page', '2'],
      ['study', '-carefully'],
      ['cat:CL', 'year:2024'],
      ['"reward', 'hacking"'],
      ['Hatfield-Dodds'],
    ];
    for (const query of queries) {
      const a = await runPaperboy(['search', ...query, '--json'], { env: onPg });
      const b = await runPaperboy(['search', ...query, '--json', '--db', db]);
      expect(a.code, a.stderr).toBe(b.code);
      expect(JSON.parse(a.stdout), query.join(' ')).toEqual(JSON.parse(b.stdout));
    }
    const first = JSON.parse((await runPaperboy(['search', 'sycophancy', '--json', '--db', db])).stdout).results[0];
    expect(first).toBeDefined();
    for (const args of [
      ['author', 'Zac', 'Hatfield-Dodds', '--json'],
      ['author', 'Shared', 'Person', '--json'],
      ['bibtex', String(first.id)],
    ]) {
      const a = await runPaperboy(args, { env: onPg });
      const b = await runPaperboy([...args, '--db', db]);
      expect(a.code, a.stderr).toBe(b.code);
      expect(a.stdout, args.join(' ')).toBe(b.stdout);
    }
    if (first.arxivId) {
      const env = { PAPERBOY_ARXIV_LOOKUP: 'off' };
      const a = await runPaperboy(['paper', first.arxivId, '--json'], { env: { ...onPg, ...env } });
      const b = await runPaperboy(['paper', first.arxivId, '--json', '--db', db], { env });
      expect(a.code, a.stderr).toBe(0);
      expect(a.stdout).toBe(b.stdout);
    }
  });

  it('a paper ingested through one process is found by search in another at its next query', {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir();
    const url = await database();
    const reader = { DATABASE_URL: url, PAPERBOY_SEARCH_CACHE: join(dir, 'reader.sqlite') };
    const writer = { DATABASE_URL: url, PAPERBOY_SEARCH_CACHE: join(dir, 'writer.sqlite') };
    expect((await runPaperboy(['ingest', PROFILES], { env: writer })).code).toBe(0);
    const before = await runPaperboy(['search', 'zanzibarian', 'quokkas', '--json'], { env: reader });
    expect(JSON.parse(before.stdout).total).toBe(0);
    const record = {
      title: 'Zanzibarian quokkas in the wild',
      authors: ['N. Ewcomer'],
      date: '2025-01-02',
      category: 'cs.CL',
    };
    writeFileSync(join(dir, 'new.jsonl'), `${JSON.stringify(record)}\n`);
    expect((await runPaperboy(['ingest', join(dir, 'new.jsonl')], { env: writer })).code).toBe(0);
    const after = await runPaperboy(['search', 'zanzibarian', 'quokkas', '--json'], { env: reader });
    expect(JSON.parse(after.stdout).results.map((r: { title: string }) => r.title)).toEqual([record.title]);
  });

  it('doctor checks PostgreSQL: connects, schema version and counts; names host and port, never the password, when it cannot', {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir();
    const url = await database();
    const env = { DATABASE_URL: url, PAPERBOY_SEARCH_CACHE: join(dir, 'cache.sqlite') };
    expect((await runPaperboy(['ingest', PROFILES], { env })).code).toBe(0);
    const run = await runPaperboy(['doctor', '--json'], { env });
    const checks = new Map(
      (JSON.parse(run.stdout).checks as { id: string; status: string; message: string }[]).map((c) => [c.id, c]),
    );
    expect(checks.get('database')).toMatchObject({ status: 'ok' });
    expect(checks.get('database')?.message).toMatch(/^PostgreSQL at 127\.0\.0\.1:\d+: \d+ papers, 1 profile \(/);
    expect(checks.get('migrations')).toMatchObject({
      status: 'ok',
      message: `PostgreSQL schema version ${PG_MIGRATIONS.length}, current`,
    });
    expect(checks.get('search_snapshot')?.status).toBe('ok');
    expect(checks.get('subscription_time_zones')?.status).toBe('ok');

    const away = { DATABASE_URL: 'postgres://paperboy:s3cret-pw@127.0.0.1:1/paperboy' };
    const down = await runPaperboy(['doctor', '--json'], { env: away });
    expect(down.code).toBe(1);
    expect(down.stdout).not.toContain('s3cret-pw');
    const check = (
      JSON.parse(down.stdout).checks as { id: string; status: string; message: string; fix: string }[]
    ).find((c) => c.id === 'database');
    expect(check?.status).toBe('fail');
    expect(check?.message).toMatch(/127\.0\.0\.1:1 \(DATABASE_URL\)/);
    expect(check?.fix).toMatch(/127\.0\.0\.1:1/);
  });

  it('digests: subscribed in the chat, `digest run` posts the due digest once', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const env = { DATABASE_URL: await database(), PAPERBOY_SEARCH_CACHE: join(dir, 'cache.sqlite') };
    const now = new Date('2026-11-28T12:00:00Z');
    const chat = await runPaperboy(['start', '--profiles', join(dir, 'none')], {
      env,
      stdin: '/digest subscribe sycophancy at 09:00 tz Europe/Berlin\n',
      now,
    });
    expect(chat.stdout).toMatch(/Subscribed: #1 “sycophancy” · daily at 09:00 Europe\/Berlin/);
    const page = join(dir, 'new.txt');
    writeFileSync(
      page,
      renderProfile(fakeProfile('New Person', [fakePaper(1, { title: 'Sycophancy in tiny models' }), fakePaper(2)])),
    );
    expect((await runPaperboy(['ingest', page], { env, now })).code).toBe(0);
    const due = await runPaperboy(['digest', 'run', '--now', '2026-11-29T09:00:00+01:00'], { env });
    expect(due.code, due.stderr).toBe(0);
    expect(due.stdout).toContain('Digest #1: 1 new paper on “sycophancy”');
    expect(due.stdout).toContain('1. Sycophancy in tiny models');
    const again = await runPaperboy(['digest', 'run', '--now', '2026-11-29T09:05:00+01:00', '--json'], { env });
    expect(JSON.parse(again.stdout)).toEqual({ digests: [] });
  });

  it('arxiv sync stores the listing in PostgreSQL, with the counts SQLite gives', { timeout: 60_000 }, async () => {
    const arxiv = await startFakeArxiv();
    try {
      const dir = tempDir();
      const env = { ...arxiv.env, PAPERBOY_CONTACT: 'ops@example.org' };
      const onPg = { ...env, DATABASE_URL: await database(), PAPERBOY_SEARCH_CACHE: join(dir, 'cache.sqlite') };
      const a = await runPaperboy(['arxiv', 'sync', '--categories', 'cs.CL', '--json'], { env: onPg });
      const b = await runPaperboy(['arxiv', 'sync', '--categories', 'cs.CL', '--json', '--db', join(dir, 'p.db')], {
        env,
      });
      expect(a.code, a.stderr).toBe(0);
      expect(JSON.parse(a.stdout)).toEqual(JSON.parse(b.stdout));
      expect(JSON.parse(a.stdout).newPapers).toBeGreaterThan(0);
      const quiet = await runPaperboy(['arxiv', 'sync', '--categories', 'cs.CL', '--json'], { env: onPg });
      expect(JSON.parse(quiet.stdout)).toMatchObject({ quiet: true, newPapers: 0 });
    } finally {
      await arxiv.stop();
    }
  });

  it('backup exits 1 and points to pg_dump', async () => {
    const url = await database();
    const run = await runPaperboy(['backup', join(tempDir(), 'copy.db')], { env: { DATABASE_URL: url } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('pg_dump --format=custom --file=paperboy.dump "$DATABASE_URL"');
  });

  it('a server that cannot be reached: exit 1 naming host, port and the variable, never the password', async () => {
    const env = {
      DATABASE_URL: 'postgres://paperboy:s3cret-pw@127.0.0.1:1/paperboy',
      PAPERBOY_SEARCH_CACHE: join(tempDir(), 'c.sqlite'),
    };
    for (const args of [
      ['search', 'x'],
      ['ingest', PROFILES],
      ['author', 'x'],
      ['digest', 'run'],
    ]) {
      const run = await runPaperboy(args, { env });
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stderr).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:1 \(DATABASE_URL\)/);
      expect(run.stderr + run.stdout).not.toContain('s3cret-pw');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
