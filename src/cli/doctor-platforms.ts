import type { DoctorCheck } from './doctor-check.ts';
import { fail, ok, warn } from './doctor-check.ts';

/** Raw settings (environment, then `.env`), read one by one so a malformed variable spoils only its own check. */
export type Setting = (name: string) => string | undefined;

const TIMEOUT_MS = 10_000;

/** Bot scopes `manifest.yml` asks for (a test keeps the two in step). */
export const SLACK_MANIFEST_SCOPES = [
  'app_mentions:read',
  'chat:write',
  'commands',
  'channels:history',
  'groups:history',
  'im:history',
  'im:write',
  'files:write',
  'links:read',
  'links:write',
  'reactions:read',
  'users:read',
] as const;

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** One HTTP call with a timeout; the error it throws never carries the request's headers (the token). */
async function call(url: string, init: RequestInit): Promise<Answer> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, body };
}

const reason = (error: unknown) =>
  (error as Error).name === 'TimeoutError'
    ? `no answer within ${TIMEOUT_MS / 1000} s`
    : `${(error as Error).message}${(error as { cause?: Error }).cause ? ` (${(error as { cause: Error }).cause.message})` : ''}`;

/** A 429 or 5xx is the platform's trouble (or a proxy's), not a verdict on the token. */
const serverTrouble = (status: number) => status === 429 || status >= 500;
const troubleFix = (what: string, urlVariable: string) =>
  `${what} had trouble answering: run doctor again in a few minutes; if it persists, check ${what}'s status page, or ${urlVariable}.`;

/** Slack: `auth.test` takes the token; its `x-oauth-scopes` cover the manifest; the serving mode is complete. */
export async function checkSlack(setting: Setting): Promise<DoctorCheck[]> {
  const token = setting('SLACK_BOT_TOKEN');
  if (!token)
    return (['slack_token', 'slack_scopes', 'slack_mode'] as const).map((id) => ok(id, 'Slack not configured'));
  const apiUrl = setting('SLACK_API_URL') ?? 'https://slack.com/api/';
  const checks: DoctorCheck[] = [];
  let answer: Answer | undefined;
  try {
    answer = await call(`${apiUrl}auth.test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
  } catch (error) {
    checks.push(
      fail('slack_token', `auth.test at ${apiUrl} failed: ${reason(error)}`, 'Check the network, or SLACK_API_URL.'),
    );
  }
  const body = (answer?.body ?? {}) as { ok?: boolean; error?: string; team?: string; user?: string };
  if (answer && body.ok === true) {
    checks.push(ok('slack_token', `the bot token is valid: ${body.user ?? 'bot'} in ${body.team ?? 'the workspace'}`));
    const granted = new Set(
      (answer.headers.get('x-oauth-scopes') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
    const missing = SLACK_MANIFEST_SCOPES.filter((s) => !granted.has(s));
    checks.push(
      missing.length === 0
        ? ok('slack_scopes', `every scope manifest.yml asks for is granted (${SLACK_MANIFEST_SCOPES.length})`)
        : fail(
            'slack_scopes',
            `the token lacks scopes manifest.yml asks for: ${missing.join(', ')}`,
            'Add them under OAuth & Permissions (or update the app from manifest.yml), reinstall the app to the workspace and use the new token.',
          ),
    );
  } else if (answer && serverTrouble(answer.status)) {
    checks.push(
      fail(
        'slack_token',
        `auth.test at ${apiUrl} answered HTTP ${answer.status}: the token could not be checked`,
        troubleFix('Slack', 'SLACK_API_URL'),
      ),
    );
  } else if (answer) {
    checks.push(
      fail(
        'slack_token',
        `Slack refused the bot token: ${body.error ?? `HTTP ${answer.status}`}`,
        'Copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions into SLACK_BOT_TOKEN; reinstall the app if it was revoked.',
      ),
    );
  }
  if (checks.length === 1)
    checks.push(fail('slack_scopes', 'not checked: the token was not accepted', 'Fix the token first.'));
  checks.push(await checkSlackMode(setting, apiUrl));
  return checks;
}

async function checkSlackMode(setting: Setting, apiUrl: string): Promise<DoctorCheck> {
  const appToken = setting('SLACK_APP_TOKEN');
  if (!appToken) {
    if (!setting('SLACK_SIGNING_SECRET'))
      return fail(
        'slack_mode',
        'neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode) is set',
        'Set SLACK_SIGNING_SECRET from Basic Information (HTTP mode), or an App-Level Token with connections:write as SLACK_APP_TOKEN (Socket Mode).',
      );
    const port = setting('PORT') ?? '3000';
    return /^\d+$/.test(port) && Number(port) <= 65535
      ? ok('slack_mode', `HTTP mode on port ${port} (/slack/events)`)
      : fail(
          'slack_mode',
          `HTTP mode, but PORT "${port}" is not a port number`,
          'Set PORT to a number from 0 to 65535.',
        );
  }
  const fix =
    'Create an App-Level Token with the connections:write scope under Basic Information and set it as SLACK_APP_TOKEN (xapp-…).';
  if (!appToken.startsWith('xapp-'))
    return fail('slack_mode', 'Socket Mode, but SLACK_APP_TOKEN is not an app-level token (xapp-…)', fix);
  try {
    // Opens nothing: Slack only hands out a websocket address, which expires unused.
    const answer = await call(`${apiUrl}apps.connections.open`, {
      method: 'POST',
      headers: { authorization: `Bearer ${appToken}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    const body = answer.body as { ok?: boolean; error?: string };
    return body.ok === true
      ? ok('slack_mode', 'Socket Mode: the app-level token opens connections')
      : fail(
          'slack_mode',
          `Socket Mode: Slack refused the app-level token: ${body.error ?? `HTTP ${answer.status}`}`,
          fix,
        );
  } catch (error) {
    return fail('slack_mode', `Socket Mode: apps.connections.open failed: ${reason(error)}`, 'Check the network.');
  }
}

/** Discord: the token works, the application id matches it, the slash commands are registered as Paperboy sends them. */
export async function checkDiscord(
  setting: Setting,
  guildId: string | undefined,
  expected: () => Promise<unknown[]>,
): Promise<DoctorCheck[]> {
  const token = setting('DISCORD_TOKEN');
  if (!token)
    return (['discord_token', 'discord_application', 'discord_commands'] as const).map((id) =>
      ok(id, 'Discord not configured'),
    );
  const api = `${setting('DISCORD_API_URL') ?? 'https://discord.com/api'}/v10`;
  const get = (path: string) => call(`${api}${path}`, { headers: { authorization: `Bot ${token}` } });
  const tokenFix = 'Reset the bot token under Bot in the Developer Portal and put it in DISCORD_TOKEN.';
  try {
    const me = await get('/users/@me');
    if (me.status !== 200) {
      return [
        serverTrouble(me.status)
          ? fail(
              'discord_token',
              `Discord answered HTTP ${me.status} at ${api}/users/@me: the token could not be checked`,
              troubleFix('Discord', 'DISCORD_API_URL'),
            )
          : fail('discord_token', `Discord refused the bot token (HTTP ${me.status})`, tokenFix),
        fail('discord_application', 'not checked: the token was not accepted', 'Fix the token first.'),
        fail('discord_commands', 'not checked: the token was not accepted', 'Fix the token first.'),
      ];
    }
    const user = me.body as { username?: string; id?: string };
    const shards =
      setting('DISCORD_SHARD_COUNT') &&
      `; shards ${setting('DISCORD_SHARDS') ?? 'all'} of ${setting('DISCORD_SHARD_COUNT')}`;
    const checks = [
      ok('discord_token', `the bot token is valid: ${user.username ?? 'bot'} (${user.id ?? '?'})${shards || ''}`),
    ];
    const appId = setting('DISCORD_APP_ID');
    const application = await get('/applications/@me');
    const actualId = (application.body as { id?: string }).id;
    if (!appId) {
      checks.push(
        warn(
          'discord_application',
          `DISCORD_APP_ID is not set (the token's application is ${actualId ?? 'unknown'})`,
          'Set DISCORD_APP_ID to the Application ID from General Information: register-commands needs it.',
        ),
      );
    } else if (application.status !== 200 || actualId !== appId) {
      checks.push(
        fail(
          'discord_application',
          `DISCORD_APP_ID ${appId} is not the application of this token (${actualId ?? `HTTP ${application.status}`})`,
          'Copy the Application ID from General Information of the same application as the token into DISCORD_APP_ID.',
        ),
      );
    } else checks.push(ok('discord_application', `application ${appId} matches the token`));
    checks.push(await checkCommands(get, actualId ?? appId, guildId, expected));
    return checks;
  } catch (error) {
    const message = `Discord did not answer at ${api}: ${reason(error)}`;
    return [
      fail('discord_token', message, 'Check the network, or DISCORD_API_URL.'),
      fail('discord_application', 'not checked: Discord did not answer', 'Fix the connection first.'),
      fail('discord_commands', 'not checked: Discord did not answer', 'Fix the connection first.'),
    ];
  }
}

async function checkCommands(
  get: (path: string) => Promise<Answer>,
  appId: string | undefined,
  guildId: string | undefined,
  expected: () => Promise<unknown[]>,
): Promise<DoctorCheck> {
  const where = guildId ? `in server ${guildId}` : 'globally';
  const fix = `Run "paperboy register-commands${guildId ? ` --guild ${guildId}` : ''}".`;
  if (!appId) return fail('discord_commands', 'not checked: the application id is unknown', 'Set DISCORD_APP_ID.');
  const answer = await get(
    guildId ? `/applications/${appId}/guilds/${guildId}/commands` : `/applications/${appId}/commands`,
  );
  if (answer.status !== 200 || !Array.isArray(answer.body))
    return fail('discord_commands', `the commands ${where} could not be listed (HTTP ${answer.status})`, fix);
  const want = (await expected()).map(commandShape);
  const have = new Map((answer.body as unknown[]).map((c) => [(c as { name: string }).name, commandShape(c)]));
  const missing = want.filter((c) => !have.has(c.name)).map(commandLabel);
  const differ = want.filter((c) => have.has(c.name) && JSON.stringify(have.get(c.name)) !== JSON.stringify(c));
  if (missing.length === 0 && differ.length === 0)
    return ok('discord_commands', `${want.map(commandLabel).join(', ')} registered ${where}, as Paperboy sends them`);
  const parts = [
    ...(missing.length ? [`missing ${missing.join(', ')}`] : []),
    ...(differ.length ? [`out of date ${differ.map(commandLabel).join(', ')}`] : []),
  ];
  return fail('discord_commands', `slash commands ${where}: ${parts.join('; ')}`, fix);
}

/** `/paper` for a slash command, `"Find paper" (message command)` for a message command (type 3). */
const commandLabel = (c: { name: string; type?: unknown }) =>
  c.type === 3 ? `"${c.name}" (message command)` : `/${c.name}`;

/** What decides how a command behaves, with Discord's defaults filled in, so a listed and a sent command compare. */
function commandShape(command: unknown): { name: string } & Record<string, unknown> {
  const c = command as Record<string, unknown>;
  const shape: { name: string } & Record<string, unknown> = {
    name: String(c.name),
    description: c.description ?? '',
    type: c.type ?? 1,
    required: c.required === true,
    autocomplete: c.autocomplete === true,
    min_length: c.min_length ?? null,
    max_length: c.max_length ?? null,
    min_value: c.min_value ?? null,
    max_value: c.max_value ?? null,
    choices: Array.isArray(c.choices) ? c.choices.map((x: { name: string; value: unknown }) => [x.name, x.value]) : [],
    options: Array.isArray(c.options) ? c.options.map(commandShape) : [],
  };
  return shape;
}

/** The arXiv listing feed answers, when PAPERBOY_ARXIV_CATEGORIES turns it on. */
export async function checkArxivFeed(setting: Setting): Promise<DoctorCheck> {
  const categories = setting('PAPERBOY_ARXIV_CATEGORIES');
  if (!categories) return ok('arxiv_feed', 'arXiv not configured');
  const base = setting('ARXIV_FEED_URL') ?? 'https://rss.arxiv.org/atom/';
  const url = `${base}${categories
    .split(/[\s,+]+/)
    .filter(Boolean)
    .join('+')}`;
  const fix =
    'Check the network, ARXIV_FEED_URL and the category names in PAPERBOY_ARXIV_CATEGORIES (e.g. cs.CL,cs.LG).';
  try {
    const answer = await call(url, { headers: { accept: 'application/atom+xml' } });
    if (answer.status !== 200) return fail('arxiv_feed', `the arXiv feed ${url} answered HTTP ${answer.status}`, fix);
    if (typeof answer.body !== 'string' || !/<feed[\s>]/.test(answer.body))
      return fail('arxiv_feed', `the arXiv feed ${url} answered, but not with an Atom feed`, fix);
    return ok('arxiv_feed', `the arXiv feed answers: ${url}`);
  } catch (error) {
    return fail('arxiv_feed', `the arXiv feed ${url} did not answer: ${reason(error)}`, fix);
  }
}
