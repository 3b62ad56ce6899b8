import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DoctorCheck } from '../../src/cli/doctor-check.ts';
import { PROJECT_ROOT } from '../../src/config.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const BOT_TOKEN = 'xoxb-fake-secret-bot-1111';
const SIGNING_SECRET = 'fake-signing-secret-3333';
const DISCORD_TOKEN = 'fake.b-discord.secret-token-4444';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** A platform having a bad day: every request answers `status`. */
async function down(status: number) {
  const server: Server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/html', 'retry-after': '1' });
    res.end('<html>upstream trouble</html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function doctor(env: NodeJS.ProcessEnv, db: string) {
  const run = await runPaperboy(['doctor', '--json', '--db', db], {
    env: { PAPERBOY_PROFILES: join(PROJECT_ROOT, 'data', 'profiles'), ...env },
  });
  for (const token of [BOT_TOKEN, SIGNING_SECRET, DISCORD_TOKEN]) expect(run.stdout + run.stderr).not.toContain(token);
  const answer = JSON.parse(run.stdout) as { ok: boolean; checks: DoctorCheck[] };
  return { code: run.code, check: (id: string) => answer.checks.find((c) => c.id === id) as DoctorCheck };
}

describe('doctor when a platform answers 5xx or 429', () => {
  const tempDir = useTempDir();

  it.each([500, 503, 429])(
    'B2 Discord answering %i is not reported as a refused token (resetting a good token would not help)',
    async (status) => {
      const result = await doctor(
        { DISCORD_TOKEN, DISCORD_API_URL: `${await down(status)}/api` },
        join(tempDir(), 'absent.db'),
      );
      const check = result.check('discord_token');
      expect(check.status).toBe('fail');
      expect(check.message).toMatch(new RegExp(`HTTP ${status}`));
      expect(check.message).not.toMatch(/refused the bot token/);
      expect(check.fix).not.toMatch(/Reset the bot token/);
      expect(result.code).toBe(1);
    },
  );

  it.each([500, 503, 429])('B2 Slack answering %i is not reported as a refused token', async (status) => {
    const result = await doctor(
      { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${await down(status)}/api/` },
      join(tempDir(), 'absent.db'),
    );
    const check = result.check('slack_token');
    expect(check.status).toBe('fail');
    expect(check.message).toMatch(new RegExp(`HTTP ${status}`));
    expect(check.message).not.toMatch(/refused the bot token/);
    expect(check.fix).not.toMatch(/Copy the Bot User OAuth Token/);
  });
});

describe('doctor and the manifest', () => {
  it('B4 the scopes doctor checks include the link unfurling scopes manifest.yml asks for', async () => {
    const { SLACK_MANIFEST_SCOPES } = await import('../../src/cli/doctor-platforms.ts');
    expect(SLACK_MANIFEST_SCOPES).toEqual(expect.arrayContaining(['links:read', 'links:write']));
  });
});
