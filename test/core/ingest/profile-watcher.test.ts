import { copyFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteDigests } from '../../../src/adapters/sqlite/sqlite-digests.ts';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import { PROJECT_ROOT } from '../../../src/config.ts';
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

  it('loads the `.jsonl` records beside the pages, pages first: the sample is found by arXiv id offline', async () => {
    const folder = tempDir();
    copyFileSync(SAMPLE_PAGE, join(folder, 'zac.txt'));
    // Named to sort before the page: the watcher still reads pages first, so a record keeps the page's authors.
    copyFileSync(join(PROJECT_ROOT, 'data', 'profiles', 'sample-arxiv.jsonl'), join(folder, 'arxiv.jsonl'));
    writeFileSync(join(folder, 'big.jsonl.gz'), 'not read: compressed corpora are for `paperboy ingest`');
    const store = createSqliteStore(':memory:');
    const watcher = createProfileWatcher(store, folder);
    const now = new Date('2026-11-28T12:00:00Z');
    const first = await watcher.loadChanged(now);
    expect(first?.files.map((f) => f.path)).toEqual([join(folder, 'zac.txt'), join(folder, 'arxiv.jsonl')]);
    // Every record merges into a paper of the page: 18 papers, none new from the records, none announced by them.
    expect(first?.totals).toMatchObject({ newPapers: 18, announced: 18 });
    expect((await store.counts()).papers).toBe(18);
    const ids = await store.findByArxivIds(['2310.13548', '2212.08073']);
    expect(ids.size).toBe(2);
    const [paper] = await store.getPapers([ids.get('2310.13548') as number]);
    expect(paper).toMatchObject({
      title: 'Towards Understanding Sycophancy in Language Models',
      arxivId: '2310.13548',
    });
    expect(paper?.authors.slice(0, 2)).toEqual(['Mrinank Sharma', 'Meg Tong']);
    expect(await watcher.loadChanged(now)).toBeUndefined();

    // A changed records file is read again alone; its record of a paper no page lists keeps the records' rule (an
    // old date is stored, not announced).
    const record = { arxivId: '1706.03762', title: 'Attention Is All You Need', authors: ['Ashish Vaswani'] };
    writeFileSync(
      join(folder, 'arxiv.jsonl'),
      `${JSON.stringify({ ...record, date: '2017-06-12', category: 'cs.CL' })}\n`,
    );
    utimesSync(join(folder, 'arxiv.jsonl'), now, new Date(now.getTime() + 1000));
    const again = await watcher.loadChanged(now);
    expect(again?.files.map((f) => f.path)).toEqual([join(folder, 'arxiv.jsonl')]);
    expect(again?.totals).toMatchObject({ newPapers: 1, announced: 0 });
    await store.close();
  });
});
