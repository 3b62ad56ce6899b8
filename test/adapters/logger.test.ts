import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, forRequest, redact } from '../../src/adapters/logger.ts';
import { slackSignature, startFakeSlack } from '../fakes/fake-slack.ts';
import { servePaperboy } from '../helpers/serve.ts';
import { waitFor } from '../helpers/wait-for.ts';

function sink(isTTY = false) {
  const lines: string[] = [];
  return { stream: { isTTY, write: (text: string) => lines.push(text) }, lines, text: () => lines.join('') };
}

const BOT_TOKEN = 'xoxb-11111-22222-abcdefSECRET';
const APP_TOKEN = 'xapp-1-A111-222-abcdefSECRET';
const SIGNING_SECRET = '8f0e1d2c3b4a5968778695a4b3c2d1e0';
const DISCORD_TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB';

describe('logs', () => {
  it('one JSON object a line when standard error is not a terminal', () => {
    const out = sink(false);
    const logger = createLogger(out.stream);
    logger.info('paperboy: serving');
    logger.error('paperboy digest_failed:', new Error('boom'));
    const [first, second] = out.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out.lines.every((l) => l.endsWith('\n') && l.indexOf('\n') === l.length - 1)).toBe(true);
    expect(first).toMatchObject({ level: 'info', msg: 'paperboy: serving', name: 'paperboy' });
    expect(typeof first?.time).toBe('string');
    expect(second).toMatchObject({ level: 'error', msg: 'paperboy digest_failed:' });
    expect((second?.err as { stack?: string } | undefined)?.stack).toMatch(/Error: boom/);
  });

  it('readable lines on a terminal; LOG_FORMAT overrides either way', () => {
    const tty = sink(true);
    createLogger(tty.stream).child({ platform: 'slack', command: '/paper', requestId: 'r1' }).warn('slow answer');
    expect(tty.text()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}\[slack \/paper r1\] slow answer\n$/);
    const forcedJson = sink(true);
    createLogger(forcedJson.stream, { env: { LOG_FORMAT: 'json' } }).info('x');
    expect(JSON.parse(forcedJson.text())).toMatchObject({ msg: 'x' });
    const forcedPretty = sink(false);
    createLogger(forcedPretty.stream, { env: { LOG_FORMAT: 'pretty' } }).info('x');
    expect(forcedPretty.text()).toMatch(/ INFO {2}x\n$/);
  });

  it('LOG_LEVEL filters (info by default)', () => {
    const quiet = sink();
    const logger = createLogger(quiet.stream, { env: { LOG_LEVEL: 'warn' } });
    logger.info('hidden');
    logger.debug('hidden');
    logger.warn('shown');
    expect(quiet.lines).toHaveLength(1);
    const chatty = sink();
    createLogger(chatty.stream, { env: { LOG_LEVEL: 'debug' } }).debug('shown');
    expect(chatty.lines).toHaveLength(1);
    const normal = sink();
    createLogger(normal.stream).debug('hidden');
    expect(normal.lines).toHaveLength(0);
  });

  it('forRequest adds platform, command and a request id to every line', () => {
    const out = sink();
    const log = forRequest(createLogger(out.stream), { platform: 'discord', command: '/paper' });
    log.info('a');
    log.warn('b');
    const [a, b] = out.lines.map((l) => JSON.parse(l) as Record<string, string>);
    expect(a).toMatchObject({ platform: 'discord', command: '/paper' });
    expect(a?.requestId).toMatch(/^[0-9a-f]{8}$/);
    expect(b?.requestId).toBe(a?.requestId);
  });

  it('tokens, signing secrets and response_urls never reach a line, in either format', () => {
    for (const isTTY of [false, true]) {
      const out = sink(isTTY);
      const env = { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN };
      const logger = createLogger(out.stream, { env, secrets: [DISCORD_TOKEN] });
      logger.info(`token ${BOT_TOKEN} and xoxp-999-888-other and app ${APP_TOKEN}`);
      logger.info('secret is', SIGNING_SECRET, 'discord', DISCORD_TOKEN);
      logger.warn('request', {
        headers: { authorization: `Bearer ${BOT_TOKEN}` },
        response_url: 'http://127.0.0.1:9/respond/x',
      });
      logger.error(
        'failed',
        new Error(`POST https://hooks.slack.com/commands/T1/123/abcSECRET failed for Bot ${DISCORD_TOKEN}`),
      );
      logger.info('signing_secret=abc123SECRET token: "plainSECRET"');
      const text = out.text();
      for (const secret of [BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, DISCORD_TOKEN, 'SECRET', 'xoxp-999', '/respond/x'])
        expect(text).not.toContain(secret);
      expect(text).toContain('[redacted]');
      if (!isTTY) for (const line of out.lines) expect(() => JSON.parse(line)).not.toThrow();
    }
  });

  it('redact leaves ordinary text alone', () => {
    expect(redact('the bot token is valid: paperboy in Test (12 papers)')).toBe(
      'the bot token is valid: paperboy in Test (12 papers)',
    );
  });

  it('a served Slack request: its lines carry platform, command and id; no token, secret or response_url', async () => {
    const slack = await startFakeSlack();
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-logs-'));
    const secret = 'logs-signing-secret-0123456789';
    const served = await servePaperboy(
      ['start', '--db', join(dir, 'p.db')],
      {
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: secret,
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
        LOG_LEVEL: 'debug',
      },
      /HTTP mode on port (\d+)/,
    );
    try {
      const responseUrl = `${slack.url}/respond/logs-1`;
      const body = new URLSearchParams({
        command: '/paper',
        text: 'colour:red',
        response_url: responseUrl,
        user_id: 'U1',
        channel_id: 'C1',
        team_id: 'T1',
        trigger_id: 'trigger-42',
        api_app_id: 'A1',
      }).toString();
      const headers = { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(secret, body) };
      expect(
        (await fetch(`http://127.0.0.1:${served.match[1]}/slack/events`, { method: 'POST', headers, body })).status,
      ).toBe(200);
      await waitFor(() => slack.respondsTo('logs-1').length > 0 && /answered/.test(served.log()));
      const lines = served
        .log()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const request = lines.filter((l) => l.requestId === 'trigger-42');
      expect(request.map((l) => l.msg)).toEqual([expect.stringMatching(/invalid_query/), 'paperboy: answered']);
      for (const line of request) expect(line).toMatchObject({ platform: 'slack', command: '/paper' });
      for (const leak of [BOT_TOKEN, secret, responseUrl, '/respond/logs-1']) expect(served.log()).not.toContain(leak);
    } finally {
      expect(await served.stop()).toBe(0);
      await slack.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
