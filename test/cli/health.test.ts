import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteProbe } from '../../src/adapters/sqlite/sqlite-engine.ts';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { createReadiness, READY_WITHIN_PAPERS } from '../../src/cli/health-server.ts';
import { PROJECT_ROOT } from '../../src/config.ts';
import { ingestPaths } from '../../src/core/ingest/ingest-files.ts';
import { PaperIndex } from '../../src/core/search/paper-index.ts';
import { startFakeDiscord } from '../fakes/fake-discord.ts';
import { startFakeSlack } from '../fakes/fake-slack.ts';
import { servePaperboy } from '../helpers/serve.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { waitFor, waitForAsync } from '../helpers/wait-for.ts';

const PROFILES = join(PROJECT_ROOT, 'data', 'profiles');
const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

const probe = async (base: string, path: string) => {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, body: (await response.json()) as { ready?: boolean; reasons?: string[] } };
};

/** `paperboy start` in-process; stopped (exit 0 checked) after the test. */
async function serve(env: NodeJS.ProcessEnv, ready: RegExp, db: string) {
  const served = await servePaperboy(['start', '--db', db, '--profiles', PROFILES], env, ready);
  stops.push(async () => expect(await served.stop()).toBe(0));
  return served;
}

describe('GET /healthz and /readyz', () => {
  const tempDir = useTempDir();

  it('Discord only, PORT set: alive at once, ready once connected, 503 with the reason when the gateway drops', async () => {
    const discord = await startFakeDiscord();
    let discordStopped = false;
    stops.push(async () => {
      if (!discordStopped) await discord.stop();
    });
    const served = await serve(
      { DISCORD_TOKEN: 'health-discord-token', DISCORD_API_URL: discord.apiUrl, PORT: '0' },
      /health on port (\d+)/,
      join(tempDir(), 'p.db'),
    );
    const base = `http://127.0.0.1:${served.match[1]}`;
    expect((await probe(base, '/healthz')).status).toBe(200);
    await waitForAsync(async () => (await probe(base, '/readyz')).status === 200);
    expect((await probe(base, '/readyz')).body).toEqual({ ready: true });
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    discordStopped = true;
    await discord.stop();
    const down = await waitForAsync(async () => {
      const answer = await probe(base, '/readyz');
      return answer.status === 503 ? answer : undefined;
    });
    expect(down.body).toEqual({ ready: false, reasons: ['discord: disconnected'] });
    expect((await probe(base, '/healthz')).status).toBe(200);
  });

  it('Slack Socket Mode, PORT set: ready once the websocket is open', async () => {
    const slack = await startFakeSlack();
    stops.push(slack.stop);
    const served = await serve(
      { SLACK_BOT_TOKEN: 'xoxb-health', SLACK_APP_TOKEN: 'xapp-health', SLACK_API_URL: slack.apiUrl, PORT: '0' },
      /health on port (\d+)/,
      join(tempDir(), 'p.db'),
    );
    const base = `http://127.0.0.1:${served.match[1]}`;
    expect((await probe(base, '/healthz')).status).toBe(200);
    await waitForAsync(async () => (await probe(base, '/readyz')).status === 200);
  });

  it('Slack HTTP mode: both on the Slack port, beside /slack/events', async () => {
    const slack = await startFakeSlack();
    stops.push(slack.stop);
    const served = await serve(
      { SLACK_BOT_TOKEN: 'xoxb-health', SLACK_SIGNING_SECRET: 'health-secret', SLACK_API_URL: slack.apiUrl, PORT: '0' },
      /HTTP mode on port (\d+)/,
      join(tempDir(), 'p.db'),
    );
    const base = `http://127.0.0.1:${served.match[1]}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await probe(base, '/readyz')).toEqual({ status: 200, body: { ready: true } });
  });

  it('without PORT, a Discord-only bot opens no port', async () => {
    const discord = await startFakeDiscord();
    stops.push(discord.stop);
    const served = await serve(
      { DISCORD_TOKEN: 'health-discord-token', DISCORD_API_URL: discord.apiUrl },
      /Discord connected/,
      join(tempDir(), 'p.db'),
    );
    expect(served.log()).not.toMatch(/health on port/);
  });
});

describe('readiness', () => {
  const tempDir = useTempDir();

  it(`503 with reasons: loading, an index over ${READY_WITHIN_PAPERS} papers behind (then caught up), a platform down, stopping, a closed database`, async () => {
    const dir = tempDir();
    const store = createSqliteStore(join(dir, 'p.db'));
    const readiness = createReadiness(sqliteProbe(store.db), ['slack']);
    const reasons = () => JSON.parse(readiness.answer('/readyz')?.body ?? '{}').reasons as string[] | undefined;
    expect(readiness.answer('/readyz')?.status).toBe(503);
    expect(reasons()).toEqual(['loading the profiles folder and the search index', 'slack: not connected yet']);

    const index = await PaperIndex.open({ store });
    readiness.indexReady(index);
    let up = true;
    readiness.platformUp('slack', () => up);
    expect(readiness.answer('/readyz')).toEqual({ status: 200, body: '{"ready":true}' });

    // Another process's import lands: the index is far behind until it catches up (the probe starts that).
    const records = Array.from({ length: READY_WITHIN_PAPERS + 1 }, (_, i) =>
      JSON.stringify({
        title: `Readiness paper number ${i}`,
        authors: ['A. Person'],
        date: '2024-01-01',
        category: 'cs.CL',
      }),
    );
    writeFileSync(join(dir, 'more.jsonl'), `${records.join('\n')}\n`);
    const writer = createSqliteStore(join(dir, 'p.db'));
    await ingestPaths([join(dir, 'more.jsonl')], { store: writer, clock: () => new Date() });
    await writer.close();
    expect(reasons()).toEqual([`the search index is 2,001 papers behind the database`]);
    await waitFor(() => readiness.answer('/readyz')?.status === 200);

    up = false;
    expect(reasons()).toEqual(['slack: disconnected']);
    up = true;
    readiness.stopping();
    expect(reasons()).toEqual(['shutting down']);
    const closed = createReadiness(sqliteProbe(store.db), []);
    await store.close();
    expect(JSON.parse((await closed.answer('/readyz'))?.body ?? '{}')).toEqual({
      ready: false,
      reasons: ['the database is closed'],
    });
    expect((await closed.answer('/healthz'))?.status).toBe(200);
  });
});
