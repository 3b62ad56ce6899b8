import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteDigests } from '../../../src/adapters/sqlite/sqlite-digests.ts';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import { createTerminalPoster } from '../../../src/adapters/terminal/digest-poster.ts';
import { PLAIN } from '../../../src/adapters/terminal/render.ts';
import type { DigestPoster } from '../../../src/core/digest/run-digests.ts';
import { runDueDigests } from '../../../src/core/digest/run-digests.ts';
import { PaperIndex } from '../../../src/core/search/paper-index.ts';
import { createSearch } from '../../../src/core/search/search.ts';
import { BOT_BUSY_TIMEOUT_MS } from '../../../src/core/store/busy.ts';
import { dailySubscription, paperInput } from '../../helpers/digest-fixture.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const DAY1 = '2026-11-29T09:00:00Z';
const MINUTE = 60_000;

/**
 * A bot's connection (200 ms busy timeout per call) on a database file with one terminal subscription and three
 * new papers, and another connection ("an import") that can take the write lock.
 */
async function botWithImport(file: string) {
  const store = createSqliteStore(file, { busyTimeoutMs: BOT_BUSY_TIMEOUT_MS });
  // The machine's clock, which on SQLite is the database's: `run` may put it ahead (time passing).
  let ahead = 0;
  const clock = () => Date.now() + ahead;
  const digests = createSqliteDigests(store.db, { clock });
  const search = createSearch({
    store,
    index: await PaperIndex.open({ store }),
    text: createSqliteTextIndex(store.db),
  });
  await digests.addSubscription(
    dailySubscription({ platform: 'terminal', channel: 'terminal', createdBy: null }),
    new Date('2026-11-28T12:00:00Z'),
  );
  await store.savePapers(
    [1, 2, 3].map((n) => paperInput(n)),
    new Date('2026-11-28T13:00:00Z'),
  );
  const importer = new Database(file);
  const logs: string[] = [];
  return {
    store,
    importer,
    logs,
    run: (poster: DigestPoster, aheadMs = 0) => {
      ahead = aheadMs;
      return runDueDigests({
        store,
        digests,
        search,
        posters: { terminal: poster },
        now: new Date(DAY1),
        maxLateMinutes: 720,
        log: (line) => logs.push(line),
        clock,
      });
    },
  };
}

/** Takes the write lock from the other connection (as an import does) and gives it back after `ms`. */
function importHoldsLock(importer: Database.Database, ms: number): Promise<void> {
  importer.exec('BEGIN IMMEDIATE');
  return new Promise((resolve) =>
    setTimeout(() => {
      importer.exec('COMMIT');
      resolve();
    }, ms),
  );
}

describe('ledger writes after a post, while another process holds the write lock', () => {
  const tempDir = useTempDir();
  const open: { store: { close(): void }; importer: Database.Database }[] = [];
  afterEach(async () => {
    for (const { store, importer } of open.splice(0)) {
      if (importer.inTransaction) importer.exec('ROLLBACK');
      importer.close();
      await store.close();
    }
  });

  it('H1 a terminal digest is printed once when the import takes the lock right after it was printed', async () => {
    const bot = await botWithImport(join(tempDir(), 'p.db'));
    open.push(bot);
    const printed: string[] = [];
    let released: Promise<void> | undefined;
    const terminal = createTerminalPoster((text) => printed.push(text), PLAIN);
    const poster: DigestPoster = {
      ...terminal,
      async post(delivery) {
        const id = await terminal.post(delivery);
        // The import starts between the print and the ledger's "sent": longer than one call's busy timeout.
        released ??= importHoldsLock(bot.importer, 5 * BOT_BUSY_TIMEOUT_MS);
        return id;
      },
    };
    const first = await bot.run(poster);
    await released;
    // The next ticks, even once a lease would have run out: nothing is printed again.
    const later = await bot.run(poster, 3 * MINUTE);
    expect(printed.filter((text) => text.includes('Digest paper 1 about'))).toHaveLength(1);
    expect(first.map((o) => o.status)).toEqual(['sent']);
    expect(later).toEqual([]);
  });

  it('H1 a lease renewal that meets the lock while the lease has time left does not stop the poster mid-digest', async () => {
    const bot = await botWithImport(join(tempDir(), 'p.db'));
    open.push(bot);
    const sent: string[] = [];
    let released: Promise<void> | undefined;
    const poster: DigestPoster = {
      async post(delivery) {
        sent.push('summary');
        released = importHoldsLock(bot.importer, 5 * BOT_BUSY_TIMEOUT_MS);
        delivery.keepLease?.();
        for (const card of delivery.cards) {
          sent.push(card.title);
          delivery.keepLease?.();
        }
        return 'summary-id';
      },
      findPosted: async () => undefined,
      resume: async () => {},
    };
    const outcomes = await bot.run(poster);
    await released;
    expect(outcomes.map((o) => o.status)).toEqual(['sent']);
    expect(sent).toHaveLength(4);
  });
});
