import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import type { Platform, Subscription } from '../../../src/core/digest/digest-store.ts';
import { type DigestDelivery, type DigestPoster, runDueDigests } from '../../../src/core/digest/run-digests.ts';
import { lastDueAt, patternOf } from '../../../src/core/digest/schedule.ts';
import { chatWithDigests, dailySubscription } from '../../helpers/digest-fixture.ts';
import { fakePaper, fakeProfile } from '../../helpers/make-pages.ts';

/** A poster that records deliveries, like a platform channel, and can be told to crash after posting. */
function recordingPoster() {
  const posted: DigestDelivery[] = [];
  const resumed: string[] = [];
  let crashAfterPost = false;
  const poster: DigestPoster = {
    async post(delivery) {
      posted.push(delivery);
      if (crashAfterPost) {
        crashAfterPost = false;
        throw new Error('process died after posting');
      }
      return `msg-${posted.length}`;
    },
    async findPosted(_subscription: Subscription, ledgerId: string) {
      return posted.find((d) => d.ledgerId === ledgerId) ? 'msg-found' : undefined;
    },
    async resume(delivery) {
      resumed.push(delivery.ledgerId);
    },
  };
  return { poster, posted, resumed, crashNextAfterPost: () => (crashAfterPost = true) };
}

async function setup(start = '2026-03-27T12:00:00Z') {
  let now = new Date(start);
  const store = createSqliteStore(':memory:');
  const { chat, digests, search } = await chatWithDigests(store, () => now, { dbClock: true });
  const { poster, posted, crashNextAfterPost } = recordingPoster();
  const logs: string[] = [];
  let pages = 0;
  return {
    store,
    digests,
    posted,
    logs,
    crashNextAfterPost,
    chat,
    setNow: (iso: string) => {
      now = new Date(iso);
    },
    addPage: (name: string, papers: ReturnType<typeof fakePaper>[]) =>
      store.saveProfile(fakeProfile(name, papers), { path: name, contentHash: `${name}-${++pages}` }, now),
    run: (iso: string, posters: Partial<Record<Platform, DigestPoster>> = { terminal: poster }) => {
      now = new Date(iso);
      return runDueDigests({
        store,
        digests,
        search,
        posters,
        now,
        maxLateMinutes: 12 * 60,
        log: (l) => logs.push(l),
        clock: () => now.getTime(),
      });
    },
  };
}

describe('schedule', () => {
  it('puts 09:00 Europe/Berlin at 08:00 UTC in winter and 07:00 UTC in summer', () => {
    const pattern = patternOf({ rhythm: 'daily', weekday: null, time: '09:00' });
    expect(lastDueAt(pattern, 'Europe/Berlin', new Date('2026-03-28T12:00:00Z'))?.toISOString()).toBe(
      '2026-03-28T08:00:00.000Z',
    );
    expect(lastDueAt(pattern, 'Europe/Berlin', new Date('2026-03-29T12:00:00Z'))?.toISOString()).toBe(
      '2026-03-29T07:00:00.000Z',
    );
    expect(lastDueAt(pattern, 'Europe/Berlin', new Date('2026-10-25T12:00:00Z'))?.toISOString()).toBe(
      '2026-10-25T08:00:00.000Z',
    );
    expect(lastDueAt(pattern, 'Europe/Berlin', new Date('2026-03-29T07:00:00Z'))?.toISOString()).toBe(
      '2026-03-29T07:00:00.000Z',
    );
  });
});

describe('runDueDigests', () => {
  it('posts at 09:00 Berlin on both sides of the daylight-saving change, once each day', async () => {
    const t = await setup();
    await t.chat.handle('/digest subscribe at 09:00 tz Europe/Berlin');
    t.setNow('2026-03-27T12:00:00Z');
    await t.addPage('Ann', [fakePaper(1)]);
    expect(await t.run('2026-03-28T07:59:00Z')).toEqual([]);
    expect((await t.run('2026-03-28T08:00:00Z')).map((o) => o.status)).toEqual(['sent']);
    expect(await t.run('2026-03-28T08:01:00Z')).toEqual([]);
    await t.addPage('Bob', [fakePaper(2)]);
    expect(await t.run('2026-03-29T06:59:00Z')).toEqual([]);
    const summer = await t.run('2026-03-29T07:00:00Z');
    expect(summer.map((o) => o.papers.map((p) => p.title))).toEqual([[fakePaper(2).title]]);
    expect(t.posted.map((d) => d.dueAt)).toEqual(['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z']);
  });

  it('delivers a paper listed on two new profiles once, and nothing for a re-ingested page', async () => {
    const t = await setup();
    await t.chat.handle('/digest subscribe');
    await t.addPage('Ann', [fakePaper(7)]);
    await t.addPage('Bob', [fakePaper(7), fakePaper(8)]);
    await t.run('2026-03-28T09:00:00Z');
    // Newest first: paper 8 is dated after paper 7.
    expect(t.posted[0]?.cards.map((c) => c.title)).toEqual([fakePaper(8).title, fakePaper(7).title]);
    await t.store.saveProfile(
      fakeProfile('Bob', [fakePaper(7), fakePaper(8)]),
      { path: 'Bob', contentHash: 'same' },
      new Date(),
    );
    await t.store.saveProfile(
      fakeProfile('Bob', [fakePaper(7), fakePaper(8)]),
      { path: 'Bob', contentHash: 'same' },
      new Date(),
    );
    await t.run('2026-03-29T09:00:00Z');
    expect(t.posted).toHaveLength(1);
  });

  it('matches the subscription query, and leaves papers that were there before out', async () => {
    const t = await setup();
    await t.addPage('Old', [fakePaper(1, { title: 'Old sycophancy paper' })]);
    await t.chat.handle('/digest subscribe sycophancy');
    await t.addPage('Ann', [
      fakePaper(2, { title: 'New sycophancy paper' }),
      fakePaper(3, { title: 'Unrelated robots' }),
    ]);
    await t.run('2026-03-28T09:00:00Z');
    expect(t.posted[0]?.cards.map((c) => c.title)).toEqual(['New sycophancy paper']);
  });

  it('does not post again after a crash between the post and the ledger update', async () => {
    const t = await setup();
    await t.chat.handle('/digest subscribe');
    await t.addPage('Ann', [fakePaper(1)]);
    t.crashNextAfterPost();
    expect((await t.run('2026-03-28T09:00:00Z')).map((o) => o.status)).toEqual(['outcome_unknown']);
    // Held while the platform may still record it, then looked up on the platform and not posted again.
    expect((await t.run('2026-03-28T09:01:00Z')).map((o) => o.status)).toEqual(['busy']);
    expect((await t.run('2026-03-28T09:03:00Z')).map((o) => o.status)).toEqual(['recovered']);
    expect(await t.run('2026-03-28T09:04:00Z')).toEqual([]);
    expect(t.posted).toHaveLength(1);
    expect(t.logs.join('\n')).toMatch(/already posted before a restart/);
  });

  it('sends one digest when the bot was down over 09:00 and comes back at 10:30', async () => {
    const t = await setup();
    await t.chat.handle('/digest subscribe at 09:00');
    await t.addPage('Ann', [fakePaper(1)]);
    expect((await t.run('2026-03-28T10:30:00Z')).map((o) => o.status)).toEqual(['sent']);
    await t.run('2026-03-28T10:31:00Z');
    await t.run('2026-03-28T23:59:00Z');
    expect(t.posted).toHaveLength(1);
  });

  it('skips a digest past the lateness limit with a log line, keeping its papers for the next one', async () => {
    const t = await setup();
    await t.chat.handle('/digest subscribe at 09:00');
    await t.addPage('Ann', [fakePaper(1)]);
    expect((await t.run('2026-03-28T22:00:00Z')).map((o) => o.status)).toEqual(['skipped']);
    expect(t.logs[0]).toMatch(/skipped: 780 min late \(limit 720\)/);
    await t.run('2026-03-29T09:00:00Z');
    expect(t.posted[0]?.cards.map((c) => c.title)).toEqual([fakePaper(1).title]);
  });

  it('posts "no new papers" only when the subscription asks for it', async () => {
    const t = await setup();
    await t.chat.handle('/digest subscribe');
    await t.chat.handle('/digest subscribe empty');
    await t.run('2026-03-28T09:00:00Z');
    expect(t.posted.map((d) => [d.subscription.id, d.heading])).toEqual([[2, 'No new papers today.']]);
  });

  it('H5 a watch saved with post_empty = 1 by an older version posts nothing when no papers are new', async () => {
    const t = await setup();
    await t.chat.handle('/digest watch reward hacking', { platform: 'slack', channel: 'C1', user: 'U7' });
    // What an older Paperboy stored for `/digest watch reward hacking empty`.
    t.store.db.prepare('UPDATE subscriptions SET post_empty = 1 WHERE id = 1').run();
    const slack = recordingPoster();
    const quarters = ['09:00', '09:15', '09:30', '09:45'].map((hhmm) => `2026-03-28T${hhmm}:00Z`);
    for (const iso of quarters) await t.run(iso, { slack: slack.poster });
    expect(slack.posted).toEqual([]);
    await t.addPage('Ann', [fakePaper(1, { title: 'Reward hacking in the wild' })]);
    await t.run('2026-03-28T10:00:00Z', { slack: slack.poster });
    expect(slack.posted.map((d) => d.cards.length)).toEqual([1]);
  });

  it('keeps going when one subscription fails, and reports it', async () => {
    const t = await setup();
    // Made behind the chat's back, so its query was never checked.
    await t.digests.addSubscription(
      dailySubscription({ platform: 'terminal', channel: 'terminal', query: 'colour:red', createdBy: null }),
      new Date('2026-03-27T12:00:00Z'),
    );
    await t.chat.handle('/digest subscribe');
    await t.addPage('Ann', [fakePaper(1)]);
    const outcomes = await t.run('2026-03-28T09:00:00Z');
    expect(outcomes.map((o) => [o.subscription, o.status])).toEqual([
      [1, 'failed'],
      [2, 'sent'],
    ]);
    expect(t.logs[0]).toMatch(/digest 1 failed: invalid query/);
  });

  it('pauses and resumes', async () => {
    const t = await setup();
    await t.chat.handle('/digest subscribe');
    await t.chat.handle('/digest pause 1');
    await t.addPage('Ann', [fakePaper(1)]);
    await t.run('2026-03-28T09:00:00Z');
    expect(t.posted).toHaveLength(0);
    await t.chat.handle('/digest resume 1');
    await t.run('2026-03-29T09:00:00Z');
    expect(t.posted[0]?.cards).toHaveLength(1);
  });

  it('sends a watch as one direct message per batch of matching new papers', async () => {
    const t = await setup();
    const context = { platform: 'slack' as const, channel: 'C1', user: 'U7' };
    const reply = await t.chat.handle('/digest watch reward hacking', context);
    expect(reply).toMatchObject({ kind: 'notice', text: expect.stringMatching(/^Watching: #1 “reward hacking”/) });
    const slack = recordingPoster();
    await t.addPage('Ann', [
      fakePaper(1, { title: 'Reward hacking in the wild' }),
      fakePaper(2, { title: 'Reward hacking, again' }),
    ]);
    await t.run('2026-03-28T09:00:00Z', { slack: slack.poster });
    await t.run('2026-03-28T09:05:00Z', { slack: slack.poster });
    await t.addPage('Bob', [fakePaper(3, { title: 'Unrelated' })]);
    await t.run('2026-03-28T09:15:00Z', { slack: slack.poster });
    await t.addPage('Cy', [fakePaper(4, { title: 'More reward hacking' })]);
    await t.run('2026-03-28T09:30:00Z', { slack: slack.poster });
    expect(slack.posted.map((d) => [d.subscription.channel, d.cards.length])).toEqual([
      ['U7', 2],
      ['U7', 1],
    ]);
  });
});

describe('/digest commands', () => {
  it('lists, previews and removes only this channel’s digests, with clear errors', async () => {
    const t = await setup();
    const here = { platform: 'slack' as const, channel: 'C1', user: 'U1' };
    const there = { platform: 'slack' as const, channel: 'C2', user: 'U2' };
    await t.chat.handle('/digest subscribe llm at 7:30 tz Asia/Tokyo', here);
    await t.chat.handle('/digest subscribe robots', there);
    expect(await t.chat.handle('/digest list', here)).toMatchObject({
      text: expect.stringMatching(/#1 “llm” · daily at 07:30 Asia\/Tokyo/),
    });
    expect(await t.chat.handle('/digest list', here)).not.toMatchObject({ text: expect.stringMatching(/robots/) });
    await t.addPage('Ann', [fakePaper(1, { title: 'Tiny llm tricks' })]);
    expect(await t.chat.handle('/digest preview 1', here)).toMatchObject({
      kind: 'papers',
      heading: 'Digest #1 would post 1 paper now',
    });
    expect(await t.chat.handle('/digest unsubscribe 2', here)).toMatchObject({ kind: 'error', code: 'not_found' });
    expect(await t.chat.handle('/digest unsubscribe 1', here)).toMatchObject({ text: 'Removed digest #1.' });
    expect(await t.chat.handle('/digest subscribe x at 25:00', here)).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/time like 09:00/),
    });
    expect(await t.chat.handle('/digest subscribe x tz Mars/Base', here)).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/Europe\/Berlin/),
    });
    expect(await t.chat.handle('/digest subscribe colour:red', here)).toMatchObject({
      kind: 'error',
      code: 'invalid_query',
    });
    expect(await t.chat.handle('/digest', here)).toMatchObject({
      kind: 'notice',
      text: expect.stringMatching(/\/digest subscribe/),
    });
  });
});
