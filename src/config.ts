import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { isTimeZone } from './core/digest/schedule.ts';
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

/** Where the store lives: a SQLite file, or a PostgreSQL database shared by any number of instances. */
export type StoreTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/**
 * The store every command uses: `--db FILE` forces SQLite at that file; else `DATABASE_URL` (the
 * environment, then `.env`) when set and non-empty; else `PAPERBOY_DB` or `data/paperboy.db`, as {@link resolveDbPath}.
 *
 * @throws PaperboyError `invalid_config` when `DATABASE_URL` is not a `postgres://` or `postgresql://` URL
 */
export function resolveStoreTarget(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  envFile = defaultEnvFile(),
): StoreTarget {
  if (flag !== undefined) return { kind: 'sqlite', file: flag };
  const url = envValue(env, 'DATABASE_URL') ?? envValue(readEnvFile(envFile), 'DATABASE_URL');
  if (url === undefined) return { kind: 'sqlite', file: resolveDbPath(undefined, env, envFile) };
  if (!/^postgres(?:ql)?:\/\//i.test(url)) {
    // Exit 2, as a usage error: nothing ran.
    throw new PaperboyError(
      'usage',
      `the configuration is not valid:\n✖ DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@host:5432/paperboy (${describeScheme(url)})\nFix DATABASE_URL in the environment or in ${envFile}, or unset it to use the SQLite file (PAPERBOY_DB).`,
    );
  }
  try {
    new URL(url);
  } catch {
    throw new PaperboyError(
      'usage',
      `the configuration is not valid:\n✖ DATABASE_URL is not a valid URL: percent-encode the special characters of the user and password (# as %23, / as %2F, ? as %3F, @ as %40, : as %3A)\nFix DATABASE_URL in the environment or in ${envFile}, or unset it to use the SQLite file (PAPERBOY_DB).`,
    );
  }
  return { kind: 'postgres', url };
}

/**
 * What a wrong `DATABASE_URL` starts with, for its error: the scheme when it has one, and otherwise nothing of it
 * (a libpq string like `password=… host=…` or a pasted secret must not be printed).
 */
const describeScheme = (url: string): string => {
  const scheme = /^([a-z][a-z0-9+.-]{0,19}):/i.exec(url)?.[1];
  return scheme ? `it starts with "${scheme}:"` : 'it is not a URL';
};

/** `host:port` of a PostgreSQL URL (never its user or password). */
export function pgAddressOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`;
  } catch {
    return 'the server';
  }
}

/** A PostgreSQL URL fit for logs and messages: the password replaced by `***`. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/:\/\/([^:@/]*):[^@/]*@/, '://$1:***@');
  }
}

const DURATION = /^(\d+)\s*(m|min|h|d)$/i;
const toMinutes = (value: string) => {
  const [, n = '0', unit = 'h'] = DURATION.exec(value) ?? [];
  return Number(n) * ({ m: 1, min: 1, h: 60, d: 1440 }[unit.toLowerCase()] ?? 60);
};

/** An http(s) base URL with its default, named in the message. */
const httpUrl = (fallback: string) =>
  z.url({ protocol: /^https?$/, error: `must be an http or https URL such as ${fallback}` }).default(fallback);

/** A switch that takes `on` or `off` only (any case), with its default. */
const onOff = (fallback: 'on' | 'off') =>
  z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(['on', 'off'], 'must be on or off'))
    .default(fallback);

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

/** `0,1` or `0 1` -> `[0, 1]` (without repeats); anything but whole numbers is left for the schema to refuse. */
const toShardIds = (value: string): number[] => [
  ...new Set(
    value
      .split(/[\s,]+/)
      .filter((id) => id !== '')
      .map((id) => (/^\d+$/.test(id) ? Number(id) : Number.NaN)),
  ),
];

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
    // Pasted arXiv links the index lacks are looked up on arXiv unless this is off.
    PAPERBOY_ARXIV_LOOKUP: onOff('on'),
    DISCORD_TOKEN: z.string().optional(),
    DISCORD_APP_ID: z
      .string()
      .regex(/^\d{5,25}$/, 'must be the numeric application id from the Developer Portal')
      .optional(),
    DISCORD_API_URL: z.url('must be a URL such as https://discord.com/api').default('https://discord.com/api'),
    // Sharding: how many shards the bot has in all, and which of them this instance runs (all by default).
    DISCORD_SHARD_COUNT: z.coerce
      .number({ error: 'must be a whole number of shards, 1 or more' })
      .int('must be a whole number of shards, 1 or more')
      .min(1, 'must be a whole number of shards, 1 or more')
      .optional(),
    DISCORD_SHARDS: z
      .string()
      .transform(toShardIds)
      .refine(
        (ids) => ids.length > 0 && ids.every(Number.isInteger),
        'must be shard numbers separated by commas, such as 0,1',
      )
      .optional(),
    SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'must be a bot token starting with xoxb-').optional(),
    SLACK_SIGNING_SECRET: z.string().optional(),
    SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'must be an app-level token starting with xapp-').optional(),
    SLACK_API_URL: z.url('must be a URL ending with /, such as https://slack.com/api/').optional(),
    // arXiv: base URLs for proxies and tests, the categories to sync daily (unset = off), and the
    // contact address arXiv's User-Agent carries.
    ARXIV_FEED_URL: httpUrl('https://rss.arxiv.org/atom/'),
    ARXIV_API_URL: httpUrl('https://export.arxiv.org/api/query'),
    ARXIV_OAI_URL: httpUrl('https://oaipmh.arxiv.org/oai'),
    PAPERBOY_ARXIV_CATEGORIES: z
      .string()
      .transform(toCategories)
      .refine(
        (list) => list.every(isArxivCategory),
        'must be arXiv categories separated by commas, such as cs.CL,cs.LG',
      )
      .optional(),
    PAPERBOY_CONTACT: z.email('must be an e-mail address (arXiv may write to it about your traffic)').optional(),
    // OpenAlex and Semantic Scholar (optional sources of citations, TL;DRs and author figures): off unless
    // switched on; the keys are sent to their service only and never printed.
    PAPERBOY_OPENALEX: onOff('off'),
    OPENALEX_API_KEY: z.string().optional(),
    OPENALEX_URL: httpUrl('https://api.openalex.org'),
    PAPERBOY_SEMANTIC_SCHOLAR: onOff('off'),
    SEMANTIC_SCHOLAR_API_KEY: z.string().optional(),
    SEMANTIC_SCHOLAR_URL: httpUrl('https://api.semanticscholar.org/graph/v1'),
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
    const count = config.DISCORD_SHARD_COUNT;
    if (config.DISCORD_SHARDS && count === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['DISCORD_SHARDS'],
        message:
          'needs DISCORD_SHARD_COUNT, the number of shards of the whole bot (DISCORD_SHARDS=0,1 with DISCORD_SHARD_COUNT=4 runs shards 0 and 1 of 4)',
      });
    }
    const outside = config.DISCORD_SHARDS?.filter((id) => count !== undefined && id >= count) ?? [];
    if (count !== undefined && outside.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['DISCORD_SHARDS'],
        message: `shard ${outside.join(', ')} is not below DISCORD_SHARD_COUNT=${count}: shards are numbered 0 to ${count - 1}`,
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

/**
 * The Discord shards this instance runs, or undefined to leave sharding to discord.js (one shard, as before).
 * With a count and no list, the instance runs every shard.
 */
export const discordShardsOf = (config: Config): { ids: number[]; count: number } | undefined => {
  const count = config.DISCORD_SHARD_COUNT;
  if (count === undefined) return undefined;
  return { ids: config.DISCORD_SHARDS ?? Array.from({ length: count }, (_, id) => id), count };
};

/** Which chat platforms the configuration turns on. */
export const platformsOf = (config: Config) => ({
  discord: config.DISCORD_TOKEN !== undefined,
  slack: config.SLACK_BOT_TOKEN !== undefined,
});
