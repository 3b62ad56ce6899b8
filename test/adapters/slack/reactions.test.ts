import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTaste } from '../../../src/adapters/sqlite/sqlite-taste.ts';
import type { TasteOwner } from '../../../src/core/foryou/taste-store.ts';
import { type FakeSlack, slackSignature, startFakeSlack } from '../../fakes/fake-slack.ts';
import { writeLinkedRecords } from '../../helpers/link-papers.ts';
import { runPaperboy } from '../../helpers/run-cli.ts';
import { servePaperboy } from '../../helpers/serve.ts';
import { waitFor, waitForAsync } from '../../helpers/wait-for.ts';

const SECRET = 'test-signing-secret';
const PAPER_URL = 'https://arxiv.org/abs/2604.19544';
const PERSON: TasteOwner = { kind: 'user', platform: 'slack', space: 'T1', id: 'U2' };
const CHANNEL: TasteOwner = { kind: 'channel', platform: 'slack', space: 'T1', id: 'C1' };

describe('Slack reactions: real Bolt over HTTP, fake Slack', () => {
  let slack: FakeSlack;
  let served: Awaited<ReturnType<typeof servePaperboy>>;
  let dir: string;
  let base: string;
  let events = 0;

  beforeAll(async () => {
    slack = await startFakeSlack();
    dir = mkdtempSync(join(tmpdir(), 'paperboy-slack-reactions-'));
    const db = join(dir, 'p.db');
    expect((await runPaperboy(['ingest', writeLinkedRecords(dir), '--db', db])).code).toBe(0);
    served = await servePaperboy(
      ['start', '--db', db],
      {
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
        PAPERBOY_ARXIV_LOOKUP: 'off',
      },
      /HTTP mode on port (\d+)/,
    );
    base = `http://127.0.0.1:${served.match[1]}`;
  });
  afterAll(async () => {
    expect(await served.stop()).toBe(0);
    await slack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (event: Record<string, unknown>) => {
    const body = JSON.stringify({
      token: 'legacy',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: `EvR${++events}`,
      event_time: 1,
      authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
      event,
    });
    return fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...slackSignature(SECRET, body) },
      body,
    });
  };
  const react = (type: 'reaction_added' | 'reaction_removed', user: string, reaction: string, ts: string) =>
    post({ type, user, reaction, item_user: 'UBOT', item: { type: 'message', channel: 'C1', ts }, event_ts: '9.1' });
  const signalsOf = async (owner: TasteOwner) => {
    const reader = createSqliteStore(join(dir, 'p.db'), { readonly: true });
    try {
      return (await createSqliteTaste(reader.db).signals(owner)).map((s) => [s.source, s.actor, s.paperId]);
    } finally {
      await reader.close();
    }
  };
  /** Mentions Paperboy and returns the ts of its answer in the thread. */
  const answerTs = async (text: string, ts: string) => {
    await post({ type: 'app_mention', user: 'U1', text: `<@UBOT> ${text}`, ts, channel: 'C1', event_ts: ts });
    const answer = await waitFor(() => slack.history('C1').find((m) => m.thread_ts === ts));
    return { ts: String(answer.ts), blocks: JSON.stringify(answer.blocks) };
  };

  it('a 👍 on a single-card answer is a signal for the person and the channel; removed, it is gone', async () => {
    const single = await answerTs(`<${PAPER_URL}>`, '1700000300.000100');
    const paperId = Number(/id (\d+)/.exec(single.blocks)?.[1]);
    expect(paperId).toBeGreaterThan(0);

    await react('reaction_added', 'U2', '+1::skin-tone-4', single.ts);
    const mine = await waitForAsync(async () => ((await signalsOf(PERSON)).length ? signalsOf(PERSON) : undefined));
    expect(mine).toEqual([['reaction_up', 'U2', paperId]]);
    expect(await signalsOf(CHANNEL)).toEqual([['reaction_up', 'U2', paperId]]);

    await react('reaction_removed', 'U2', '+1::skin-tone-4', single.ts);
    await waitForAsync(async () => (await signalsOf(PERSON)).length === 0);
    expect(await signalsOf(CHANNEL)).toEqual([]);
  });

  it('a bot’s reaction, one on a many-card answer, an unknown message or another emoji is ignored', async () => {
    const single = await answerTs(`<${PAPER_URL}>`, '1700000400.000100');
    const many = await answerTs('linked paper', '1700000500.000100');
    expect(many.blocks.match(/id \d+/g)?.length ?? 0).toBeGreaterThan(1);
    slack.addBot('UOTHERBOT');

    await react('reaction_added', 'UOTHERBOT', '+1', single.ts);
    await react('reaction_added', 'U3', '+1', many.ts);
    await react('reaction_added', 'U3', '-1', '1699999999.000100');
    await react('reaction_added', 'U3', 'tada', single.ts);
    await waitFor(() => slack.callsTo('users.info').some((c) => c.body.user === 'UOTHERBOT'));
    // Then one that counts: once it is stored, the ones before it have been handled.
    await react('reaction_added', 'U3', '-1', single.ts);
    const owner = { ...PERSON, id: 'U3' };
    const mine = await waitForAsync(async () => ((await signalsOf(owner)).length ? signalsOf(owner) : undefined));
    expect(mine.map(([source]) => source)).toEqual(['reaction_down']);
    expect(await signalsOf({ ...PERSON, id: 'UOTHERBOT' })).toEqual([]);
    expect((await signalsOf(CHANNEL)).map(([source, actor]) => [source, actor])).toEqual([['reaction_down', 'U3']]);
  });

  it('a 👍 on a message whose one paper link Paperboy unfurled is a signal', async () => {
    const ts = '1700000600.000100';
    await post({
      type: 'link_shared',
      channel: 'C1',
      is_bot_user_member: true,
      user: 'U1',
      message_ts: ts,
      unfurl_id: `U-${ts}`,
      source: 'conversations_history',
      links: [{ domain: 'arxiv.org', url: PAPER_URL }],
      event_ts: ts,
    });
    await waitFor(() => slack.callsTo('chat.unfurl').some((c) => c.body.ts === ts));
    const owner = { ...PERSON, id: 'U4' };
    // The unfurl is answered before the message is remembered: a reaction may have to come again.
    await waitForAsync(async () => {
      await react('reaction_added', 'U4', 'thumbsup', ts);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return (await signalsOf(owner)).length > 0;
    });
    expect((await signalsOf(owner)).map(([source]) => source)).toEqual(['reaction_up']);
  });
});
