import { existsSync } from 'node:fs';
import type { Logger } from '@slack/bolt';
import { startDiscord } from '../adapters/discord/discord-client.ts';
import { createLogger } from '../adapters/logger.ts';
import { startSlack } from '../adapters/slack/slack-app.ts';
import { runTerminalChat } from '../adapters/terminal/chat-loop.ts';
import { createTerminalPoster } from '../adapters/terminal/digest-poster.ts';
import { COLOUR, PLAIN } from '../adapters/terminal/render.ts';
import { type Config, loadConfig, platformsOf, resolveDbPath } from '../config.ts';
import { type Chat, createChat } from '../core/commands/chat.ts';
import type { Platform } from '../core/digest/digest-store.ts';
import { type DigestPoster, runDueDigests } from '../core/digest/run-digests.ts';
import { startTicker } from '../core/digest/ticker.ts';
import type { IngestSummary } from '../core/ingest/ingest-summary.ts';
import { createProfileWatcher } from '../core/ingest/profile-watcher.ts';
import { openSearch } from '../core/search/open-search.ts';
import { BOT_BUSY_TIMEOUT_MS } from '../core/store/busy.ts';
import { createSqliteDigests } from '../core/store/sqlite-digests.ts';
import { createSqliteStore } from '../core/store/sqlite-store.ts';
import { toPrintable } from '../core/text.ts';
import { createBotTick } from './bot-tick.ts';
import { type CliIo, EXIT } from './io.ts';
import { platformPosters } from './platform-posters.ts';
import { secretsOf } from './secrets.ts';

const DEFER_WHEN_BEHIND = 20_000;
// How long a tick waits for another process's write lock, on a timer, before leaving its work to the next
// tick: a little under the minute between ticks. At start, before serving, a shorter wait.
const TICK_BUSY_WAIT_MS = 45_000;
const START_BUSY_WAIT_MS = 30_000;

/**
 * `paperboy start`: loads the profiles folder (fast when nothing changed), then serves the configured
 * platforms, or opens the terminal chat when none is configured.
 */
export async function runStart(io: CliIo, flags: { db?: string; profiles?: string }): Promise<number> {
  const config = loadConfig(io.env);
  const dbPath = resolveDbPath(flags.db, io.env);
  const platforms = platformsOf(config);
  // Each SQLite call waits only briefly for another process's lock (the wait blocks the event loop);
  // the ticker waits the rest out on a timer and chat commands answer that the database is busy.
  const store = createSqliteStore(dbPath, { busyTimeoutMs: BOT_BUSY_TIMEOUT_MS });
  const profiles = flags.profiles ?? config.PAPERBOY_PROFILES;
  const logger = createLogger(io.stderr, { env: io.env, secrets: secretsOf(config) });
  try {
    const report = (summary: IngestSummary | undefined) => {
      for (const file of summary?.files.filter((f) => f.status !== 'ok') ?? []) {
        for (const m of file.messages) io.stderr.write(toPrintable(`${m.severity}: ${m.message}\n`));
      }
    };
    const stopping = new AbortController();
    io.signal?.addEventListener('abort', () => stopping.abort(), { once: true });
    const log = (line: string) => logger.info(line);
    // Not an error (a bot may run on the database alone), but a typo here would otherwise go unnoticed.
    if (!existsSync(profiles))
      logger.warn(
        `the profiles folder ${profiles} does not exist: no pages are loaded until it does. Set PAPERBOY_PROFILES or --profiles to the folder of profile pages.`,
      );
    // Every minute: load pages added or changed under the profiles folder, then post the digests that are due.
    // Papers ingested by another process are already in the database; the index catches up at the next query.
    const bot = createBotTick({
      watcher: createProfileWatcher(store, profiles),
      // Called only after the search and the posters below exist.
      runDigests: () =>
        runDueDigests({
          store,
          digests,
          search,
          posters,
          now: io.clock(),
          maxLateMinutes: config.PAPERBOY_DIGEST_MAX_LATE,
          log,
        }),
      clock: io.clock,
      report,
      log,
      signal: stopping.signal,
    });
    await bot.loadPages(START_BUSY_WAIT_MS);
    const { search, index } = openSearch(store, dbPath);
    const digests = createSqliteDigests(store.db);
    const chat = createChat({
      store,
      search,
      clock: io.clock,
      digests: { digests, clock: io.clock, defaultTz: config.PAPERBOY_TZ },
    });
    const serving = platforms.discord || platforms.slack;
    const style = !serving && io.stdout.isTTY && !io.env.NO_COLOR ? COLOUR : PLAIN;
    const posters: Partial<Record<Platform, DigestPoster>> = {
      ...platformPosters(config, logger),
      ...(serving ? {} : { terminal: createTerminalPoster((text) => io.stdout.write(`${text}\n`), style) }),
    };
    // The first run catches up with digests missed while the bot was down.
    await bot.postDigests(START_BUSY_WAIT_MS);
    const ticker = startTicker(
      () => bot.tick(TICK_BUSY_WAIT_MS),
      (error) => logger.error('paperboy digest_failed:', error),
    );
    try {
      if (serving) {
        // Catching up this many changed papers takes about a second: answer Discord with a deferred reply then.
        const expectSlow = () => store.maxRev() - index.rev > DEFER_WHEN_BEHIND;
        await servePlatforms(chat, config, io, logger, expectSlow);
        return EXIT.ok;
      }
      const { profiles: profileCount, papers } = store.counts();
      const greeting = `Paperboy · ${papers.toLocaleString('en-US')} papers from ${profileCount.toLocaleString('en-US')} profiles. Try /paper sycophancy or /author Zac Hatfield-Dodds; /help lists everything, /quit leaves.`;
      await runTerminalChat(chat, { input: io.stdin, output: io.stdout, env: io.env }, greeting);
      return EXIT.ok;
    } finally {
      stopping.abort();
      await ticker.stop();
    }
  } finally {
    store.close();
  }
}

/** Serves every configured platform until SIGINT/SIGTERM (or the test's abort), then stops them all. */
async function servePlatforms(
  chat: Chat,
  config: Config,
  io: CliIo,
  logger: Logger,
  expectSlow: () => boolean,
): Promise<void> {
  const stops: (() => Promise<void>)[] = [];
  try {
    if (config.DISCORD_TOKEN) {
      const discord = await startDiscord(
        chat,
        { token: config.DISCORD_TOKEN, apiUrl: config.DISCORD_API_URL },
        logger,
        expectSlow,
      );
      stops.push(discord.stop);
    }
    if (config.SLACK_BOT_TOKEN) {
      const slack = await startSlack(
        chat,
        {
          botToken: config.SLACK_BOT_TOKEN,
          ...(config.SLACK_SIGNING_SECRET ? { signingSecret: config.SLACK_SIGNING_SECRET } : {}),
          ...(config.SLACK_APP_TOKEN ? { appToken: config.SLACK_APP_TOKEN } : {}),
          ...(config.SLACK_API_URL ? { apiUrl: config.SLACK_API_URL } : {}),
          port: config.PORT,
        },
        logger,
      );
      stops.push(slack.stop);
    }
    logger.info('paperboy: serving; stop with Ctrl-C (SIGINT) or SIGTERM');
    await new Promise<void>((resolve) => {
      if (!io.signal || io.signal.aborted) return resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    logger.info('paperboy: stopping');
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}
