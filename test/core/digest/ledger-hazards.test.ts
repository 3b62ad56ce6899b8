import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/adapters/logger.ts';
import { createSlackDigestPoster } from '../../../src/adapters/slack/digest-poster.ts';
import { createSqliteDigests } from '../../../src/adapters/sqlite/sqlite-digests.ts';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import { createChat } from '../../../src/core/commands/chat.ts';
import type { NewSubscription } from '../../../src/core/digest/digest-store.ts';
import {
  DIGEST_RECHECK_MS,
  type DigestPoster,
  type RunDigestsOptions,
  runDueDigests,
} from '../../../src/core/digest/run-digests.ts';
import { MAX_SUBSCRIPTIONS_PER_CHANNEL, MAX_WATCHES_PER_PERSON } from '../../../src/core/digest/subscription-limits.ts';
import { PaperIndex } from '../../../src/core/search/paper-index.ts';
import { createSearch, type Search } from '../../../src/core/search/search.ts';
import { type FakeSlack, startFakeSlack } from '../../fakes/fake-slack.ts';
import { dailySubscription, paperInput } from '../../helpers/digest-fixture.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const DAY1 = '2026-11-29T09:00:00Z';
const DAY2 = '2026-11-30T09:00:00Z';

/**
 * A platform as the ledger meets it: it records posts (now, or `lagMs` after a request that timed out, as Slack
 * did 45 s after a request its client gave up on) and finds them by ledger id.
 */
function modelPlatform() {
  const recorded: string[] = [];
  let lateNext: number | undefined;
  let hold: Promise<void> | undefined;
  const poster: DigestPoster = {
    async post(delivery) {
      if (hold) await hold;
      if (lateNext !== undefined) {
        const lag = lateNext;
        lateNext = undefined;
        setTimeout(() => recorded.push(delivery.ledgerId), lag);
        throw new Error('A request error occurred: The operation was aborted due to timeout');
      }
      recorded.push(delivery.ledgerId);
      await delivery.keepLease?.();
      return `m-${recorded.length}`;
    },
    findPosted: async (_subscription, ledgerId) => (recorded.includes(ledgerId) ? 'm-found' : undefined),
    resume: async () => {},
  };
  return {
    poster,
    recorded,
    /** The next post times out at the client and is recorded `lagMs` later. */
    recordNextLate(lagMs: number) {
      lateNext = lagMs;
    },
    /** Posts wait until `release` is called (a slow platform). */
    holdPosts() {
      let release: () => void = () => {};
      hold = new Promise((resolve) => {
        release = resolve;
      });
      return () => {
        hold = undefined;
        release();
      };
    },
  };
}

/**
 * One runner on a shared database file: its own connection, search and clock. `ahead` moves its clock (the
 * machine's); `dbAhead` moves the database's clock as this connection reads it (on SQLite, the machine's too:
 * time passing for everyone).
 */
async function openRunner(file: string) {
  const store = createSqliteStore(file);
  let dbAhead = 0;
  let ahead = 0;
  const digests = createSqliteDigests(store.db, { clock: () => Date.now() + dbAhead });
  const search = createSearch({
    store,
    index: await PaperIndex.open({ store }),
    text: createSqliteTextIndex(store.db),
  });
  const logs: string[] = [];
  return {
    store,
    digests,
    search,
    logs,
    /** This machine's clock runs `ms` off the database's. */
    skew(ms: number) {
      ahead = ms;
    },
    /** Time passes: for the database and this machine alike. */
    advance(ms: number) {
      dbAhead += ms;
      ahead += ms;
    },
    run: (iso: string, posters: RunDigestsOptions['posters'], extra: Partial<RunDigestsOptions> = {}) =>
      runDueDigests({
        store,
        digests,
        search,
        posters,
        now: new Date(iso),
        maxLateMinutes: 720,
        log: (line) => logs.push(line),
        clock: () => Date.now() + ahead,
        ...extra,
      }),
  };
}
type Runner = Awaited<ReturnType<typeof openRunner>>;
const statuses = (outcomes: { status: string }[]) => outcomes.map((o) => o.status);

describe('the ledger under skewed clocks, slow platforms, future rows and floods', () => {
  const tempDir = useTempDir();
  const open: Runner[] = [];
  let slack: FakeSlack | undefined;
  afterEach(async () => {
    for (const runner of open.splice(0)) await runner.store.close();
    await slack?.stop();
    slack = undefined;
  });
  async function setup(subscription: NewSubscription = dailySubscription(), papers = 2) {
    const file = join(tempDir(), 'p.db');
    const a = await openRunner(file);
    const b = await openRunner(file);
    open.push(a, b);
    await a.digests.addSubscription(subscription, new Date('2026-11-28T12:00:00Z'));
    if (papers)
      await a.store.savePapers(
        Array.from({ length: papers }, (_, i) => paperInput(i + 1)),
        new Date('2026-11-28T13:00:00Z'),
      );
    return { a, b };
  }

  it('R2: a runner whose clock is 150 s ahead of the database claims nothing, says so, and the live lease holds', async () => {
    const { a, b } = await setup();
    const platform = modelPlatform();
    const release = platform.holdPosts();
    const first = a.run(DAY1, { slack: platform.poster });
    // A is posting (slowly). B's clock is 150 s ahead: by its clock, A's 2-minute lease ran out.
    while (!(await a.digests.getRun(1, new Date(DAY1)))?.leaseOwner) await new Promise((r) => setTimeout(r, 10));
    b.skew(150_000);
    const skewed = await b.run(DAY1, { slack: platform.poster });
    expect(statuses(skewed)).toEqual(['clock_skew']);
    expect(b.logs.join('\n')).toMatch(/clock_skew: this machine's clock is 150 s ahead of the database's/);
    release();
    expect(statuses(await first)).toEqual(['sent']);
    expect(platform.recorded).toEqual(['pb-digest-1']);
  });

  it('R2: a runner 10 s off (within the bound) times leases by the database clock, not its own', async () => {
    const { a, b } = await setup();
    const platform = modelPlatform();
    const release = platform.holdPosts();
    // A 5-second lease: by B's clock (10 s ahead) it ran out at once; by the database's it is live.
    const first = a.run(DAY1, { slack: platform.poster }, { leaseMs: 5000 });
    while (!(await a.digests.getRun(1, new Date(DAY1)))?.leaseOwner) await new Promise((r) => setTimeout(r, 10));
    b.skew(10_000);
    expect(statuses(await b.run(DAY1, { slack: platform.poster }, { leaseMs: 5000 }))).toEqual(['busy']);
    release();
    expect(statuses(await first)).toEqual(['sent']);
    expect(platform.recorded).toEqual(['pb-digest-1']);
  });

  it('R3: a post recorded after the client timed out is held, looked at again after the recheck delay, and never sent twice', async () => {
    const { a, b } = await setup();
    const platform = modelPlatform();
    platform.recordNextLate(300);
    const first = await a.run(DAY1, { slack: platform.poster });
    expect(statuses(first)).toEqual(['outcome_unknown']);
    expect(a.logs.join('\n')).toMatch(/outcome unknown \(.*timeout\); the platform is looked at again after 120 s/);
    // Another runner at once, and the first one at its next tick: the digest is held, nothing is sent.
    expect(statuses(await b.run(DAY1, { slack: platform.poster }))).toEqual(['busy']);
    expect(statuses(await a.run(DAY1, { slack: platform.poster }))).toEqual(['busy']);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(platform.recorded).toEqual(['pb-digest-1']);
    // After the recheck delay: found on the platform, completed, not posted again.
    b.advance(DIGEST_RECHECK_MS + 1000);
    expect(statuses(await b.run(DAY1, { slack: platform.poster }))).toEqual(['recovered']);
    expect(platform.recorded).toEqual(['pb-digest-1']);
    expect(await b.digests.getRun(1, new Date(DAY1))).toMatchObject({ status: 'sent' });
  });

  it('R4: a row dated a year ahead (a --now typo) blocks later runs out loud, naming its date; without --now it is stale', async () => {
    const { a } = await setup(dailySubscription(), 1);
    const platform = modelPlatform();
    expect(statuses(await a.run('2027-11-29T09:00:00Z', { slack: platform.poster }))).toEqual(['sent']);
    await a.store.savePapers([paperInput(2)], new Date('2026-11-29T13:00:00Z'));
    const blocked = await a.run(DAY2, { slack: platform.poster });
    expect(blocked).toEqual([
      expect.objectContaining({ status: 'blocked_by_future_run', blockedBy: '2027-11-29T09:00:00.000Z' }),
    ]);
    expect(a.logs.join('\n')).toMatch(/blocked by its ledger row pb-digest-1 dated 2027-11-29T09:00:00.000Z/);
    // The bot (real time): the row is more than a day past the database's clock, so it is stale and ignored.
    const now = new Date();
    // Today's due time may be up to a day back: late, not too late, for this test.
    const live = await a.run(now.toISOString(), { slack: platform.poster }, { realTime: true, maxLateMinutes: 2880 });
    expect(live.map((o) => [o.status, o.papers.map((p) => p.id)])).toEqual([['sent', [2]]]);
    expect(platform.recorded).toEqual(['pb-digest-1', 'pb-digest-2']);
  });

  it('R4: an unfinished row dated after the due time blocks out loud too, unless stale, when it is sent now', async () => {
    const { a } = await setup();
    const run = await a.digests.openRun(
      1,
      new Date('2027-11-29T09:00:00Z'),
      { fromSeq: 0, toSeq: 2, ids: [1, 2] },
      new Date('2027-11-29T09:00:00Z'),
    );
    const platform = modelPlatform();
    expect(await a.run(DAY1, { slack: platform.poster })).toEqual([
      expect.objectContaining({ status: 'blocked_by_future_run', blockedBy: '2027-11-29T09:00:00.000Z' }),
    ]);
    expect(platform.recorded).toEqual([]);
    const live = await a.run(
      new Date().toISOString(),
      { slack: platform.poster },
      { realTime: true, maxLateMinutes: 2880 },
    );
    expect(live.map((o) => [o.status, o.papers.map((p) => p.id)])).toEqual([['sent', [1, 2]]]);
    expect(platform.recorded).toEqual([`pb-digest-${run?.id}`]);
  });

  it('R5: a channel takes at most 25 subscriptions and a person at most 50 watches (follows count); the refusal says the cap', async () => {
    const { a } = await setup(dailySubscription(), 0);
    let now = new Date('2026-11-28T12:00:00Z');
    const chat = createChat({
      store: a.store,
      search: a.search,
      digests: { digests: a.digests, clock: () => now, defaultTz: 'UTC' },
    });
    const context = { platform: 'slack' as const, channel: 'C1', user: 'U9' };
    for (let i = 1; i < MAX_SUBSCRIPTIONS_PER_CHANNEL; i++) {
      const reply = await chat.handle(`/digest subscribe topic${i}`, context);
      expect(reply).toMatchObject({ kind: 'notice' });
    }
    const refused = await chat.handle('/digest subscribe one more', context);
    expect(refused).toMatchObject({ kind: 'error', code: 'limit_reached' });
    expect(JSON.stringify(refused)).toMatch(/the most a channel can have \(25\)/);
    for (let i = 1; i <= MAX_WATCHES_PER_PERSON; i++) {
      now = new Date(now.getTime() + 1000);
      expect(await chat.handle(`/digest watch watchword${i}`, { ...context, channel: `C${i % 3}` })).toMatchObject({
        kind: 'notice',
      });
    }
    const tooMany = await chat.handle('/digest watch another', context);
    expect(tooMany).toMatchObject({ kind: 'error', code: 'limit_reached' });
    expect(JSON.stringify(tooMany)).toMatch(/the most one person can have \(50\)/);
    // Following an author is a watch: it counts, and is refused the same way.
    await a.store.savePapers([paperInput(1)], now);
    const follow = await chat.handle('/follow Second Author', context);
    expect(follow).toMatchObject({ kind: 'error', code: 'limit_reached' });
    expect(JSON.stringify(follow)).toMatch(/the most one person can have \(50\)/);
    expect((await a.digests.listSubscriptions()).length).toBe(MAX_SUBSCRIPTIONS_PER_CHANNEL + MAX_WATCHES_PER_PERSON);
  });

  it('R5: the tick yields to the event loop between subscriptions and runs no search when no paper is new', async () => {
    const { a } = await setup(dailySubscription({ platform: 'terminal', channel: 'terminal', query: 'tiny' }), 0);
    for (let i = 0; i < 199; i++)
      await a.digests.addSubscription(
        dailySubscription({ platform: 'terminal', channel: 'terminal', query: `tiny ${i}` }),
        new Date('2026-11-28T12:00:00Z'),
      );
    let searches = 0;
    const search: Search = {
      ...a.search,
      filterMatching: (...args) => {
        searches++;
        return a.search.filterMatching(...args);
      },
    };
    const terminal = modelPlatform().poster;
    // Other work waiting on the event loop gets turns while the tick goes through 200 subscriptions.
    let turns = 0;
    let ticking = true;
    const other = () => {
      turns++;
      if (ticking) setImmediate(other);
    };
    setImmediate(other);
    await a.run(DAY1, { terminal }, { search });
    ticking = false;
    expect(searches).toBe(0);
    expect(turns).toBeGreaterThanOrEqual(200);
  });

  it('a platform that says the channel is gone (channel_not_found) pauses the subscription after one try instead of retrying it every minute for 12 hours', async () => {
    slack = await startFakeSlack();
    const { a } = await setup();
    await a.digests.addSubscription(dailySubscription({ channel: 'C2' }), new Date('2026-11-28T12:00:00Z'));
    const poster = createSlackDigestPoster({
      token: 'xoxb-test',
      apiUrl: slack.apiUrl,
      logger: createLogger(new PassThrough()),
    });
    slack.failNext('chat.postMessage', 200, 1, 1, 0, 'channel_not_found');
    const first = await a.run(DAY1, { slack: poster });
    expect(first.map((o) => [o.subscription, o.status])).toEqual([
      [1, 'paused'],
      [2, 'sent'],
    ]);
    expect(a.logs.join('\n')).toMatch(/digest 1 paused: Slack refused it: channel_not_found; .*\/digest resume 1/);
    expect(await a.digests.getSubscription(1)).toMatchObject({ paused: true });
    expect(await a.digests.getRun(1, new Date(DAY1))).toMatchObject({ status: 'skipped' });
    // The next minutes: nothing is tried again.
    const calls = slack.callsTo('chat.postMessage').length;
    for (const minute of [1, 2, 3]) await a.run(`2026-11-29T09:0${minute}:00Z`, { slack: poster });
    expect(slack.callsTo('chat.postMessage').length).toBe(calls);
    // Resumed once the channel is back: its papers, still new, go out with the next digest.
    await a.digests.setPaused(1, false);
    const next = await a.run(DAY2, { slack: poster });
    expect(next.map((o) => [o.subscription, o.status, o.papers.map((p) => p.id)])).toEqual([[1, 'sent', [1, 2]]]);
  });
});
