import { describe, expect, it } from 'vitest';
import { parseSubscribe, protectQuery } from '../../../src/core/commands/subscribe-grammar.ts';
import { createSqliteStore } from '../../../src/core/store/sqlite-store.ts';
import { chatWithDigests } from '../../helpers/digest-fixture.ts';

function setup() {
  const store = createSqliteStore(':memory:');
  const { chat, digests } = chatWithDigests(store, () => new Date('2026-11-28T12:00:00Z'));
  const context = { platform: 'slack' as const, channel: 'C1', user: 'U1' };
  return { store, chat, digests, context, handle: (text: string) => chat.handle(text, context) };
}

describe('/digest subscribe and watch grammar', () => {
  it('H5 refuses `empty` for a watch, saying why, and makes no watch', () => {
    const t = setup();
    expect(t.handle('/digest watch reward hacking empty')).toMatchObject({
      kind: 'error',
      code: 'invalid_query',
      message: expect.stringMatching(/every 15 minutes.*No new papers/),
    });
    expect(t.digests.listSubscriptions()).toEqual([]);
    expect(t.handle('/digest watch reward hacking')).toMatchObject({ kind: 'notice' });
    expect(t.digests.listSubscriptions()).toMatchObject([{ kind: 'watch', query: 'reward hacking', postEmpty: false }]);
  });

  it('H5 an older watch saved with post_empty = 1 is not listed as posting empty days', () => {
    const t = setup();
    t.handle('/digest watch reward hacking');
    // What an older Paperboy stored for `/digest watch reward hacking empty`.
    t.store.db.prepare('UPDATE subscriptions SET post_empty = 1').run();
    expect(t.handle('/digest list')).toMatchObject({
      kind: 'notice',
      text: expect.not.stringMatching(/no new papers/),
    });
  });

  it('H6 refuses `at` and `tz` for a watch, saying why, rather than ignoring them', () => {
    const t = setup();
    for (const options of ['at 09:00', 'tz Europe/Berlin', 'at 07:30 tz UTC']) {
      expect(t.handle(`/digest watch robots ${options}`)).toMatchObject({
        kind: 'error',
        code: 'invalid_query',
        message: expect.stringMatching(/A watch has no time of day: .*every 15 minutes.*\/digest subscribe robots/),
      });
    }
    expect(t.digests.listSubscriptions()).toEqual([]);
  });

  it('H6 refuses a clock time with seconds rather than searching for it: at 09:00:00', () => {
    const t = setup();
    expect(t.handle('/digest subscribe robots at 09:00:00')).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/"at 09:00:00": expected a time like 09:00/),
    });
    expect(parseSubscribe('papers at 2023')).toMatchObject({ query: 'papers at 2023' });
  });

  it('H6 stores a time zone under its proper name whatever case it was typed in', () => {
    const t = setup();
    expect(t.handle('/digest subscribe robots tz europe/berlin')).toMatchObject({
      kind: 'notice',
      text: expect.stringContaining('daily at 09:00 Europe/Berlin'),
    });
    expect(parseSubscribe('tz utc')).toMatchObject({ query: '', tz: 'UTC' });
  });

  it('H6 takes option words inside the query as query words: /digest subscribe look at transformers', () => {
    const t = setup();
    expect(t.handle('/digest subscribe look at transformers')).toMatchObject({
      kind: 'notice',
      text: expect.stringContaining('“look at transformers” · daily at 09:00 UTC'),
    });
    t.handle('/digest subscribe empty chairs at night tz data');
    t.handle('/digest subscribe papers at 2023');
    expect(t.digests.listSubscriptions().map((s) => [s.query, s.time, s.tz, s.postEmpty])).toEqual([
      ['look at transformers', '09:00', 'UTC', false],
      ['empty chairs at night tz data', '09:00', 'UTC', false],
      ['papers at 2023', '09:00', 'UTC', false],
    ]);
    expect(t.handle('/help digest')).toMatchObject({
      kind: 'help',
      commands: [{ description: expect.stringMatching(/Options come last, after the query.*"quoted" word/) }],
    });
  });

  it('H6 keeps a quoted word in the query: /digest subscribe "empty" results', () => {
    const t = setup();
    t.handle('/digest subscribe "empty" results');
    t.handle('/digest subscribe results "empty"');
    t.handle('/digest subscribe "empty" results empty');
    t.handle('/digest subscribe "the empty set"');
    t.handle('/digest subscribe "meetings at 09:00" tz Asia/Tokyo');
    expect(t.digests.listSubscriptions().map((s) => [s.query, s.postEmpty, s.tz])).toEqual([
      ['"empty" results', false, 'UTC'],
      ['results "empty"', false, 'UTC'],
      ['"empty" results', true, 'UTC'],
      ['"the empty set"', false, 'UTC'],
      ['"meetings at 09:00"', false, 'Asia/Tokyo'],
    ]);
  });

  it('H6 reads options only as a trailing run, in any order, each once', () => {
    const t = setup();
    t.handle('/digest subscribe look at transformers empty tz Europe/Berlin at 7:30');
    expect(t.digests.listSubscriptions().map((s) => [s.query, s.time, s.tz, s.postEmpty])).toEqual([
      ['look at transformers', '07:30', 'Europe/Berlin', true],
    ]);
    expect(parseSubscribe('at 08:00 tz UTC')).toMatchObject({ query: '', time: '08:00', tz: 'UTC', postEmpty: false });
    expect(parseSubscribe('by:"Deep Ganguli" cat:CL at 08:00')).toMatchObject({
      query: 'by:"Deep Ganguli" cat:CL',
      time: '08:00',
    });
    // An option in the middle is part of the query; options after it still count.
    expect(parseSubscribe('llm empty prompts empty')).toMatchObject({ query: 'llm empty prompts', postEmpty: true });
    expect(t.handle('/digest subscribe x at 08:00 at 09:00')).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/"at" is given twice/),
    });
    expect(t.handle('/digest subscribe x at 9am')).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/time like 09:00/),
    });
    expect(t.handle('/digest subscribe x tz Europe/Berln')).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/time zone like Europe\/Berlin/),
    });
    expect(t.digests.listSubscriptions()).toHaveLength(1);
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
  it('is refused rather than taken as "every new paper" (`???`), and says how to ask for all', () => {
    const t = setup();
    const reply = t.handle('/digest subscribe ???');
    expect(reply).toMatchObject({ kind: 'error', code: 'invalid_query' });
    expect(JSON.stringify(reply)).toMatch(/no word or filter to match.*leave the query out/);
    expect(t.handle('/digest watch ¿¡…')).toMatchObject({ kind: 'error', code: 'invalid_query' });
    expect(t.digests.listSubscriptions()).toEqual([]);
    expect(t.handle('/digest subscribe cat:CL')).toMatchObject({ kind: 'notice' });
  });
});
