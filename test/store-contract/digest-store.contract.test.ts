import { join } from 'node:path';
import { createPgArxivState } from '../../src/adapters/postgres/pg-arxiv-state.ts';
import { createPgDigests } from '../../src/adapters/postgres/pg-digests.ts';
import { migratePg } from '../../src/adapters/postgres/pg-migrations.ts';
import { createPgSession, type PgSession } from '../../src/adapters/postgres/pg-session.ts';
import { createSqliteArxivState } from '../../src/adapters/sqlite/sqlite-arxiv-state.ts';
import { createSqliteDigests } from '../../src/adapters/sqlite/sqlite-digests.ts';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { paperInput } from '../helpers/digest-fixture.ts';
import { createTestDatabase, testPostgres } from '../helpers/pg.ts';
import { ensureLedgerPapersTable, insertLedgerPapers } from '../helpers/pg-ledger-papers.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { describeArxivStateContract } from './arxiv-state-contract.ts';
import { describeDigestStoreContract, type LedgerPaper } from './digest-store-contract.ts';

const tempDir = useTempDir();

function openSqlite() {
  const store = createSqliteStore(join(tempDir(), 'paperboy.db'));
  let n = 0;
  return {
    store,
    async addPapers(papers: LedgerPaper[]) {
      return papers.map((paper) => {
        n += 1;
        store.savePapers([{ ...paperInput(n), date: paper.date }], new Date('2026-11-28T13:00:00Z'));
        const row = store.db.prepare('SELECT id, seq FROM papers ORDER BY seq DESC LIMIT 1').get() as {
          id: number;
          seq: number;
        };
        // What saveArxivEntries does to a paper it meets first as a replacement: searchable, never announced.
        if (!paper.announce) store.db.prepare('UPDATE papers SET announce = 0 WHERE id = ?').run(row.id);
        return row;
      });
    },
    close: async () => store.close(),
  };
}

describeDigestStoreContract('SQLite', async () => {
  const sqlite = openSqlite();
  return { ...sqlite, digests: createSqliteDigests(sqlite.store.db) };
});
describeArxivStateContract('SQLite', async () => {
  const sqlite = openSqlite();
  return { state: createSqliteArxivState(sqlite.store.db), close: sqlite.close };
});

const postgres = testPostgres();

/** A migrated database of its own for one test, on the test cluster. */
async function openPg(): Promise<{ session: PgSession; close(): Promise<void> }> {
  const db = await createTestDatabase(postgres.url);
  const session = createPgSession(db.url, { max: 4 });
  await migratePg(session.pool);
  return {
    session,
    async close() {
      await session.close();
      await db.drop();
    },
  };
}

if (!postgres.skip) {
  describeDigestStoreContract('PostgreSQL', async () => {
    const { session, close } = await openPg();
    await ensureLedgerPapersTable(session);
    return {
      digests: createPgDigests(session),
      addPapers: (papers: LedgerPaper[]) => insertLedgerPapers(session, papers),
      close,
    };
  });
  describeArxivStateContract('PostgreSQL', async () => {
    const { session, close } = await openPg();
    return { state: createPgArxivState(session), close };
  });
}
