import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_SIZE } from '../../../src/adapters/chart/render-png.ts';
import { SLACK_LIMITS } from '../../../src/adapters/slack/render.ts';
import { type FakeSlack, slackSignature, startFakeSlack } from '../../fakes/fake-slack.ts';
import { decodePng } from '../../helpers/png.ts';
import { servePaperboy } from '../../helpers/serve.ts';
import { SAMPLE_PAGE } from '../../helpers/shared-data.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const SECRET = 'test-signing-secret';
type Block = { type: string; text?: { text: string }; slack_file?: { id: string }; alt_text?: string };

describe('Slack author cards carry their chart: real Bolt over HTTP, fake Slack', () => {
  let slack: FakeSlack;
  let served: Awaited<ReturnType<typeof servePaperboy>>;
  let dir: string;
  let base: string;

  beforeAll(async () => {
    slack = await startFakeSlack();
    dir = mkdtempSync(join(tmpdir(), 'paperboy-slack-author-'));
    const profiles = join(dir, 'profiles');
    mkdirSync(profiles);
    copyFileSync(SAMPLE_PAGE, join(profiles, 'zac.txt'));
    served = await servePaperboy(
      ['start', '--db', join(dir, 'p.db'), '--profiles', profiles],
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

  const slash = (text: string, id: string) => {
    const body = new URLSearchParams({
      command: '/author',
      text,
      response_url: `${slack.url}/respond/${id}`,
      user_id: 'U1',
      channel_id: 'C1',
      team_id: 'T1',
      trigger_id: `t-${id}`,
      token: 'legacy',
      api_app_id: 'A1',
    }).toString();
    return fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(SECRET, body) },
      body,
    });
  };
  const blocksOf = (call: { body: Record<string, unknown> } | undefined) => (call?.body.blocks ?? []) as Block[];

  it('uploads the PNG without a channel and shows it by an image block, retrying while Slack processes it', async () => {
    slack.processFilesAfter(1);
    await slash('Amanda Askell', 'a1');
    const calls = await waitFor(() => (slack.respondsTo('a1').length >= 2 ? slack.respondsTo('a1') : undefined));
    const image = blocksOf(calls[1]).find((b) => b.type === 'image');
    expect(image?.slack_file?.id).toBeTruthy();
    expect(image?.alt_text?.length).toBeLessThanOrEqual(SLACK_LIMITS.imageAltText);
    // The first try was refused (still processing); the second shows the same file.
    expect(blocksOf(calls[0]).find((b) => b.type === 'image')?.slack_file?.id).toBe(image?.slack_file?.id);
    const [complete] = slack.callsTo('files.completeUploadExternal');
    expect(complete?.body.channel_id).toBeUndefined();
    expect(decodePng(slack.uploadedBytes(image?.slack_file?.id ?? '') as Buffer)).toMatchObject(CHART_SIZE);
    expect(blocksOf(calls[1]).length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  });

  it('a chart Slack never shows leaves the card with its sparkline', async () => {
    slack.processFilesAfter(100);
    await slash('Amanda Askell vs Deep Ganguli', 'a2');
    const calls = await waitFor(() => {
      const all = slack.respondsTo('a2');
      return all.some((c) => !blocksOf(c).some((b) => b.type === 'image')) ? all : undefined;
    }, 15_000);
    const last = blocksOf(calls[calls.length - 1]);
    expect(last.some((b) => b.type === 'image')).toBe(false);
    expect(JSON.stringify(last)).toMatch(/Per year\*\\n\d{4} [▁▂▃▄▅▆▇█·]+/);
    slack.processFilesAfter(0);
  });
});
