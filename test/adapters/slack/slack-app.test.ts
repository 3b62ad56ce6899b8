import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSlack, SLACK_LIMITS } from '../../../src/adapters/slack/render.ts';
import { type FakeSlack, slackSignature, startFakeSlack } from '../../fakes/fake-slack.ts';
import { servePaperboy } from '../../helpers/serve.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const SECRET = 'test-signing-secret';
type Served = Awaited<ReturnType<typeof servePaperboy>>;

function checkBlocks(blocks: Record<string, unknown>[]) {
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  for (const block of blocks) {
    const text = block.text as { type: string; text: string } | undefined;
    if (block.type === 'header') expect(text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.header);
    if (block.type === 'section' && text) expect(text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    if (block.type === 'actions') {
      const elements = block.elements as { action_id?: string; value?: string; text: { text: string } }[];
      expect(elements.length).toBeLessThanOrEqual(SLACK_LIMITS.actionsElements);
      for (const e of elements) {
        expect(e.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
        expect((e.action_id ?? '').length).toBeLessThanOrEqual(SLACK_LIMITS.actionId);
        expect((e.value ?? '').length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
      }
      expect(new Set(elements.map((e) => e.action_id)).size).toBe(elements.length);
    }
  }
}

describe('Slack over HTTP: real Bolt, real HTTP, fake Slack', () => {
  let slack: FakeSlack;
  let served: Served;
  let dir: string;
  let base: string;

  beforeAll(async () => {
    slack = await startFakeSlack();
    dir = mkdtempSync(join(tmpdir(), 'paperboy-slack-'));
    served = await servePaperboy(
      ['start', '--db', join(dir, 'p.db')],
      { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl, PORT: '0' },
      /HTTP mode on port (\d+)/,
    );
    base = `http://127.0.0.1:${served.match[1]}`;
  });
  afterAll(async () => {
    expect(await served.stop()).toBe(0);
    await slack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (
    body: string,
    contentType: string,
    headers: Record<string, string> = slackSignature(SECRET, body),
  ) => fetch(`${base}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
  const slash = (text: string, id: string, command = '/paper') =>
    new URLSearchParams({
      command,
      text,
      response_url: `${slack.url}/respond/${id}`,
      user_id: 'U1',
      channel_id: 'C1',
      team_id: 'T1',
      trigger_id: crypto.randomUUID(), // unique per invocation, as Slack's are
      token: 'legacy',
      api_app_id: 'A1',
    }).toString();
  const FORM = 'application/x-www-form-urlencoded';

  it('answers GET /healthz', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('acks /paper within 3 s and answers through response_url with valid blocks', async () => {
    const started = Date.now();
    const response = await post(slash('sycophancy', 'p1'), FORM);
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
    const [call] = await waitFor(() => (slack.respondsTo('p1').length ? slack.respondsTo('p1') : undefined));
    const blocks = call?.body.blocks as Record<string, unknown>[];
    expect(call?.body.response_type).toBe('ephemeral');
    checkBlocks(blocks);
    expect(JSON.stringify(blocks)).toContain('Towards Understanding Sycophancy in Language Models');
    expect(JSON.stringify(blocks)).toContain('pb_share');
  });

  it('answers /author with the metrics card', async () => {
    await post(slash('Zac Hatfield-Dodds', 'a1', '/author'), FORM);
    const [call] = await waitFor(() => (slack.respondsTo('a1').length ? slack.respondsTo('a1') : undefined));
    expect(JSON.stringify(call?.body.blocks)).toContain('15,836');
  });

  it('rejects a forged or stale signature with 401 and posts nothing', async () => {
    const body = slash('sycophancy', 'forged');
    expect((await post(body, FORM, slackSignature('wrong-secret', body))).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 10 * 60;
    expect((await post(body, FORM, slackSignature(SECRET, body, stale))).status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.respondsTo('forged')).toEqual([]);
  });

  const mention = (eventId: string, text: string, ts: string) =>
    JSON.stringify({
      token: 'legacy',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: eventId,
      event_time: 1,
      authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
      event: { type: 'app_mention', user: 'U1', text, ts, channel: 'C1', event_ts: ts },
    });

  it('R10: a signed /digest subscribe replayed within the 5 minutes runs once; typed again it is refused as identical', async () => {
    const body = slash('subscribe sycophancy at 07:15', 'sub1', '/digest');
    const headers = slackSignature(SECRET, body);
    // The same bytes and signature twice, as someone who captured the request would send them.
    expect((await post(body, FORM, headers)).status).toBe(200);
    expect((await post(body, FORM, headers)).status).toBe(200);
    await waitFor(() => (slack.respondsTo('sub1').length ? true : undefined));
    await post(slash('list', 'list1', '/digest'), FORM);
    const [list] = await waitFor(() => (slack.respondsTo('list1').length ? slack.respondsTo('list1') : undefined));
    expect(slack.respondsTo('sub1')).toHaveLength(1);
    expect(JSON.stringify(list?.body.blocks).match(/“sycophancy”/g)).toHaveLength(1);
    // A new invocation (a new trigger id) of the same subscription: refused, naming the one there.
    await post(slash('subscribe sycophancy at 07:15', 'sub2', '/digest'), FORM);
    const [again] = await waitFor(() => (slack.respondsTo('sub2').length ? slack.respondsTo('sub2') : undefined));
    expect(JSON.stringify(again?.body.blocks)).toMatch(/exists already: #\d+ “sycophancy”/);
  });

  it('answers a mention in a thread, once even when Slack delivers the event twice', async () => {
    const body = mention('Ev1', '<@UBOT> papers on sycophancy', '1700000000.000100');
    expect((await post(body, 'application/json')).status).toBe(200);
    expect(
      (await post(body, 'application/json', { ...slackSignature(SECRET, body), 'x-slack-retry-num': '1' })).status,
    ).toBe(200);
    const [reply] = await waitFor(() =>
      slack.callsTo('chat.postMessage').length ? slack.callsTo('chat.postMessage') : undefined,
    );
    await new Promise((r) => setTimeout(r, 300));
    const posts = slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === '1700000000.000100');
    expect(posts).toHaveLength(1);
    expect(reply?.body.channel).toBe('C1');
    expect(JSON.stringify(reply?.body.blocks)).toContain('Sycophancy');
  });

  it('escapes <!channel> and & in user data so nobody is pinged', () => {
    const message = renderSlack({
      kind: 'notice',
      text: 'Title with <!channel> & <@U123>',
    });
    // `@` is followed by a zero-width space, so a bare @channel is no mention either.
    expect(JSON.stringify(message.blocks)).toContain('&lt;!channel&gt; &amp; &lt;@\u200bU123&gt;');
    expect(JSON.stringify(message.blocks)).not.toContain('<!channel>');
  });

  type Button = { action_id: string; value: string };
  type Block = { block_id?: string; elements?: Button[] };
  const click = (button: Button | undefined, responseId: string, blockId = 'nav') => {
    const payload = JSON.stringify({
      type: 'block_actions',
      user: { id: 'U1' },
      team: { id: 'T1' },
      api_app_id: 'A1',
      token: 'legacy',
      channel: { id: 'C1' },
      container: { type: 'message', message_ts: '1.1', is_ephemeral: true },
      trigger_id: crypto.randomUUID(), // unique per invocation, as Slack's are
      response_url: `${slack.url}/respond/${responseId}`,
      actions: [
        { type: 'button', action_id: button?.action_id, value: button?.value, block_id: blockId, action_ts: '1.2' },
      ],
    });
    return post(new URLSearchParams({ payload }).toString(), FORM);
  };
  const answerTo = async (responseId: string) =>
    (await waitFor(() => (slack.respondsTo(responseId).length ? slack.respondsTo(responseId) : undefined)))[0];
  const buttonsOf = (call: { body: Record<string, unknown> } | undefined) =>
    ((call?.body.blocks ?? []) as Block[]).flatMap((b) => b.elements ?? []);

  it('pages with the Next button, replacing the message', async () => {
    await post(slash('year:2022', 'n1'), FORM);
    const next = buttonsOf(await answerTo('n1')).find((e) => e.value?.startsWith('pg:2:'));
    expect(next).toBeDefined();
    expect((await click(next, 'n2')).status).toBe(200);
    const page = await answerTo('n2');
    expect(page?.body.replace_original).toBe(true);
    expect(JSON.stringify(page?.body.blocks)).toMatch(/6–\d+ of \d+/);
  });

  it('shares an ephemeral answer to the channel, and answers "more like this"', async () => {
    await post(slash('toy models superposition', 's1'), FORM);
    const buttons = buttonsOf(await answerTo('s1'));
    await click(
      buttons.find((b) => b.action_id === 'pb_share'),
      's2',
    );
    await waitFor(() => slack.respondsTo('s2').length >= 2);
    const [shared, removed] = slack.respondsTo('s2');
    expect(shared?.body).toMatchObject({ response_type: 'in_channel', replace_original: false });
    expect(JSON.stringify(shared?.body.blocks)).toContain('Toy Models of Superposition');
    expect(JSON.stringify(shared?.body.blocks)).not.toContain('pb_share');
    expect(removed?.body).toMatchObject({ delete_original: true });

    // "More like this" sits in each card's overflow menu, beside Save and Cite.
    const menus = (
      ((await answerTo('s1'))?.body.blocks ?? []) as { accessory?: { action_id: string; options: Button[] } }[]
    ).flatMap((b) => (b.accessory ? [b.accessory] : []));
    const moreOption = menus[0]?.options.find((o) => o.value.startsWith('mo:'));
    const payload = JSON.stringify({
      type: 'block_actions',
      user: { id: 'U1' },
      team: { id: 'T1' },
      api_app_id: 'A1',
      token: 'legacy',
      channel: { id: 'C1' },
      container: { type: 'message', message_ts: '1.1', is_ephemeral: true },
      trigger_id: crypto.randomUUID(), // unique per invocation, as Slack's are
      response_url: `${slack.url}/respond/s3`,
      actions: [
        {
          type: 'overflow',
          action_id: menus[0]?.action_id,
          block_id: 'b',
          selected_option: moreOption,
          action_ts: '1.2',
        },
      ],
    });
    await post(new URLSearchParams({ payload }).toString(), FORM);
    const more = await answerTo('s3');
    expect(JSON.stringify(more?.body.blocks)).toMatch(/More like/);
  });

  it('H8 the fallback text of an answer and of its shared copy is escaped: <!here> in the query pings nobody', async () => {
    // "here" is a stopword, so the query still finds papers and its echo reaches the heading and the text.
    await post(slash('sycophancy <!here>', 'h8'), FORM);
    const answer = await answerTo('h8');
    const shown = (body: Record<string, unknown> | undefined) =>
      `${String(body?.text)} ${JSON.stringify((body?.blocks as Block[] | undefined)?.filter((b) => !b.elements))}`;
    expect(String(answer?.body.text)).toContain('&lt;!here&gt;');
    expect(shown(answer?.body)).not.toContain('<!here>');
    await click(
      buttonsOf(answer).find((b) => b.action_id === 'pb_share'),
      'h8s',
    );
    await waitFor(() => slack.respondsTo('h8s').length >= 2);
    const [shared] = slack.respondsTo('h8s');
    expect(shared?.body.response_type).toBe('in_channel');
    expect(String(shared?.body.text)).toContain('&lt;!here&gt;');
    expect(shown(shared?.body)).not.toContain('<!here>');
  });

  it('retries a post Slack answered with 429 after Retry-After, and posts it once', async () => {
    slack.failNext('chat.postMessage', 429, 1);
    const body = mention('Ev429', '<@UBOT> help', '1700000001.000100');
    await post(body, 'application/json');
    const attempts = await waitFor(() => {
      const calls = slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === '1700000001.000100');
      return calls.length >= 2 ? calls : undefined;
    }, 8000);
    expect(attempts).toHaveLength(2);
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it('acks 50 concurrent /paper requests within 3 s each', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const started = Date.now();
        const response = await post(slash(i % 2 ? 'language models' : 'sycophancy', `c${i}`), FORM);
        return { status: response.status, ms: Date.now() - started };
      }),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(Math.max(...results.map((r) => r.ms))).toBeLessThan(3000);
    await waitFor(() => Array.from({ length: 50 }, (_, i) => slack.respondsTo(`c${i}`).length).every((n) => n === 1));
  });
});
