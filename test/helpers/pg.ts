import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/**
 * The test PostgreSQL cluster (test/support/pg-cluster.ts): `skip` says why there is none, for `it.skipIf` /
 * `describe.skipIf`. With `CI` set, a missing cluster is a failure, not a skip: CI's machine has PostgreSQL.
 */
export function testPostgres(): { url: string; skip: string | false } {
  const url = inject('pgUrl');
  const missing = inject('pgMissing');
  if (url) return { url, skip: false };
  if (process.env.CI) throw new Error(`CI is set, and PostgreSQL tests cannot run: ${missing}`);
  console.warn(`skipping PostgreSQL tests: ${missing}`);
  return { url: '', skip: missing };
}

/** Makes an empty database on the test cluster; `drop` removes it (and ends its connections). */
export async function createTestDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `paperboy_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
