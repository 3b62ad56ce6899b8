import { join } from 'node:path';
import { migratePg } from '../../src/adapters/postgres/pg-migrations.ts';
import { createPgPaperStore } from '../../src/adapters/postgres/pg-paper-store.ts';
import { createPgSession } from '../../src/adapters/postgres/pg-session.ts';
import { createPgTaste } from '../../src/adapters/postgres/pg-taste.ts';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTaste } from '../../src/adapters/sqlite/sqlite-taste.ts';
import { createTestDatabase, testPostgres } from '../helpers/pg.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { describeTasteStoreContract } from './taste-store-contract.ts';

const tempDir = useTempDir();

describeTasteStoreContract('SQLite', async () => {
  const store = createSqliteStore(join(tempDir(), 'paperboy.db'));
  return { store, taste: createSqliteTaste(store.db), close: () => store.close() };
});

const postgres = testPostgres();
if (!postgres.skip) {
  describeTasteStoreContract('PostgreSQL', async () => {
    const db = await createTestDatabase(postgres.url);
    const session = createPgSession(db.url, { max: 4 });
    await migratePg(session.pool);
    return {
      store: createPgPaperStore(session),
      taste: createPgTaste(session),
      async close() {
        await session.close();
        await db.drop();
      },
    };
  });
}
