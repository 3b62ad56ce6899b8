import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { DoctorCheck } from '../../src/cli/doctor-check.ts';
import { SLACK_MANIFEST_SCOPES } from '../../src/cli/doctor-platforms.ts';
import { PROJECT_ROOT } from '../../src/config.ts';
import { APP_ID, GUILD_ID, startFakeDiscord } from '../fakes/fake-discord.ts';
import { FAKE_SLACK_SCOPES, startFakeSlack } from '../fakes/fake-slack.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const BOT_TOKEN = 'xoxb-doctor-secret-bot-token-1111';
const APP_TOKEN = 'xapp-doctor-secret-app-token-2222';
const SIGNING_SECRET = 'doctor-signing-secret-3333';
const DISCORD_TOKEN = 'doctor.discord.secret-token-4444';
const TOKENS = [BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, DISCORD_TOKEN];

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function doctor(env: NodeJS.ProcessEnv, db: string, extra: string[] = []) {
  const run = await runPaperboy(['doctor', '--json', '--db', db, ...extra], {
    env: { PAPERBOY_PROFILES: join(PROJECT_ROOT, 'data', 'profiles'), ...env },
  });
  const text = await runPaperboy(['doctor', '--db', db, ...extra], {
    env: { PAPERBOY_PROFILES: join(PROJECT_ROOT, 'data', 'profiles'), ...env },
  });
  // Whatever a check quotes, no token or secret is ever printed, in either form.
  for (const token of TOKENS)
    for (const out of [run.stdout, run.stderr, text.stdout, text.stderr]) expect(out).not.toContain(token);
  const answer = JSON.parse(run.stdout) as { ok: boolean; checks: DoctorCheck[] };
  return { code: run.code, ok: answer.ok, check: (id: string) => answer.checks.find((c) => c.id === id) };
}

/** A tiny HTTP server answering every request with `answer`. */
async function serve(answer: (path: string) => { status: number; body: string; type?: string }) {
  const server: Server = createServer((req, res) => {
    const { status, body, type } = answer(req.url ?? '');
    res.writeHead(status, { 'content-type': type ?? 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('paperboy doctor: Slack', () => {
  const tempDir = useTempDir();
  const db = () => join(tempDir(), 'absent.db');

  it('the scopes doctor expects are exactly those manifest.yml asks for', () => {
    const manifest = parse(readFileSync(join(PROJECT_ROOT, 'manifest.yml'), 'utf8')) as {
      oauth_config: { scopes: { bot: string[] } };
    };
    expect([...SLACK_MANIFEST_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
    expect([...FAKE_SLACK_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });

  it('HTTP mode: a valid token with every scope and a signing secret is ok', async () => {
    const slack = await startFakeSlack({ botToken: BOT_TOKEN });
    stops.push(slack.stop);
    const env = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl };
    const result = await doctor(env, db());
    expect(result.check('slack_token')).toMatchObject({ status: 'ok', message: expect.stringMatching(/valid/) });
    expect(result.check('slack_scopes')).toMatchObject({ status: 'ok' });
    expect(result.check('slack_mode')).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(/HTTP mode on port 3000/),
    });
    expect(result.code).toBe(0);
  });

  it('slack_token: a token Slack refuses fails', async () => {
    const slack = await startFakeSlack({ botToken: 'xoxb-the-real-one' });
    stops.push(slack.stop);
    const env = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl };
    const result = await doctor(env, db());
    expect(result.check('slack_token')).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/invalid_auth/),
    });
    expect(result.check('slack_scopes')?.status).toBe('fail');
    expect(result.code).toBe(1);
  });

  it('slack_token: Slack unreachable fails', async () => {
    const env = {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: 'http://127.0.0.1:1/api/',
    };
    expect((await doctor(env, db())).check('slack_token')).toMatchObject({ status: 'fail' });
  });

  it('slack_scopes: a token granted fewer scopes than the manifest asks fails, naming the missing ones', async () => {
    const slack = await startFakeSlack({
      botToken: BOT_TOKEN,
      scopes: ['chat:write', 'commands', 'app_mentions:read'],
    });
    stops.push(slack.stop);
    const env = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl };
    const result = await doctor(env, db());
    expect(result.check('slack_scopes')).toMatchObject({
      status: 'fail',
      message:
        'the token lacks scopes manifest.yml asks for: channels:history, groups:history, im:history, im:write, files:write, links:read, links:write, reactions:read, users:read',
      fix: expect.stringMatching(/reinstall/),
    });
    expect(result.code).toBe(1);
  });

  it('slack_mode: Socket Mode is ok when the app-level token opens connections, fails when refused', async () => {
    const slack = await startFakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
    stops.push(slack.stop);
    const env = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: slack.apiUrl };
    expect((await doctor(env, db())).check('slack_mode')).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(/Socket Mode/),
    });
    const refused = await doctor({ ...env, SLACK_APP_TOKEN: 'xapp-revoked-5555' }, db());
    expect(refused.check('slack_mode')).toMatchObject({ status: 'fail', message: expect.stringMatching(/refused/) });
    expect(refused.code).toBe(1);
  });

  it('slack_mode: neither a signing secret nor an app token fails (and config says so too)', async () => {
    const slack = await startFakeSlack({ botToken: BOT_TOKEN });
    stops.push(slack.stop);
    const result = await doctor({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack.apiUrl }, db());
    expect(result.check('slack_mode')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/SLACK_SIGNING_SECRET/),
    });
    expect(result.check('config')?.status).toBe('fail');
  });

  it('an error text that quotes the token is printed redacted', async () => {
    const url = await serve(() => ({
      status: 200,
      body: JSON.stringify({ ok: false, error: `bad token ${BOT_TOKEN}` }),
    }));
    const env = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${url}/api/` };
    const result = await doctor(env, db());
    expect(result.check('slack_token')?.message).toBe('Slack refused the bot token: bad token [redacted]');
  });
});

describe('paperboy doctor: Discord', () => {
  const tempDir = useTempDir();
  const db = () => join(tempDir(), 'absent.db');
  const setUp = async () => {
    const discord = await startFakeDiscord({ token: DISCORD_TOKEN });
    stops.push(discord.stop);
    const env = { DISCORD_TOKEN, DISCORD_APP_ID: APP_ID, DISCORD_API_URL: discord.apiUrl };
    return { discord, env };
  };

  it('registered in the server given with --guild: every Discord check is ok', async () => {
    const { env } = await setUp();
    expect((await runPaperboy(['register-commands', '--guild', GUILD_ID], { env })).code).toBe(0);
    const result = await doctor(env, db(), ['--guild', GUILD_ID]);
    expect(result.check('discord_token')).toMatchObject({ status: 'ok', message: expect.stringMatching(/paperboy/) });
    expect(result.check('discord_application')).toMatchObject({ status: 'ok' });
    expect(result.check('discord_commands')).toMatchObject({
      status: 'ok',
      message: `/paper, /author, /follow, /unfollow, /digest, /save, /saved, /cite, /foryou, /help, "Find paper" (message command) registered in server ${GUILD_ID}, as Paperboy sends them`,
    });
    expect(result.code).toBe(0);
  });

  it('discord_commands: registered globally is ok without --guild; missing there fails', async () => {
    const { env } = await setUp();
    expect((await runPaperboy(['register-commands', '--guild', GUILD_ID], { env })).code).toBe(0);
    const missing = await doctor(env, db());
    expect(missing.check('discord_commands')).toMatchObject({
      status: 'fail',
      message:
        'slash commands globally: missing /paper, /author, /follow, /unfollow, /digest, /save, /saved, /cite, /foryou, /help, "Find paper" (message command)',
      fix: 'Run "paperboy register-commands".',
    });
    expect(missing.code).toBe(1);
    expect((await runPaperboy(['register-commands'], { env })).code).toBe(0);
    expect((await doctor(env, db())).check('discord_commands')?.status).toBe('ok');
  });

  it('discord_commands: a command registered differently (an old version) fails as out of date', async () => {
    const { discord, env } = await setUp();
    expect((await runPaperboy(['register-commands', '--guild', GUILD_ID], { env })).code).toBe(0);
    const list = discord.commands.get(GUILD_ID) ?? [];
    discord.commands.set(
      GUILD_ID,
      list.map((c) => (c.name === 'paper' ? { ...c, description: 'Search papers (old wording)' } : c)),
    );
    const result = await doctor(env, db(), ['--guild', GUILD_ID]);
    expect(result.check('discord_commands')).toMatchObject({
      status: 'fail',
      message: `slash commands in server ${GUILD_ID}: out of date /paper`,
    });
  });

  it('discord_application: an application id of another application fails; unset is a warning', async () => {
    const { env } = await setUp();
    const other = await doctor({ ...env, DISCORD_APP_ID: '100000000000000099' }, db());
    expect(other.check('discord_application')).toMatchObject({
      status: 'fail',
      message: `DISCORD_APP_ID 100000000000000099 is not the application of this token (${APP_ID})`,
    });
    expect(other.code).toBe(1);
    const unset = await doctor({ ...env, DISCORD_APP_ID: '' }, db());
    expect(unset.check('discord_application')?.status).toBe('warn');
  });

  it('discord_token: a token Discord refuses fails; Discord unreachable fails', async () => {
    const { env } = await setUp();
    const refused = await doctor({ ...env, DISCORD_TOKEN: 'doctor.discord.wrong-token-6666' }, db());
    expect(refused.check('discord_token')).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/HTTP 401/),
    });
    expect(refused.code).toBe(1);
    const down = await doctor({ ...env, DISCORD_API_URL: 'http://127.0.0.1:1/api' }, db());
    expect(down.check('discord_token')).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/did not answer/),
    });
  });
});

describe('paperboy doctor: arXiv feed', () => {
  const tempDir = useTempDir();
  const db = () => join(tempDir(), 'absent.db');
  const FEED = '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>cs.CL</title></feed>';

  it('ok when the feed of the configured categories answers with Atom', async () => {
    const asked: string[] = [];
    const url = await serve((path) => {
      asked.push(path);
      return { status: 200, body: FEED, type: 'application/atom+xml' };
    });
    const result = await doctor({ PAPERBOY_ARXIV_CATEGORIES: 'cs.CL,cs.LG', ARXIV_FEED_URL: `${url}/atom/` }, db());
    expect(result.check('arxiv_feed')).toMatchObject({ status: 'ok' });
    expect(asked).toContain('/atom/cs.CL+cs.LG');
  });

  it('fails on an error status, an answer that is not a feed, or no answer', async () => {
    const broken = await serve((path) =>
      path.includes('cs.XX')
        ? { status: 404, body: 'not found' }
        : { status: 200, body: '<html>maintenance</html>', type: 'text/html' },
    );
    const notFound = await doctor({ PAPERBOY_ARXIV_CATEGORIES: 'cs.XX', ARXIV_FEED_URL: `${broken}/atom/` }, db());
    expect(notFound.check('arxiv_feed')).toMatchObject({ status: 'fail', message: expect.stringMatching(/HTTP 404/) });
    expect(notFound.code).toBe(1);
    const html = await doctor({ PAPERBOY_ARXIV_CATEGORIES: 'cs.CL', ARXIV_FEED_URL: `${broken}/atom/` }, db());
    expect(html.check('arxiv_feed')).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/not with an Atom feed/),
    });
    const down = await doctor({ PAPERBOY_ARXIV_CATEGORIES: 'cs.CL', ARXIV_FEED_URL: 'http://127.0.0.1:1/atom/' }, db());
    expect(down.check('arxiv_feed')).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/did not answer/),
    });
  });
});
