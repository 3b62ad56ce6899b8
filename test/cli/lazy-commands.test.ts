import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const RECORD = join(PROJECT_ROOT, 'test', 'helpers', 'record-modules.mjs');
const SDKS = ['/node_modules/discord.js/', '/node_modules/@slack/bolt/', '/node_modules/@slack/web-api/'];

/** The modules a real `paperboy ARGS` process resolves (the sources, through tsx, so each file is seen). */
function modulesOf(dir: string, args: string[]): string[] {
  const record = join(dir, `modules-${args[0]}.txt`);
  writeFileSync(record, '');
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--import', RECORD, join(PROJECT_ROOT, 'src', 'cli.ts'), ...args],
    { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, PAPERBOY_RECORD_MODULES: record } },
  );
  expect(run.status, run.stderr).toBe(0);
  return readFileSync(record, 'utf8').split('\n').filter(Boolean);
}

const loads = (modules: string[], part: string) => modules.some((url) => url.includes(part));

// Every command loaded every platform SDK, so `--help` took 2.5 s. Commands import their own modules.
describe('a command loads only what it uses', () => {
  const tempDir = useTempDir();

  it('--help loads no command and no platform SDK', () => {
    const modules = modulesOf(tempDir(), ['--help']);
    expect(loads(modules, '/src/cli/program.ts')).toBe(true);
    for (const sdk of SDKS) expect(loads(modules, sdk)).toBe(false);
    for (const command of ['ingest-command', 'search-command', 'start-command', 'digest-command'])
      expect(loads(modules, `/src/cli/${command}.ts`)).toBe(false);
  });

  it('ingest and search load no platform SDK, and search no ingest code', () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    const page = join(PROJECT_ROOT, 'data', 'profiles');
    const ingest = modulesOf(dir, ['ingest', page, '--db', db]);
    expect(loads(ingest, '/src/core/ingest/ingest-files.ts')).toBe(true);
    const search = modulesOf(dir, ['search', 'sycophancy', '--db', db]);
    expect(loads(search, '/src/core/search/search.ts')).toBe(true);
    for (const sdk of SDKS) {
      expect(loads(ingest, sdk)).toBe(false);
      expect(loads(search, sdk)).toBe(false);
    }
    expect(loads(search, '/src/core/ingest/')).toBe(false);
    // On SQLite neither command loads node-postgres nor the PostgreSQL stores.
    for (const modules of [ingest, search]) {
      expect(loads(modules, '/node_modules/pg/')).toBe(false);
      expect(loads(modules, '/src/adapters/postgres/')).toBe(false);
    }
  });
});
