import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SLACK_COMMANDS, SLACK_EVENTS } from '../../../src/adapters/slack/slack-app.ts';
import { PROJECT_ROOT } from '../../../src/config.ts';
import { startFakeSlack } from '../../fakes/fake-slack.ts';
import { servePaperboy } from '../../helpers/serve.ts';
import { waitFor } from '../../helpers/wait-for.ts';

describe('Slack in Socket Mode against a fake Slack', () => {
  it('opens the connection, acks a /paper envelope and answers through response_url', async () => {
    const slack = await startFakeSlack();
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-socket-'));
    const served = await servePaperboy(
      ['start', '--db', join(dir, 'p.db')],
      {
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_APP_TOKEN: 'xapp-test',
        SLACK_SIGNING_SECRET: 's',
        SLACK_API_URL: slack.apiUrl,
      },
      /Socket Mode/,
    );
    try {
      await waitFor(() => slack.connected() > 0);
      expect(slack.callsTo('apps.connections.open')).toHaveLength(1);
      slack.sendEnvelope({
        envelope_id: 'env-1',
        type: 'slash_commands',
        accepts_response_payload: true,
        payload: {
          command: '/paper',
          text: 'sycophancy',
          response_url: `${slack.url}/respond/s1`,
          user_id: 'U1',
          channel_id: 'C1',
          team_id: 'T1',
          api_app_id: 'A1',
          trigger_id: crypto.randomUUID(), // unique per invocation, as Slack's are
          token: 'legacy',
        },
      });
      await waitFor(() => slack.acks.find((a) => a.envelope_id === 'env-1'));
      const [answer] = await waitFor(() => (slack.respondsTo('s1').length ? slack.respondsTo('s1') : undefined));
      expect(JSON.stringify(answer?.body.blocks)).toContain('Towards Understanding Sycophancy');
    } finally {
      expect(await served.stop()).toBe(0);
      await slack.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('manifest.yml', () => {
  it('names exactly the commands and events the code handles, with the scopes they need', () => {
    const manifest = parse(readFileSync(join(PROJECT_ROOT, 'manifest.yml'), 'utf8'));
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command).sort()).toEqual(
      [...SLACK_COMMANDS].sort(),
    );
    expect(manifest.settings.event_subscriptions.bot_events).toEqual([...SLACK_EVENTS]);
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining(['commands', 'chat:write', 'app_mentions:read', 'links:read', 'links:write']),
    );
    expect(manifest.features.unfurl_domains).toEqual(['arxiv.org', 'doi.org', 'huggingface.co']);
    expect(manifest.settings.event_subscriptions.bot_events).toContain('link_shared');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });
});
