import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { startDiscord } from '../adapters/discord/discord-client.ts';
import { createLogger, type PaperboyLogger } from '../adapters/logger.ts';
import { startSlack } from '../adapters/slack/slack-app.ts';
import { runTerminalChat } from '../adapters/terminal/chat-loop.ts';
import { createTerminalPoster } from '../adapters/terminal/digest-poster.ts';
import { COLOUR, PLAIN } from '../adapters/terminal/render.ts';
import { type Config, envValue, loadConfig, platformsOf, readEnvFile, resolveStoreTarget } from '../config.ts';
import { ARXIV_LEASE_MS, describeDailySync, runDailySync } from '../core/arxiv/arxiv-sync.ts';
import { type Chat, createChat } from '../core/commands/chat.ts';
import { runDueDigests } from '../core/digest/run-digests.ts';
import { startTicker } from '../core/digest/ticker.ts';
import { createAuthorFigures } from '../core/enrich/author-figures.ts';
import { createBackgroundEnrichment } from '../core/enrich/background-enrichment.ts';
import { runEnrichment } from '../core/enrich/run-enrichment.ts';
import { PaperboyError } from '../core/errors.ts';
import type { IngestSummary } from '../core/ingest/ingest-summary.ts';
import { createProfileWatcher } from '../core/ingest/profile-watcher.ts';
import { openSearch } from '../core/search/open-search.ts';
import { BOT_BUSY_TIMEOUT_MS } from '../core/store/busy.ts';
import type { EventLedger } from '../core/store/event-ledger.ts';
import { countOf, toPrintable } from '../core/text.ts';
import { createBotTick } from './bot-tick.ts';
import { leaseOf, platformTimeoutOf } from './digest-lease-env.ts';
import { discordSettings } from './discord-settings.ts';
import { createReadiness, type Readiness, startHealthServer } from './health-server.ts';
import { type CliIo, EXIT } from './io.ts';
import { linkLookupFrom } from './link-lookup.ts';
import { openStores, type Stores } from './open-stores.ts';
import { platformPosters } from './platform-posters.ts';
import { enrichOwner, openAlexClientFor, semanticScholarClientFor } from './scholarly-clients.ts';
import { secretsOf } from './secrets.ts';
import { stopTakingDigests } from './shutdown.ts';

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
  const platforms = platformsOf(config);
  // A server (PORT set, as under the systemd unit, whose input is /dev/null) with no platform would serve
  // nothing and stop after the health line: say so and exit 2, which the unit does not restart.
  if (explicitPort(io.env) && !platforms.discord && !platforms.slack) {
    throw new PaperboyError(
      'usage',
      'PORT is set, so start runs as a server, but no platform is configured: there is nothing to serve. Set DISCORD_TOKEN (Discord) or SLACK_BOT_TOKEN (Slack) in the environment or in .env, or unset PORT to chat in the terminal.',
    );
  }
  // Test knob (tests that kill an instance mid-post): a shorter digest lease.
  const lease = leaseOf(io.env);
  const logger = createLogger(io.stderr, { env: io.env, secrets: secretsOf(config) });
  // Each SQLite call waits only briefly for another process's lock (the wait blocks the event loop);
  // the ticker waits the rest out on a timer and chat commands answer that the database is busy.
  const stores = await openStores(resolveStoreTarget(flags.db, io.env), {
    busyTimeoutMs: BOT_BUSY_TIMEOUT_MS,
    env: io.env,
    log: (line) => logger.info(line),
  });
  const { store, digests, text } = stores;
  const profiles = flags.profiles ?? config.PAPERBOY_PROFILES;
  const readiness = createReadiness(stores.probe, platformNames(platforms));
  // GET /healthz and /readyz when PORT is set; in Slack HTTP mode Bolt serves them on that port instead.
  let health: { stop(): Promise<void> } | undefined;
  try {
    // Slack HTTP mode: Bolt serves them on PORT once Slack starts; until then (loading the profiles, catching up
    // with digests, which can take minutes) this server answers there, so a liveness probe does not kill a start.
    const slackHttp = config.SLACK_BOT_TOKEN !== undefined && !config.SLACK_APP_TOKEN;
    if (explicitPort(io.env) || slackHttp) health = await startHealthServer(config.PORT, readiness, logger);
    const report = (summary: IngestSummary | undefined) => {
      // Which instance loaded a page (on PostgreSQL, the one holding the watcher's lock).
      // The first tick reads every page; those whose papers are all stored already changed nothing to report.
      if (summary?.files.length && summary.totals.newPapers + summary.totals.updatedPapers > 0) {
        // Pages name their profile; the other files are `.jsonl` records beside them (the sample's arXiv ids).
        const pages = summary.files.filter((f) => f.profile !== undefined).length;
        const records = summary.files.length - pages;
        const loaded = [
          ...(pages > 0 || records === 0 ? [countOf(pages, 'new or changed profile page')] : []),
          ...(records > 0 ? [countOf(records, 'new or changed record file')] : []),
        ].join(' and ');
        logger.info(`paperboy: loaded ${loaded} from ${profiles}: ${countOf(summary.totals.newPapers, 'new paper')}`);
      }
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
    // arXiv: with PAPERBOY_ARXIV_CATEGORIES set, the day's listing is synced before the digests run,
    // so its papers reach them; a failure is logged and leaves the digests to go out as usual.
    // On PostgreSQL the arXiv sync and the folder watcher run on one instance at a time: the one holding the
    // lock, asked again at each tick, so another takes over when the holder dies (docs/instances.md).
    const holds = (name: string, what: string) => lockGate(stores, name, what, log, (line) => logger.warn(line));
    const syncArxiv = arxivDailySync(
      config,
      stores,
      io,
      log,
      (line) => logger.warn(line),
      holds('arxiv-sync', 'the arXiv daily sync'),
      stopping.signal,
    );
    // Every minute: load pages added or changed under the profiles folder, then post the digests that are due.
    // Papers ingested by another process are already in the database; the index catches up at the next query.
    // OpenAlex and Semantic Scholar, when switched on: at most an hour apart, in the background of the tick (never
    // awaited: answers and digests do not wait on them); one instance at a time through the enrichment lease.
    // One client per service, shared by papers and authors: one request at a time per service.
    const openalex = openAlexClientFor(config, (line) => logger.warn(line));
    const semanticScholar = semanticScholarClientFor(config, (line) => logger.warn(line));
    const lookups = [openalex, semanticScholar].filter((c) => c !== undefined);
    const enricher =
      lookups.length > 0
        ? createBackgroundEnrichment({
            run: (signal) =>
              runEnrichment({
                store: stores.enrichment,
                lookups,
                clock: io.clock,
                owner: enrichOwner(),
                limit: BACKGROUND_ENRICH_LIMIT,
                signal,
                log: (line) => logger.warn(line),
              }),
            clock: io.clock,
            log,
            warn: (line) => logger.warn(line),
          })
        : undefined;
    const bot = createBotTick({
      watcher: createProfileWatcher(store, profiles),
      mayWatch: holds('profile-watcher', `the profile-folder watcher (${profiles})`),
      // Called only after the search and the posters below exist.
      runDigests: async () => {
        enricher?.poke();
        await syncArxiv();
        return runDueDigests({
          store,
          digests,
          figures: stores.enrichment,
          taste: stores.taste,
          search,
          posters,
          now: io.clock(),
          maxLateMinutes: config.PAPERBOY_DIGEST_MAX_LATE,
          log,
          // The bot runs on the real clock: ledger rows more than a day past the database's are stale. This
          // machine's clock (`Date.now`) is checked against the database's, which times the leases.
          realTime: true,
          ...lease,
        });
      },
      clock: io.clock,
      report,
      log,
      signal: stopping.signal,
    });
    await bot.loadPages(START_BUSY_WAIT_MS);
    const { search, index } = await openSearch(
      { store, text, citations: stores.enrichment, vectors: stores.taste },
      stores.searchPath,
    );
    readiness.indexReady(index);
    const chat = createChat({
      store,
      search,
      taste: stores.taste,
      readLibrary: async (path) => (await import('./saved-import-command.ts')).readBibFile(path),
      clock: io.clock,
      arxiv: linkLookupFrom(config),
      onLookupError: (error) => logger.warn('paperboy arxiv_unreachable: a pasted link was not looked up', error),
      figures: stores.enrichment,
      authorFigures: createAuthorFigures({
        store: stores.enrichment,
        source: openalex,
        clock: io.clock,
        warn: (line) => logger.warn(line),
      }),
      digests: { digests, clock: io.clock, defaultTz: config.PAPERBOY_TZ },
    });
    const serving = platforms.discord || platforms.slack;
    const style = !serving && io.stdout.isTTY && !io.env.NO_COLOR ? COLOUR : PLAIN;
    // Once stopping, a digest run takes no further subscription: the one in flight finishes and is recorded.
    const posters = stopTakingDigests(
      {
        ...platformPosters(config, logger, platformTimeoutOf(io.env)),
        ...(serving ? {} : { terminal: createTerminalPoster((text) => io.stdout.write(`${text}\n`), style) }),
      },
      stopping.signal,
    );
    // The first run catches up with digests missed while the bot was down.
    await bot.postDigests(START_BUSY_WAIT_MS);
    const ticker = startTicker(
      () => bot.tick(TICK_BUSY_WAIT_MS),
      (error) => logger.error('paperboy digest_failed:', error),
      tickSecondsOf(io.env),
    );
    try {
      if (serving) {
        // Catching up this many changed papers takes about a second: answer Discord with a deferred reply then.
        // On SQLite the text index reads the store's rev without a round trip: Discord's 3 s deadline is decided at
        // once. On PostgreSQL the store's rev is a round trip away: the probe's last count of papers past what this
        // instance holds (asked again in the background) decides, and a store that does not answer means defer.
        const expectSlow = () => {
          if (stores.kind === 'sqlite') return text.rev() - index.rev > DEFER_WHEN_BEHIND;
          try {
            return stores.probe.behind(Math.min(text.rev(), index.rev)) > DEFER_WHEN_BEHIND;
          } catch {
            return true;
          }
        };
        await servePlatforms(chat, config, io, logger, expectSlow, readiness, stores.events, async () => {
          await health?.stop();
          health = undefined;
        });
        return EXIT.ok;
      }
      const { profiles: profileCount, papers } = await store.counts();
      const greeting = `Paperboy · ${countOf(papers, 'paper')} from ${countOf(profileCount, 'profile')}. Try /paper sycophancy or /author Zac Hatfield-Dodds; /help lists everything, /quit leaves.`;
      await runTerminalChat(
        chat,
        { input: io.stdin, output: io.stdout, env: io.env, ...(io.signal ? { signal: io.signal } : {}) },
        greeting,
      );
      return EXIT.ok;
    } finally {
      stopping.abort();
      readiness.stopping();
      // The digest in flight finishes (and records itself) before the database closes, and so does the sync.
      await ticker.stop();
      await enricher?.stop();
      await syncArxiv.idle();
    }
  } finally {
    readiness.stopping();
    await health?.stop();
    // Closes the pool and gives up this instance's locks, so another instance takes them at its next tick.
    await stores.close();
  }
}

/**
 * Whether this instance may run `what` now: it holds the instance lock `name` (always on SQLite). Logged when that
 * changes, on PostgreSQL; a store that cannot be asked counts as not holding it, logged as that and not as
 * another instance's hold (the next tick asks again).
 */
export function lockGate(
  stores: Pick<Stores, 'kind' | 'locks'>,
  name: string,
  what: string,
  log: (line: string) => void,
  warn: (line: string) => void,
): () => Promise<boolean> {
  let last: boolean | undefined;
  return async () => {
    let held = false;
    try {
      held = await stores.locks.tryHold(name);
    } catch (error) {
      warn(
        `paperboy lock_failed: could not ask for the lock ${name}: ${(error as Error).message} (asked again at the next tick)`,
      );
      // Not "another instance runs it": nobody may. Nothing runs until the store answers again.
      return false;
    }
    if (held !== last && stores.kind === 'postgres')
      log(
        held
          ? `paperboy: this instance runs ${what} (it holds the lock ${name})`
          : `paperboy: another instance runs ${what} (it holds the lock ${name}); this one takes over when it stops`,
      );
    last = held;
    return held;
  };
}

/**
 * How long the digests of a tick wait for the arXiv sync before going out without it (README, "Limits"). A
 * slow or unreachable arXiv held them (and, at start, the platforms) about 155 s: four tries of 30 s and the
 * back-off between them. The sync goes on in the background; papers it stores later reach the next digests,
 * being new by ingest order.
 */
export const DIGESTS_WAIT_FOR_ARXIV_MS = 10_000;

/**
 * The daily arXiv sync of a running bot, or a no-op when PAPERBOY_ARXIV_CATEGORIES is unset: from 00:30 New
 * York time, every 30 minutes until the day's listing is in, one runner at a time across processes. It never
 * throws (errors are logged), so the digests after it run whatever happened, and it resolves within
 * {@link DIGESTS_WAIT_FOR_ARXIV_MS}: a sync still running then goes on, and the next call waits for that one
 * rather than starting another.
 */
function arxivDailySync(
  config: Config,
  stores: Pick<Stores, 'store' | 'arxiv'>,
  io: CliIo,
  log: (line: string) => void,
  warn: (line: string) => void,
  mayRun: () => Promise<boolean>,
  stopping: AbortSignal,
): (() => Promise<void>) & { idle(): Promise<void> } {
  const categories = config.PAPERBOY_ARXIV_CATEGORIES ?? [];
  if (!categories.length) return Object.assign(async () => {}, { idle: async () => {} });
  // Loaded only when arXiv is on: a bot without it does not load the XML parser.
  const client = import('./arxiv-command.ts').then(({ arxivClientFor }) => arxivClientFor(config, log));
  const { store, arxiv: state } = stores;
  const runner = { owner: `runner-${randomUUID()}`, leaseMs: ARXIV_LEASE_MS, clock: () => io.clock().getTime() };
  const sync = async () => {
    if (!(await mayRun())) return;
    try {
      const result = await runDailySync({
        store,
        state,
        // Stopping the bot stops a fetch in flight (its retries included).
        fetchListing: async (cats) => (await client).fetchListing(cats, stopping),
        categories,
        runner,
      });
      if (result) log(`paperboy arxiv: ${describeDailySync(result)}`);
    } catch (error) {
      if (stopping.aborted) return;
      warn(`paperboy arxiv_sync_failed: ${(error as Error).message} (tried again in 30 minutes)`);
    }
  };
  let running: Promise<void> | undefined;
  const waitBounded = async () => {
    running ??= sync().finally(() => {
      running = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), DIGESTS_WAIT_FOR_ARXIV_MS);
    });
    const outcome = await Promise.race([running.then(() => 'done' as const), waited]);
    clearTimeout(timer);
    if (outcome === 'late')
      warn(
        `paperboy arxiv_sync_slow: arXiv has not answered within ${DIGESTS_WAIT_FOR_ARXIV_MS / 1000} s; the digests go out without waiting (the sync goes on, its papers reach the next digests)`,
      );
  };
  // At shutdown, after `stopping` aborted its fetch: the sync has ended before the store closes.
  return Object.assign(waitBounded, { idle: async () => running });
}

/**
 * `PAPERBOY_TICK_SECONDS` (1 to 59) ticks that often instead of every minute: for tests of another instance taking
 * over the watcher or the arXiv sync. Unset in production.
 */
/** Papers a background enrichment run considers at most (one run an hour). */
const BACKGROUND_ENRICH_LIMIT = 500;

function tickSecondsOf(env: NodeJS.ProcessEnv): number | undefined {
  const raw = envValue(env, 'PAPERBOY_TICK_SECONDS');
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 59)
    throw new PaperboyError(
      'usage',
      `PAPERBOY_TICK_SECONDS "${raw}" is not a whole number of seconds from 1 to 59. Unset it (every minute).`,
    );
  return seconds;
}

const platformNames = (platforms: { discord: boolean; slack: boolean }) =>
  (['discord', 'slack'] as const).filter((p) => platforms[p]);

/** PORT given in the environment or `.env` (not the default): the health endpoints are wanted. */
const explicitPort = (env: NodeJS.ProcessEnv) =>
  (envValue(env, 'PORT') ?? envValue(readEnvFile(), 'PORT')) !== undefined;

/** Serves every configured platform until SIGINT/SIGTERM (or the test's abort), then stops them all. */
async function servePlatforms(
  chat: Chat,
  config: Config,
  io: CliIo,
  logger: PaperboyLogger,
  expectSlow: () => boolean,
  readiness: Readiness,
  /** Slack events already taken by any instance on the store. */
  events: EventLedger,
  /** Frees PORT for Bolt (Slack HTTP mode) just before it listens there. */
  beforeSlackListens: () => Promise<void>,
): Promise<void> {
  const stops: (() => Promise<void>)[] = [];
  // A signal while a platform is still starting (Slack's auth.test retrying an unreachable API) stops start
  // there: nothing is in flight yet, so start exits 0 without waiting for the platform's retries.
  const unlessStopped = <T>(starting: Promise<T>): Promise<T | undefined> =>
    new Promise((resolve, reject) => {
      if (io.signal?.aborted) return resolve(undefined);
      io.signal?.addEventListener('abort', () => resolve(undefined), { once: true });
      starting.then((started) => {
        // Started after the signal: stop it at once.
        if (io.signal?.aborted) (started as { stop?: () => Promise<void> }).stop?.().catch(() => {});
        resolve(started);
      }, reject);
    });
  try {
    if (config.DISCORD_TOKEN) {
      const discord = await unlessStopped(
        startDiscord(chat, discordSettings(config, config.DISCORD_TOKEN), logger, expectSlow),
      );
      if (!discord) return;
      stops.push(discord.stop);
      if (io.signal?.aborted) return;
      readiness.platformUp('discord', discord.connected);
    }
    if (config.SLACK_BOT_TOKEN) {
      const slack = await unlessStopped(
        startSlack(
          chat,
          {
            botToken: config.SLACK_BOT_TOKEN,
            ...(config.SLACK_SIGNING_SECRET ? { signingSecret: config.SLACK_SIGNING_SECRET } : {}),
            ...(config.SLACK_APP_TOKEN ? { appToken: config.SLACK_APP_TOKEN } : {}),
            ...(config.SLACK_API_URL ? { apiUrl: config.SLACK_API_URL } : {}),
            port: config.PORT,
            readyz: () => readiness.answer('/readyz') ?? { status: 200, body: '{"ready":true}' },
            beforeListen: beforeSlackListens,
            events,
          },
          // Bolt's "http request failed fetch failed" names no address: its lines carry the Web API's.
          'child' in logger && typeof logger.child === 'function'
            ? (logger as PaperboyLogger).child({ slackApi: config.SLACK_API_URL ?? 'https://slack.com/api/' })
            : logger,
        ),
      );
      if (!slack) return;
      stops.push(slack.stop);
      if (io.signal?.aborted) return;
      readiness.platformUp('slack', slack.connected);
    }
    logger.info('paperboy: serving; stop with Ctrl-C (SIGINT) or SIGTERM');
    await new Promise<void>((resolve) => {
      if (!io.signal || io.signal.aborted) return resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    logger.info('paperboy: stopping: no new work; finishing what is in flight');
    readiness.stopping();
    for (const stop of stops.reverse()) await stop();
  }
}
