import { randomUUID } from 'node:crypto';
import type { Logger as BoltLogger, LogLevel } from '@slack/bolt';
import { pino } from 'pino';
import type { Logger } from '../core/logger.ts';

/** Where log lines go: standard error (standard output stays for `--json` and chat answers). */
export interface LogStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface LoggerOptions {
  /** `LOG_LEVEL` (trace, debug, info, warn, error, fatal, silent), `LOG_FORMAT` (json or pretty) and the secrets to hide. */
  env?: NodeJS.ProcessEnv;
  /** More values to hide (tokens read from `.env`). */
  secrets?: readonly (string | undefined)[];
}

/**
 * Paperboy's {@link Logger}, in the shape Bolt also takes (the Slack app, discord.js and the posters get the same
 * one), that can carry a request's fields.
 */
export interface PaperboyLogger extends BoltLogger {
  child(fields: Record<string, unknown>): PaperboyLogger;
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
// Variables whose values never reach a log line, whatever logs them.
const SECRET_VARIABLES = ['DISCORD_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET'];
// Token shapes, found even when the value is not in the environment (another workspace's token in an error).
const SECRET_PATTERNS: RegExp[] = [
  /\bxox[a-z]-[A-Za-z0-9-]+/g,
  /\bxapp-[A-Za-z0-9-]+/g,
  // Discord bot tokens: base64 user id, timestamp, HMAC.
  /\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}/g,
  // A response_url answers as the bot for 30 minutes: whoever reads the log could post with it.
  /https?:\/\/hooks\.slack\.com\/[^\s"'\\]+/g,
];
// A value after a key that names a secret, in text or JSON (escaped or not): `token=…`, `"response_url":"…"`.
const SECRET_KEYS =
  /((?:response_?url|authorization|signing_?secret|token|secret)\\?["']?\s*[:=]\s*\\?["']?)(?:(?:Bot|Bearer)\s+)?[^\s"'\\,}]+/gi;

/** `line` with tokens, signing secrets and response_urls replaced by `[redacted]`. */
export function redact(line: string, secrets: readonly string[] = []): string {
  let out = line;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, '[redacted]');
  return out.replace(SECRET_KEYS, '$1[redacted]');
}

const secretsOf = (env: NodeJS.ProcessEnv, more: readonly (string | undefined)[]) =>
  [...SECRET_VARIABLES.map((name) => env[name]?.trim()), ...more]
    .filter((v): v is string => v !== undefined && v.length >= 4)
    .sort((a, b) => b.length - a.length);

/**
 * The logger of a serving process or a one-shot command: pino, always on `stream` (standard error). One JSON
 * object a line when `stream` is not a terminal (what log systems read), readable lines on a terminal;
 * `LOG_FORMAT=json|pretty` chooses, `LOG_LEVEL` filters (info by default). Every line is redacted.
 */
export function createLogger(stream: LogStream, options: LoggerOptions = {}): PaperboyLogger {
  const env = options.env ?? {};
  const format = env.LOG_FORMAT?.trim().toLowerCase() || (stream.isTTY ? 'pretty' : 'json');
  const wanted = env.LOG_LEVEL?.trim().toLowerCase() ?? '';
  const secrets = secretsOf(env, options.secrets ?? []);
  // On a terminal an error is one readable line; its stack is a detail, shown at debug (LOG_LEVEL=debug).
  const stacks = wanted === 'debug' || wanted === 'trace';
  const destination = {
    write(line: string) {
      const safe = redact(line, secrets);
      stream.write(format === 'pretty' ? prettyLine(safe, stacks) : safe);
    },
  };
  const root = pino(
    {
      level: LEVELS.includes(wanted) ? wanted : 'info',
      base: { name: 'paperboy' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return wrap(root);
}

function wrap(log: pino.Logger): PaperboyLogger {
  // Bolt and our call sites pass a message in parts, an Error among them: the error goes in `err` (with its stack).
  const write =
    (at: 'debug' | 'info' | 'warn' | 'error') =>
    (...parts: unknown[]) => {
      if (!log.isLevelEnabled(at)) return;
      const error = parts.find((p) => p instanceof Error);
      const text = parts
        .filter((p) => p !== error && p !== '')
        .map((p) => (typeof p === 'string' ? p : safeJson(p)))
        .join(' ');
      if (error) log[at]({ err: error }, text);
      else log[at](text);
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: (level: LogLevel) => {
      log.level = level;
    },
    getLevel: () => log.level as LogLevel,
    setName: (name: string) => {
      log.setBindings({ name });
    },
    child: (fields) => wrap(log.child(fields)),
  };
}

const safeJson = (value: unknown) => {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

/**
 * The logger for one request: its lines carry the platform, the command and an id to follow it by (the
 * platform's own id when it has one: Slack's event id or trigger id, Discord's interaction id).
 */
export function forRequest<L extends Logger>(
  logger: L,
  fields: { platform: string; command: string; requestId?: string | undefined },
): L {
  const requestId = fields.requestId || randomUUID().slice(0, 8);
  const bound = { platform: fields.platform, command: fields.command, requestId };
  return 'child' in logger && typeof logger.child === 'function'
    ? ((logger as unknown as PaperboyLogger).child(bound) as unknown as L)
    : logger;
}

const SHOWN_FIRST = ['platform', 'command', 'requestId'];
const NOT_SHOWN = new Set(['level', 'time', 'msg', 'name', 'pid', 'hostname', 'err', ...SHOWN_FIRST]);

/** One JSON log line as a person reads it: `12:00:01.234 INFO  [slack /paper 1a2b3c4d] answered ms=12`. */
export function prettyLine(json: string, stacks = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const level = String(entry.level ?? '')
    .toUpperCase()
    .padEnd(5);
  const context = SHOWN_FIRST.map((k) => entry[k]).filter((v) => v !== undefined);
  const rest = Object.entries(entry)
    .filter(([k]) => !NOT_SHOWN.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : safeJson(v)}`);
  const err = entry.err as { stack?: string; message?: string } | undefined;
  // pino gives the message with its causes (`fetch failed: connect ECONNREFUSED 127.0.0.1:9`): one line.
  const msg = String(entry.msg ?? '').replace(/:$/, '');
  const why = err?.message ? `${msg ? ': ' : ''}${err.message.replace(/\s*\n\s*/g, ' ')}` : '';
  const parts = [time, level, ...(context.length ? [`[${context.join(' ')}]`] : []), `${msg}${why}`, ...rest].filter(
    (p) => p !== '',
  );
  const stack = stacks && err?.stack ? `\n  ${err.stack.replace(/\n/g, '\n  ')}` : '';
  return `${parts.join(' ')}${stack}\n`;
}
