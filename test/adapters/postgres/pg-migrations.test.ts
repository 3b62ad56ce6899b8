import { describe, expect, it } from 'vitest';
import { migratePg, PG_MIGRATIONS, pgSchemaVersion } from '../../../src/adapters/postgres/pg-migrations.ts';
import { createPgSession, type PgSession } from '../../../src/adapters/postgres/pg-session.ts';
import { createTestDatabase, testPostgres } from '../../helpers/pg.ts';

const postgres = testPostgres();

describe.skipIf(postgres.skip)('PostgreSQL migrations', () => {
  it('migrate once when three instances start at the same time on an empty database', async () => {
    const db = await createTestDatabase(postgres.url);
    const sessions = [1, 2, 3].map(() => createPgSession(db.url, { max: 2 }));
    const [first, second, third] = sessions as [PgSession, PgSession, PgSession];
    try {
      await Promise.all(sessions.map((s) => migratePg(s.pool)));
      const { rows } = await first.query<{ version: number }>('SELECT version FROM paperboy_schema ORDER BY 1');
      expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((_, i) => i + 1));
      expect(await pgSchemaVersion(second.pool)).toBe(PG_MIGRATIONS.length);
      const identity = await third.query("SELECT count(*)::int AS n FROM database_meta WHERE name = 'identity'");
      expect(identity.rows[0]?.n).toBe(1);
    } finally {
      await Promise.all(sessions.map((s) => s.close()));
      await db.drop();
    }
  });

  it('keeps the pinned transaction: a rolled-back begin leaves nothing, savepoints undo only their part', async () => {
    const db = await createTestDatabase(postgres.url);
    const session = createPgSession(db.url);
    try {
      await session.query('CREATE TABLE t (v int)');
      await session.begin();
      await session.query('INSERT INTO t VALUES (1)');
      await session.rollback();
      await session.transaction(async () => {
        await session.query('INSERT INTO t VALUES (2)');
        await session
          .transaction(async () => {
            await session.query('INSERT INTO t VALUES (3)');
            throw new Error('undo 3');
          })
          .catch(() => {});
      });
      const { rows } = await session.query<{ v: number }>('SELECT v FROM t ORDER BY v');
      expect(rows.map((r) => r.v)).toEqual([2]);
    } finally {
      await session.close();
      await db.drop();
    }
  });
});
