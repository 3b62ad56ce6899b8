import { runTerminalChat } from '../adapters/terminal/chat-loop.ts';
import { loadConfig, platformsOf } from '../config.ts';
import { createChat } from '../core/commands/chat.ts';
import { PaperboyError } from '../core/errors.ts';
import { ingestPaths } from '../core/ingest/ingest-files.ts';
import { openSearch } from '../core/search/open-search.ts';
import { createSqliteStore } from '../core/store/sqlite-store.ts';
import { type CliIo, EXIT } from './io.ts';

/**
 * `paperboy start`: loads the profiles folder (fast when nothing changed), then serves the configured
 * platforms, or opens the terminal chat when none is configured.
 */
export async function runStart(io: CliIo, flags: { db?: string; profiles?: string }): Promise<number> {
  const config = loadConfig(io.env);
  const dbPath = flags.db ?? config.PAPERBOY_DB;
  const platforms = platformsOf(config);
  if (platforms.discord || platforms.slack) {
    const which = [platforms.discord ? 'Discord' : '', platforms.slack ? 'Slack' : ''].filter(Boolean).join(' and ');
    throw new PaperboyError(
      'invalid_config',
      `${which} ${platforms.discord && platforms.slack ? 'are' : 'is'} configured, but this version of Paperboy only has the terminal chat. Unset DISCORD_TOKEN and SLACK_BOT_TOKEN to use it.`,
    );
  }
  const store = createSqliteStore(dbPath);
  try {
    const summary = await ingestPaths([flags.profiles ?? config.PAPERBOY_PROFILES], { store, clock: io.clock });
    for (const file of summary.files.filter((f) => f.status !== 'ok')) {
      for (const m of file.messages) io.stderr.write(`${m.severity}: ${m.message}\n`);
    }
    const { search } = openSearch(store, dbPath);
    const chat = createChat({ store, search });
    const { profiles, papers } = store.counts();
    const greeting = `Paperboy · ${papers.toLocaleString('en-US')} papers from ${profiles.toLocaleString('en-US')} profiles. Try /paper sycophancy or /author Zac Hatfield-Dodds; /help lists everything, /quit leaves.`;
    await runTerminalChat(chat, { input: io.stdin, output: io.stdout, env: io.env }, greeting);
    return EXIT.ok;
  } finally {
    store.close();
  }
}
