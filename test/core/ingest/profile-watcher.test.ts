import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteDigests } from '../../../src/adapters/sqlite/sqlite-digests.ts';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import { createChat } from '../../../src/core/commands/chat.ts';
import { type DigestDelivery, runDueDigests } from '../../../src/core/digest/run-digests.ts';
import { createProfileWatcher } from '../../../src/core/ingest/profile-watcher.ts';
import { renderProfile } from '../../../src/core/profile/render-profile.ts';
import { PaperIndex } from '../../../src/core/search/paper-index.ts';
import { createSearch } from '../../../src/core/search/search.ts';
import { fakePaper, fakeProfile } from '../../helpers/make-pages.ts';
import { SAMPLE_PAGE } from '../../helpers/shared-data.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

describe('createProfileWatcher', () => {
  const tempDir = useTempDir();

  it('loads a page dropped into the folder while the bot runs, and its papers reach the next digest', async () => {
    const folder = tempDir();
    copyFileSync(SAMPLE_PAGE, join(folder, 'zac.txt'));
    const store = createSqliteStore(':memory:');
    const digests = createSqliteDigests(store.db);
    const search = createSearch({
      store,
      index: await PaperIndex.open({ store }),
      text: createSqliteTextIndex(store.db),
    });
    const watcher = createProfileWatcher(store, folder);
    const clock = () => new Date('2026-11-28T12:00:00Z');
    expect((await watcher.loadChanged(clock()))?.totals.newPapers).toBe(18);
    expect(await watcher.loadChanged(clock())).toBeUndefined();

    await createChat({ store, search, digests: { digests, clock, defaultTz: 'UTC' } }).handle('/digest subscribe');
    writeFileSync(join(folder, 'new.txt'), renderProfile(fakeProfile('New Person', [fakePaper(1), fakePaper(2)])));
    expect((await watcher.loadChanged(clock()))?.totals).toMatchObject({ profiles: 1, newPapers: 2 });

    const posted: DigestDelivery[] = [];
    await runDueDigests({
      store,
      digests,
      search,
      posters: {
        terminal: {
          post: async (delivery) => {
            posted.push(delivery);
            return delivery.ledgerId;
          },
          findPosted: async () => undefined,
          resume: async () => {},
        },
      },
      now: new Date('2026-11-29T09:00:00Z'),
      maxLateMinutes: 720,
      log: () => {},
    });
    // Newest first (docs/digests.md): paper 2 is dated after paper 1.
    expect(posted[0]?.cards.map((c) => c.title)).toEqual([fakePaper(2).title, fakePaper(1).title]);
    await store.close();
  });
});
