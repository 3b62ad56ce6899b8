// PostgreSQL with several instances, tried as a hostile user would: each test names a defect found and fixed.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { createTestDatabase, testPostgres } from '../helpers/pg.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const pg = testPostgres();
const BIN = join(PROJECT_ROOT, 'bin', 'paperboy.js');
const PROFILES = join(PROJECT_ROOT, 'data', 'profiles');

const runBin = (args: string[], env: NodeJS.ProcessEnv, timeoutMs: number) =>
  new Promise<{ code: number | null; stderr: string; ms: number }>((resolve) => {
    const started = Date.now();
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, ...env }, timeout: timeoutMs },
      (error, _out, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr, ms: Date.now() - started }),
    );
    child.stdin?.end();
  });

describe('B1 a PostgreSQL that accepts the connection and never answers', () => {
  const tempDir = useTempDir();
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
    server = undefined;
  });

  it('B1 fails the command within PGCONNECT_TIMEOUT, naming host and port, never the password', {
    timeout: 60_000,
  }, async () => {
    const sockets: import('node:net').Socket[] = [];
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const run = await runBin(
      ['search', 'x'],
      {
        DATABASE_URL: `postgres://u:hunter2secret@127.0.0.1:${port}/db`,
        PGCONNECT_TIMEOUT: '2',
        PAPERBOY_SEARCH_CACHE: join(tempDir(), 'cache.sqlite'),
      },
      40_000,
    );
    for (const socket of sockets) socket.destroy();
    expect(run.code, run.stderr).toBe(1);
    expect(run.ms).toBeLessThan(20_000);
    expect(run.stderr).toContain(`127.0.0.1:${port}`);
    expect(run.stderr).not.toContain('hunter2secret');
  });
});

describe.skipIf(pg.skip)('B2 NUL characters typed into commands on PostgreSQL', () => {
  const tempDir = useTempDir();
  const drops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const drop of drops.splice(0)) await drop();
  });

  it('B2 a NUL in /digest subscribe, /save and a search neither crashes the bot nor fails the command', {
    timeout: 120_000,
  }, async () => {
    const made = await createTestDatabase(pg.url);
    drops.push(made.drop);
    const env = { DATABASE_URL: made.url, PAPERBOY_SEARCH_CACHE: join(tempDir(), 'cache.sqlite') };
    expect((await runPaperboy(['ingest', PROFILES], { env })).code).toBe(0);
    const run = await runPaperboy(['start'], {
      env: { ...env, PAPERBOY_PROFILES: join(tempDir(), 'none') },
      stdin: '/digest subscribe syco\u0000phancy at 09:00\n/digest list\n/search syco\u0000phancy\n',
    });
    expect(run.stderr).not.toMatch(/failed unexpectedly|invalid byte sequence/);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Subscribed: #1');
    expect(run.stdout).toMatch(/#1 “sycophancy”/);
  });
});

describe('B3 a DATABASE_URL that is not a URL', () => {
  it('B3 a libpq key=value string is refused without printing any of it (its password)', async () => {
    const run = await runPaperboy(['search', 'x'], {
      env: { DATABASE_URL: 'password=hunter2 host=db user=pb dbname=pb' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/DATABASE_URL must be a PostgreSQL URL/);
    expect(run.stderr).not.toContain('hunter2');
    const scheme = await runPaperboy(['search', 'x'], { env: { DATABASE_URL: 'mysql://u:hunter2@h/db' } });
    expect(scheme.stderr).toContain('it starts with "mysql:"');
  });
});

describe('B4 a DATABASE_URL whose password holds #, / or ?', () => {
  it('B4 is a usage error saying to percent-encode, not a crash with a stack trace', async () => {
    for (const url of ['postgres://pb:S3c/r3t#Pw@127.0.0.1:5432/pb', 'postgres://pb:ab?cd@127.0.0.1:5432/pb']) {
      const run = await runPaperboy(['search', 'x'], { env: { DATABASE_URL: url } });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/DATABASE_URL is not a valid URL: percent-encode/);
      expect(run.stderr).not.toMatch(/S3c|ab\?cd|at new URL/);
    }
  });
});

describe.skipIf(pg.skip)('B5 a 40,000-character title on PostgreSQL', () => {
  const tempDir = useTempDir();
  it('B5 is stored and found, as on SQLite, instead of failing the page on an index row size', {
    timeout: 120_000,
  }, async () => {
    const made = await createTestDatabase(pg.url);
    try {
      const dir = tempDir();
      const big = (c: string) =>
        Array.from({ length: 8000 }, (_, i) => `${c}${i.toString(36)}`)
          .join(' ')
          .slice(0, 40_000);
      const { renderProfile } = await import('../../src/core/profile/render-profile.ts');
      const { fakePaper, fakeProfile } = await import('../helpers/make-pages.ts');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(
        join(dir, 'long.txt'),
        renderProfile(
          fakeProfile('Longname Person', [
            fakePaper(1, { title: `Zebracorn ${big('t')}`, abstract: big('a'), authors: [big('w'), 'Shared Person'] }),
            fakePaper(2, { title: 'Markup <script>alert(1)</script> *bold* <!channel>' }),
          ]),
        ),
      );
      const env = { DATABASE_URL: made.url, PAPERBOY_SEARCH_CACHE: join(dir, 'cache.sqlite') };
      const ingest = await runPaperboy(['ingest', join(dir, 'long.txt')], { env });
      expect(ingest.stderr).not.toMatch(/index row/);
      expect(ingest.code, ingest.stderr).toBe(0);
      const again = await runPaperboy(['ingest', join(dir, 'long.txt')], { env });
      expect(again.stdout).toMatch(/2 unchanged/);
      const found = await runPaperboy(['search', 'zebracorn', '--json'], { env });
      expect(JSON.parse(found.stdout).total).toBe(1);
    } finally {
      await made.drop();
    }
  });
});

describe.skipIf(pg.skip)('B6 PostgreSQL refusing the work (a statement_timeout on the role)', () => {
  const tempDir = useTempDir();
  it('B6 exits 1 naming the server and the SQLSTATE, without a stack trace or the password', {
    timeout: 60_000,
  }, async () => {
    const made = await createTestDatabase(pg.url);
    try {
      const url = new URL(made.url);
      url.searchParams.set('options', '-c statement_timeout=1');
      const env = { DATABASE_URL: url.toString(), PAPERBOY_SEARCH_CACHE: join(tempDir(), 'cache.sqlite') };
      const run = await runPaperboy(['ingest', PROFILES], { env });
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toMatch(
        /refused the command: canceling statement due to statement timeout \(SQLSTATE 57014\)/,
      );
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await made.drop();
    }
  });
});
