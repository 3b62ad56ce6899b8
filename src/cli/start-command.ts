import { startDiscord } from '../adapters/discord/discord-client.ts';
import { createLogger } from '../adapters/logger.ts';
import { startSlack } from '../adapters/slack/slack-app.ts';
import { runTerminalChat } from '../adapters/terminal/chat-loop.ts';
import { type Config, loadConfig, platformsOf } from '../config.ts';
import type { Chat } from '../core/commands/chat.ts';
import { createChat } from '../core/commands/chat.ts';
import { ingestPaths } from '../core/ingest/ingest-files.ts';
import { openSearch } from '../core/search/open-search.ts';
import { createSqliteStore } from '../core/store/sqlite-store.ts';
import { type CliIo, EXIT } from './io.ts';

const DEFER_WHEN_BEHIND = 20_000;

/**
 * `paperboy start`: loads the profiles folder (fast when nothing changed), then serves the configured
 * platforms, or opens the terminal chat when none is configured.
 */
export async function runStart(io: CliIo, flags: { db?: string; profiles?: string }): Promise<number> {
  const config = loadConfig(io.env);
  const dbPath = flags.db ?? config.PAPERBOY_DB;
  const platforms = platformsOf(config);
  const store = createSqliteStore(dbPath);
  try {
    const summary = await ingestPaths([flags.profiles ?? config.PAPERBOY_PROFILES], { store, clock: io.clock });
    for (const file of summary.files.filter((f) => f.status !== 'ok')) {
      for (const m of file.messages) io.stderr.write(`${m.severity}: ${m.message}\n`);
    }
    const { search, index } = openSearch(store, dbPath);
    const chat = createChat({ store, search });
    const { profiles, papers } = store.counts();
    if (platforms.discord || platforms.slack) {
      // Catching up this many changed papers takes about a second: answer Discord with a deferred reply then.
      const expectSlow = () => store.maxRev() - index.rev > DEFER_WHEN_BEHIND;
      await servePlatforms(chat, config, io, expectSlow);
      return EXIT.ok;
    }
    const greeting = `Paperboy · ${papers.toLocaleString('en-US')} papers from ${profiles.toLocaleString('en-US')} profiles. Try /paper sycophancy or /author Zac Hatfield-Dodds; /help lists everything, /quit leaves.`;
    await runTerminalChat(chat, { input: io.stdin, output: io.stdout, env: io.env }, greeting);
    return EXIT.ok;
  } finally {
    store.close();
  }
}

/** Serves every configured platform until SIGINT/SIGTERM (or the test's abort), then stops them all. */
async function servePlatforms(chat: Chat, config: Config, io: CliIo, expectSlow: () => boolean): Promise<void> {
  const logger = createLogger(io.stderr);
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
