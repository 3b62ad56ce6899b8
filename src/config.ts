import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { PaperboyError } from './core/errors.ts';

/** The project's root folder, where `data/` lives. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_DB = join(PROJECT_ROOT, 'data', 'paperboy.db');
export const SAMPLE_PROFILES = join(PROJECT_ROOT, 'data', 'profiles');
/** Paperboy's version, from package.json (arXiv's User-Agent names it). */
export const PAPERBOY_VERSION: string =
  (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';

/** An empty variable counts as unset. */
export const envValue = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value ? value : undefined;
};

const defaultEnvFile = () => join(process.cwd(), '.env');

/** The variables of an optional `.env` file (none when it is absent). */
export const readEnvFile = (envFile = defaultEnvFile()): NodeJS.ProcessEnv =>
  existsSync(envFile) ? (parseEnv(readFileSync(envFile, 'utf8')) as NodeJS.ProcessEnv) : {};

/**
 * The database every command uses, decided one way: `--db`, else `PAPERBOY_DB` from the environment, else
 * from `.env` in the current folder, else `data/paperboy.db` in the project. Only this variable is read,
 * so `ingest` or `search` work even when a platform variable in `.env` is malformed.
 */
export const resolveDbPath = (flag: string | undefined, env: NodeJS.ProcessEnv, envFile = defaultEnvFile()): string =>
  flag ?? envValue(env, 'PAPERBOY_DB') ?? envValue(readEnvFile(envFile), 'PAPERBOY_DB') ?? DEFAULT_DB;

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const DURATION = /^(\d+)\s*(m|min|h|d)$/i;
const toMinutes = (value: string) => {
  const [, n = '0', unit = 'h'] = DURATION.exec(value) ?? [];
  return Number(n) * ({ m: 1, min: 1, h: 60, d: 1440 }[unit.toLowerCase()] ?? 60);
};

/** `cs.CL, cs.LG` or `cs.CL+cs.LG` -> `['cs.CL', 'cs.LG']`, without repeats. */
export const toCategories = (value: string): string[] => [
  ...new Set(
    value
      .split(/[\s,+]+/)
      .map((c) => c.trim())
      .filter((c) => c !== ''),
  ),
];
/** An arXiv category or archive: `cs.CL`, `eess.AS`, `hep-th`, `astro-ph.GA`. */
export const isArxivCategory = (value: string): boolean => /^[a-z][a-z-]*(?:\.[A-Za-z-]{2,})?$/.test(value);

/** Every setting Paperboy reads from the environment (and `.env`), validated once at start. */
export const ConfigSchema = z
  .object({
    PAPERBOY_DB: z.string().default(DEFAULT_DB),
    PAPERBOY_PROFILES: z.string().default(SAMPLE_PROFILES),
    PAPERBOY_TZ: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin or UTC').default('UTC'),
    PAPERBOY_DIGEST_MAX_LATE: z
      .string()
      .regex(DURATION, 'must be a duration such as 12h, 90m or 1d')
      .default('12h')
      .transform(toMinutes),
    // Pasted arXiv links the index lacks are looked up on arXiv (issue 13) unless this is off.
    PAPERBOY_ARXIV_LOOKUP: z
      .string()
      .transform((v) => v.toLowerCase())
      .pipe(z.enum(['on', 'off'], 'must be on or off'))
      .default('on'),
    DISCORD_TOKEN: z.string().optional(),
    DISCORD_APP_ID: z
      .string()
      .regex(/^\d{5,25}$/, 'must be the numeric application id from the Developer Portal')
      .optional(),
    DISCORD_API_URL: z.url('must be a URL such as https://discord.com/api').default('https://discord.com/api'),
    SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'must be a bot token starting with xoxb-').optional(),
    SLACK_SIGNING_SECRET: z.string().optional(),
    SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'must be an app-level token starting with xapp-').optional(),
    SLACK_API_URL: z.url('must be a URL ending with /, such as https://slack.com/api/').optional(),
    // arXiv (issue 12): base URLs for proxies and tests, the categories to sync daily (unset = off), and the
    // contact address arXiv's User-Agent carries.
    ARXIV_FEED_URL: z.url('must be a URL such as https://rss.arxiv.org/atom/').default('https://rss.arxiv.org/atom/'),
    ARXIV_API_URL: z
      .url('must be a URL such as https://export.arxiv.org/api/query')
      .default('https://export.arxiv.org/api/query'),
    ARXIV_OAI_URL: z.url('must be a URL such as https://oaipmh.arxiv.org/oai').default('https://oaipmh.arxiv.org/oai'),
    PAPERBOY_ARXIV_CATEGORIES: z
      .string()
      .transform(toCategories)
      .refine(
        (list) => list.every(isArxivCategory),
        'must be arXiv categories separated by commas, such as cs.CL,cs.LG',
      )
      .optional(),
    PAPERBOY_CONTACT: z.email('must be an e-mail address (arXiv may write to it about your traffic)').optional(),
    PORT: z.coerce
      .number({ error: 'must be a port number from 0 to 65535' })
      .int('must be a whole port number')
      .min(0, 'must be a port number from 0 to 65535')
      .max(65535, 'must be a port number from 0 to 65535')
      .default(3000),
  })
  .superRefine((config, ctx) => {
    if (config.SLACK_BOT_TOKEN && !config.SLACK_SIGNING_SECRET && !config.SLACK_APP_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'is required with SLACK_BOT_TOKEN for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
      });
    }
  });
export type Config = z.infer<typeof ConfigSchema>;

/**
 * Reads the configuration: the environment first, then an optional `.env` file for what the environment
 * leaves unset. Empty values count as unset.
 *
 * @throws PaperboyError `invalid_config` naming each bad variable and how to fix it
 */
export function loadConfig(env: NodeJS.ProcessEnv, envFile = defaultEnvFile()): Config {
  const fromFile = readEnvFile(envFile);
  const merged: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = envValue(env, key) ?? envValue(fromFile, key);
    if (value !== undefined) merged[key] = value;
  }
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw new PaperboyError(
      'invalid_config',
      `the configuration is not valid:\n${z.prettifyError(parsed.error)}\nFix these variables in the environment or in ${envFile}.`,
    );
  }
  return parsed.data;
}

/** Which chat platforms the configuration turns on. */
export const platformsOf = (config: Config) => ({
  discord: config.DISCORD_TOKEN !== undefined,
  slack: config.SLACK_BOT_TOKEN !== undefined,
});
