import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/adapters/sqlite/sqlite-migrations.ts';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { PROJECT_ROOT } from '../../../src/config.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { holdWriteLock } from '../../helpers/write-lock.ts';

const tableCount = (store: ReturnType<typeof createSqliteStore>) =>
  (
    store.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'profiles'").get() as {
      n: number;
    }
  ).n;

describe('migrations beside another process', () => {
  const tempDir = useTempDir();

  it('H4 a process that waited for the lock while another migrated a fresh database applies nothing twice', async () => {
    const db = join(tempDir(), 'fresh.db');
    // The other process has migrated inside its still open transaction; we open while it holds the lock.
    const lock = await holdWriteLock(db, 1500, { migrate: true });
    // Waits (inside SQLite) for the lock, then must find the schema made rather than make it again.
    const store = createSqliteStore(db);
    await lock.released;
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(tableCount(store)).toBe(1);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    await store.close();
  });

  it('H4 three processes opening one fresh database at once all succeed, and it is migrated once', async () => {
    const db = join(tempDir(), 'fresh.db');
    const open = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            '-e',
            `import { createSqliteStore } from './src/adapters/sqlite/sqlite-store.ts'; createSqliteStore(${JSON.stringify(db)}).close();`,
          ],
          { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
        );
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        child.once('exit', (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all([open(), open(), open()]);
    expect(results).toEqual([
      { code: 0, stderr: '' },
      { code: 0, stderr: '' },
      { code: 0, stderr: '' },
    ]);
    const store = createSqliteStore(db);
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(tableCount(store)).toBe(1);
    await store.close();
  });
});
