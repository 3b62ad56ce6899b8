import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/adapters/logger.ts';
import {
  createSlackDigestPoster,
  DIGEST_CARDS_PER_MESSAGE,
  DIGEST_EVENT,
} from '../../../src/adapters/slack/digest-poster.ts';
import { SLACK_LIMITS } from '../../../src/adapters/slack/render.ts';
import { DIGEST_MAX_PAPERS } from '../../../src/core/digest/digest-selection.ts';
import { type FakeSlack, startFakeSlack } from '../../fakes/fake-slack.ts';
import { crashingAfterPost, digestFixture } from '../../helpers/digest-fixture.ts';

describe('Slack digests against a fake Slack', () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await startFakeSlack();
  });
  afterEach(async () => {
    await slack.stop();
  });
  const poster = () =>
    createSlackDigestPoster({ token: 'xoxb-test', apiUrl: slack.apiUrl, logger: createLogger(new PassThrough()) });
  const context = { platform: 'slack' as const, channel: 'C1', user: 'U1' };

  it('shows 50 of 200 new papers in a summary and thread messages within Slack limits, and says how many more', async () => {
    const t = await digestFixture(context);
    await t.addPapers(200);
    const [outcome] = await t.run('2026-11-29T09:00:00Z', { slack: poster() });
    expect(outcome?.status).toBe('sent');
    const posts = slack.callsTo('chat.postMessage');
    const [summary, ...thread] = posts;
    expect(summary?.body.channel).toBe('C1');
    expect(summary?.body.thread_ts).toBeUndefined();
    expect(thread.length).toBe(Math.ceil(DIGEST_MAX_PAPERS / DIGEST_CARDS_PER_MESSAGE));
    expect(JSON.stringify(summary?.body.blocks)).toContain(`${200 - DIGEST_MAX_PAPERS} more new papers: /paper since:`);
    const ts = slack.history('C1').at(-1)?.ts;
    let papers = 0;
    for (const post of posts) {
      const blocks = post.body.blocks as { type: string; text?: { text: string } }[];
      expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      for (const block of blocks) expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect((post.body.metadata as { event_type: string }).event_type).toBe(DIGEST_EVENT);
      if (post !== summary) {
        expect(post.body.thread_ts).toBe(ts);
        papers += blocks.length;
      }
    }
    expect(papers).toBe(DIGEST_MAX_PAPERS);
  });

  it('retries a 429 after Retry-After and delivers the digest once', async () => {
    const t = await digestFixture(context);
    await t.addPapers(3);
    slack.failNext('chat.postMessage', 429, 1);
    const [outcome] = await t.run('2026-11-29T09:00:00Z', { slack: poster() });
    expect(outcome?.status).toBe('sent');
    expect(slack.history('C1')).toHaveLength(2);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(3);
  });

  it('finds a digest posted just before a crash in the channel history and does not post it again', async () => {
    const t = await digestFixture(context);
    await t.addPapers(3);
    const [first] = await t.run('2026-11-29T09:00:00Z', { slack: crashingAfterPost(poster()) });
    expect(first?.status).toBe('outcome_unknown');
    // Looked at again after the recheck delay (2 minutes), before anything is sent again.
    expect((await t.run('2026-11-29T09:01:00Z', { slack: poster() }))[0]?.status).toBe('busy');
    const [second] = await t.run('2026-11-29T09:03:00Z', { slack: poster() });
    expect(second?.status).toBe('recovered');
    expect(slack.history('C1').filter((m) => m.thread_ts === undefined)).toHaveLength(1);
  });

  it('after a crash in the middle of the thread, posts only the missing part on restart', async () => {
    const t = await digestFixture(context);
    await t.addPapers(200);
    // The summary and the first chunk go out; the second chunk fails and the run stops there.
    slack.failNext('chat.postMessage', 200, 0, 1, 2);
    expect((await t.run('2026-11-29T09:00:00Z', { slack: poster() }))[0]?.status).toBe('failed');
    expect(slack.history('C1')).toHaveLength(2);
    expect((await t.run('2026-11-29T09:01:00Z', { slack: poster() }))[0]?.status).toBe('recovered');
    const messages = slack.history('C1');
    expect(messages.filter((m) => m.thread_ts === undefined)).toHaveLength(1);
    const thread = messages.filter((m) => m.thread_ts !== undefined);
    expect(thread).toHaveLength(Math.ceil(DIGEST_MAX_PAPERS / DIGEST_CARDS_PER_MESSAGE));
    expect(thread.reduce((n, m) => n + (m.blocks as unknown[]).length, 0)).toBe(DIGEST_MAX_PAPERS);
  });

  it('sends a watch to the person, not the channel', async () => {
    const t = await digestFixture(context, '/digest watch tiny models');
    await t.addPapers(2);
    await t.run('2026-11-28T12:15:00Z', { slack: poster() });
    expect(slack.callsTo('conversations.open')[0]?.body.users).toBe('U1');
    expect(slack.history('DU1')).toHaveLength(2);
    expect(slack.history('C1')).toHaveLength(0);
  });
});
