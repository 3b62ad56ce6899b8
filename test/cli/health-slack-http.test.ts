import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/fake-slack.ts';
import { writeFakePages } from '../helpers/make-pages.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { waitFor, waitForAsync } from '../helpers/wait-for.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'paperboy.js');
let slack: FakeSlack | undefined;
const kills: (() => void)[] = [];
afterEach(() => {
  for (const kill of kills.splice(0)) kill();
  slack?.stop();
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const status = async (url: string) => {
  try {
    return (await fetch(url)).status;
  } catch {
    return 0;
  }
};

describe('health in Slack HTTP mode while starting', () => {
  const tempDir = useTempDir();

  it('B10 /healthz answers 200 (and /readyz 503) on PORT while a large profiles folder loads, before Bolt listens; then Bolt serves them', async () => {
    slack = await startFakeSlack();
    const dir = tempDir();
    mkdirSync(join(dir, 'profiles'));
    writeFakePages(join(dir, 'profiles'), 2500, 10);
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'start', '--db', join(dir, 'p.db')], {
      env: {
        ...process.env,
        SLACK_BOT_TOKEN: 'xoxb-fake-health',
        SLACK_SIGNING_SECRET: 'fake-health-secret',
        SLACK_APP_TOKEN: '',
        DISCORD_TOKEN: '',
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        PAPERBOY_PROFILES: join(dir, 'profiles'),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    kills.push(() => child.kill('SIGKILL'));
    let log = '';
    child.stderr.on('data', (c) => {
      log += c;
    });
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // Alive while loading: the first answer comes before Bolt says it serves Slack.
    await waitForAsync(async () => (await status(`http://127.0.0.1:${port}/healthz`)) === 200, 20_000);
    expect(log).not.toMatch(/Slack in HTTP mode/);
    expect(await status(`http://127.0.0.1:${port}/readyz`)).toBe(503);
    await waitFor(() => /Slack in HTTP mode/.test(log), 60_000);
    expect(await status(`http://127.0.0.1:${port}/healthz`)).toBe(200);
    expect(await status(`http://127.0.0.1:${port}/readyz`)).toBe(200);
    child.kill('SIGTERM');
    expect(await exit, log).toBe(0);
  }, 90_000);

  it('B10 (guard) SIGTERM while start loads a large profiles folder: it stops soon (exit 0), not after the whole folder', async () => {
    slack = await startFakeSlack();
    const dir = tempDir();
    mkdirSync(join(dir, 'profiles'));
    writeFakePages(join(dir, 'profiles'), 3000, 10);
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'start', '--db', join(dir, 'p.db')], {
      env: {
        ...process.env,
        SLACK_BOT_TOKEN: 'xoxb-fake-health',
        SLACK_SIGNING_SECRET: 'fake-health-secret',
        SLACK_APP_TOKEN: '',
        DISCORD_TOKEN: '',
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        PAPERBOY_PROFILES: join(dir, 'profiles'),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    kills.push(() => child.kill('SIGKILL'));
    let log = '';
    child.stderr.on('data', (c) => {
      log += c;
    });
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await waitForAsync(async () => (await status(`http://127.0.0.1:${port}/healthz`)) === 200, 20_000);
    const sentAt = Date.now();
    child.kill('SIGTERM');
    expect(await exit, log).toBe(0);
    expect(Date.now() - sentAt).toBeLessThan(3000);
    expect(log).not.toMatch(/still busy/);
  }, 90_000);
});
