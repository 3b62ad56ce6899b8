import { describe } from 'vitest';
import { migratePg } from '../../src/adapters/postgres/pg-migrations.ts';
import { createPgPaperStore } from '../../src/adapters/postgres/pg-paper-store.ts';
import { createPgSession } from '../../src/adapters/postgres/pg-session.ts';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { createTestDatabase, testPostgres } from '../helpers/pg.ts';
import { describePaperStoreContract } from './paper-store-contract.ts';

// One suite, both stores: what passes on one and fails on the other is a drift to fix.
describePaperStoreContract('SQLite', async () => {
  const store = createSqliteStore(':memory:');
  return { store, close: () => store.close() };
});

const postgres = testPostgres();

describe.skipIf(postgres.skip)('on PostgreSQL', () => {
  describePaperStoreContract('PostgreSQL', async () => {
    const db = await createTestDatabase(postgres.url);
    const session = createPgSession(db.url, { max: 4 });
    await migratePg(session.pool);
    const store = createPgPaperStore(session);
    return {
      store,
      close: async () => {
        await store.close();
        await db.drop();
      },
    };
  });
});
