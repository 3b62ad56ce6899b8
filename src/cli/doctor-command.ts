import { envValue, loadConfig, readEnvFile, resolveStoreTarget, SAMPLE_PROFILES } from '../config.ts';
import { isPaperboyError } from '../core/errors.ts';
import { toPrintable } from '../core/text.ts';
import { DOCTOR_CHECK_IDS, type DoctorCheck, fail, ok, warn } from './doctor-check.ts';
import { checkDatabase, checkNode, checkProfiles } from './doctor-local.ts';
import { checkArxivFeed, checkDiscord, checkSlack, type Setting } from './doctor-platforms.ts';
import { type CliIo, EXIT, writeJson } from './io.ts';
import { engineFor, searchCachePath } from './open-stores.ts';
import { redactSecrets, secretValues } from './secrets.ts';

/**
 * `paperboy doctor`: checks the set-up (Node, database, snapshot, profiles, each configured platform, the arXiv
 * feed, subscriptions' time zones) and says how to fix what is wrong. Exit code 1 when a check fails.
 */
export async function runDoctor(io: CliIo, options: { db?: string; guild?: string; json?: boolean }): Promise<number> {
  const fromFile = readEnvFile();
  const setting: Setting = (name) => envValue(io.env, name) ?? envValue(fromFile, name);
  const secrets = secretValues(setting);
  const checks: DoctorCheck[] = [checkNode(), checkConfig(io.env)];
  const target = resolveStoreTarget(options.db, io.env);
  // The store is looked at through its engine, whatever the engine: doctor never opens one for writing.
  const engine = await engineFor(target, { env: io.env });
  const inspection = await engine.inspect();
  try {
    if (inspection.kind === 'postgres') {
      const { checkPgDatabase } = await import('./doctor-postgres.ts');
      checks.push(...(await checkPgDatabase(inspection, searchCachePath(io.env))));
    } else checks.push(...(await checkDatabase(inspection)));
  } finally {
    await inspection.close();
  }
  checks.push(checkProfiles(setting('PAPERBOY_PROFILES') ?? SAMPLE_PROFILES));
  checks.push(checkPlatforms(setting));
  const { checkOpenAlex, checkSemanticScholar } = await import('./doctor-scholarly.ts');
  const [slack, discord, arxiv, openalex, semanticScholar] = await Promise.all([
    checkSlack(setting),
    checkDiscord(setting, options.guild, async () => {
      // Loaded only when Discord is configured: the builders come with discord.js.
      const { slashCommands, messageCommands } = await import('../adapters/discord/commands.ts');
      return [...slashCommands(), ...messageCommands()];
    }),
    checkArxivFeed(setting),
    checkOpenAlex(setting),
    checkSemanticScholar(setting),
  ]);
  checks.push(...slack, ...discord, arxiv, openalex, semanticScholar);
  // What the checks quote (an error from a server, a variable's value) never shows a token or secret.
  const order = (c: DoctorCheck) => DOCTOR_CHECK_IDS.indexOf(c.id);
  const safe = checks
    .sort((a, b) => order(a) - order(b))
    .map((c) => ({
      ...c,
      message: redactSecrets(c.message, secrets),
      fix: redactSecrets(c.fix, secrets),
    }));
  const passed = !safe.some((c) => c.status === 'fail');
  if (options.json) writeJson(io, { ok: passed, checks: safe });
  else io.stdout.write(toPrintable(renderChecks(safe)));
  return passed ? EXIT.ok : EXIT.failed;
}

function checkConfig(env: NodeJS.ProcessEnv): DoctorCheck {
  try {
    loadConfig(env);
    return ok('config', 'the environment and .env are valid');
  } catch (error) {
    if (!isPaperboyError(error, 'invalid_config')) throw error;
    const [, ...problems] = error.message.split('\n');
    return fail(
      'config',
      `the configuration is not valid: ${problems.slice(0, -1).join(' ').replace(/\s+/g, ' ').trim()}`,
      'Fix these variables in the environment or in .env (docs/configuration.md).',
    );
  }
}

const MARK = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;

function renderChecks(checks: DoctorCheck[]): string {
  const width = Math.max(...checks.map((c) => c.id.length));
  const lines = checks.flatMap((c) => [
    `${MARK[c.status]}  ${c.id.padEnd(width)}  ${c.message}`,
    ...(c.fix ? [`${' '.repeat(width + 8)}fix: ${c.fix}`] : []),
  ]);
  const count = (s: DoctorCheck['status']) => checks.filter((c) => c.status === s).length;
  lines.push(`doctor: ${count('ok')} ok, ${count('warn')} warn, ${count('fail')} fail`);
  return `${lines.join('\n')}\n`;
}

/**
 * Which platforms `start` will serve. None: `start` opens the terminal chat, or with `PORT` set (a server, as
 * under the systemd unit) refuses to start (exit 2): a warning, since the terminal chat is a fine way to try it.
 */
function checkPlatforms(setting: Setting): DoctorCheck {
  const names = [setting('DISCORD_TOKEN') ? 'Discord' : '', setting('SLACK_BOT_TOKEN') ? 'Slack' : ''].filter(Boolean);
  if (names.length) return ok('platforms', `start serves ${names.join(' and ')}`);
  return warn(
    'platforms',
    `no platform is configured: start opens the terminal chat${setting('PORT') ? ', and with PORT set it refuses to start (exit 2)' : ''}`,
    'Set DISCORD_TOKEN (Discord) or SLACK_BOT_TOKEN (Slack) in the environment or .env to serve a team.',
  );
}
