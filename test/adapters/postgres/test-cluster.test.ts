import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, testPostgres } from '../../helpers/pg.ts';

const postgres = testPostgres();

describe.skipIf(postgres.skip)('the test PostgreSQL cluster', () => {
  it('gives each test an empty database of its own, and drops it', async () => {
    const db = await createTestDatabase(postgres.url);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
      expect(rows[0].n).toBe(0);
      const version = await client.query('SHOW server_version_num');
      expect(Number(version.rows[0].server_version_num)).toBeGreaterThanOrEqual(150000);
    } finally {
      await client.end();
      await db.drop();
    }
  });
});
