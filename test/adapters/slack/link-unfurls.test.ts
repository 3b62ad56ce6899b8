import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, slackSignature, startFakeSlack } from '../../fakes/fake-slack.ts';
import { LINKED, writeLinkedRecords } from '../../helpers/link-papers.ts';
import { runPaperboy } from '../../helpers/run-cli.ts';
import { servePaperboy } from '../../helpers/serve.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const SECRET = 'test-signing-secret';
const PAPER_URL = 'https://arxiv.org/abs/2604.19544v2?context=cs';
const OTHER_URL = 'https://arxiv.org/list/cs.CL/recent';
const UNKNOWN_URL = 'https://arxiv.org/abs/2611.30042';

describe('Slack link unfurls: real Bolt over HTTP, fake Slack Web API', () => {
  // The served database lives here for the whole file, so it is removed after all tests, not after each.
  let dir: string;
  let slack: FakeSlack;
  let served: Awaited<ReturnType<typeof servePaperboy>>;
  let base: string;

  beforeAll(async () => {
    slack = await startFakeSlack();
    dir = mkdtempSync(join(tmpdir(), 'paperboy-links-'));
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
    expect(await served?.stop()).toBe(0);
    await slack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const linkShared = (eventId: string, ts: string, urls: string[]) =>
    JSON.stringify({
      token: 'legacy',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: eventId,
      event_time: 1,
      authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
      event: {
        type: 'link_shared',
        channel: 'C1',
        is_bot_user_member: true,
        user: 'U1',
        message_ts: ts,
        unfurl_id: `U-${ts}`,
        source: 'conversations_history',
        links: urls.map((url) => ({ domain: new URL(url).hostname, url })),
        event_ts: ts,
      },
    });
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...slackSignature(SECRET, body), ...headers },
      body,
    });
  const unfurlsOf = (ts: string) => slack.callsTo('chat.unfurl').filter((c) => c.body.ts === ts);

  it("unfurls a paper link with the paper's card, escaped, and leaves other links alone", async () => {
    const response = await post(linkShared('EvL1', '1700000100.000100', [PAPER_URL, OTHER_URL, UNKNOWN_URL]));
    expect(response.status).toBe(200);
    const [call] = await waitFor(() =>
      unfurlsOf('1700000100.000100').length ? unfurlsOf('1700000100.000100') : undefined,
    );
    expect(call?.body.channel).toBe('C1');
    const unfurls = call?.body.unfurls as Record<
      string,
      { blocks: { type: string; text?: { type: string; text: string } }[] }
    >;
    expect(Object.keys(unfurls)).toEqual([PAPER_URL]);
    const blocks = unfurls[PAPER_URL]?.blocks ?? [];
    expect(blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: LINKED.title } });
    const mrkdwn = blocks.flatMap((b) => (b.text?.type === 'mrkdwn' ? [b.text.text] : [])).join('\n');
    expect(mrkdwn).toContain('Ann &lt;!here&gt; Lee');
    expect(mrkdwn).toContain('&lt;@\u200bU123&gt;');
    expect(mrkdwn).not.toMatch(/<!here>|<@U123>/);
    expect(JSON.stringify(blocks)).toContain('https://arxiv.org/abs/2604.19544');
  });

  it('unfurls the links of one message once when Slack delivers link_shared again', async () => {
    const ts = '1700000200.000100';
    const body = linkShared('EvL2', ts, [PAPER_URL]);
    expect((await post(body)).status).toBe(200);
    await waitFor(() => unfurlsOf(ts).length > 0);
    // A retry of the same event, and the same message's link in a new event (Slack sends both).
    expect((await post(body, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).status).toBe(200);
    expect((await post(linkShared('EvL3', ts, [PAPER_URL]))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(unfurlsOf(ts)).toHaveLength(1);
  });

  it('answers /paper with a link by the card, and a mention holding a link in its running text', async () => {
    const form = new URLSearchParams({
      command: '/paper',
      text: '<https://arxiv.org/abs/2604.19544|the DT2IT paper>',
      response_url: `${slack.url}/respond/link1`,
      user_id: 'U1',
      channel_id: 'C1',
      team_id: 'T1',
      trigger_id: crypto.randomUUID(), // unique per invocation, as Slack's are
      token: 'legacy',
      api_app_id: 'A1',
    }).toString();
    const response = await fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(SECRET, form) },
      body: form,
    });
    expect(response.status).toBe(200);
    const [answer] = await waitFor(() => (slack.respondsTo('link1').length ? slack.respondsTo('link1') : undefined));
    expect(JSON.stringify(answer?.body.blocks)).toContain('The paper you linked');
    expect(JSON.stringify(answer?.body.blocks)).toContain('Debiased Preference Construction');

    const ts = '1700000400.000100';
    const mention = JSON.stringify({
      token: 'legacy',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: 'EvM1',
      event_time: 1,
      authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
      event: {
        type: 'app_mention',
        user: 'U1',
        text: '<@UBOT> what do you make of <https://arxiv.org/abs/2604.19544>?',
        ts,
        channel: 'C1',
        event_ts: ts,
      },
    });
    expect((await post(mention)).status).toBe(200);
    const [reply] = await waitFor(() => {
      const posts = slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === ts);
      return posts.length ? posts : undefined;
    });
    expect(JSON.stringify(reply?.body.blocks)).toContain('Debiased Preference Construction');
  });

  it('makes no chat.unfurl call for a message whose links are no papers it knows', async () => {
    const ts = '1700000300.000100';
    expect((await post(linkShared('EvL4', ts, [OTHER_URL, UNKNOWN_URL]))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(unfurlsOf(ts)).toHaveLength(0);
  });
});
