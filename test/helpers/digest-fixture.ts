import { createSqliteDigests } from '../../src/adapters/sqlite/sqlite-digests.ts';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../src/adapters/sqlite/sqlite-text-index.ts';
import { createChat } from '../../src/core/commands/chat.ts';
import type { ChatContext } from '../../src/core/commands/digest-commands.ts';
import type { NewSubscription, Platform } from '../../src/core/digest/digest-store.ts';
import { type DigestPoster, runDueDigests } from '../../src/core/digest/run-digests.ts';
import { PaperIndex } from '../../src/core/search/paper-index.ts';
import { createSearch } from '../../src/core/search/search.ts';
import type { PaperInput, PaperStore } from '../../src/core/store/paper-store.ts';

export const paperInput = (n: number, title = `Digest paper ${n} about tiny models`): PaperInput => ({
  title,
  authors: [`Author ${n}`, 'Second Author', 'Third Author'],
  authorsTruncated: true,
  affiliations: ['lab'],
  abstract: `Abstract ${n}.`,
  date: '2026-11-20',
  category: 'CL',
  categoryFull: 'cs.CL',
  hasCode: n % 2 === 0,
  codeUrl: null,
  arxivId: `2611.${String(n).padStart(5, '0')}`,
  venue: null,
  citations: null,
});

/** A daily 09:00 UTC digest of every new paper in Slack channel C1, as of nothing delivered; `changes` adjust it. */
export const dailySubscription = (changes: Partial<NewSubscription> = {}): NewSubscription => ({
  platform: 'slack',
  channel: 'C1',
  kind: 'channel',
  query: '',
  time: '09:00',
  tz: 'UTC',
  watermark: 0,
  postEmpty: false,
  createdBy: 'U1',
  ...changes,
});

/** The chat on `store` with its digests (the real search, `PAPERBOY_TZ` UTC), at the time `clock` says. */
export async function chatWithDigests(
  store: PaperStore & { db: Parameters<typeof createSqliteDigests>[0] },
  clock: () => Date,
  options: { dbClock?: boolean } = {},
) {
  // With `dbClock`, the database's clock (which times leases) is the test's clock too: SQLite's is the machine's.
  const digests = createSqliteDigests(store.db, options.dbClock ? { clock: () => clock().getTime() } : {});
  const search = createSearch({
    store,
    index: await PaperIndex.open({ store }),
    text: createSqliteTextIndex(store.db),
  });
  const chat = createChat({ store, search, digests: { digests, clock, defaultTz: 'UTC' } });
  return { chat, digests, search };
}

/** An in-memory Paperboy with digests, a subscription made through the chat, and a way to add papers. */
export async function digestFixture(context: ChatContext, command = '/digest subscribe') {
  let now = new Date('2026-11-28T12:00:00Z');
  const store = createSqliteStore(':memory:');
  const { chat, digests, search } = await chatWithDigests(store, () => now, { dbClock: true });
  await chat.handle(command, context);
  return {
    store,
    digests,
    async addPapers(count: number) {
      await store.begin();
      await store.savePapers(
        Array.from({ length: count }, (_, i) => paperInput(i + 1)),
        now,
      );
      await store.commit();
    },
    run(iso: string, posters: Partial<Record<Platform, DigestPoster>>) {
      now = new Date(iso);
      return runDueDigests({
        store,
        digests,
        search,
        posters,
        now,
        maxLateMinutes: 720,
        log: () => {},
        clock: () => now.getTime(),
      });
    },
  };
}

/**
 * Wraps a poster so that its next post goes out and then fails before the ledger hears of it, as a timeout or a
 * connection cut after sending does: an unknown outcome, looked at again after the recheck delay (2 minutes).
 */
export function crashingAfterPost(poster: DigestPoster): DigestPoster {
  return {
    async post(delivery) {
      await poster.post(delivery);
      throw new Error('killed after posting');
    },
    findPosted: poster.findPosted,
    resume: poster.resume,
  };
}
