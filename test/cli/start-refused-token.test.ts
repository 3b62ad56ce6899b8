import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/fake-slack.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'paperboy.js');
const WRONG = 'xoxb-fake-wrong-token-5555';
let slack: FakeSlack | undefined;
afterEach(() => slack?.stop());

/** `paperboy start` in its own process until it exits (at most 30 s). */
function start(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: { ...process.env, DISCORD_TOKEN: '', SLACK_APP_TOKEN: '', SLACK_SIGNING_SECRET: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c) => {
    out += c;
  });
  child.stderr.on('data', (c) => {
    out += c;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise<{ code: number | null; out: string }>((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    }),
  );
}

describe('start with a Slack token Slack refuses', () => {
  const tempDir = useTempDir();

  it.each([
    ['HTTP mode', { SLACK_SIGNING_SECRET: 'fake-signing-secret', PORT: '0' }],
    ['Socket Mode', { SLACK_APP_TOKEN: 'xapp-fake-right-app-token' }],
  ])(
    'B9 %s: exits 1 with one error line naming SLACK_BOT_TOKEN, never says it is serving, no unhandled rejection',
    async (_mode, extra) => {
      slack = await startFakeSlack({ botToken: 'xoxb-the-right-one', appToken: 'xapp-fake-right-app-token' });
      const dir = tempDir();
      mkdirSync(join(dir, 'profiles'));
      const run = await start({
        SLACK_BOT_TOKEN: WRONG,
        SLACK_API_URL: slack.apiUrl,
        PAPERBOY_DB: join(dir, 'p.db'),
        PAPERBOY_PROFILES: join(dir, 'profiles'),
        ...extra,
      });
      expect(run.code, run.out).toBe(1);
      expect(run.out).toMatch(/^error: Slack did not accept SLACK_BOT_TOKEN .*invalid_auth/m);
      expect(run.out).not.toMatch(/serving|failed unexpectedly|WebAPIPlatformError/);
      expect(run.out).not.toContain(WRONG);
    },
    40_000,
  );
});
