import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { PROJECT_ROOT } from '../../src/config.ts';
import { renderProfile } from '../../src/core/profile/render-profile.ts';
import { fakePaper, fakeProfile } from '../helpers/make-pages.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'paperboy.js');

describe('.env in the folder a command runs from', () => {
  const tempDir = useTempDir();

  it('H7 every command uses PAPERBOY_DB from .env: ingest, search, author, digest run, start', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'pages'));
    mkdirSync(join(dir, 'empty-profiles'));
    writeFileSync(
      join(dir, 'pages', 'env.txt'),
      renderProfile(fakeProfile('Env Person', [fakePaper(1, { title: 'Dotenv configuration for bots' })])),
    );
    writeFileSync(join(dir, '.env'), 'PAPERBOY_DB=team.db\nPAPERBOY_PROFILES=empty-profiles\n');
    // The environment leaves everything to .env (empty counts as unset), as on a machine configured by the file.
    const env = {
      ...process.env,
      PAPERBOY_DB: '',
      PAPERBOY_PROFILES: '',
      DISCORD_TOKEN: '',
      SLACK_BOT_TOKEN: '',
      NO_COLOR: '1',
    };
    const paperboy = (args: string[], input = '') =>
      spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env, input, encoding: 'utf8', timeout: 30_000 });

    const ingest = paperboy(['ingest', 'pages']);
    expect(ingest.stderr).toBe('');
    expect(ingest.status).toBe(0);
    expect(existsSync(join(dir, 'team.db'))).toBe(true);

    const search = paperboy(['search', 'dotenv', '--json']);
    expect(JSON.parse(search.stdout)).toMatchObject({
      total: 1,
      results: [{ title: 'Dotenv configuration for bots' }],
    });
    const author = paperboy(['author', 'Env Person', '--json']);
    expect(JSON.parse(author.stdout)).toMatchObject({ name: 'Env Person', papers: 1 });

    const start = paperboy(['start'], '/digest subscribe configuration\n/author Env Person\n');
    expect(start.status).toBe(0);
    expect(start.stdout).toMatch(/papers: 1 \(\d{4}\)/);
    writeFileSync(
      join(dir, 'later.txt'),
      renderProfile(fakeProfile('Later Person', [fakePaper(2, { title: 'Configuration drift in chat bots' })])),
    );
    expect(paperboy(['ingest', 'later.txt']).status).toBe(0);
    const run = paperboy(['digest', 'run', '--json', '--now', '2099-12-01T09:00:00Z']);
    expect(JSON.parse(run.stdout)).toMatchObject({
      digests: [{ status: 'sent', papers: [{ title: 'Configuration drift in chat bots' }] }],
    });

    // One database held all of it; `--db` still wins over .env.
    const store = createSqliteStore(join(dir, 'team.db'));
    expect(await store.counts()).toEqual({ profiles: 2, papers: 2 });
    expect(store.db.prepare('SELECT count(*) AS n FROM subscriptions').get()).toEqual({ n: 1 });
    await store.close();
    expect(paperboy(['author', 'Env Person', '--db', 'other.db']).status).toBe(1);
  }, 120_000);
});
