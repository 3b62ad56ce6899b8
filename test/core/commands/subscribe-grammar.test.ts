import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { parseSubscribe, protectQuery } from '../../../src/core/commands/subscribe-grammar.ts';
import { chatWithDigests } from '../../helpers/digest-fixture.ts';

async function setup() {
  const store = createSqliteStore(':memory:');
  const { chat, digests } = await chatWithDigests(store, () => new Date('2026-11-28T12:00:00Z'));
  const context = { platform: 'slack' as const, channel: 'C1', user: 'U1' };
  return { store, chat, digests, context, handle: (text: string) => chat.handle(text, context) };
}

describe('/digest subscribe and watch grammar', () => {
  it('H5 refuses `empty` for a watch, saying why, and makes no watch', async () => {
    const t = await setup();
    expect(await t.handle('/digest watch reward hacking empty')).toMatchObject({
      kind: 'error',
      code: 'invalid_query',
      message: expect.stringMatching(/every 15 minutes.*No new papers/),
    });
    expect(await t.digests.listSubscriptions()).toEqual([]);
    expect(await t.handle('/digest watch reward hacking')).toMatchObject({ kind: 'notice' });
    expect(await t.digests.listSubscriptions()).toMatchObject([
      { kind: 'watch', query: 'reward hacking', postEmpty: false },
    ]);
  });

  it('H5 an older watch saved with post_empty = 1 is not listed as posting empty days', async () => {
    const t = await setup();
    await t.handle('/digest watch reward hacking');
    // What an older Paperboy stored for `/digest watch reward hacking empty`.
    t.store.db.prepare('UPDATE subscriptions SET post_empty = 1').run();
    expect(await t.handle('/digest list')).toMatchObject({
      kind: 'notice',
      text: expect.not.stringMatching(/no new papers/),
    });
  });

  it('H6 refuses `at` and `tz` for a watch, saying why, rather than ignoring them', async () => {
    const t = await setup();
    for (const options of ['at 09:00', 'tz Europe/Berlin', 'at 07:30 tz UTC']) {
      expect(await t.handle(`/digest watch robots ${options}`)).toMatchObject({
        kind: 'error',
        code: 'invalid_query',
        message: expect.stringMatching(/A watch has no time of day: .*every 15 minutes.*\/digest subscribe robots/),
      });
    }
    expect(await t.digests.listSubscriptions()).toEqual([]);
  });

  it('H6 refuses a clock time with seconds rather than searching for it: at 09:00:00', async () => {
    const t = await setup();
    expect(await t.handle('/digest subscribe robots at 09:00:00')).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/"at 09:00:00": expected a time like 09:00/),
    });
    expect(parseSubscribe('papers at 2023')).toMatchObject({ query: 'papers at 2023' });
  });

  it('H6 stores a time zone under its proper name whatever case it was typed in', async () => {
    const t = await setup();
    expect(await t.handle('/digest subscribe robots tz europe/berlin')).toMatchObject({
      kind: 'notice',
      text: expect.stringContaining('daily at 09:00 Europe/Berlin'),
    });
    expect(parseSubscribe('tz utc')).toMatchObject({ query: '', tz: 'UTC' });
  });

  it('H6 takes option words inside the query as query words: /digest subscribe look at transformers', async () => {
    const t = await setup();
    expect(await t.handle('/digest subscribe look at transformers')).toMatchObject({
      kind: 'notice',
      text: expect.stringContaining('“look at transformers” · daily at 09:00 UTC'),
    });
    await t.handle('/digest subscribe empty chairs at night tz data');
    await t.handle('/digest subscribe papers at 2023');
    expect((await t.digests.listSubscriptions()).map((s) => [s.query, s.time, s.tz, s.postEmpty])).toEqual([
      ['look at transformers', '09:00', 'UTC', false],
      ['empty chairs at night tz data', '09:00', 'UTC', false],
      ['papers at 2023', '09:00', 'UTC', false],
    ]);
    expect(await t.handle('/help digest')).toMatchObject({
      kind: 'help',
      commands: [{ description: expect.stringMatching(/Options come last, after the query.*"quoted" word/) }],
    });
  });

  it('H6 keeps a quoted word in the query: /digest subscribe "empty" results', async () => {
    const t = await setup();
    await t.handle('/digest subscribe "empty" results');
    await t.handle('/digest subscribe results "empty"');
    await t.handle('/digest subscribe "empty" results empty');
    await t.handle('/digest subscribe "the empty set"');
    await t.handle('/digest subscribe "meetings at 09:00" tz Asia/Tokyo');
    expect((await t.digests.listSubscriptions()).map((s) => [s.query, s.postEmpty, s.tz])).toEqual([
      ['"empty" results', false, 'UTC'],
      ['results "empty"', false, 'UTC'],
      ['"empty" results', true, 'UTC'],
      ['"the empty set"', false, 'UTC'],
      ['"meetings at 09:00"', false, 'Asia/Tokyo'],
    ]);
  });

  it('H6 reads options only as a trailing run, in any order, each once', async () => {
    const t = await setup();
    await t.handle('/digest subscribe look at transformers empty tz Europe/Berlin at 7:30');
    expect((await t.digests.listSubscriptions()).map((s) => [s.query, s.time, s.tz, s.postEmpty])).toEqual([
      ['look at transformers', '07:30', 'Europe/Berlin', true],
    ]);
    expect(parseSubscribe('at 08:00 tz UTC')).toMatchObject({ query: '', time: '08:00', tz: 'UTC', postEmpty: false });
    expect(parseSubscribe('by:"Deep Ganguli" cat:CL at 08:00')).toMatchObject({
      query: 'by:"Deep Ganguli" cat:CL',
      time: '08:00',
    });
    // An option in the middle is part of the query; options after it still count.
    expect(parseSubscribe('llm empty prompts empty')).toMatchObject({ query: 'llm empty prompts', postEmpty: true });
    expect(await t.handle('/digest subscribe x at 08:00 at 09:00')).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/"at" is given twice/),
    });
    expect(await t.handle('/digest subscribe x at 9am')).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/time like 09:00/),
    });
    expect(await t.handle('/digest subscribe x tz Europe/Berln')).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/time zone like Europe\/Berlin/),
    });
    expect(await t.digests.listSubscriptions()).toHaveLength(1);
  });
});

describe('protectQuery: a query that arrived alone (a Discord option) stays the query before options', () => {
  it('H6 quotes only the words that would read as trailing options', () => {
    expect(protectQuery('look at transformers')).toBe('look at transformers');
    expect(protectQuery('transformers empty')).toBe('transformers "empty"');
    const request = parseSubscribe(`${protectQuery('talks at 10:00')} at 09:00 empty`);
    expect(request).toMatchObject({ query: 'talks "at" 10:00', time: '09:00', postEmpty: true });
  });
});

describe('a subscription query that asks for nothing', () => {
  it('is refused rather than taken as "every new paper" (`???`), and says how to ask for all', async () => {
    const t = await setup();
    const reply = await t.handle('/digest subscribe ???');
    expect(reply).toMatchObject({ kind: 'error', code: 'invalid_query' });
    expect(JSON.stringify(reply)).toMatch(/no word or filter to match.*leave the query out/);
    expect(await t.handle('/digest watch ¿¡…')).toMatchObject({ kind: 'error', code: 'invalid_query' });
    expect(await t.digests.listSubscriptions()).toEqual([]);
    expect(await t.handle('/digest subscribe cat:CL')).toMatchObject({ kind: 'notice' });
  });
});

describe('rhythm: daily, weekdays or weekly DAY as trailing options', () => {
  it.each([
    ['robots', { query: 'robots' }],
    ['robots daily', { query: 'robots', rhythm: 'daily' }],
    ['robots weekdays at 07:30', { query: 'robots', rhythm: 'weekdays', time: '07:30' }],
    ['robots weekly mon', { query: 'robots', rhythm: 'weekly', weekday: 1 }],
    [
      'robots weekly MONDAY at 09:00 tz europe/berlin',
      { query: 'robots', rhythm: 'weekly', weekday: 1, tz: 'Europe/Berlin' },
    ],
    ['at 09:00 weekly Sun', { query: '', rhythm: 'weekly', weekday: 0, time: '09:00' }],
    ['robots weekly on Wednesday at 10:00', { query: 'robots', rhythm: 'weekly', weekday: 3, time: '10:00' }],
    ['weekly sat empty', { query: '', rhythm: 'weekly', weekday: 6, postEmpty: true }],
    ['tz UTC weekly thursday daily-ish', { query: 'tz UTC weekly thursday daily-ish' }],
    // Rhythm words inside the query, or quoted, are query words.
    ['daily news', { query: 'daily news' }],
    ['weekly reports', { query: 'weekly reports' }],
    ['news weekly monitoring', { query: 'news weekly monitoring' }],
    ['weekly summary weekdays', { query: 'weekly summary', rhythm: 'weekdays' }],
    ['"weekly" robots "daily"', { query: '"weekly" robots "daily"' }],
    ['robots "weekly"', { query: 'robots "weekly"' }],
  ])('reads %j', (text, expected) => {
    expect(parseSubscribe(text)).toMatchObject(expected);
    if (!('rhythm' in expected)) expect(parseSubscribe(text).rhythm).toBeUndefined();
  });

  it.each([
    ['robots weekly', /"weekly" needs a day after it: write weekly mon \(days: mon, tue, wed, thu, fri, sat, sun/],
    ['robots weekly at 09:00', /"weekly" needs a day after it: write weekly mon/],
    ['weekly', /"weekly" needs a day after it/],
    ['robots weekly tues', /"weekly tues": expected a day: mon, tue, wed, thu, fri, sat, sun \(or the full name/],
    ['robots weekly mondays at 09:00', /"weekly mondays": expected a day/],
    ['robots weekly thurs.', /"weekly thurs\.": expected a day/],
    ['robots weekly funday', /"weekly funday": expected a day/],
    ['robots weekly on someday', /"weekly someday": expected a day/],
    ['robots weekly 1 at 09:00', /"weekly 1": expected a day/],
    ['robots daily weekly mon', /"daily" and "weekly" are both rhythms\. Give one: daily, weekdays or weekly DAY/],
    ['robots weekly mon weekdays', /"weekly" and "weekdays" are both rhythms/],
    ['robots weekly mon weekly tue', /"weekly" is given twice/],
    ['robots daily daily', /"daily" is given twice/],
  ])('refuses %j, naming what was wrong', (text, message) => {
    expect(() => parseSubscribe(text)).toThrow(message);
  });

  it('saves the rhythm and /digest list shows it with the next due time in UTC', async () => {
    const t = await setup();
    expect(await t.handle('/digest subscribe robots weekly fri at 16:00 tz Europe/Berlin')).toMatchObject({
      kind: 'notice',
      text: 'Subscribed: #1 “robots” · weekly on Friday at 16:00 Europe/Berlin · next 2026-12-04 15:00 UTC. Papers already indexed are not new.',
    });
    await t.handle('/digest subscribe weekdays at 08:00');
    await t.handle('/digest subscribe llm daily');
    await t.handle('/digest subscribe');
    expect((await t.digests.listSubscriptions()).map((s) => [s.rhythm, s.weekday])).toEqual([
      ['weekly', 5],
      ['weekdays', null],
      ['daily', null],
      ['daily', null],
    ]);
    expect(await t.handle('/digest list')).toMatchObject({
      kind: 'notice',
      text: [
        'Digests here:',
        '#1 “robots” · weekly on Friday at 16:00 Europe/Berlin · next 2026-12-04 15:00 UTC',
        // Saturday 28 November: the next weekday is Monday.
        '#2 all new papers · weekdays at 08:00 UTC · next 2026-11-30 08:00 UTC',
        '#3 “llm” · daily at 09:00 UTC · next 2026-11-29 09:00 UTC',
        '#4 all new papers · daily at 09:00 UTC · next 2026-11-29 09:00 UTC',
      ].join('\n'),
    });
  });

  it('refuses a wrong rhythm in the chat with the grammar’s message and saves nothing', async () => {
    const t = await setup();
    expect(await t.handle('/digest subscribe robots weekly')).toMatchObject({
      kind: 'error',
      code: 'invalid_query',
      message: expect.stringContaining('"weekly" needs a day after it'),
    });
    expect(await t.handle('/digest watch robots weekly weds')).toMatchObject({
      kind: 'error',
      code: 'invalid_query',
      message: expect.stringContaining('"weekly weds": expected a day'),
    });
    expect(await t.digests.listSubscriptions()).toEqual([]);
  });

  it('a watch takes a rhythm, and with it a time, a zone and "empty"', async () => {
    const t = await setup();
    expect(await t.handle('/digest watch robots weekly mon at 09:00 tz Asia/Tokyo empty')).toMatchObject({
      kind: 'notice',
      text: expect.stringMatching(
        /^Watching: #1 “robots” · direct message weekly on Monday at 09:00 Asia\/Tokyo · also on days/,
      ),
    });
    expect(await t.handle('/digest watch robots daily')).toMatchObject({ kind: 'notice' });
    expect(await t.digests.listSubscriptions()).toMatchObject([
      { kind: 'watch', rhythm: 'weekly', weekday: 1, time: '09:00', tz: 'Asia/Tokyo', postEmpty: true },
      { kind: 'watch', rhythm: 'daily', weekday: null, postEmpty: false },
    ]);
  });

  it('protectQuery quotes rhythm words that would end a query arriving alone', () => {
    expect(protectQuery('news weekly mon')).toBe('news "weekly" mon');
    expect(protectQuery('robots daily')).toBe('robots "daily"');
    expect(protectQuery('news weekly')).toBe('news "weekly"');
    expect(protectQuery('look at weekly reports')).toBe('look at weekly reports');
    expect(protectQuery('news weekly on monday')).toBe('news "weekly" on monday');
    expect(parseSubscribe(`${protectQuery('meet weekly at 09:00')} weekly tue`)).toMatchObject({
      query: 'meet "weekly" "at" 09:00',
      rhythm: 'weekly',
      weekday: 2,
    });
  });
});

describe('ranked: a trailing option of the subscribe grammar', () => {
  it('reads `ranked` after the query, with other options in any order; in the middle or quoted it is a word', () => {
    expect(parseSubscribe('reward hacking ranked')).toMatchObject({ query: 'reward hacking', ranked: true });
    expect(parseSubscribe('ranked')).toMatchObject({ query: '', ranked: true });
    expect(parseSubscribe('robots ranked weekly mon at 08:00 empty')).toMatchObject({
      query: 'robots',
      ranked: true,
      rhythm: 'weekly',
      weekday: 1,
      time: '08:00',
      postEmpty: true,
    });
    expect(parseSubscribe('look at ranked things')).toMatchObject({ query: 'look at ranked things', ranked: false });
    expect(parseSubscribe('learning to rank "ranked"')).toMatchObject({
      query: 'learning to rank "ranked"',
      ranked: false,
    });
    expect(parseSubscribe('robots')).toMatchObject({ ranked: false });
    expect(() => parseSubscribe('robots ranked ranked')).toThrow(/"ranked" is given twice/);
    expect(protectQuery('papers ranked')).toBe('papers "ranked"');
  });
});
