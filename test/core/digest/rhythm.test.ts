import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSqliteDigests } from '../../../src/adapters/sqlite/sqlite-digests.ts';
import { MIGRATIONS } from '../../../src/adapters/sqlite/sqlite-migrations.ts';
import { createSqliteStore, migrate } from '../../../src/adapters/sqlite/sqlite-store.ts';
import type { Subscription } from '../../../src/core/digest/digest-store.ts';
import { type DigestDelivery, type DigestPoster, runDueDigests } from '../../../src/core/digest/run-digests.ts';
import { lastDueAt, patternOf } from '../../../src/core/digest/schedule.ts';
import { chatWithDigests, paperInput } from '../../helpers/digest-fixture.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A poster that records what each channel received, as a platform would show it. */
function recordingPoster() {
  const posted: DigestDelivery[] = [];
  const poster: DigestPoster = {
    async post(delivery) {
      posted.push(delivery);
      return `msg-${posted.length}`;
    },
    async findPosted(_subscription: Subscription, ledgerId: string) {
      return posted.some((d) => d.ledgerId === ledgerId) ? 'found' : undefined;
    },
    async resume() {},
  };
  return { poster, posted };
}

/**
 * Paperboy on an in-memory database, a clock the test drives, one new paper ingested every day at 12:00 UTC
 * (so each paper's day is known from its title), and a runner ticking every `stepMinutes` (an hour unless told).
 */
async function week(start: string) {
  let now = new Date(start);
  const store = createSqliteStore(':memory:');
  const { chat, digests, search } = await chatWithDigests(store, () => now);
  const { poster, posted } = recordingPoster();
  const context = { platform: 'slack' as const, channel: 'C1', user: 'U1' };
  let papers = 0;
  const addPaper = async (noon: Date) => {
    papers += 1;
    await store.begin();
    await store.savePapers([paperInput(papers, `Paper of ${noon.toISOString().slice(0, 10)} about tiny models`)], noon);
    await store.commit();
  };
  return {
    store,
    digests,
    posted,
    handle: (text: string) => chat.handle(text, context),
    /**
     * Ticks every `stepMinutes` from now until `until`; before each tick, the paper of every 12:00 UTC passed since
     * the last (a bot that was down misses no paper: another process ingested them).
     */
    async runUntil(until: string, stepMinutes = 60) {
      const end = Date.parse(until);
      while (now.getTime() < end) {
        const before = now.getTime();
        now = new Date(now.getTime() + stepMinutes * MINUTE);
        for (let noon = Math.floor(before / DAY) * DAY + 12 * HOUR; noon <= now.getTime(); noon += DAY) {
          if (noon > before) await addPaper(new Date(noon));
        }
        await runDueDigests({
          store,
          digests,
          search,
          posters: { slack: poster, terminal: poster },
          now,
          maxLateMinutes: 720,
          log: () => {},
        });
      }
    },
    runRows: () =>
      store.db.prepare('SELECT due_at AS dueAt, status FROM digest_runs ORDER BY due_at').all() as {
        dueAt: string;
        status: string;
      }[],
  };
}

/** The days (YYYY-MM-DD) whose papers a delivery carries, from their titles. */
const daysIn = (delivery: DigestDelivery | undefined) =>
  delivery?.cards.map((card) => card.title.match(/Paper of (\S+)/)?.[1]) ?? [];

const dayName = (iso: string) => new Date(iso).toLocaleDateString('en-US', { weekday: 'short', timeZone: 'UTC' });

describe('weekly digests: Mondays 09:00 Europe/Berlin', () => {
  it('posts on Mondays only, each with the week’s papers, across the March daylight-saving change', async () => {
    const t = await week('2026-03-14T00:00:00Z'); // a Saturday
    expect(await t.handle('/digest subscribe weekly mon at 09:00 tz Europe/Berlin')).toMatchObject({
      kind: 'notice',
      text: expect.stringContaining('weekly on Monday at 09:00 Europe/Berlin · next 2026-03-16 08:00 UTC'),
    });
    await t.runUntil('2026-04-14T00:00:00Z');
    // 09:00 in Berlin is 08:00 UTC before Sunday 29 March and 07:00 UTC after.
    expect(t.posted.map((d) => d.dueAt)).toEqual([
      '2026-03-16T08:00:00.000Z',
      '2026-03-23T08:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-04-06T07:00:00.000Z',
      '2026-04-13T07:00:00.000Z',
    ]);
    // Papers come at 12:00 UTC: Monday's digest holds last Monday's to Sunday's, seven papers, each once.
    expect(daysIn(t.posted[0])).toEqual(['2026-03-14', '2026-03-15']);
    expect(daysIn(t.posted[2])).toEqual([
      '2026-03-23',
      '2026-03-24',
      '2026-03-25',
      '2026-03-26',
      '2026-03-27',
      '2026-03-28',
      '2026-03-29',
    ]);
    const all = t.posted.flatMap(daysIn);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(30); // 14 March to 12 April: every paper went out once
    // The ledger holds one row per Monday and nothing for the other days.
    expect(t.runRows().map((r) => [dayName(r.dueAt), r.status])).toEqual(Array(5).fill(['Mon', 'sent']));
    expect(t.posted.every((d) => d.heading === `${d.cards.length} new papers`)).toBe(true);
  });

  it('keeps 09:00 Berlin across the October change: 07:00 UTC, then 08:00 UTC, on Mondays only', async () => {
    const t = await week('2026-10-17T00:00:00Z');
    await t.handle('/digest subscribe tiny models weekly Monday at 09:00 tz Europe/Berlin');
    await t.runUntil('2026-11-03T00:00:00Z');
    expect(t.posted.map((d) => d.dueAt)).toEqual([
      '2026-10-19T07:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
      '2026-11-02T08:00:00.000Z',
    ]);
    expect(daysIn(t.posted[1])).toEqual([
      '2026-10-19',
      '2026-10-20',
      '2026-10-21',
      '2026-10-22',
      '2026-10-23',
      '2026-10-24',
      '2026-10-25',
    ]);
    expect(t.runRows()).toHaveLength(3);
  });

  it('sends a week with no new papers as nothing, or as "No new papers … this week" when asked (empty)', async () => {
    const t = await week('2026-10-17T00:00:00Z');
    await t.handle('/digest subscribe "no such words" weekly mon empty');
    await t.runUntil('2026-10-27T00:00:00Z');
    expect(t.posted.map((d) => [d.dueAt, d.heading])).toEqual([
      ['2026-10-19T09:00:00.000Z', 'No new papers on “"no such words"” this week.'],
      ['2026-10-26T09:00:00.000Z', 'No new papers on “"no such words"” this week.'],
    ]);
  });

  it('a bot down over Monday 09:00 sends that week’s digest late, or, past the limit, with the next week’s', async () => {
    const t = await week('2026-11-14T00:00:00Z'); // a Saturday
    await t.handle('/digest subscribe weekly mon at 09:00 tz Europe/Berlin');
    await t.runUntil('2026-11-16T07:00:00Z');
    // Down from 07:00 to 15:00 UTC on Monday 16th: the first tick sends the digest due at 08:00 UTC, once.
    await t.runUntil('2026-11-16T15:00:00Z', 480);
    await t.runUntil('2026-11-23T07:00:00Z');
    expect(t.posted.map((d) => d.dueAt)).toEqual(['2026-11-16T08:00:00.000Z']);
    // Down from 07:00 on Monday 23rd to 10:00 on Tuesday: too late (limit 12 h), so skipped, papers kept.
    await t.runUntil('2026-11-24T10:00:00Z', 27 * 60);
    await t.runUntil('2026-12-01T00:00:00Z');
    expect(t.posted.map((d) => d.dueAt)).toEqual(['2026-11-16T08:00:00.000Z', '2026-11-30T08:00:00.000Z']);
    // The late digest took what was new when it went out (Monday's noon paper too); the skipped week's papers
    // went out with the next one.
    expect(daysIn(t.posted[0])).toEqual(['2026-11-14', '2026-11-15', '2026-11-16']);
    expect(daysIn(t.posted[1])).toEqual(Array.from({ length: 13 }, (_, i) => `2026-11-${17 + i}`));
    expect(t.runRows().map((r) => [r.dueAt, r.status])).toEqual([
      ['2026-11-16T08:00:00.000Z', 'sent'],
      ['2026-11-23T08:00:00.000Z', 'skipped'],
      ['2026-11-30T08:00:00.000Z', 'sent'],
    ]);
  });

  it('a weekly digest at a time the spring change skips (Sunday 02:30 Berlin) posts once, at 03:00', () => {
    const pattern = patternOf({ rhythm: 'weekly', weekday: 0, time: '02:30' });
    const due = (iso: string) => lastDueAt(pattern, 'Europe/Berlin', new Date(iso))?.toISOString();
    expect(due('2026-03-29T12:00:00Z')).toBe('2026-03-29T01:00:00.000Z'); // 03:00 CEST
    expect(due('2026-03-29T00:59:00Z')).toBe('2026-03-22T01:30:00.000Z'); // last week's, 02:30 CET
    // 02:30 happens twice on 25 October; the digest is due at the first, once.
    expect(due('2026-10-25T12:00:00Z')).toBe('2026-10-25T00:30:00.000Z');
    expect(due('2026-10-25T01:45:00Z')).toBe('2026-10-25T00:30:00.000Z');
  });
});

describe('weekday digests', () => {
  it('post Monday to Friday and skip Saturday and Sunday, Monday holding the weekend’s papers', async () => {
    const t = await week('2026-11-13T00:00:00Z'); // a Friday
    await t.handle('/digest subscribe weekdays at 08:00 tz America/New_York');
    await t.runUntil('2026-11-28T00:00:00Z', 30);
    const days = t.posted.map((d) => `${dayName(d.dueAt)} ${d.dueAt.slice(0, 10)}`);
    // Made on Friday 13th at 00:00, so that Friday's 08:00 is its first.
    expect(days).toEqual([
      'Fri 2026-11-13',
      'Mon 2026-11-16',
      'Tue 2026-11-17',
      'Wed 2026-11-18',
      'Thu 2026-11-19',
      'Fri 2026-11-20',
      'Mon 2026-11-23',
      'Tue 2026-11-24',
      'Wed 2026-11-25',
      'Thu 2026-11-26',
      'Fri 2026-11-27',
    ]);
    // 08:00 New York is 13:00 UTC in November: Friday's paper (12:00 UTC) is in Friday's digest.
    expect(t.posted[5]?.dueAt).toBe('2026-11-20T13:00:00.000Z');
    expect(daysIn(t.posted[5])).toEqual(['2026-11-20']);
    expect(daysIn(t.posted[6])).toEqual(['2026-11-21', '2026-11-22', '2026-11-23']);
    expect(t.runRows().map((r) => dayName(r.dueAt))).not.toContain('Sat');
    expect(t.runRows().map((r) => dayName(r.dueAt))).not.toContain('Sun');
  });
});

describe('watches with a rhythm', () => {
  it('/digest watch QUERY weekly mon at 09:00 sends one direct message on Mondays with the week’s matches', async () => {
    const t = await week('2026-11-13T00:00:00Z');
    expect(await t.handle('/digest watch tiny models weekly mon at 09:00')).toMatchObject({
      kind: 'notice',
      text: expect.stringContaining('“tiny models” · direct message weekly on Monday at 09:00 UTC'),
    });
    expect(await t.digests.listSubscriptions()).toMatchObject([
      { kind: 'watch', channel: 'U1', rhythm: 'weekly', weekday: 1, time: '09:00' },
    ]);
    await t.runUntil('2026-11-24T00:00:00Z');
    expect(t.posted.map((d) => [d.subscription.channel, d.dueAt])).toEqual([
      ['U1', '2026-11-16T09:00:00.000Z'],
      ['U1', '2026-11-23T09:00:00.000Z'],
    ]);
    expect(daysIn(t.posted[1])).toHaveLength(7);
  });

  it('a watch without a rhythm stays every 15 minutes, and still refuses a time of day', async () => {
    const t = await week('2026-11-16T11:40:00Z');
    await t.handle('/digest watch tiny models');
    expect(await t.digests.listSubscriptions()).toMatchObject([{ rhythm: 'quarter-hourly', weekday: null }]);
    expect(await t.handle('/digest list')).toMatchObject({
      text: expect.stringContaining('direct message as papers arrive'),
    });
    await t.runUntil('2026-11-16T12:30:00Z', 5);
    // The paper arrives at 12:00 and goes out at that quarter hour's tick.
    expect(t.posted.map((d) => d.dueAt)).toEqual(['2026-11-16T12:00:00.000Z']);
    expect(await t.handle('/digest watch tiny models at 09:00')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('give the watch a rhythm (/digest watch tiny models daily at 09:00)'),
    });
  });
});

describe('subscriptions made before rhythms', () => {
  const tempDir = useTempDir();

  it('keep working after the migration: a channel digest daily, a watch every 15 minutes', async () => {
    const file = `${tempDir()}/old.db`;
    const mine = MIGRATIONS.findIndex((m) => m.includes('ADD COLUMN rhythm'));
    const old = new Database(file);
    migrate(old, mine);
    // What the previous Paperboy wrote: no rhythm columns; a watch saved with `empty` by an even older one.
    const insert = old.prepare(
      `INSERT INTO subscriptions (platform, channel, kind, query, time, tz, watermark, post_empty, created_by, created_at)
       VALUES ('terminal', ?, ?, ?, '09:00', 'Europe/Berlin', 0, ?, 'terminal', '2026-03-01T00:00:00Z')`,
    );
    insert.run('terminal', 'channel', '', 0);
    insert.run('terminal', 'watch', 'tiny', 1);
    old.close();

    const store = createSqliteStore(file);
    try {
      const digests = createSqliteDigests(store.db);
      expect(await digests.listSubscriptions()).toMatchObject([
        { kind: 'channel', rhythm: 'daily', weekday: null, time: '09:00' },
        { kind: 'watch', rhythm: 'quarter-hourly', weekday: null, postEmpty: false },
      ]);
      const { chat, search } = await chatWithDigests(store, () => new Date('2026-03-27T12:00:00Z'));
      expect(
        await chat.handle('/digest list', { platform: 'terminal', channel: 'terminal', user: 'terminal' }),
      ).toMatchObject({
        text: expect.stringMatching(
          /#1 all new papers · daily at 09:00 Europe\/Berlin.*\n#2 “tiny” · direct message as/,
        ),
      });
      const { poster, posted } = recordingPoster();
      const run = (iso: string) =>
        runDueDigests({
          store,
          digests,
          search,
          posters: { terminal: poster },
          now: new Date(iso),
          maxLateMinutes: 720,
          log: () => {},
        });
      const add = async (n: number, iso: string) => {
        await store.begin();
        await store.savePapers([paperInput(n)], new Date(iso));
        await store.commit();
      };
      await add(1, '2026-03-27T12:00:00Z');
      await run('2026-03-27T12:15:00Z');
      await add(2, '2026-03-27T12:50:00Z');
      await run('2026-03-27T13:00:00Z');
      await run('2026-03-28T08:00:00Z');
      expect(posted.map((d) => [d.subscription.kind, d.dueAt, d.cards.length])).toEqual([
        ['channel', '2026-03-27T08:00:00.000Z', 1],
        ['watch', '2026-03-27T12:15:00.000Z', 1],
        ['watch', '2026-03-27T13:00:00.000Z', 1],
        ['channel', '2026-03-28T08:00:00.000Z', 1],
      ]);
    } finally {
      await store.close();
    }
  });
});
