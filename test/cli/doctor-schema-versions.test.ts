import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/adapters/sqlite/sqlite-store.ts';
import type { DoctorCheck } from '../../src/cli/doctor-check.ts';
import { PROJECT_ROOT } from '../../src/config.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const PROFILES = join(PROJECT_ROOT, 'data', 'profiles');

async function doctor(db: string, env: NodeJS.ProcessEnv = {}) {
  const run = await runPaperboy(['doctor', '--json', '--db', db], { env: { PAPERBOY_PROFILES: PROFILES, ...env } });
  const answer = JSON.parse(run.stdout) as { ok: boolean; checks: DoctorCheck[] };
  return { code: run.code, byId: (id: string) => answer.checks.find((c) => c.id === id) as DoctorCheck };
}

describe('doctor on databases of other versions', () => {
  const tempDir = useTempDir();

  it('B1 a database an older Paperboy wrote (before migration 9) opens; migrations is a warning, not a damaged database', async () => {
    const db = join(tempDir(), 'old.db');
    const raw = new Database(db);
    raw.pragma('journal_mode = WAL');
    migrate(raw, 8);
    raw.close();
    const result = await doctor(db);
    expect(result.byId('database').status).toBe('ok');
    expect(result.byId('migrations')).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(/schema version 8/),
    });
    expect(result.code).toBe(0);
  });

  it('B1 an SQLite file of another program is named as such, and nothing in it is touched', async () => {
    const db = join(tempDir(), 'other.db');
    const raw = new Database(db);
    raw.exec('CREATE TABLE notes (x)');
    raw.close();
    const result = await doctor(db);
    expect(result.byId('database')).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/not a Paperboy database/),
    });
    expect(result.code).toBe(1);
  });
});
