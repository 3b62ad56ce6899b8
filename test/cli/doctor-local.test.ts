import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { DOCTOR_CHECK_IDS, type DoctorCheck } from '../../src/cli/doctor-check.ts';
import { checkNode } from '../../src/cli/doctor-local.ts';
import { PROJECT_ROOT } from '../../src/config.ts';
import { PaperIndex } from '../../src/core/search/paper-index.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const PROFILES = join(PROJECT_ROOT, 'data', 'profiles');

interface Doctor {
  code: number;
  ok: boolean;
  checks: DoctorCheck[];
  byId: (id: string) => DoctorCheck;
}

/** `paperboy doctor --json` in-process, on a database, with no platform configured. */
async function doctor(db: string, env: NodeJS.ProcessEnv = {}): Promise<Doctor> {
  const run = await runPaperboy(['doctor', '--json', '--db', db], { env: { PAPERBOY_PROFILES: PROFILES, ...env } });
  const answer = JSON.parse(run.stdout) as { ok: boolean; checks: DoctorCheck[] };
  const byId = (id: string) => answer.checks.find((c) => c.id === id) as DoctorCheck;
  return { code: run.code, ok: answer.ok, checks: answer.checks, byId };
}

describe('paperboy doctor: the local checks', () => {
  const tempDir = useTempDir();
  const sampleDb = async () => {
    const db = join(tempDir(), 'paperboy.db');
    expect((await runPaperboy(['ingest', PROFILES, '--db', db])).code).toBe(0);
    return db;
  };

  it('R3: on the sample set-up every check is ok but `platforms` (a warning: none configured), in the fixed order; exit 0', async () => {
    const result = await doctor(await sampleDb());
    expect(result.checks.map((c) => c.id)).toEqual([...DOCTOR_CHECK_IDS]);
    expect(result.checks.filter((c) => c.status !== 'ok').map((c) => c.id)).toEqual(['platforms']);
    expect(result.byId('platforms')).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(/no platform is configured/),
      fix: expect.stringMatching(/DISCORD_TOKEN.*SLACK_BOT_TOKEN/),
    });
    expect(result).toMatchObject({ code: 0, ok: true });
    for (const id of DOCTOR_CHECK_IDS.filter((i) => /^(slack|discord|arxiv)_/.test(i)))
      expect(result.byId(id).message).toMatch(/not configured/);
    for (const check of result.checks) expect(Object.keys(check)).toEqual(['id', 'status', 'message', 'fix']);
  });

  it('the text form prints one line a check and a summary', async () => {
    const run = await runPaperboy(['doctor', '--db', await sampleDb()], { env: { PAPERBOY_PROFILES: PROFILES } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ok {4}node {2,}Node \d+/m);
    expect(run.stdout).toMatch(new RegExp(`doctor: ${DOCTOR_CHECK_IDS.length - 1} ok, 1 warn, 0 fail\\n$`));
  });

  it('node: ok from 20 on, fail with a fix below', () => {
    expect(checkNode('20.0.0').status).toBe('ok');
    expect(checkNode('18.19.1')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/Install Node 20/) });
  });

  it('config: a malformed variable fails, naming it', async () => {
    const result = await doctor(await sampleDb(), { PAPERBOY_TZ: 'Mars/Olympus' });
    expect(result.byId('config')).toMatchObject({ status: 'fail', message: expect.stringMatching(/PAPERBOY_TZ/) });
    expect(result).toMatchObject({ code: 1, ok: false });
  });

  it('database: missing is a warning, and doctor does not create it', async () => {
    const db = join(tempDir(), 'nowhere', 'paperboy.db');
    const result = await doctor(db);
    expect(result.byId('database')).toMatchObject({ status: 'warn', fix: expect.stringMatching(/ingest/) });
    expect(result.byId('migrations').status).toBe('warn');
    expect(result.byId('search_snapshot').status).toBe('warn');
    expect(result).toMatchObject({ code: 0, ok: true });
    expect(existsSync(db)).toBe(false);
    expect(existsSync(join(tempDir(), 'nowhere'))).toBe(false);
  });

  it('database: a file that is not a database fails', async () => {
    const db = join(tempDir(), 'paperboy.db');
    writeFileSync(db, 'this is not SQLite, just text that is long enough to look like a header '.repeat(20));
    const result = await doctor(db);
    expect(result.byId('database')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/backup/) });
    expect(result.code).toBe(1);
  });

  it('database: a damaged page fails quick_check', async () => {
    const db = await sampleDb();
    const raw = new Database(db);
    raw.pragma('journal_mode = DELETE');
    const pages = raw.pragma('page_count', { simple: true }) as number;
    const size = raw.pragma('page_size', { simple: true }) as number;
    const root = (raw.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'papers'").get() as { rootpage: number })
      .rootpage;
    raw.close();
    expect(pages).toBeGreaterThan(root);
    // Scribble over the papers table's root page: the file still opens, the b-tree is broken.
    const { openSync, writeSync, closeSync } = await import('node:fs');
    const fd = openSync(db, 'r+');
    writeSync(fd, Buffer.alloc(size, 0xa5), 0, size, (root - 1) * size);
    closeSync(fd);
    const result = await doctor(db);
    expect(result.byId('database')).toMatchObject({ status: 'fail', message: expect.stringMatching(/damaged|not/) });
    expect(result.code).toBe(1);
  });

  it('migrations: an older schema is a warning, a newer one fails', async () => {
    const db = await sampleDb();
    const current = new Database(db).pragma('user_version', { simple: true }) as number;
    const setVersion = (v: number) => {
      const raw = new Database(db);
      raw.pragma(`user_version = ${v}`);
      raw.close();
    };
    setVersion(current - 1);
    expect((await doctor(db)).byId('migrations')).toMatchObject({ status: 'warn' });
    setVersion(current + 5);
    const newer = await doctor(db);
    expect(newer.byId('migrations')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/Update Paperboy/) });
    expect(newer.code).toBe(1);
  });

  it('search_snapshot: ok when it is of this database, a warning when of another one', async () => {
    const db = await sampleDb();
    const store = createSqliteStore(db);
    await (await PaperIndex.open({ store, snapshotPath: `${db}.search-index.json` })).saveSnapshot();
    await store.close();
    expect((await doctor(db)).byId('search_snapshot')).toMatchObject({
      status: 'ok',
      message: 'the search snapshot matches the database',
    });

    const other = await sampleDb();
    const otherStore = createSqliteStore(other);
    await (await PaperIndex.open({ store: otherStore, snapshotPath: `${other}.search-index.json` })).saveSnapshot();
    await otherStore.close();
    copyFileSync(`${other}.search-index.json`, `${db}.search-index.json`);
    const result = await doctor(db);
    expect(result.byId('search_snapshot')).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(/another database/),
    });
    expect(result.code).toBe(0);

    writeFileSync(`${db}.search-index.json`, '{"version":');
    expect((await doctor(db)).byId('search_snapshot')).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(/damaged/),
    });
  });

  it('profiles: counts the pages; a missing folder is a warning, a file in its place fails', async () => {
    const db = await sampleDb();
    const dir = tempDir();
    mkdirSync(join(dir, 'pages', 'nested'), { recursive: true });
    for (const name of ['a.txt', 'nested/b.txt', 'notes.md']) writeFileSync(join(dir, 'pages', name), 'x');
    expect((await doctor(db, { PAPERBOY_PROFILES: join(dir, 'pages') })).byId('profiles')).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(/: 2 pages$/),
    });
    expect((await doctor(db, { PAPERBOY_PROFILES: join(dir, 'absent') })).byId('profiles').status).toBe('warn');
    const file = await doctor(db, { PAPERBOY_PROFILES: join(dir, 'pages', 'a.txt') });
    expect(file.byId('profiles').status).toBe('fail');
    expect(file.code).toBe(1);
  });

  it('subscription_time_zones: a subscription with an unknown zone fails, naming it', async () => {
    const db = await sampleDb();
    const env = { PAPERBOY_PROFILES: PROFILES };
    await runPaperboy(['start', '--db', db], { env, stdin: '/digest subscribe at 09:00 tz Europe/Berlin\n' });
    expect((await doctor(db)).byId('subscription_time_zones')).toMatchObject({
      status: 'ok',
      message: '1 subscriptions, every time zone valid',
    });
    // A zone Node once knew, or a row written by hand.
    const raw = new Database(db);
    raw.prepare("UPDATE subscriptions SET tz = 'Mars/Olympus_Mons'").run();
    raw.close();
    const result = await doctor(db);
    expect(result.byId('subscription_time_zones')).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/subscription \d+ "Mars\/Olympus_Mons"/),
    });
    expect(result.code).toBe(1);
  });
});
